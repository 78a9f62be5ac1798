import { asStoredJson, entryHash, GENESIS_HASH, isoMillis, type AuditEntryFields } from '../../src/audit/chain';
import { canonicalJson, sha256 } from '../../src/platform/canonical';

const entry: AuditEntryFields = {
  id: '0b6f3f4e-8a43-4d4c-9d43-6f1d6b0a0001',
  at: '2026-11-23T10:00:00.123Z',
  actorType: 'user',
  actorId: 'u-1',
  actorName: 'Ada',
  organisationId: null,
  action: 'application.transition',
  objectType: 'application',
  objectId: 'a-1',
  applicationId: null,
  before: { state: 'draft', n: 1 },
  after: { state: 'submitted', n: 2 },
  requestId: 'req-1',
};

test('the genesis hash is sha256: and 64 zeros', () => {
  expect(GENESIS_HASH).toBe('sha256:' + '0'.repeat(64));
});

test('the hash is sha256 of the previous hash, a newline and the canonical JSON of the fields', () => {
  const { at, ...rest } = entry;
  expect(entryHash(GENESIS_HASH, entry)).toBe(sha256(GENESIS_HASH + '\n' + canonicalJson({ ...rest, at })));
  expect(entryHash(GENESIS_HASH, entry)).toMatch(/^sha256:[0-9a-f]{64}$/);
});

test('the hash depends on every field and on the previous hash', () => {
  const h = entryHash(GENESIS_HASH, entry);
  expect(entryHash('sha256:' + '1'.repeat(64), entry)).not.toBe(h);
  const changes: Partial<AuditEntryFields>[] = [
    { id: '0b6f3f4e-8a43-4d4c-9d43-6f1d6b0a0002' }, { at: '2026-11-23T10:00:00.124Z' }, { actorType: 'system' },
    { actorId: null }, { actorName: 'Bob' }, { organisationId: '0b6f3f4e-8a43-4d4c-9d43-6f1d6b0a0003' },
    { action: 'application.create' }, { objectType: 'system' }, { objectId: 'a-2' },
    { applicationId: '0b6f3f4e-8a43-4d4c-9d43-6f1d6b0a0004' }, { before: null }, { after: { state: 'submitted', n: 3 } },
    { requestId: null },
  ];
  for (const change of changes) expect(entryHash(GENESIS_HASH, { ...entry, ...change })).not.toBe(h);
});

test('the same entry read back hashes the same: key order of jsonb, Dates and PostgreSQL timestamp text', () => {
  const h = entryHash(GENESIS_HASH, entry);
  expect(entryHash(GENESIS_HASH, { ...entry, before: { n: 1, state: 'draft' } })).toBe(h);
  expect(entryHash(GENESIS_HASH, { ...entry, at: new Date('2026-11-23T10:00:00.123Z') as unknown as string })).toBe(h);
  expect(entryHash(GENESIS_HASH, { ...entry, at: '2026-11-23 13:00:00.123+03' })).toBe(h);
  expect(isoMillis('2026-11-23 10:00:00+00')).toBe('2026-11-23T10:00:00.000Z');
  expect(() => isoMillis('yesterday')).toThrow(/not a timestamp/);
});

test('values are hashed as jsonb gives them back', () => {
  expect(asStoredJson(undefined)).toBeNull();
  expect(asStoredJson({ a: undefined, d: new Date('2026-01-02T03:04:05.006Z'), l: [undefined, 1] })).toEqual({ d: '2026-01-02T03:04:05.006Z', l: [null, 1] });
  expect(asStoredJson(() => 1)).toBeNull();
});
