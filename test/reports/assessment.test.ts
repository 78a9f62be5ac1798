import { createHash } from 'node:crypto';
import { classify } from '../../src/classification/classify';
import type { AuditEntry } from '../../src/audit/log';
import type { ApplicationDetail } from '../../src/certification/service';
import { canonicalJson } from '../../src/platform/canonical';
import { buildAssessmentReport, buildRecord, RECORD_FORMAT, type AssessmentInput, type Block, type ReportModel } from '../../src/reports/assessment';
import { renderReportPdf } from '../../src/reports/pdf';
import { createPdfPool } from '../../src/reports/pdf-pool';
import { threadId } from 'node:worker_threads';
import { csvField, csvRow } from '../../src/reports/export';
import { testRegistry } from '../helpers/app';
import { profile } from '../helpers/profiles';

const registry = testRegistry();
const p = profile({ name: 'Анализ ЭКГ, "кардио"', significance: 'treat_or_diagnose', situations: ['critical'], autonomy: 'autonomous', worstCaseHarm: 'death_or_irreversible' });
const classification = classify(registry, p);
const T = (m: number) => new Date(Date.UTC(2026, 10, 23, 10, m)).toISOString();

function input(overrides: { certificate?: boolean } = {}): AssessmentInput {
  const appId = '11111111-1111-4111-8111-111111111111';
  const classes = classification.results.map((r) => ({ framework: r.framework, ruleset: r.ruleset, engineClass: r.class, disposition: r.disposition, effectiveClass: r.class ?? 'III' }));
  const [first, second] = classification.evidence;
  const detail: ApplicationDetail = {
    application: {
      id: appId, seq: 1, kind: 'initial', reason: null, parentApplicationId: null, systemId: '22222222-2222-4222-8222-222222222222', version: 1,
      organisationId: 'o1', centreId: 'c1', state: 'approved', riskTier: 'highest', fourEyes: true, classes, assigneeId: 'u1', deadline: null, revision: 9,
      stateEnteredAt: T(9), createdAt: T(0), updatedAt: T(9), submittedAt: T(1), decidedAt: T(9), certificateNumber: overrides.certificate === false ? null : 'MR-2026-000042',
      systemName: p.name, organisationName: 'Вендор', centreName: 'Центр', assigneeName: 'Ирина Петрова',
    },
    evidence: [
      { applicationId: appId, evidenceId: first.id, position: 0, requiredBy: first.requiredBy, status: 'accepted', naReason: null, reviewDecision: 'accepted', reviewComment: 'Соответствует.', reviewedById: 'u1', reviewedByName: 'Ирина Петрова', reviewedAt: T(8), validFrom: '2026-01-01', validUntil: '2099-01-01' },
      { applicationId: appId, evidenceId: second.id, position: 1, requiredBy: second.requiredBy, status: 'accepted', naReason: 'No user interface.', reviewDecision: 'accepted', reviewComment: 'OK', reviewedById: 'u1', reviewedByName: 'Ирина Петрова', reviewedAt: T(8), validFrom: null, validUntil: null },
    ],
    documents: [{ id: 'd1', applicationId: appId, evidenceId: first.id, filename: 'отчёт.pdf', contentType: 'application/pdf', size: 10, sha256: 'ab'.repeat(32), storagePath: null, uploadedById: 'k1', uploadedByName: 'ci', createdAt: T(1) }],
    countersignatures: [{ transition: 'approve', comment: 'Проверено.', actorId: 'u2', actorName: 'Lead', at: T(8) }],
    history: [
      { transition: 'create', fromState: null, toState: 'draft', comment: null, actorId: 'k1', actorName: 'ci', at: T(0) },
      { transition: 'submit', fromState: 'draft', toState: 'submitted', comment: null, actorId: 'k1', actorName: 'ci', at: T(1) },
      { transition: 'approve', fromState: 'under_review', toState: 'approved', comment: 'Все доказательства приняты.', actorId: 'u1', actorName: 'Ирина Петрова', at: T(9) },
    ],
    overrides: [{ framework: 'us-fda', engineClass: null, class: 'III', justification: 'Autonomous critical-care triage: PMA.', actorId: 'u1', actorName: 'Ирина Петрова', at: T(7) }],
    allowed: [],
  };
  const audit: AuditEntry[] = ['application.create', 'evidence.upload', 'evidence.upload', 'application.transition', 'certificate.issue'].map((action, i) => ({
    seq: 100 + i, id: `e${i}`, at: T(i * 2), actorType: 'user', actorId: 'u1', actorName: 'x', organisationId: null, action, objectType: 'application', objectId: appId,
    applicationId: appId, before: null, after: null, requestId: null, prevHash: `sha256:${String(i).repeat(64)}`, hash: `sha256:${String(i + 1).repeat(64)}`,
  }));
  return {
    detail,
    system: { id: detail.application.systemId, name: p.name, manufacturer: 'ООО «Вектор», Москва' },
    version: { number: 1, profile: p, profileHash: classification.profileHash, classification },
    certificate: overrides.certificate === false ? null : {
      number: 'MR-2026-000042', status: 'valid', reReviewRequired: false, issuedAt: T(9), validUntil: '2028-11-23T10:09:00.000Z', statusChangedAt: T(9),
      verificationUrl: 'https://registry.example.org/v1/certificates/MR-2026-000042',
    },
    audit,
    publicUrl: 'https://registry.example.org/',
    registry,
  };
}

