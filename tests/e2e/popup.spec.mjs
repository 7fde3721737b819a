// Embedded in an iframe on another site: popup sign-in and sign-out (issue 5).
// The host page is on http://localhost:8414, the app in the frame on http://127.0.0.1:8411.
import { test, expect } from '@playwright/test';
import {
  authorizeRequests, closedWithin, control, instanceLog, logIn, openHost, resetInstance, withConfig,
} from './helpers.mjs';
import { APP, APP_FRAMED, DEMO, HOST, INSTANCE } from './env.mjs';

const FULL_SANDBOX = 'allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-forms';
const JWT = /eyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]+/;

test.beforeEach(async ({ request }) => resetInstance(request));

/** Records the popup's token response values, to look for them afterwards. */
function watchTokens(context) {
  const secrets = new Set();
  context.on('response', async (res) => {
    if (res.url().endsWith('/connect/token') && res.status() === 200) {
      try {
        const body = await res.json();
        for (const k of ['access_token', 'id_token']) if (body[k]) secrets.add(body[k]);
      } catch { /* not JSON */ }
    }
  });
  return secrets;
}

/** Storage scan in a frame (or page): nothing secret in its storage, cookies or URL. */
async function expectNothingStoredIn(target, secrets) {
  const found = await target.evaluate(async () => {
    // A third-party frame may be denied storage altogether: then nothing can be in it.
    const dump = (get) => {
      try {
        const s = get();
        return JSON.stringify(Object.fromEntries(Object.keys(s).map((k) => [k, s.getItem(k)])));
      } catch {
        return '(storage denied)';
      }
    };
    const dbs = await indexedDB.databases().then((l) => l.map((d) => d.name), () => []);
    return { text: [dump(() => localStorage), dump(() => sessionStorage), document.cookie, location.href], dbs };
  });
  expect(found.dbs).toEqual([]);
  for (const text of found.text) {
    expect(text).not.toMatch(JWT);
    for (const s of secrets) expect(text.includes(s)).toBe(false);
  }
}

/** Clicks sign-in in `frame`, logs in in the popup, and waits for the popup to close itself. */
async function popupSignIn(page, frame) {
  const popupOpened = page.context().waitForEvent('page');
  await frame.getByTestId('sign-in').click();
  const popup = await popupOpened;
  const log = [];
  popup.on('console', (m) => log.push(m.text()));
  await logIn(popup);
  try {
    await closedWithin(popup, 15_000);
  } catch (e) {
    // Say where the popup got stuck.
    const text = popup.isClosed() ? '(closed)' : await popup.locator('body').innerText().catch(() => '?');
    throw new Error(`popup did not close: ${popup.isClosed() ? '' : popup.url()} ${text.slice(0, 300)} console: ${log.join(' | ')}`);
  }
  await expect(frame.getByTestId('user-name')).toHaveText(DEMO.name);
}

for (const [label, sandbox] of [['a sandboxed', FULL_SANDBOX], ['an unsandboxed', undefined]]) {
  test(`popup sign-in from ${label} cross-site frame; the popup closes by itself`, async ({ page, context }) => {
    const secrets = watchTokens(context);
    const frame = await openHost(page, { sandbox });
    await popupSignIn(page, frame);
    expect(page.url().startsWith(HOST)).toBe(true);
    // The token response body is read asynchronously: wait for both values to be recorded.
    await expect.poll(() => secrets.size).toBe(2);
    await expectNothingStoredIn(page.frame({ url: (u) => u.href.startsWith(APP_FRAMED) }), secrets);
    // What the popup could have left behind at the app's top-level origin.
    const probe = await context.newPage();
    await probe.goto(`${APP_FRAMED}/diagnostics`);
    await expectNothingStoredIn(probe, secrets);
    // Cookies are not port-scoped: 127.0.0.1 also holds the stand-in's own session cookies.
    // The app sets none; whatever is there must carry no token.
    for (const c of await context.cookies(APP_FRAMED)) {
      expect(c.value).not.toMatch(JWT);
      for (const s of secrets) expect(c.value.includes(s)).toBe(false);
    }
  });
}

