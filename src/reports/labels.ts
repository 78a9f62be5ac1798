import type { Lang } from '../rulesets/types';

/** Every fixed string of the assessment report, in both languages. */
const LABELS = {
  title: { en: 'Assessment report', ru: 'Отчёт об оценке' },
  subtitle: { en: 'Risk classification and certification of AI medical software', ru: 'Классификация риска и сертификация медицинского ПО с ИИ' },
  asOf: { en: 'State as of', ru: 'Состояние на' },
  language: { en: 'Language', ru: 'Язык' },

  identification: { en: 'Application and system', ru: 'Заявка и система' },
  applicationId: { en: 'Application', ru: 'Заявка' },
  kind: { en: 'Kind', ru: 'Вид' },
  reReviewReason: { en: 'Reason for re-review', ru: 'Основание повторной экспертизы' },
  state: { en: 'State', ru: 'Состояние' },
  riskTier: { en: 'Risk tier', ru: 'Уровень риска' },
  fourEyes: { en: 'Four eyes', ru: 'Принцип четырёх глаз' },
  systemId: { en: 'System', ru: 'Система' },
  systemName: { en: 'System name', ru: 'Наименование системы' },
  manufacturer: { en: 'Manufacturer', ru: 'Производитель' },
  registeredVersion: { en: 'Registered version', ru: 'Зарегистрированная версия' },
  applicant: { en: 'Applicant', ru: 'Заявитель' },
  centre: { en: 'Certification centre', ru: 'Орган по сертификации' },
  assignee: { en: 'Assigned reviewer', ru: 'Назначенный эксперт' },
  createdAt: { en: 'Opened', ru: 'Открыта' },
  submittedAt: { en: 'Submitted', ru: 'Подана' },
  decidedAt: { en: 'Decided', ru: 'Решение принято' },
  profileHash: { en: 'Profile hash', ru: 'Хеш профиля' },

  profile: { en: 'Profile', ru: 'Профиль' },

  classification: { en: 'Classification by framework', ru: 'Классификация по системам регулирования' },
  engineClass: { en: 'Class (engine)', ru: 'Класс (движок)' },
  effectiveClass: { en: 'Class (effective)', ru: 'Класс (действующий)' },
  disposition: { en: 'Disposition', ru: 'Статус решения' },
  ruleset: { en: 'Rule pack', ru: 'Набор правил' },
  rulesetHash: { en: 'Rule pack hash', ru: 'Хеш набора правил' },
  pathway: { en: 'Pathway', ru: 'Процедура' },
  reasons: { en: 'Reasons', ru: 'Основания' },
  source: { en: 'Source', ru: 'Источник' },
  noClass: { en: 'none', ru: 'нет' },

  overrides: { en: 'Overrides', ru: 'Переопределения класса' },
  noOverrides: { en: 'No overrides.', ru: 'Переопределений нет.' },
  overrideLine: { en: 'from {from} to {to}', ru: 'с {from} на {to}' },
  justification: { en: 'Justification', ru: 'Обоснование' },
  by: { en: 'By', ru: 'Кем' },
  at: { en: 'When', ru: 'Когда' },

  evidence: { en: 'Evidence checklist', ru: 'Перечень доказательств' },
  requiredBy: { en: 'Required by', ru: 'Требуется' },
  status: { en: 'Status', ru: 'Статус' },
  notApplicableReason: { en: 'Not applicable because', ru: 'Неприменимо, так как' },
  review: { en: 'Review', ru: 'Экспертиза' },
  reviewer: { en: 'Reviewer', ru: 'Эксперт' },
  comment: { en: 'Comment', ru: 'Комментарий' },
  validity: { en: 'Validity', ru: 'Срок действия' },
  documents: { en: 'Documents', ru: 'Документы' },
  noDocuments: { en: 'none', ru: 'нет' },

  countersignatures: { en: 'Countersignatures', ru: 'Вторые подписи' },

  decision: { en: 'Decision', ru: 'Решение' },
  noDecision: { en: 'No decision yet.', ru: 'Решение ещё не принято.' },
  transition: { en: 'Action', ru: 'Действие' },
  date: { en: 'Date', ru: 'Дата' },
  history: { en: 'History', ru: 'История' },

  certificate: { en: 'Certificate', ru: 'Сертификат' },
  noCertificate: { en: 'No certificate has been issued.', ru: 'Сертификат не выдан.' },
  certificateNumber: { en: 'Number', ru: 'Номер' },
  issuedAt: { en: 'Issued', ru: 'Выдан' },
  validUntil: { en: 'Valid until', ru: 'Действителен до' },
  reReviewRequired: { en: 'Re-review required', ru: 'Требуется повторная экспертиза' },

  audit: { en: 'Audit trail summary', ru: 'Сводка журнала аудита' },
  auditCount: { en: 'Entries', ru: 'Записей' },
  auditFirst: { en: 'First entry', ru: 'Первая запись' },
  auditLast: { en: 'Last entry', ru: 'Последняя запись' },
  auditActions: { en: 'Actions', ru: 'Действия' },
  auditLastHash: { en: 'Hash of the last entry', ru: 'Хеш последней записи' },
  auditCheckpoint: { en: 'Latest signed checkpoint of the whole trail', ru: 'Последняя подписанная контрольная точка всего журнала' },
  auditCheckpointJws: { en: 'Checkpoint signature (JWS; keys: /.well-known/jwks.json)', ru: 'Подпись контрольной точки (JWS; ключи: /.well-known/jwks.json)' },
  certificateSignature: { en: 'Signature of the certificate (JWS, EdDSA; keys: /.well-known/jwks.json)', ru: 'Подпись сертификата (JWS, EdDSA; ключи: /.well-known/jwks.json)' },

  integrity: { en: 'Integrity and verification', ru: 'Целостность и проверка' },
  recordHash: { en: 'sha256 of the embedded JSON record', ru: 'sha256 встроенной JSON-записи' },
  recordNote: {
    en: 'The JSON record of this report is attached to the PDF (report-record.json); its canonical form (keys sorted) hashes to the value above.',
    ru: 'JSON-запись этого отчёта вложена в PDF (report-record.json); её каноническая форма (ключи отсортированы) даёт указанный выше хеш.',
  },
  verificationUrl: { en: 'Verification', ru: 'Проверка' },
  page: { en: 'Page', ru: 'Стр.' },

  yes: { en: 'yes', ru: 'да' },
  no: { en: 'no', ru: 'нет' },
  none: { en: '—', ru: '—' },
} as const;

