import type { Text } from '../rulesets/types';
import { LAY_USERS, NON_CLINICAL_PURPOSES, type Profile } from './profile';

/**
 * Profiles that are valid JSON yet contradict themselves. Such a profile is still classified,
 * but each framework whose rule pack reads the contradiction answers `requires_review`:
 * declaring inconsistent facts must never talk a system into a lower class.
 */
export type Contradiction = { code: string; fields: string[]; text: Text };

type Check = { code: string; fields: string[]; text: Text; test: (p: Profile) => boolean };

const DECISION_PURPOSES = new Set<Profile['medicalPurpose']>(['diagnosis', 'screening', 'triage', 'prognosis', 'treatment']);

const CHECKS: Check[] = [
  {
    code: 'non_medical_purpose_with_clinical_significance',
    fields: ['medicalPurpose', 'significance'],
    text: {
      en: 'The declared purpose is not clinical, yet the output is declared to treat, diagnose or drive clinical management.',
      ru: 'Заявленное назначение не является клиническим, однако результат заявлен как используемый для лечения, диагностики или управления клинической тактикой.',
    },
    test: (p) => NON_CLINICAL_PURPOSES.has(p.medicalPurpose) && (p.significance === 'treat_or_diagnose' || p.significance === 'drive'),
  },
  {
    code: 'display_only_with_clinical_decision',
    fields: ['dataAction', 'medicalPurpose'],
    text: {
      en: 'Software that only stores, transfers or displays data cannot by itself diagnose, screen, triage, predict or treat.',
      ru: 'Программа, которая только хранит, передаёт или отображает данные, сама по себе не может диагностировать, проводить скрининг, сортировку, прогноз или лечение.',
    },
    test: (p) => p.dataAction === 'store_transfer_display' && DECISION_PURPOSES.has(p.medicalPurpose),
  },
  {
    code: 'autonomous_reviewable_lay_only',
    fields: ['autonomy', 'reviewableBasis', 'intendedUsers'],
    text: {
      en: 'An autonomous output used only by lay users cannot have a basis that a professional reviews independently.',
      ru: 'Автономный результат, которым пользуются только непрофессионалы, не может иметь основание, независимо проверяемое специалистом.',
    },
    test: (p) => p.autonomy === 'autonomous' && p.reviewableBasis === true && p.intendedUsers.every((u) => LAY_USERS.has(u)),
  },
  {
    code: 'vital_parameters_without_physiological_monitoring',
    fields: ['monitoring.vitalParameters', 'monitoring.physiological'],
    text: {
      en: 'Vital parameters are physiological: monitoring them while declaring no physiological monitoring is contradictory.',
      ru: 'Жизненно важные параметры физиологичны: их мониторинг при заявленном отсутствии мониторинга физиологических процессов противоречив.',
    },
    test: (p) => p.monitoring?.vitalParameters === true && p.monitoring.physiological === false,
  },
  {
    code: 'immediate_danger_without_monitoring',
    fields: ['monitoring.immediateDanger', 'monitoring.physiological'],
    text: {
      en: 'Immediate danger from parameter variations is declared, but nothing physiological is monitored.',
      ru: 'Заявлена непосредственная опасность от изменений параметров, но мониторинг физиологических процессов не заявлен.',
    },
    test: (p) => p.monitoring?.immediateDanger === true && p.monitoring.physiological === false,
  },
];

export function findContradictions(profile: Profile): Contradiction[] {
  return CHECKS.filter((c) => c.test(profile)).map(({ code, fields, text }) => ({ code, fields, text }));
}

export const CONTRADICTION_CODES = CHECKS.map((c) => c.code);
