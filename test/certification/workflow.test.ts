import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWorkflow } from '../../src/certification/workflow';
import { RuleLoadError } from '../../src/rulesets/registry';
import { RULES_DIR } from '../helpers/app';

/** A copy of rules/ with the workflow file changed by `edit`. */
function withWorkflow(edit: (wf: any) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'medai-wf-'));
  cpSync(join(RULES_DIR, 'schemas'), join(dir, 'schemas'), { recursive: true });
  cpSync(join(RULES_DIR, 'workflow'), join(dir, 'workflow'), { recursive: true });
  const file = join(dir, 'workflow', 'certification.json');
  const wf = JSON.parse(readFileSync(file, 'utf8'));
  edit(wf);
  writeFileSync(file, JSON.stringify(wf));
  return dir;
}

function loadError(edit: (wf: any) => void): RuleLoadError {
  const dir = withWorkflow(edit);
  try {
    loadWorkflow(dir);
  } catch (err) {
    return err as RuleLoadError;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  throw new Error('the workflow loaded');
}

describe('the workflow file', () => {
  test('loads, with every state reachable from the initial one', () => {
    const wf = loadWorkflow(RULES_DIR);
    const reached = new Set([wf.initial]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const t of wf.transitions) if (t.from.some((s) => reached.has(s)) && !reached.has(t.to)) { reached.add(t.to); grew = true; }
    }
    expect([...reached].sort()).toEqual(wf.states.map((s) => s.id).sort());
    // Final states have no way out.
    for (const s of wf.states.filter((x) => x.final)) expect(wf.from(s.id)).toEqual([]);
  });

  test('a bad file stops loading with a message naming the file and the path', () => {
    const unknownGuard = loadError((wf) => { wf.transitions[0].guards.push('vibes'); });
    expect(unknownGuard).toBeInstanceOf(RuleLoadError);
    expect(unknownGuard.message).toMatch(/workflow[/\\]certification\.json at \/transitions\/0\/guards\/1: must be equal to one of the allowed values/);
    expect(loadError((wf) => { wf.transitions[2].to = 'limbo'; }).message).toContain('at /transitions/2/to: names no state (limbo)');
    expect(loadError((wf) => { wf.transitions[1].from = ['draft', 'nowhere']; }).message).toContain('at /transitions/1/from/1: names no state (nowhere)');
    expect(loadError((wf) => { wf.transitions[3].id = wf.transitions[0].id; }).message).toContain('at /transitions/3/id: duplicate transition');
    expect(loadError((wf) => { wf.transitions[0].roles = ['superuser']; }).message).toContain('/transitions/0/roles/0');
    expect(loadError((wf) => { delete wf.states[0].title.ru; }).message).toContain('/states/0/title');
    expect(loadError((wf) => { [wf.tiers[0], wf.tiers[1]] = [wf.tiers[1], wf.tiers[0]]; }).message).toContain('at /tiers/0/id: must be highest');
  });

  test('the tier is the first whose classes any effective class falls in', () => {
    const wf = loadWorkflow(RULES_DIR);
    expect(wf.tierOf([{ framework: 'imdrf-samd', class: 'IV' }, { framework: 'eu-mdr', class: 'IIa' }])).toEqual({ tier: 'highest', fourEyes: true });
    expect(wf.tierOf([{ framework: 'eu-mdr', class: 'IIb' }])).toEqual({ tier: 'high', fourEyes: false });
    expect(wf.tierOf([{ framework: 'eu-ai-act', class: 'limited' }, { framework: 'imdrf-samd', class: 'I' }])).toEqual({ tier: 'medium', fourEyes: false });
    expect(wf.tierOf([{ framework: 'ru-current', class: '3' }, { framework: 'ru-differentiated', class: '1' }])).toEqual({ tier: 'low', fourEyes: false });
    expect(wf.tierOf([{ framework: 'us-fda', class: null }])).toEqual({ tier: 'low', fourEyes: false });
  });
});
