import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { assessChange } from '../systems/change';
import { profileHash } from '../classification/shape';
import type { Profile } from '../classification/profile';
import type { ClassificationRecord } from '../classification/classify';
import { ApiError, createClient, type ClassificationResult, type Client, type Lang, type RulesetSummary } from './client';
import { junit, painter, t, table, type JUnitCase } from './format';

/** Exit codes: what a CI step branches on. */
export const EXIT = { ok: 0, checkFailed: 1, usage: 2, service: 3 } as const;

export type Io = {
  stdout: { write: (s: string) => unknown; isTTY?: boolean };
  stderr: { write: (s: string) => unknown };
  env: NodeJS.ProcessEnv;
  fetchImpl?: typeof fetch;
};

const USAGE = `medai-risk: risk classification of AI medical software from the command line

Usage:
  medai-risk classify FILE [--json] [--junit OUT.xml]
  medai-risk check FILE --system ID [--json] [--junit OUT.xml]
  medai-risk push FILE --system ID [--json]
  medai-risk status [--json]
  medai-risk report APPLICATION_ID -o FILE.pdf

Options:
  --url URL        the service (default $MEDAI_RISK_URL, else http://127.0.0.1:3000)
  --lang ru|en     language of the output and of the service's texts (default $MEDAI_RISK_LANG, else en)
  --json           the service's answer as JSON instead of a table
  --junit FILE     also write a JUnit XML report for the CI system
  -o, --output     where \`report\` writes the PDF

The API key is read from $MEDAI_RISK_API_KEY (never from the command line).
Exit codes: 0 ok; 1 check failed (a class moved up, new evidence is required, or the change is material);
2 bad usage or input; 3 the service refused or could not be reached.
`;

class UsageError extends Error {}

