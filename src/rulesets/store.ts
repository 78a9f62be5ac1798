import type { Knex } from 'knex';
import type { LoadedPack } from './registry';
import type { RulePack } from './types';

/** Keeps every rule pack a stored classification was pinned to, by hash, so it can be replayed. */
export async function pinPacks(trx: Knex, packs: LoadedPack[]): Promise<void> {
  if (packs.length === 0) return;
  await trx('rulesets')
    .insert(packs.map((p) => ({ hash: p.hash, ruleset: p.ruleset, framework: p.id, version: p.version, content: JSON.stringify(p.pack) })))
    .onConflict('hash')
    .ignore();
}

export async function findStoredPack(db: Knex, framework: string, version: string): Promise<RulePack | undefined> {
  const row = await db('rulesets').where({ framework, version }).orderBy('created_at', 'desc').first();
  if (!row) return undefined;
  return (typeof row.content === 'string' ? JSON.parse(row.content) : row.content) as RulePack;
}
