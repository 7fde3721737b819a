// Shared steps and the storage scan every flow ends with.
import { expect } from '@playwright/test';
import { APP_FRAMED, DEMO, HOST, INSTANCE } from './env.mjs';

const JWT = /eyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]+/;

/** Records every secret the browser sees (token response values, codes) and console text. */
export function watchSecrets(page) {
  const seen = { secrets: new Set(), console: [] };
  const hook = (p) => {
    p.on('console', (m) => seen.console.push(m.text()));
    p.on('response', async (res) => {
      const url = new URL(res.url());
      const code = url.searchParams.get('code');
      if (code) seen.secrets.add(code);
      const location = res.headers()['location'];
      if (location) {
        const l = new URL(location, url);
        if (l.searchParams.get('code')) seen.secrets.add(l.searchParams.get('code'));
      }
      if (url.pathname.endsWith('/connect/token') && res.status() === 200) {
        try {
          const body = await res.json();
          for (const k of ['access_token', 'id_token', 'refresh_token']) if (body[k]) seen.secrets.add(body[k]);
        } catch { /* not JSON: nothing to record */ }
      }
    });
  };
  hook(page);
  page.context().on('page', hook);
  return seen;
}

/** Asserts no token, code or other secret sits in storage, cookies, IndexedDB, the URL or the console of `page`. */
export async function expectNoSecretsStored(page, seen) {
  const found = await page.evaluate(async () => {
    const dump = (s) => Object.fromEntries(Object.keys(s).map((k) => [k, s.getItem(k)]));
    const dbs = indexedDB.databases ? (await indexedDB.databases()).map((d) => d.name) : [];
    return { local: dump(localStorage), session: dump(sessionStorage), cookie: document.cookie, dbs, url: location.href };
  });
  const cookies = await page.context().cookies(new URL(page.url()).origin);
  const haystack = [
    JSON.stringify(found.local), JSON.stringify(found.session), found.cookie, found.url,
    JSON.stringify(cookies), ...(seen?.console ?? []),
  ];
  expect(found.dbs, 'no IndexedDB databases').toEqual([]);
  expect(cookies, 'no cookies on the app origin').toEqual([]);
  for (const text of haystack) {
    expect(text, 'nothing that looks like a JWT').not.toMatch(JWT);
    for (const secret of seen?.secrets ?? []) expect(text.includes(secret), `secret leaked into: ${text.slice(0, 120)}`).toBe(false);
  }
  expect(new URL(found.url).searchParams.has('code'), 'no code in the URL').toBe(false);
  expect(new URL(found.url).searchParams.has('state'), 'no state in the URL').toBe(false);
}

/** Fills the stand-in's login form. */
export async function logIn(page, user = DEMO) {
  await page.locator('input[name=login]').fill(user.login);
  await page.locator('input[name=password]').fill(user.password);
  await page.locator('button[type=submit]').click();
}

/** Opens `path`, signs in through a redirect and waits for the user's name. */
export async function signIn(page, path = '/') {
  await page.goto(path);
  await page.getByTestId('sign-in').click();
  await page.waitForURL((u) => u.origin === INSTANCE);
  await logIn(page);
  await expect(page.getByTestId('user-name')).toHaveText(DEMO.name);
}

/** Sets the stand-in's test switches (see dev/instance/README.md). */
export async function control(request, settings) {
  const res = await request.post(`${INSTANCE}/__control`, { data: settings });
  expect(res.ok()).toBe(true);
}

/** Restores the stand-in's defaults. */
export async function resetInstance(request) {
  const res = await request.post(`${INSTANCE}/__control/reset`);
  expect(res.ok()).toBe(true);
}

/** The stand-in's request log (see dev/instance/README.md): [{time, method, path, query, status}]. */
export async function instanceLog(request) {
  const res = await request.get(`${INSTANCE}/__control/log`);
  expect(res.ok()).toBe(true);
  return res.json();
}

/** Authorization requests in the stand-in's log (the `/resume` hop after the login form excluded). */
export const authorizeRequests = (log) => log.filter((e) => e.path === '/id/connect/authorize');

/** Token requests (code redemptions) in the stand-in's log. */
export const tokenRequests = (log) => log.filter((e) => e.method === 'POST' && e.path === '/id/connect/token');

/** Domain API GETs (CORS preflights left out) in the stand-in's log. */
export const apiRequests = (log) => log.filter((e) => e.method === 'GET' && e.path.startsWith('/api/domain/odata/'));

/**
 * Clicks sign-in where the Instance ID may still have a session (SSO): the browser comes back
 * without a login form; if the form is shown after all, it is filled.
 */
export async function signInAgain(page, button = page.getByTestId('sign-in')) {
  await button.click();
  const loginForm = page.locator('input[name=login]');
  await expect(page.getByTestId('user-name').or(loginForm)).toBeVisible();
  if (await loginForm.isVisible()) await logIn(page);
  await expect(page.getByTestId('user-name')).toHaveText(DEMO.name);
}

/** Records what the browser console says on `page` (for reports of app bugs). */
export function consoleOf(seen) {
  return seen.console.length ? seen.console.join('\n') : '(console empty)';
}

/** Fills the Domain API explorer's form (empty fields cleared) and runs the query. */
export async function runQuery(page, { set, select = '', filter = '', top = '' }) {
  await page.getByTestId('entity-set').fill(set);
  await page.getByTestId('select').fill(select);
  await page.getByTestId('filter').fill(filter);
  await page.getByTestId('top').fill(top);
  await page.getByTestId('run-query').click();
}

/** Opens the host page embedding the app; returns the frame locator. */
export async function openHost(page, { sandbox, path = '/' } = {}) {
  const url = new URL(HOST);
  url.searchParams.set('src', `${APP_FRAMED}${path}`);
  if (sandbox !== undefined) url.searchParams.set('sandbox', sandbox);
  await page.goto(url.toString());
  return page.frameLocator('#app');
}

/** Serves a config.json with extra fields to every window of the test (frames included). */
export async function withConfig(context, extra) {
  await context.route('**/config.json', (route) => route.fulfill({
    contentType: 'application/json',
    body: JSON.stringify({
      instance_url: INSTANCE, client_id: 'spa.example.com', scopes: 'openid profile email read update', ...extra,
    }),
  }));
}

/** Resolves when `popup` has closed, also when it closed before this was called (a fast popup
 * can close itself before a test gets to listen; the 'close' event would then never come). */
export function closedWithin(popup, timeout) {
  return popup.isClosed() ? Promise.resolve() : popup.waitForEvent('close', { timeout });
}

/**
 * Records every request of the page's context that carries an `Authorization` header; then
 * `expectBearerOnlyToServiceRoot(scan)` asserts each went below the OData service root (or to
 * the model endpoint beside it, or to the Instance ID's userinfo endpoint for the person's
 * name) and nowhere else.
 */
export function watchBearer(page) {
  const sent = [];
  page.context().on('request', (r) => sent.push(r.allHeaders().then((h) => (h.authorization ? r.url() : null), () => null)));
  return sent;
}

/** See `watchBearer`. */
export async function expectBearerOnlyToServiceRoot(sent) {
  const root = `${INSTANCE}/api/domain/odata/`;
  const model = `${INSTANCE}/api/domain/currentmodel`;
  const userinfo = `${INSTANCE}/id/connect/userinfo`;
  for (const url of (await Promise.all(sent)).filter(Boolean)) {
    expect(url.startsWith(root) || url === model || url === userinfo, `Authorization sent to ${url}`).toBe(true);
  }
}
