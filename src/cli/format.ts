import type { Lang } from './client';

const MESSAGES = {
  framework: { en: 'framework', ru: 'схема' },
  class: { en: 'class', ru: 'класс' },
  disposition: { en: 'disposition', ru: 'решение' },
  pathway: { en: 'pathway', ru: 'процедура' },
  evidence: { en: 'evidence', ru: 'доказательства' },
  before: { en: 'before', ru: 'было' },
  after: { en: 'after', ru: 'стало' },
  change: { en: 'change', ru: 'изменение' },
  up: { en: 'up', ru: 'выше' },
  down: { en: 'down', ru: 'ниже' },
  moved: { en: 'changed', ru: 'изменён' },
  same: { en: 'same', ru: 'без изменений' },
  determined: { en: 'determined', ru: 'определён' },
  requires_review: { en: 'requires review', ru: 'требует экспертизы' },
  application: { en: 'application', ru: 'заявка' },
  system: { en: 'system', ru: 'система' },
  version: { en: 'version', ru: 'версия' },
  state: { en: 'state', ru: 'состояние' },
  certificate: { en: 'certificate', ru: 'сертификат' },
  status: { en: 'status', ru: 'статус' },
} as const;

export type MessageKey = keyof typeof MESSAGES;
export const t = (lang: Lang, key: MessageKey): string => MESSAGES[key][lang];

/** A plain-text table: columns padded to their widest cell (by code points, so Cyrillic lines up). */
export function table(header: string[], rows: string[][]): string {
  const width = (s: string) => [...s].length;
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) => cells.map((c, i) => c + ' '.repeat(widths[i] - width(c))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** ANSI colour only for a terminal that has not asked for none (NO_COLOR). */
export function painter(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv) {
  const on = Boolean(stream.isTTY) && !('NO_COLOR' in env) && env.TERM !== 'dumb';
  const wrap = (code: string) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { red: wrap('31'), green: wrap('32'), yellow: wrap('33'), bold: wrap('1') };
}

const xml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string)
    // Characters XML 1.0 cannot carry at all.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');

export type JUnitCase = { name: string; failure?: string; output?: string };

/** A JUnit XML report (the format CI systems show as test results): one suite, one case per check. */
export function junit(suite: string, cases: JUnitCase[]): string {
  const failures = cases.filter((c) => c.failure !== undefined).length;
  const body = cases
    .map((c) => {
      const inner = [
        c.failure !== undefined ? `      <failure message="${xml(c.failure)}">${xml(c.failure)}</failure>` : '',
        c.output ? `      <system-out>${xml(c.output)}</system-out>` : '',
      ].filter(Boolean).join('\n');
      return inner ? `    <testcase classname="medai-risk" name="${xml(c.name)}">\n${inner}\n    </testcase>` : `    <testcase classname="medai-risk" name="${xml(c.name)}"/>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="${cases.length}" failures="${failures}">\n  <testsuite name="${xml(suite)}" tests="${cases.length}" failures="${failures}">\n${body}\n  </testsuite>\n</testsuites>\n`;
}