const textOf = (m: ReportModel) => m.sections.flatMap((s) => [s.heading, ...s.blocks.flatMap((b: Block) => {
  switch (b.kind) {
    case 'fields': return b.rows.flat();
    case 'list': return b.items;
    default: return [b.text];
  }
})]).join('\n');

describe('the assessment report model', () => {
  test('every section, in order, in both languages', () => {
    const ids = ['identification', 'profile', 'classification', 'overrides', 'evidence', 'countersignatures', 'decision', 'certificate', 'audit', 'integrity'];
    for (const lang of ['en', 'ru'] as const) {
      const m = buildAssessmentReport(input(), lang);
      expect(m.sections.map((s) => s.id)).toEqual(ids);
      for (const s of m.sections) expect(s.blocks.length).toBeGreaterThan(0);
    }
  });

  test('the record hash is the sha256 of the canonical JSON of the record, the same in both languages', () => {
    const en = buildAssessmentReport(input(), 'en');
    const ru = buildAssessmentReport(input(), 'ru');
    expect(en.recordJson).toBe(canonicalJson(en.record));
    expect(en.recordHash).toBe(`sha256:${createHash('sha256').update(en.recordJson).digest('hex')}`);
    expect(ru.recordHash).toBe(en.recordHash);
    expect(en.record).toEqual(buildRecord(input()));
    expect(en.record.format).toBe(RECORD_FORMAT);
    // Any change of content changes the hash.
    const changed = input();
    changed.detail.evidence[0].reviewComment = 'Другое.';
    expect(buildAssessmentReport(changed, 'en').recordHash).not.toBe(en.recordHash);
  });

  test('English labels and texts in English, Russian in Russian; the reasons come from the stored classification', () => {
    const en = textOf(buildAssessmentReport(input(), 'en'));
    const ru = textOf(buildAssessmentReport(input(), 'ru'));
    expect(en).toContain('Classification by framework');
    expect(en).toContain('Evidence checklist');
    expect(ru).toContain('Классификация по системам регулирования');
    expect(ru).toContain('Перечень доказательств');
    expect(ru).not.toContain('Evidence checklist');
    const reason = classification.results[0].reasons[0];
    expect(en).toContain(reason.text.en);
    expect(ru).toContain(reason.text.ru);
    expect(en).toContain(reason.source.ref);
    const item = registry.evidenceIndex.get(classification.evidence[0].id)!;
    expect(en).toContain(item.title.en);
    expect(ru).toContain(item.title.ru);
  });

  test('overrides, the evidence review, the decision, the certificate, the audit summary and the integrity data', () => {
    const m = buildAssessmentReport(input(), 'en');
    const text = textOf(m);
    for (const s of ['Autonomous critical-care triage: PMA.', 'Соответствует.', 'отчёт.pdf', `sha256:${'ab'.repeat(32)}`, '2026-01-01 — 2099-01-01',
      'Все доказательства приняты.', 'Ирина Петрова', 'MR-2026-000042', 'https://registry.example.org/v1/certificates/MR-2026-000042',
      'evidence.upload: 2', `sha256:${'5'.repeat(64)}`, m.recordHash]) {
      expect(text).toContain(s);
    }
    expect(m.record.decision).toMatchObject({ transition: 'approve', state: 'approved', by: { name: 'Ирина Петрова' } });
    expect(m.record.audit).toMatchObject({ count: 5, first: { seq: 100, action: 'application.create' }, last: { seq: 104, hash: `sha256:${'5'.repeat(64)}` }, actions: { 'evidence.upload': 2 } });
    for (const c of m.record.classification) {
      expect(c.ruleset).toMatch(/^[a-z-]+@\d/);
      expect(c.rulesetHash).toMatch(/^sha256:/);
    }
    expect(m.createdAt.toISOString()).toBe(T(8));
  });

  test('without a certificate: says so, and the verification URL is the application', () => {
    const m = buildAssessmentReport(input({ certificate: false }), 'ru');
    expect(m.record.certificate).toBeNull();
    expect(m.verificationUrl).toBe('https://registry.example.org/v1/applications/11111111-1111-4111-8111-111111111111');
    expect(textOf(m)).toContain('Сертификат не выдан.');
  });

  test('the same model renders the same bytes', async () => {
    const m = buildAssessmentReport(input(), 'ru');
    const [a, b] = await Promise.all([renderReportPdf(m), renderReportPdf(m)]);
    expect(a.subarray(0, 5).toString()).toBe('%PDF-');
    expect(a.equals(b)).toBe(true);
    // The record is attached as it is (uncompressed JSON text would be deflated; look for the file name instead).
    expect(a.includes(Buffer.from('report-record.json'))).toBe(true);
  });

  test('the worker pool renders in another thread, byte for byte what the renderer gives in process', async () => {
    const pool = createPdfPool({ threads: 1, maxQueue: 4 });
    try {
      const m = buildAssessmentReport(input(), 'en');
      const [inProcess, pooled, again] = await Promise.all([renderReportPdf(m), pool.renderWithThread(m), pool.render(m)]);
      expect(pooled.threadId).not.toBe(threadId);
      expect(Buffer.from(pooled.pdf).equals(inProcess)).toBe(true);
      expect(again.equals(inProcess)).toBe(true);
    } finally {
      await pool.close();
    }
  });
});

describe('CSV', () => {
  test('RFC 4180 quoting', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    // Formula injection: a vendor-chosen name never runs in a spreadsheet.
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(-3)).toBe('-3');
    expect(csvField(null)).toBe('');
    expect(csvField(3)).toBe('3');
    expect(csvRow(['Кардио, "X"', 1])).toBe('"Кардио, ""X""",1\r\n');
  });
});
