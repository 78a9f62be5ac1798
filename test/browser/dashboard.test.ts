import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildApp } from '../../src/app';
import { testConfig, testRegistry } from '../helpers/app';
import { chromiumExecutable } from '../helpers/chromium';
import { databaseKind, openTestDb, type TestDb } from '../helpers/db';
import { pdfText } from '../helpers/pdf';
import { profile } from '../helpers/profiles';
import { seedWorld, type Actor, type World } from '../helpers/world';

/**
 * The reviewer dashboard in a real browser (Chromium through playwright-core: the system's when
 * installed, else the one the `@sparticuz/chromium` package ships; see test/helpers/chromium.ts): the
 * vendor's part through the API, the reviewer's in the browser, in English and Russian.
 */
// Callbacks of page.evaluate and waitForFunction run in the browser; the tests compile without the DOM lib.
declare const document: any;
declare const window: any;
declare const location: any;

const ROOT = resolve(__dirname, '../..');
const ARTIFACTS = join(ROOT, 'test/artifacts');
const PASSWORD = 'correct horse battery staple';

jest.setTimeout(120000);

let testDb: TestDb;
let app: FastifyInstance;
let base: string;
let w: World;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let reviewerEmail: string;
let applicationId: string;
let certificateNumber: string;
const consoleErrors: string[] = [];
const pageErrors: string[] = [];

type Json = Record<string, any>;
const call = (who: Actor, method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) =>
  app.inject({ method, url, payload, headers: { ...who.headers, ...headers } });

async function upload(who: Actor, appId: string, evidenceId: string, text: string) {
  const boundary = '----medai' + Math.random().toString(16).slice(2);
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${evidenceId}.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
    Buffer.from(text), Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return app.inject({ method: 'POST', url: `/v1/applications/${appId}/evidence/${evidenceId}/documents`, payload: body, headers: { ...who.headers, 'content-type': `multipart/form-data; boundary=${boundary}` } });
}

/** Records what the page reports: console errors, uncaught errors, CSP violations. */
async function watch(p: Page): Promise<void> {
  p.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  p.on('pageerror', (e) => pageErrors.push(String(e)));
  await p.addInitScript('window.__csp = []; document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));');
}

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const c = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const p = await c.newPage();
  await watch(p);
  return { context: c, page: p };
}

async function login(p: Page, email: string): Promise<void> {
  await p.goto('/dashboard/#/login');
  await p.fill('#login-email', email);
  await p.fill('#login-password', PASSWORD);
  await p.click('#login-button');
  await p.waitForSelector('#logout');
}

const noHorizontalScroll = (p: Page) => p.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

