import { api } from '../api.js';
import { badge, field, h, problemView, section, table } from '../dom.js';
import { code, formatDate, t } from '../i18n.js';
import { go, session } from '../state.js';

const NUMBER = /^[A-Z0-9-]{1,40}$/;

export async function certificatePage(fromUrl: string | null): Promise<HTMLElement> {
  // Numbers are upper case (MR-2026-000001); a hand-typed URL may not be.
  const number = fromUrl ? fromUrl.trim().toUpperCase() : null;
  const input = h('input', { type: 'text', id: 'cert-number', name: 'number', value: number ?? '', required: true, pattern: '[A-Za-z0-9-]{1,40}', placeholder: 'MR-2026-000001', autocomplete: 'off' });
  const status = h('div', { 'aria-live': 'polite' });
  // novalidate: the page's own (translated) messages, not the browser's.
  const form = h('form', { class: 'card inline-form', role: 'search', novalidate: true }, field(t('certNumber'), input), h('button', { type: 'submit', id: 'cert-lookup' }, t('certLookup')), status);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const n = input.value.trim().toUpperCase();
    if (!NUMBER.test(n)) {
      status.replaceChildren(h('p', { class: 'problem', role: 'alert' }, t('certBadNumber')));
      return;
    }
    go(`certificates/${encodeURIComponent(n)}`);
  });
  let result: HTMLElement | null = null;
  if (number) {
    try {
      const { data: c } = await api('get', '/v1/certificates/{number}', { path: { number } });
      result = section(`${t('certificate')} ${c.number}`, 'certificate',
        h('dl', { class: 'kv' },
          h('dt', {}, t('status')), h('dd', { id: 'cert-status' }, badge(code('cert', c.status), `cert-${c.status}`), c.reReviewRequired ? h('span', {}, ' ', badge(t('reReviewRequired'), 'overdue')) : null),
          h('dt', {}, t('system')), h('dd', {}, session.me ? h('a', { href: `#/systems/${c.systemId}?version=${c.version}` }, c.systemName) : c.systemName),
          h('dt', {}, t('manufacturer')), h('dd', {}, c.manufacturer),
          h('dt', {}, t('version')), h('dd', {}, String(c.version)),
          h('dt', {}, t('centre')), h('dd', {}, c.centreName),
          h('dt', {}, t('application')), h('dd', {}, session.me ? h('a', { href: `#/applications/${c.applicationId}` }, c.applicationId) : c.applicationId),
          h('dt', {}, t('issuedAt')), h('dd', {}, formatDate(c.issuedAt, true)),
          h('dt', {}, t('validUntil')), h('dd', {}, formatDate(c.validUntil)),
          h('dt', {}, t('verificationUrl')), h('dd', {}, c.verificationUrl)),
        table(t('classes'), [t('framework'), t('effectiveClass'), t('engineClass')], c.classes.map((x) => [code('fw', x.framework), x.class ?? '—', x.engineClass ?? '—'])),
        table(t('rulesetsTitle'), [t('ruleset'), t('hash')], c.rulesets.map((x) => [x.ruleset, h('code', { class: 'hash' }, x.hash)])),
      );
    } catch (err) {
      result = problemView(err);
    }
  }
  return h('div', { class: 'page certificate-page' }, h('h1', {}, t('certTitle')), form, result);
}
