/**
 * Validates the rule packs and the evidence catalogue the way the service does at start-up,
 * and prints what is active: `npm run rules:check [-- RULES_DIR]`. Exit code 1 on any problem.
 */
import { resolve } from 'node:path';
import { loadRegistry } from '../src/rulesets/registry';

const dir = resolve(process.argv[2] ?? 'rules');
try {
  const registry = loadRegistry(dir);
  for (const p of registry.packs) {
    const active = registry.active.includes(p) ? 'active' : '      ';
    console.log(`${active} ${p.ruleset.padEnd(28)} ${String(p.pack.rules.length + p.pack.consequences.length).padStart(3)} rules  ${p.hash}`);
  }
  console.log(`evidence catalogue ${registry.catalogue.version}: ${registry.catalogue.items.length} items`);
  for (const c of registry.deviceTypeCatalogues.values()) {
    console.log(`device types ${c.ref}: ${c.records.length} product codes under ${Object.keys(c.catalogue.regulations).length} regulations  ${c.hash}`);
  }
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
