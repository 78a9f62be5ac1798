import { api, ApiError, type Schemas } from '../api.js';
import { field, h, problemView } from '../dom.js';
import { t } from '../i18n.js';
import type { Route } from '../state.js';

export function loginPage(route: Route, onLogin: (me: Schemas['Principal'], next: string | null) => Promise<void>): HTMLElement {
  const email = h('input', { type: 'email', name: 'email', id: 'login-email', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', name: 'password', id: 'login-password', autocomplete: 'current-password', required: true });
  const status = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card narrow', id: 'login-form', novalidate: true },
    field(t('email'), email),
    field(t('password'), password),
    h('button', { type: 'submit', id: 'login-button' }, t('loginButton')),
    status,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    status.replaceChildren();
    try {
      const { data } = await api('post', '/v1/auth/login', { body: { email: email.value.trim(), password: password.value } });
      await onLogin(data.principal, route.query.get('next'));
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) {
        // Refused for a while after too many failed logins: say so in the page's language.
        const minutes = Math.max(1, Math.ceil((err.retryAfter ?? 60) / 60));
        status.replaceChildren(h('div', { class: 'problem', role: 'alert' }, h('p', { class: 'problem-title' }, t('loginLocked', { minutes }))));
      } else {
        status.replaceChildren(problemView(err));
      }
    }
  });
  return h('div', { class: 'page login' },
    h('h1', {}, t('loginTitle')),
    route.query.get('out') ? h('p', { role: 'status' }, t('loggedOut')) : null,
    h('p', {}, t('loginIntro')),
    form,
  );
}
