import { api, ApiError, setUnauthorizedHandler } from './api.js';
import { h, problemView, select } from './dom.js';
import { code, lang, setLang, t, type Lang } from './i18n.js';
import { session, currentRoute, go } from './state.js';
import { loginPage } from './pages/login.js';
import { queuePage } from './pages/queue.js';
import { applicationPage } from './pages/application.js';
import { systemPage } from './pages/system.js';
import { statsPage } from './pages/stats.js';
import { rulesetsPage, rulesetPage } from './pages/rulesets.js';
import { certificatePage } from './pages/certificates.js';

const main = document.getElementById('main') as HTMLElement;
const topbar = document.getElementById('topbar') as HTMLElement;
const skip = document.getElementById('skip-link') as HTMLAnchorElement;

/** Pages anyone may see; the rest need a login. */
const PUBLIC = new Set(['login', 'rulesets', 'certificates']);

function storedLang(): Lang {
  const saved = localStorage.getItem('medai-lang');
  if (saved === 'en' || saved === 'ru') return saved;
  return navigator.language.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

async function changeLanguage(next: Lang): Promise<void> {
  setLang(next);
  localStorage.setItem('medai-lang', next);
  if (session.me?.kind === 'user') {
    try {
      session.me = (await api('patch', '/v1/auth/me', { body: { language: next } })).data;
    } catch {
      // Remembered locally anyway; the page below still switches.
    }
  }
  await render();
}

async function logout(): Promise<void> {
  try {
    await api('post', '/v1/auth/logout');
  } catch {
    // Logged out either way.
  }
  session.me = null;
  go('login', { out: '1' });
}

function drawTopbar(): void {
  const langSelect = select([['en', 'English'], ['ru', 'Русский']], lang(), { id: 'lang-select', onchange: (e: Event) => void changeLanguage((e.target as HTMLSelectElement).value as Lang) });
  const nav = h('nav', { 'aria-label': t('mainNav') }, h('ul', {},
    ...(session.me ? [h('li', {}, h('a', { href: '#/queue' }, t('navQueue'))), h('li', {}, h('a', { href: '#/stats' }, t('navStats')))] : []),
    h('li', {}, h('a', { href: '#/rulesets' }, t('navRulesets'))),
    h('li', {}, h('a', { href: '#/certificates' }, t('navCertificates'))),
  ));
  const current = currentRoute().segments[0] ?? '';
  for (const a of nav.querySelectorAll('a')) if (a.getAttribute('href') === `#/${current}`) a.setAttribute('aria-current', 'page');
  const user = session.me
    ? h('div', { class: 'user' },
      h('span', { class: 'who' }, t('signedInAs', { name: session.me.name, role: code('role', session.me.role), org: session.me.organisation.name })),
      h('button', { type: 'button', id: 'logout', class: 'secondary', onclick: () => void logout() }, t('logout')))
    : null;
  topbar.replaceChildren(
    h('a', { class: 'brand', href: session.me ? '#/queue' : '#/login' }, t('appName')),
    nav,
    h('div', { class: 'lang' }, h('label', { for: 'lang-select' }, t('language')), langSelect),
    user ?? '',
  );
  skip.textContent = t('skip');
}

let renderSeq = 0;
/** Draws the page of the current hash route. */
async function render(): Promise<void> {
  const seq = ++renderSeq;
  const route = currentRoute();
  const [page = session.me ? 'queue' : 'login', ...rest] = route.segments;
  drawTopbar();
  if (!session.me && !PUBLIC.has(page)) {
    go('login', { next: location.hash.slice(1) });
    return;
  }
  main.replaceChildren(h('p', { class: 'loading', role: 'status' }, t('loading')));
  let view: HTMLElement;
  try {
    switch (page) {
      case 'login': view = loginPage(route, onLogin); break;
      case 'queue': view = await queuePage(route); break;
      case 'applications': view = await applicationPage(rest[0] ?? '', route); break;
      case 'systems': view = await systemPage(rest[0] ?? '', route); break;
      case 'stats': view = await statsPage(); break;
      case 'rulesets': view = rest[0] ? await rulesetPage(rest[0], route) : await rulesetsPage(); break;
      case 'certificates': view = await certificatePage(rest[0] ?? null); break;
      default: view = h('div', {}, h('h1', {}, t('notFoundPage')));
    }
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return;
    view = h('div', {}, h('h1', {}, t('errorTitle')), problemView(err));
  }
  if (seq !== renderSeq) return;
  main.replaceChildren(view);
  const title = main.querySelector('h1')?.textContent;
  document.title = title ? `${title} · medai-risk` : 'medai-risk';
}

async function onLogin(me: NonNullable<typeof session.me>, next: string | null): Promise<void> {
  session.me = me;
  setLang(me.language);
  localStorage.setItem('medai-lang', me.language);
  const before = location.hash;
  if (next && next.startsWith('/') && !next.startsWith('/login')) location.hash = `#${next}`;
  else go('queue');
  // The hash may not change (already on the target): then draw here.
  if (location.hash === before) await render();
}

/** Moves focus to the page after a navigation, so keyboard and screen-reader users land there. */
function focusMain(): void {
  main.focus({ preventScroll: false });
}

setUnauthorizedHandler(() => {
  session.me = null;
  if (currentRoute().segments[0] !== 'login') go('login', { next: location.hash.slice(1) });
});

async function start(): Promise<void> {
  setLang(storedLang());
  try {
    const me = (await api('get', '/v1/auth/me')).data;
    session.me = me;
    setLang(me.language);
  } catch {
    session.me = null;
  }
  skip.addEventListener('click', (e) => {
    e.preventDefault();
    focusMain();
  });
  window.addEventListener('hashchange', () => {
    void render().then(focusMain);
  });
  await render();
}

void start();