export type LabelKey = keyof typeof LABELS;

/** A label in a language, with `{name}` placeholders filled. */
export function label(lang: Lang, key: LabelKey, values: Record<string, string> = {}): string {
  return LABELS[key][lang].replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? `{${k}}`);
}

/** Labels of the profile's fields shown in the report, in display order. */
export const PROFILE_FIELDS: Array<{ field: string; en: string; ru: string }> = [
  { field: 'name', en: 'Name', ru: 'Наименование' },
  { field: 'version', en: 'Version', ru: 'Версия' },
  { field: 'manufacturer', en: 'Manufacturer', ru: 'Производитель' },
  { field: 'intendedPurpose', en: 'Intended purpose', ru: 'Назначение' },
  { field: 'jurisdictions', en: 'Jurisdictions', ru: 'Юрисдикции' },
  { field: 'medicalPurpose', en: 'Medical purpose', ru: 'Медицинская цель' },
  { field: 'dataAction', en: 'Action on data', ru: 'Действие с данными' },
  { field: 'individualPatient', en: 'Individual patient', ru: 'Конкретный пациент' },
  { field: 'significance', en: 'Significance of the information', ru: 'Значимость информации' },
  { field: 'situations', en: 'Healthcare situations', ru: 'Клинические ситуации' },
  { field: 'worstCaseHarm', en: 'Worst-case harm', ru: 'Наихудший вред' },
  { field: 'intendedUsers', en: 'Intended users', ru: 'Предполагаемые пользователи' },
  { field: 'autonomy', en: 'Autonomy', ru: 'Автономность' },
  { field: 'inputs', en: 'Inputs', ru: 'Входные данные' },
  { field: 'modelType', en: 'Model type', ru: 'Тип модели' },
  { field: 'learningMode', en: 'Learning mode', ru: 'Режим обучения' },
  { field: 'changeControlPlan', en: 'Change control plan', ru: 'План управления изменениями' },
  { field: 'drivesDevice', en: 'Drives a device', ru: 'Управляет изделием' },
  { field: 'closedLoop', en: 'Closed loop', ru: 'Замкнутый контур' },
  { field: 'sensorMeasures', en: 'Sensor measures', ru: 'Что измеряет датчик' },
  { field: 'populations', en: 'Populations', ru: 'Группы пациентов' },
  { field: 'useContexts', en: 'Use contexts', ru: 'Условия применения' },
  { field: 'fdaPredicate', en: 'FDA predicate', ru: 'Предикат FDA' },
  { field: 'fdaProductCode', en: 'FDA product code', ru: 'Код продукта FDA' },
];

