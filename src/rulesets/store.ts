import type { Knex } from 'knex';
import { RuleLoadError, type LoadedPack } from './registry';
import type { RulePack } from './types';

/** Per database handle, the hashes of the packs this process knows are stored. */
const pinned = new WeakMap<object, Set<string>>();

/**
 * Keeps every rule pack a stored classification was pinned to, by hash, so it can be replayed.
 * A pack is content-addressed and never removed, so each is sent to the database once per
 * process (all six are ≈ 196 KB), not once per registration. Call it with the database handle,
 * before the transaction of the rows that point at the packs: a pack stored by a transaction
 * that then rolls back would otherwise be remembered as stored.
 */
export async function pinPacks(db: Knex, packs: LoadedPack[]): Promise<void> {
  let known = pinned.get(db.client);
  if (!known) pinned.set(db.client, (known = new Set()));
  const missing = packs.filter((p) => !known.has(p.hash));
  if (missing.length === 0) return;
  await db('rulesets')
    .insert(missing.map((p) => ({ hash: p.hash, ruleset: p.ruleset, framework: p.id, version: p.version, content: JSON.stringify(p.pack) })))
    .onConflict('hash')
    .ignore();
  for (const p of missing) known.add(p.hash);
}

export async function findStoredPack(db: Knex, framework: string, version: string): Promise<RulePack | undefined> {
  const row = await db('rulesets').where({ framework, version }).orderBy('created_at', 'desc').first();
  if (!row) return undefined;
  return (typeof row.content === 'string' ? JSON.parse(row.content) : row.content) as RulePack;
}

/**
 * A pack whose file changed without a new version would make `id@version` mean two things.
 * Refuse to start when a loaded pack's id@version was pinned earlier with another hash.
 */
export async function checkPinnedPacks(db: Knex, packs: LoadedPack[]): Promise<void> {
  if (packs.length === 0) return;
  const rows: Array<{ ruleset: string; hash: string }> = await db('rulesets').whereIn('ruleset', packs.map((p) => p.ruleset)).select('ruleset', 'hash');
  for (const row of rows) {
    const pack = packs.find((p) => p.ruleset === row.ruleset)!;
    if (pack.hash !== row.hash) {
      throw new RuleLoadError(pack.file, '/version', `${pack.ruleset} was pinned by stored classifications with hash ${row.hash}, but the file now hashes to ${pack.hash}: a changed pack needs a new version`);
    }
  }
}