test('a sandbox without allow-popups gives popup_blocked, with a retry button', async ({ page }) => {
  const frame = await openHost(page, { sandbox: 'allow-scripts allow-same-origin allow-forms' });
  await frame.getByTestId('sign-in').click();
  const error = frame.getByTestId('auth-error');
  await expect(error).toHaveAttribute('data-error-code', 'popup_blocked');
  await expect(error).toContainText('allow-popups');
  await expect(frame.getByTestId('sign-in')).toBeEnabled();
});

test('a popup the user closes gives popup_closed within a second or two', async ({ page, context }) => {
  await withConfig(context, { sign_in_mode: 'popup' });
  await page.goto(APP);
  const popupOpened = context.waitForEvent('page');
  await page.getByTestId('sign-in').click();
  const popup = await popupOpened;
  await popup.locator('input[name=login]').waitFor();
  const closedAt = Date.now();
  await popup.close();
  await expect(page.getByTestId('auth-error')).toHaveAttribute('data-error-code', 'popup_closed', { timeout: 3000 });
  expect(Date.now() - closedAt).toBeLessThan(3000);
  await expect(page.getByTestId('sign-in')).toBeEnabled();
});

test('a popup that takes too long gives popup_timeout and is closed', async ({ page, context }) => {
  await withConfig(context, { sign_in_mode: 'popup', popup_timeout_seconds: 5 });
  await page.goto(APP);
  const popupOpened = context.waitForEvent('page');
  await page.getByTestId('sign-in').click();
  const popup = await popupOpened;
  await expect(page.getByTestId('auth-error')).toHaveAttribute('data-error-code', 'popup_timeout', { timeout: 10_000 });
  await popup.waitForEvent('close', { timeout: 2000 }).catch(() => {});
  expect(popup.isClosed()).toBe(true);
  await expect(page.getByTestId('sign-in')).toBeEnabled();
});

test('COOP on the Instance ID gives a clear outcome within 15 seconds, never a hang', async ({ page, request }) => {
  await control(request, { coop: true });
  const frame = await openHost(page, { sandbox: FULL_SANDBOX });
  const started = Date.now();
  const popupOpened = page.context().waitForEvent('page');
  await frame.getByTestId('sign-in').click();
  // The cut-off popup stays in front with the focus (headless Chromium moves no focus itself).
  await page.evaluate(() => document.activeElement?.blur());
  await (await popupOpened).bringToFront();
  const error = frame.getByTestId('auth-error');
  await expect(error).toHaveAttribute('data-error-code', 'popup_unreachable', { timeout: 15_000 });
  expect(Date.now() - started).toBeLessThan(15_000);
  await expect(error).toContainText('own tab');
  await expect(frame.getByTestId('sign-in')).toBeEnabled();
});

test('sign_in_mode=redirect inside a frame falls back to the popup instead of hanging', async ({ page, context }) => {
  await withConfig(context, { sign_in_mode: 'redirect' });
  const frame = await openHost(page, { sandbox: FULL_SANDBOX });
  await popupSignIn(page, frame);
});

test('popup mode works unframed; the page never navigates away', async ({ page, context }) => {
  await withConfig(context, { sign_in_mode: 'popup' });
  await page.goto(`${APP}/diagnostics`);
  const popupOpened = context.waitForEvent('page');
  await page.getByRole('link', { name: 'Home' }).click();
  await page.getByTestId('sign-in').click();
  const popup = await popupOpened;
  await logIn(popup);
  await closedWithin(popup, 15_000);
  await expect(page.getByTestId('user-name')).toHaveText(DEMO.name);
  expect(page.url()).toBe(`${APP}/`);
});