/** Codes of states, dispositions, statuses and actions, translated where a reader sees them. */
const CODES: Record<string, { en: string; ru: string }> = {
  draft: { en: 'draft', ru: 'черновик' },
  submitted: { en: 'submitted', ru: 'подана' },
  under_review: { en: 'under review', ru: 'на экспертизе' },
  information_requested: { en: 'information requested', ru: 'запрошены сведения' },
  approved: { en: 'approved', ru: 'одобрена' },
  rejected: { en: 'rejected', ru: 'отклонена' },
  suspended: { en: 'suspended', ru: 'приостановлена' },
  revoked: { en: 'revoked', ru: 'отозвана' },
  expired: { en: 'expired', ru: 'истекла' },
  withdrawn: { en: 'withdrawn', ru: 'отозвана заявителем' },
  valid: { en: 'valid', ru: 'действует' },
  superseded: { en: 'superseded', ru: 'заменён' },
  determined: { en: 'determined', ru: 'определён' },
  requires_review: { en: 'requires review', ru: 'требует экспертизы' },
  missing: { en: 'missing', ru: 'отсутствует' },
  provided: { en: 'provided', ru: 'представлено' },
  not_applicable: { en: 'not applicable', ru: 'неприменимо' },
  accepted: { en: 'accepted', ru: 'принято' },
  initial: { en: 'initial', ru: 'первичная' },
  re_review: { en: 're-review', ru: 'повторная экспертиза' },
  highest: { en: 'highest', ru: 'наивысший' },
  high: { en: 'high', ru: 'высокий' },
  medium: { en: 'medium', ru: 'средний' },
  low: { en: 'low', ru: 'низкий' },
  binding: { en: 'binding', ru: 'обязательный' },
  guidance: { en: 'guidance', ru: 'руководство' },
  proposal: { en: 'proposal', ru: 'проект' },
  unconfirmed: { en: 'unconfirmed', ru: 'не подтверждён' },
  create: { en: 'opened', ru: 'открыта' },
  submit: { en: 'submitted', ru: 'подана' },
  start_review: { en: 'review started', ru: 'экспертиза начата' },
  request_information: { en: 'information requested', ru: 'запрошены сведения' },
  respond: { en: 'vendor responded', ru: 'заявитель ответил' },
  approve: { en: 'approved', ru: 'одобрена' },
  reject: { en: 'rejected', ru: 'отклонена' },
  suspend: { en: 'suspended', ru: 'приостановлена' },
  reinstate: { en: 'reinstated', ru: 'возобновлена' },
  revoke: { en: 'revoked', ru: 'отозвана' },
  expire: { en: 'expired', ru: 'истекла' },
  withdraw: { en: 'withdrawn', ru: 'отозвана заявителем' },
  open_re_review: { en: 're-review opened', ru: 'открыта повторная экспертиза' },
};

/** A code in a language, followed by the code itself when translated (`одобрена (approved)`). */
export function code(lang: Lang, value: string | null | undefined): string {
  if (value == null) return LABELS.none[lang];
  const t = CODES[value];
  if (!t) return value;
  return lang === 'en' ? t.en : `${t.ru} (${value})`;
}

export const yesNo = (lang: Lang, v: boolean) => label(lang, v ? 'yes' : 'no');