/** Presses Tab until the focused element matches `selector` (or gives up). */
async function tabTo(p: Page, selector: string, max = 80): Promise<boolean> {
  for (let i = 0; i < max; i++) {
    await p.keyboard.press('Tab');
    if (await p.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return true;
  }
  return false;
}

beforeAll(async () => {
  // The browser code, compiled as `npm run build` does.
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'src/dashboard/web/tsconfig.json')], { stdio: 'pipe' });
  mkdirSync(ARTIFACTS, { recursive: true });
  testDb = await openTestDb();
  app = await buildApp(testConfig(), { db: testDb.db, registry: testRegistry(), logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  w = await seedWorld(app, testDb.db);
  reviewerEmail = (await testDb.db('users').where({ id: w.reviewer.id }).first()).email;

  // The vendor's part, through the API: a low-tier system (RU frameworks and IMDRF only, so no
  // four-eyes), an application with every item provided (one claimed not applicable), submitted.
  const sys = await call(w.vendorKey, 'POST', '/v1/systems', profile({
    name: 'Guideline assistant', jurisdictions: ['RU'], significance: 'inform', situations: ['non_serious'], autonomy: 'advisory', worstCaseHarm: 'minor', reviewableBasis: true,
  }));
  expect(sys.statusCode).toBe(201);
  const created = await call(w.vendorKey, 'POST', '/v1/applications', { systemId: sys.json().id, centreId: w.centre });
  expect(created.statusCode).toBe(201);
  const a: Json = created.json();
  expect(a.fourEyes).toBe(false);
  applicationId = a.id;
  const [naItem, ...docItems] = a.evidence.map((e: Json) => e.evidenceId) as string[];
  expect((await call(w.vendorKey, 'POST', `/v1/applications/${a.id}/evidence/${naItem}/not-applicable`, { reason: 'The system has no user interface of its own.' })).statusCode).toBe(200);
  for (const id of docItems) expect((await upload(w.vendorKey, a.id, id, `%PDF-1.4 evidence ${id}`)).statusCode).toBe(201);
  const got = await call(w.vendorKey, 'GET', `/v1/applications/${a.id}`);
  expect((await call(w.vendorKey, 'POST', `/v1/applications/${a.id}/transitions`, { transition: 'submit' }, { 'if-match': String(got.headers.etag) })).json().state).toBe('submitted');
  // Another system's application in draft, so the queue has more than one row.
  const other = await call(w.vendorKey, 'POST', '/v1/systems', profile({ name: 'Triage helper' }));
  expect((await call(w.vendorKey, 'POST', '/v1/applications', { systemId: other.json().id, centreId: w.centre })).statusCode).toBe(201);

  browser = await chromium.launch({
    executablePath: (await chromiumExecutable()).path,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  ({ context, page } = await newPage());
}, 180000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await testDb?.close();
});

describe(`the reviewer dashboard in Chromium on ${databaseKind}`, () => {
  test('the login page is reachable by keyboard; a reviewer logs in and lands on the queue', async () => {
    await page.goto('/dashboard/');
    await page.waitForSelector('#login-form');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.fill('#login-email', reviewerEmail);
    await page.fill('#login-password', 'wrong password!');
    await page.focus('#login-email');
    expect(await tabTo(page, '#login-button', 10)).toBe(true);
    await page.keyboard.press('Enter');
    // A wrong password is a readable problem, not a crash.
    await page.waitForSelector('#login-form .problem');
    expect(await page.textContent('#login-form .problem')).toContain('401');
    // Too many failed logins to one email: the page says for how long, in its own words.
    await page.fill('#login-email', 'somebody.else@centre.example');
    for (let i = 0; i < 6; i++) {
      await page.fill('#login-password', `guess ${i}`);
      // Submitting clears the last answer at once; wait for this attempt's.
      await page.click('#login-button');
      await page.waitForSelector('#login-form .problem');
    }
    expect(await page.textContent('#login-form .problem')).toContain('Too many failed logins to this email: logins to it are refused for 15 min.');
    await page.fill('#login-email', reviewerEmail);
    await page.fill('#login-password', PASSWORD);
    await page.click('#login-button');
    await page.waitForSelector('.queue-page');
    expect(await page.textContent('.topbar')).toContain('Reviewer One');
  });

  test('the queue lists the submitted application with counts per state and filters', async () => {
    await page.waitForSelector(`a[href="#/applications/${applicationId}"]`);
    expect(await page.textContent('#counts-h')).toBe('Applications per state');
    expect(await page.locator('.chips button[data-state="submitted"]').textContent()).toContain('Submitted: 1');
    await page.selectOption('#filter-state', 'submitted');
    await page.click('#filter-apply');
    await page.waitForFunction(() => location.hash.includes('state=submitted'));
    await page.waitForSelector('#queue-results tbody tr');
    expect(await page.locator('#queue-results tbody tr').count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'queue.png'), fullPage: true });
  });

  test('the reviewer starts the review, accepts the evidence and approves: a certificate is issued', async () => {
    await page.click(`a[href="#/applications/${applicationId}"]`);
    await page.waitForSelector('#transition-start_review');
    // Every framework side by side, with reasons, sources and counterfactuals from the stored version.
    expect(await page.locator('#classes-table tbody tr').count()).toBe(3);
    expect(await page.locator('details.framework').count()).toBe(3);
    expect(await page.locator('.reasons .source .badge').count()).toBeGreaterThan(0);
    expect(await page.locator('.profile dt').count()).toBeGreaterThan(5);
    // The audit trail is shown to the centre's reviewers.
    await page.waitForSelector('#audit');

    await page.click('#transition-start_review');
    await page.waitForSelector('#transition-approve');
    expect(await page.textContent('#app-state')).toContain('Under review');
    // Approval is blocked, and says why, until every item is accepted.
    expect(await page.isDisabled('#transition-approve')).toBe(true);
    expect(await page.textContent('#actions')).toContain('evidence_accepted');

    // A rejection needs a comment: enforced before anything is sent.
    await page.click('#transition-reject');
    await page.waitForSelector('#actions .problem');
    expect(await page.textContent('#actions .problem')).toContain('A comment is required');

    const items = await page.locator('li.evidence').evaluateAll((els) => els.map((e) => e.id.replace('evidence-', '')));
    expect(items.length).toBeGreaterThan(3);
    for (const id of items) {
      await page.fill(`#review-comment-${id}`, 'Meets the acceptance criteria.');
      await page.fill(`#review-until-${id}`, '2099-01-01');
      await page.click(`#accept-${id}`);
      await page.waitForSelector(`#evidence-${id}.ev-accepted`);
    }
    await page.waitForSelector('#transition-approve:not([disabled])');
    await page.screenshot({ path: join(ARTIFACTS, 'application.png'), fullPage: true });

    // Every action is reachable by keyboard: Tab from the top of the page to the approve button.
    await page.focus('#main');
    expect(await tabTo(page, '#transition-approve')).toBe(true);
    await page.fill('#transition-comment', 'All evidence accepted.');
    await page.focus('#transition-approve');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#certificate-number');
    certificateNumber = (await page.textContent('#certificate-number')) ?? '';
    expect(certificateNumber).toMatch(/^MR-\d{4}-\d{6}$/);
    expect(await page.textContent('#app-state')).toContain('Approved');
    expect(await page.textContent('#history')).toContain('All evidence accepted.');

    // The certificate page, public data through the API.
    await page.click('#certificate-number');
    await page.waitForSelector('#cert-status');
    expect(await page.textContent('#cert-status')).toContain('valid');
  });

  test('statistics: four charts drawn as SVG, each with a data table', async () => {
    await page.goto('/dashboard/#/stats');
    await page.waitForSelector('#chart-states svg');
    for (const id of ['chart-systems', 'chart-states', 'chart-review', 'chart-overrides']) {
      expect(await page.locator(`#${id} figcaption`).count()).toBe(1);
    }
    expect(await page.locator('#chart-systems rect.bar').count()).toBeGreaterThan(0);
    expect(await page.locator('#chart-states table').count()).toBe(1);
    expect(await page.getAttribute('#chart-states svg', 'role')).toBe('img');
    await page.screenshot({ path: join(ARTIFACTS, 'statistics.png'), fullPage: true });
  });

  test('Russian: labels and the API texts switch, and the choice is remembered for the user', async () => {
    await page.goto(`/dashboard/#/applications/${applicationId}`);
    await page.waitForSelector('#classes-table');
    await page.selectOption('#lang-select', 'ru');
    await page.waitForFunction(() => document.documentElement.lang === 'ru' && document.querySelector('#evidence-h')?.textContent === 'Перечень доказательств');
    expect(await page.textContent('.topbar nav')).toContain('Очередь экспертизы');
    expect(await page.textContent('#app-state')).toContain('Одобрена');
    // The reasons come from the API in Russian (Accept-Language).
    const reason = await page.locator('.reason-text').first().textContent();
    expect(reason).toMatch(/[А-Яа-яЁё]{3,}/);
    expect(await page.getAttribute('#report-link', 'href')).toContain('lang=ru');
    await page.screenshot({ path: join(ARTIFACTS, 'russian.png'), fullPage: true });

    await page.reload();
    await page.waitForSelector('#classes-table');
    expect(await page.getAttribute('html', 'lang')).toBe('ru');
    expect(await page.textContent('#evidence-h')).toBe('Перечень доказательств');
    // Remembered by the service, not only by this browser: a fresh browser logs in in Russian.
    expect((await testDb.db('users').where({ id: w.reviewer.id }).first()).language).toBe('ru');
    const fresh = await newPage();
    await login(fresh.page, reviewerEmail);
    expect(await fresh.page.getAttribute('html', 'lang')).toBe('ru');
    expect(await fresh.page.textContent('h1')).toBe('Очередь экспертизы');
    expect(await fresh.page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
    await fresh.context.close();
  });

  test('at tablet width (768 px) no page scrolls sideways', async () => {
    await page.setViewportSize({ width: 768, height: 1024 });
    for (const route of ['#/queue', `#/applications/${applicationId}`, '#/stats', '#/rulesets', '#/rulesets/ru-differentiated', `#/certificates/${certificateNumber}`]) {
      await page.goto(`/dashboard/${route}`);
      await page.waitForSelector('main h1');
      await page.waitForFunction(() => !document.querySelector('main .loading'));
      expect([route, await noHorizontalScroll(page)]).toEqual([route, true]);
      if (route.startsWith('#/applications')) await page.screenshot({ path: join(ARTIFACTS, 'tablet.png'), fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(await noHorizontalScroll(page)).toBe(true);
  });

  test('the report link downloads the PDF in the current language', async () => {
    for (const lang of ['ru', 'en'] as const) {
      await page.goto(`/dashboard/#/applications/${applicationId}`);
      await page.waitForSelector('#report-link');
      if ((await page.getAttribute('html', 'lang')) !== lang) {
        await page.selectOption('#lang-select', lang);
        await page.waitForFunction((l) => document.documentElement.lang === l && (document.querySelector('#report-link')?.getAttribute('href') ?? '').endsWith(`lang=${l}`), lang);
      }
      const href = (await page.getAttribute('#report-link', 'href')) ?? '';
      expect(href).toBe(`/v1/applications/${applicationId}/report.pdf?lang=${lang}`);
      // Fetched with the page's session cookie.
      const res = await page.request.get(href);
      expect(res.status()).toBe(200);
      expect(res.headers()['content-type']).toMatch(/^application\/pdf/);
      const file = join(ARTIFACTS, `report-${lang}.pdf`);
      const pdf = await res.body();
      writeFileSync(file, pdf);
      const text = await pdfText(pdf);
      expect(text).toContain(certificateNumber);
      if (lang === 'ru') expect(text).toMatch(/Отчёт об оценке|Заявка и система/);
      else expect(text).toMatch(/Assessment report|Application and system/);
      expect(text).not.toMatch(lang === 'ru' ? /Assessment report/ : /Отчёт об оценке/);
      // The link itself downloads it.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#report-link')]);
      expect(await download.failure()).toBeNull();
      expect(download.suggestedFilename()).toMatch(/\.pdf$/);
    }
  });

  test('API strings are rendered as text: a system named like markup shows literally and runs nothing', async () => {
    const NAME = '<img src=x onerror=alert(1)>';
    // The vendor's part through the API: registered, every item provided, submitted to the centre.
    const sys = await call(w.vendorKey, 'POST', '/v1/systems', profile({
      name: NAME, jurisdictions: ['RU'], significance: 'inform', situations: ['non_serious'], autonomy: 'advisory', worstCaseHarm: 'minor', reviewableBasis: true,
    }));
    expect(sys.statusCode).toBe(201);
    const created = await call(w.vendorKey, 'POST', '/v1/applications', { systemId: sys.json().id, centreId: w.centre });
    expect(created.statusCode).toBe(201);
    const a: Json = created.json();
    for (const e of a.evidence as Json[]) expect((await upload(w.vendorKey, a.id, e.evidenceId, `%PDF-1.4 evidence ${e.evidenceId}`)).statusCode).toBe(201);
    const got = await call(w.vendorKey, 'GET', `/v1/applications/${a.id}`);
    expect((await call(w.vendorKey, 'POST', `/v1/applications/${a.id}/transitions`, { transition: 'submit' }, { 'if-match': String(got.headers.etag) })).json().state).toBe('submitted');

    const dialogs: string[] = [];
    const onDialog = (d: { message(): string; dismiss(): Promise<void> }) => { dialogs.push(d.message()); void d.dismiss(); };
    page.on('dialog', onDialog);
    const noInjectedImage = () => page.evaluate(() => document.querySelectorAll('img[src="x"], img[onerror]').length);

    await page.goto('/dashboard/#/queue');
    const link = page.locator(`a[href="#/applications/${a.id}"]`);
    await link.waitFor();
    expect(await link.textContent()).toContain(NAME);
    expect(await noInjectedImage()).toBe(0);

    await link.click();
    await page.waitForSelector('#classes-table');
    expect(await page.textContent('main h1')).toContain(NAME);
    expect(await noInjectedImage()).toBe(0);
    // The audit section loads after the page: still nothing injected once it is there.
    await page.waitForSelector('#audit');
    expect(await noInjectedImage()).toBe(0);
    page.off('dialog', onDialog);
    expect(dialogs).toEqual([]);
  });

  test('logging out returns to the login page; nothing broke the CSP and no page error happened', async () => {
    await page.goto('/dashboard/#/queue');
    await page.waitForSelector('#logout');
    await page.click('#logout');
    await page.waitForSelector('#login-form');
    expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
    expect(consoleErrors.filter((m) => /Content Security Policy|Refused to/i.test(m))).toEqual([]);
    // The only console errors allowed are the browser's notes on expected 4xx answers (401 before login).
    expect(consoleErrors.filter((m) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(m))).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