function readProfile(file: string, lang: Lang): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(lang === 'ru' ? `не удаётся прочитать ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` : `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(lang === 'ru' ? `${file} не является JSON: ${(err as Error).message}` : `${file} is not JSON: ${(err as Error).message}`);
  }
}

const outcome = (r: { class: string | null; disposition: string }) => r.class ?? r.disposition;

function classifyTable(lang: Lang, result: ClassificationResult): string {
  return table(
    [t(lang, 'framework'), t(lang, 'class'), t(lang, 'disposition'), t(lang, 'pathway'), t(lang, 'evidence')],
    result.results.map((r) => [r.framework, r.class ?? (r.provisionalClass ? `(${r.provisionalClass})` : '—'), t(lang, r.disposition), r.pathway ?? '—', r.evidence.join(' ')]),
  );
}

function burdenLine(lang: Lang, result: ClassificationResult): string {
  const top = result.summary.highestBurden.map((b) => `${b.framework} ${b.class}`).join(', ') || '—';
  const review = result.results.filter((r) => r.disposition === 'requires_review').map((r) => r.framework);
  return lang === 'ru'
    ? `наибольшая нагрузка: ${top}; требуют экспертизы: ${review.length ? review.join(', ') : 'нет'}; доказательств: ${result.evidence.length}`
    : `highest burden: ${top}; requires review: ${review.length ? review.join(', ') : 'none'}; evidence items: ${result.evidence.length}`;
}

type Movement = { framework: string; before: string | null; after: string | null; direction: 'up' | 'down' | 'moved' | 'same' };

/** Per framework, whether the class moved up or down on the pack's own scale. */
function movements(rulesets: RulesetSummary[], before: ClassificationResult, after: ClassificationResult): Movement[] {
  const classesOf = new Map(rulesets.map((r) => [r.ruleset, r.classes]));
  return after.results.map((a) => {
    const b = before.results.find((x) => x.framework === a.framework);
    const from = b ? outcome(b) : null;
    const to = outcome(a);
    if (from === to) return { framework: a.framework, before: from, after: to, direction: 'same' };
    const scale = classesOf.get(a.ruleset) ?? [];
    const rb = b?.class ? scale.indexOf(b.class) : -1;
    const ra = a.class ? scale.indexOf(a.class) : -1;
    const direction = rb >= 0 && ra >= 0 ? (ra > rb ? 'up' : 'down') : 'moved';
    return { framework: a.framework, before: from, after: to, direction };
  });
}

async function check(client: Client, io: Io, lang: Lang, file: string, systemId: string, opts: { json: boolean; junit?: string }): Promise<number> {
  const profile = readProfile(file, lang);
  const [system, next, rulesets] = await Promise.all([client.system(systemId), client.classify(profile), client.rulesets()]);
  const current = system.current;
  const assessment = assessChange(
    { number: current.number, profile: current.profile as Profile, classification: current.classification as unknown as ClassificationRecord },
    { number: current.number + 1, profile: profile as Profile, classification: next as unknown as ClassificationRecord },
  );
  const moves = movements(rulesets, current.classification, next);
  const had = new Set(current.classification.evidence.map((e) => e.id));
  const newEvidence = next.evidence.map((e) => e.id).filter((id) => !had.has(id));
  const up = moves.filter((m) => m.direction === 'up');
  const failed = up.length > 0 || newEvidence.length > 0 || assessment.material;
  const paint = painter(io.stdout, io.env);
  if (opts.json) {
    io.stdout.write(`${JSON.stringify({ systemId, fromVersion: current.number, changeAssessment: assessment, movements: moves, newEvidence, failed }, null, 2)}\n`);
  } else {
    io.stdout.write(`${table(
      [t(lang, 'framework'), t(lang, 'before'), t(lang, 'after'), t(lang, 'change')],
      moves.map((m) => [m.framework, m.before ?? '—', m.after ?? '—', m.direction === 'up' ? paint.red(t(lang, 'up')) : t(lang, m.direction === 'same' ? 'same' : m.direction === 'down' ? 'down' : 'moved')]),
    )}\n`);
    if (assessment.changedFields.length) io.stdout.write(`${lang === 'ru' ? 'изменены поля' : 'changed fields'}: ${assessment.changedFields.join(', ')}\n`);
    if (assessment.materialFields.length) io.stdout.write(`${lang === 'ru' ? 'существенные поля' : 'material fields'}: ${assessment.materialFields.join(', ')}\n`);
    if (newEvidence.length) io.stdout.write(`${lang === 'ru' ? 'новые доказательства' : 'new evidence required'}: ${newEvidence.join(', ')}\n`);
  }
  const reasons = [
    ...up.map((m) => `${m.framework} ${m.before} → ${m.after}`),
    ...(newEvidence.length ? [`${lang === 'ru' ? 'новые доказательства' : 'new evidence'} ${newEvidence.join(' ')}`] : []),
    ...(assessment.material && up.length === 0 ? [lang === 'ru' ? 'существенное изменение' : 'material change'] : []),
  ];
  const summary = failed
    ? (lang === 'ru' ? `medai-risk check: НЕ ПРОЙДЕНО (${reasons.join('; ')})` : `medai-risk check: FAILED (${reasons.join('; ')})`)
    : (lang === 'ru' ? `medai-risk check: пройдено, классы и доказательства те же, изменение несущественно` : 'medai-risk check: passed, same classes and evidence, change not material');
  (failed ? io.stderr : io.stdout).write(`${failed ? paint.red(summary) : paint.green(summary)}\n`);
  if (opts.junit) {
    const cases: JUnitCase[] = [
      ...moves.map((m) => ({ name: `${m.framework}: ${m.before ?? '—'} → ${m.after ?? '—'}`, failure: m.direction === 'up' ? `${m.framework} moved up from ${m.before} to ${m.after}` : undefined })),
      { name: 'evidence', failure: newEvidence.length ? `new evidence required: ${newEvidence.join(', ')}` : undefined },
      { name: 'material change', failure: assessment.material ? `material change: ${[...assessment.materialFields, ...moves.filter((m) => m.direction !== 'same').map((m) => m.framework)].join(', ')}` : undefined },
    ];
    writeFileSync(opts.junit, junit(`medai-risk check ${systemId}`, cases));
  }
  return failed ? EXIT.checkFailed : EXIT.ok;
}

async function classifyCmd(client: Client, io: Io, lang: Lang, file: string, opts: { json: boolean; junit?: string }): Promise<number> {
  const result = await client.classify(readProfile(file, lang));
  if (opts.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else io.stdout.write(`${classifyTable(lang, result)}\n`);
  io.stdout.write(`medai-risk classify: ${burdenLine(lang, result)}\n`);
  if (opts.junit) {
    writeFileSync(opts.junit, junit('medai-risk classify', result.results.map((r) => ({
      name: `${r.framework}: ${outcome(r)}`,
      output: `${r.ruleset} ${r.pathway ?? ''} ${r.evidence.join(' ')}`.trim(),
    }))));
  }
  return EXIT.ok;
}

async function push(client: Client, io: Io, lang: Lang, file: string, systemId: string, opts: { json: boolean }): Promise<number> {
  const profile = readProfile(file, lang);
  const system = await client.system(systemId);
  // A profile that fails the contract is refused by the service, named field by field; hash only valid ones.
  let hash: string | null = null;
  try {
    hash = profileHash(profile as Profile);
  } catch {
    hash = null;
  }
  if (hash !== null && hash === system.current.profileHash) {
    io.stdout.write(lang === 'ru'
      ? `medai-risk push: без изменений, текущая версия ${system.current.number} уже содержит этот профиль (${hash})\n`
      : `medai-risk push: unchanged, current version ${system.current.number} already holds this profile (${hash})\n`);
    return EXIT.ok;
  }
  // The key is the profile's hash: a retried push of the same profile replays the first answer.
  const version = await client.addVersion(systemId, profile, `push-${(hash ?? 'unhashed').replace(/^sha256:/, '').slice(0, 64)}`);
  if (opts.json) io.stdout.write(`${JSON.stringify(version, null, 2)}\n`);
  else if (version.changeAssessment) {
    io.stdout.write(`${table(
      [t(lang, 'framework'), t(lang, 'before'), t(lang, 'after'), t(lang, 'change')],
      version.changeAssessment.frameworks.map((f) => [f.framework, f.before ?? '—', f.after ?? '—', f.classChanged ? t(lang, 'moved') : t(lang, 'same')]),
    )}\n`);
  }
  const material = version.changeAssessment?.material ?? false;
  io.stdout.write(lang === 'ru'
    ? `medai-risk push: зарегистрирована версия ${version.number} системы ${systemId}${material ? ', изменение существенное' : ''}\n`
    : `medai-risk push: registered version ${version.number} of system ${systemId}${material ? ', a material change' : ''}\n`);
  return EXIT.ok;
}

async function status(client: Client, io: Io, lang: Lang, opts: { json: boolean }): Promise<number> {
  const applications = await client.applications();
  const numbers = [...new Set(applications.map((a) => a.certificateNumber).filter((n): n is string => n !== null))];
  const certificates = await Promise.all(numbers.map((n) => client.certificate(n)));
  const statusOf = new Map(certificates.map((c) => [c.number, c]));
  if (opts.json) {
    io.stdout.write(`${JSON.stringify({ applications, certificates }, null, 2)}\n`);
  } else {
    io.stdout.write(`${table(
      [t(lang, 'application'), t(lang, 'system'), t(lang, 'version'), t(lang, 'state'), t(lang, 'certificate'), t(lang, 'status')],
      applications.map((a) => {
        const c = a.certificateNumber ? statusOf.get(a.certificateNumber) : undefined;
        return [a.id, a.systemName, String(a.version), a.state, a.certificateNumber ?? '—', c ? `${c.status}${c.reReviewRequired ? ' *' : ''}` : '—'];
      }),
    )}\n`);
  }
  const valid = certificates.filter((c) => c.status === 'valid').length;
  io.stdout.write(lang === 'ru'
    ? `medai-risk status: заявок ${applications.length}, сертификатов ${certificates.length}, действующих ${valid}\n`
    : `medai-risk status: ${applications.length} applications, ${certificates.length} certificates, ${valid} valid\n`);
  return EXIT.ok;
}

async function report(client: Client, io: Io, lang: Lang, applicationId: string, output: string): Promise<number> {
  const pdf = await client.report(applicationId);
  writeFileSync(output, pdf);
  io.stdout.write(lang === 'ru' ? `medai-risk report: ${output} (${pdf.length} байт)\n` : `medai-risk report: wrote ${output} (${pdf.length} bytes)\n`);
  return EXIT.ok;
}

/** Runs one command line; returns the exit code. Nothing here calls process.exit. */
export async function run(argv: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        lang: { type: 'string' },
        json: { type: 'boolean', default: false },
        junit: { type: 'string' },
        system: { type: 'string' },
        output: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    io.stderr.write(`medai-risk: ${(err as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const [command, arg] = positionals;
  if (values.help || !command) {
    (values.help ? io.stdout : io.stderr).write(USAGE);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const langValue = values.lang ?? io.env.MEDAI_RISK_LANG ?? 'en';
  if (langValue !== 'en' && langValue !== 'ru') {
    io.stderr.write(`medai-risk: --lang must be ru or en, not ${langValue}\n`);
    return EXIT.usage;
  }
  const lang: Lang = langValue;
  const client = createClient({ baseUrl: values.url ?? io.env.MEDAI_RISK_URL ?? 'http://127.0.0.1:3000', apiKey: io.env.MEDAI_RISK_API_KEY, lang, fetchImpl: io.fetchImpl });
  const need = (value: string | undefined, what: string): string => {
    if (!value) throw new UsageError(lang === 'ru' ? `команде ${command} нужен ${what}` : `${command} needs ${what}`);
    return value;
  };
  try {
    switch (command) {
      case 'classify':
        return await classifyCmd(client, io, lang, need(arg, 'FILE'), { json: values.json, junit: values.junit });
      case 'check':
        return await check(client, io, lang, need(arg, 'FILE'), need(values.system, '--system ID'), { json: values.json, junit: values.junit });
      case 'push':
        return await push(client, io, lang, need(arg, 'FILE'), need(values.system, '--system ID'), { json: values.json });
      case 'status':
        return await status(client, io, lang, { json: values.json });
      case 'report':
        return await report(client, io, lang, need(arg, 'APPLICATION_ID'), need(values.output, '-o FILE.pdf'));
      default:
        throw new UsageError(lang === 'ru' ? `неизвестная команда ${command}` : `unknown command ${command}`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`medai-risk: ${err.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    if (err instanceof ApiError) {
      io.stderr.write(`medai-risk ${command}: ${err.message}\n`);
      return EXIT.service;
    }
    throw err;
  }
}

if (require.main === module) {
  run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`medai-risk: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = EXIT.service;
    },
  );
}