test('a session from a popup refreshes, shows the userinfo name and revokes at sign-out (the sign-in chunk came with the popup)', async ({ page, context, request }) => {
  test.setTimeout(60_000);
  await withConfig(context, { sign_in_mode: 'popup', scopes: 'openid profile email read update offline_access' });
  await control(request, { accessTokenTtl: 8 });
  await page.goto(APP);
  const popupOpened = context.waitForEvent('page');
  await page.getByTestId('sign-in').click();
  const popup = await popupOpened;
  await logIn(popup);
  await closedWithin(popup, 15_000);
  // The name comes from userinfo (the ID token has none), asked from the sign-in chunk.
  await expect(page.getByTestId('user-name')).toHaveText(DEMO.name);
  // Two refreshes (a third of an 8 s lifetime before expiry), both granted, the session kept.
  const refreshes = async () => (await instanceLog(request))
    .filter((e) => e.path === '/id/connect/token' && e.form?.grant_type === 'refresh_token');
  await expect.poll(async () => (await refreshes()).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
  expect((await refreshes()).every((e) => e.status === 200), 'every refresh was granted').toBe(true);
  await expect(page.getByTestId('user-name')).toHaveText(DEMO.name);
  await expect(page.getByTestId('auth-error')).toHaveCount(0);
  // Sign-out (popup mode: the end-session request in a popup) revokes the refresh token.
  const signOutPopup = context.waitForEvent('page');
  await page.getByTestId('sign-out').click();
  await closedWithin(await signOutPopup, 15_000);
  await expect(page.getByTestId('sign-in')).toBeEnabled();
  const revocations = (await instanceLog(request)).filter((e) => e.path === '/id/connect/revocation' && e.method === 'POST');
  expect(revocations).toHaveLength(1);
  expect(page.url()).toBe(`${APP}/`);
});

test('sign-out inside the frame uses a popup for the end-session request', async ({ page, request }) => {
  const frame = await openHost(page, { sandbox: FULL_SANDBOX });
  await popupSignIn(page, frame);
  const popupOpened = page.context().waitForEvent('page');
  const endSession = page.context().waitForEvent('request', (r) => r.url().startsWith(`${INSTANCE}/id/connect/endsession`));
  await frame.getByTestId('sign-out').click();
  const popup = await popupOpened;
  const params = new URL((await endSession).url()).searchParams;
  expect(params.get('id_token_hint')).toMatch(JWT);
  expect(params.get('post_logout_redirect_uri')).toBe(`${APP_FRAMED}/`);
  expect(params.get('state')).toBeTruthy();
  await closedWithin(popup, 15_000);
  await expect(frame.getByTestId('sign-in')).toBeEnabled();
  await expect(frame.getByTestId('auth-error')).toHaveCount(0);
  // The Instance ID session ended too: a silent authorization now needs a login.
  const log = await (await request.get(`${INSTANCE}/__control/log`)).json();
  expect(log.some((e) => e.path === '/id/connect/endsession')).toBe(true);
});

test('COOP cuts the opener, unframed: the popup answers on the BroadcastChannel and sign-in completes', async ({ page, context, request }) => {
  await control(request, { coop: true });
  await withConfig(context, { sign_in_mode: 'popup' });
  await page.goto(APP);
  const popupOpened = context.waitForEvent('page');
  await page.getByTestId('sign-in').click();
  const popup = await popupOpened;
  // The cut link reads as a closed window: the app says so at once...
  await expect(page.getByTestId('auth-error')).toHaveAttribute('data-error-code', 'popup_closed');
  // ...and still takes the popup's answer when it arrives by the fallback channel.
  await logIn(popup);
  await expect(page.getByTestId('user-name')).toHaveText(DEMO.name);
  await expect(page.getByTestId('auth-error')).toHaveCount(0);
  await popup.waitForEvent('close', { timeout: 5000 }).catch(() => {});
  expect(popup.isClosed()).toBe(true);
});

test('inside the frame, a 401 asks to sign in again through the popup and the page stays put', async ({ page }) => {
  const frame = await openHost(page, { sandbox: FULL_SANDBOX, path: '/explorer?set=Crm_Customers&top=2' });
  await popupSignIn(page, frame);
  await expect(frame.getByTestId('row-count')).toHaveText('2 rows');
  // The instance stops accepting the token (as after a revocation): the next query gets a 401.
  await page.context().route('**/api/domain/odata/**', (route) =>
    route.fulfill({ status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"', 'access-control-allow-origin': '*' }, body: '{}' }), { times: 1 });
  await frame.getByTestId('top').fill('3');
  await frame.getByTestId('run-query').click();
  await expect(frame.getByTestId('auth-error')).toHaveAttribute('data-error-code', 'session_expired');
  const popupOpened = page.context().waitForEvent('page');
  await frame.getByTestId('sign-in').click();
  const popup = await popupOpened;
  // The Instance ID session is alive: no login form; the popup comes straight back and closes.
  await closedWithin(popup, 15_000);
  await expect(frame.getByTestId('row-count')).toHaveText('3 rows');
  expect(page.url().startsWith(HOST)).toBe(true);
});

test('a reload of the host page after a popup sign-in never sends the frame to the Instance ID', async ({ page, request }) => {
  const frame = await openHost(page, { sandbox: FULL_SANDBOX });
  await popupSignIn(page, frame);
  const before = authorizeRequests(await instanceLog(request)).length;
  // Every request any window of the test makes to the authorization endpoint from now on.
  const authorizes = [];
  page.context().on('request', (r) => {
    if (r.url().startsWith(`${INSTANCE}/id/connect/authorize`)) authorizes.push(r.url());
  });
  const started = Date.now();
  await page.reload();
  const reloaded = page.frameLocator('#app');
  await expect(reloaded.getByTestId('sign-in')).toBeEnabled({ timeout: 5_000 });
  test.info().annotations.push({ type: 'reload->sign-in', description: `${Date.now() - started} ms` });
  // Give a late restore the time to show itself, then check that none happened.
  await page.waitForTimeout(1500);
  expect(authorizes).toEqual([]);
  expect(authorizeRequests(await instanceLog(request))).toHaveLength(before);
  const appFrame = page.frame({ url: (u) => u.href.startsWith(APP_FRAMED) });
  expect(appFrame, 'the frame still shows the app').toBeTruthy();
  expect(new URL(appFrame.url()).origin).toBe(APP_FRAMED);
  await expect(reloaded.getByTestId('auth-error')).toHaveCount(0);
  // One click brings the session back through the popup (the Instance ID session lives on).
  const popupOpened = page.context().waitForEvent('page');
  await reloaded.getByTestId('sign-in').click();
  const popup = await popupOpened;
  await closedWithin(popup, 15_000);
  await expect(reloaded.getByTestId('user-name')).toHaveText(DEMO.name);
});

/** Slows the app's frame (its own renderer on another site) like a slow machine. */
async function throttle(page, rate = 6) {
  const appFrame = page.frame({ url: (u) => u.href.startsWith(APP_FRAMED) });
  const cdp = await page.context().newCDPSession(appFrame ?? page).catch(() => page.context().newCDPSession(page));
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
}

for (const delay of [0, 5_000]) {
  test(`a person closing the popup ${delay ? 'after a while' : 'at once'} from a cross-site frame gets popup_closed (slow machine)`, async ({ page }) => {
    const frame = await openHost(page, { sandbox: FULL_SANDBOX });
    await expect(frame.getByTestId('sign-in')).toBeEnabled();
    await throttle(page);
    const popupOpened = page.context().waitForEvent('page');
    await frame.getByTestId('sign-in').click();
    const popup = await popupOpened;
    await popup.locator('input[name=login]').waitFor();
    if (delay) await popup.waitForTimeout(delay);
    await popup.close();
    const error = frame.getByTestId('auth-error');
    await expect(error).toHaveAttribute('data-error-code', 'popup_closed', { timeout: 10_000 });
    await expect(frame.getByTestId('sign-in')).toBeEnabled();
  });
}

test('COOP cuts a still-open popup from a cross-site frame: popup_unreachable, not popup_closed (slow machine)', async ({ page, request }) => {
  await control(request, { coop: true });
  const frame = await openHost(page, { sandbox: FULL_SANDBOX });
  await expect(frame.getByTestId('sign-in')).toBeEnabled();
  await throttle(page);
  const popupOpened = page.context().waitForEvent('page');
  await frame.getByTestId('sign-in').click();
  const popup = await popupOpened;
  // The popup is in front: the person is reading the login form, the app's frame is not
  // focused (headless Chromium does not move the focus between windows by itself).
  await page.evaluate(() => document.activeElement?.blur());
  await popup.bringToFront();
  await popup.locator('input[name=login]').waitFor();
  await expect(frame.getByTestId('auth-error')).toHaveAttribute('data-error-code', 'popup_unreachable', { timeout: 15_000 });
  expect(popup.isClosed(), 'the popup is still open').toBe(false);
});
