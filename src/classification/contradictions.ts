import type { Text } from '../rulesets/types';
import { CLINICAL_PURPOSES, LAY_USERS, NON_CLINICAL_PURPOSES, type Profile } from './profile';

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
    code: 'population_output_with_clinical_decision',
    fields: ['individualPatient', 'significance'],
    text: {
      en: 'The output is declared not to concern an individual patient, yet it is declared to treat, diagnose or drive the clinical management of a patient.',
      ru: 'Заявлено, что результат не относится к конкретному пациенту, но одновременно заявлено, что он используется для лечения, диагностики или управления клинической тактикой ведения пациента.',
    },
    // Generic pathways not directed to a patient (MDCG 2019-11 step 4) stay possible: significance inform or none.
    test: (p) => p.individualPatient === false && (p.significance === 'treat_or_diagnose' || p.significance === 'drive'),
  },
  {
    code: 'learned_model_declared_as_fixed_calculation',
    fields: ['dataAction', 'modelType', 'medicalPurpose'],
    text: {
      en: 'A learned model (machine learning, deep learning, generative or agentic) with a clinical purpose interprets data: it cannot be only a fixed calculation, storage or display.',
      ru: 'Обученная модель (машинное обучение, глубокое обучение, генеративная или агентная) с клиническим назначением интерпретирует данные: она не может сводиться к расчёту по заданным формулам, хранению или отображению.',
    },
    test: (p) => (p.dataAction === 'fixed_calculation' || p.dataAction === 'store_transfer_display') && p.modelType !== 'rule_based' && CLINICAL_PURPOSES.has(p.medicalPurpose),
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

/** Each check's contradiction, built once (frozen: every profile that contradicts itself so shares it). */
const FOUND: ReadonlyArray<Contradiction> = CHECKS.map(({ code, fields, text }) => Object.freeze({ code, fields, text }));

export function findContradictions(profile: Profile): Contradiction[] {
  const out: Contradiction[] = [];
  for (let i = 0; i < CHECKS.length; i++) if (CHECKS[i].test(profile)) out.push(FOUND[i]);
  return out;
}

