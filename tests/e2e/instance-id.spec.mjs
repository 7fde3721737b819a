// The real Instance ID (IdentityServer4) as the stand-in plays it by default: the name from
// userinfo, rotated refresh tokens, `#_=_` error returns, a sign-out that may ask first,
// auto-discovery variants, and a device clock that is off (issue 10).
import { test, expect } from '@playwright/test';
import {
  closedWithin, control, expectNoSecretsStored, instanceLog, logIn, openHost, resetInstance, signIn,
  watchSecrets, withConfig,
} from './helpers.mjs';
import { APP, APP_FRAMED, DEMO, INSTANCE } from './env.mjs';

const FULL_SANDBOX = 'allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-forms';
const TOKEN = `${INSTANCE}/id/connect/token`;
const WITH_REFRESH = { scopes: 'openid profile email read update offline_access' };

test.beforeEach(async ({ request }) => resetInstance(request));

const claimsOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
const refreshes = (log) => log.filter((e) => e.path === '/id/connect/token' && e.form?.grant_type === 'refresh_token');

/** Collects every token response body the browser receives. */
function tokenResponses(context) {
  const bodies = [];
  context.on('response', async (res) => {
    if (res.url() === TOKEN && res.status() === 200) {
      try { bodies.push(await res.json()); } catch { /* not JSON */ }
    }
  });
  return bodies;
}

test('the name comes from userinfo: the ID token has none', async ({ page, request }) => {
  const seen = watchSecrets(page);
  const bodies = tokenResponses(page.context());
  await signIn(page); // waits for "Demo User" in [data-testid=user-name]
  await expect.poll(() => bodies.length).toBe(1);
  const claims = claimsOf(bodies[0].id_token);
  expect(claims.name, 'IdentityServer4 puts no name in the ID token').toBeUndefined();
  expect(claims.nbf).toBe(claims.iat);
  const log = await instanceLog(request);
  const userinfo = log.filter((e) => e.path === '/id/connect/userinfo' && e.method !== 'OPTIONS');
  expect(userinfo).toHaveLength(1);
  expect(userinfo[0].status).toBe(200);
  // Never on the callback's critical path: asked after the token POST answered.
  const tokenAt = log.find((e) => e.path === '/id/connect/token').time;
  expect(userinfo[0].time >= tokenAt).toBe(true);
  await expectNoSecretsStored(page, seen);
});

test('the user name shows before userinfo is asked: sub first, the name when it answers', async ({ page, context }) => {
  // Whether the name was on screen at the moment the app asked userinfo (fetch is patched in
  // the page, so the look is synchronous with the call).
  await page.addInitScript(() => {
    const fetch = window.fetch;
    window.fetch = function (input, init) {
      // A string, a URL (the wasm chunks' loader) or a Request.
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes('/connect/userinfo')) {
        window.nameShownWhenAsked = document.querySelector('[data-testid="user-name"]') !== null;
      }
      return fetch.call(this, input, init);
    };
  });
  // userinfo answers only when the test says so: until then the ID token's sub is on screen.
  let release;
  const held = new Promise((r) => { release = r; });
  await context.route('**/id/connect/userinfo', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/');
  await page.getByTestId('sign-in').click();
  await page.waitForURL((u) => u.origin === INSTANCE);
  await logIn(page);
  await expect(page.getByTestId('user-name')).toHaveText(DEMO.sub);
  expect(await page.evaluate(() => window.nameShownWhenAsked)).toBe(true);
  release();
  await expect(page.getByTestId('user-name')).toHaveText(DEMO.name);
  // The page's other requests went through the patched fetch too: the session panel's chunk.
  await expect(page.getByTestId('token-countdown')).toBeVisible();
});

test('a userinfo answer about someone else is ignored', async ({ page, context }) => {
  await context.route('**/id/connect/userinfo', (route) => route.fulfill({
    status: 200,
    contentType: 'application/json',
    headers: { 'access-control-allow-origin': APP },
    body: JSON.stringify({ sub: 'admin', name: 'Mallory' }),
  }));
  await page.goto('/');
  await page.getByTestId('sign-in').click();
  await logIn(page);
  // The ID token's sub stays on screen; the other person's name never shows.
  await expect(page.getByTestId('user-name')).toHaveText(DEMO.login);
  await page.waitForTimeout(500);
  await expect(page.getByTestId('user-name')).toHaveText(DEMO.login);
});

test('refresh tokens keep the session alive across several access-token lifetimes', async ({ page, context, request }) => {
  test.setTimeout(90_000);
  await withConfig(context, WITH_REFRESH);
  await control(request, { accessTokenTtl: 8 });
  const seen = watchSecrets(page);
  const bodies = tokenResponses(context);
  await signIn(page);
  await expect.poll(() => bodies.length).toBe(1);
  expect(bodies[0].refresh_token, 'offline_access gives a refresh token').toBeTruthy();
  // Three lifetimes later the person is still signed in, never asked to sign in again.
  const deadline = Date.now() + 26_000;
  while (Date.now() < deadline) {
    await expect(page.getByTestId('user-name')).toHaveText(DEMO.name);
    await expect(page.getByTestId('sign-in')).toHaveCount(0);
    await page.waitForTimeout(1000);
  }
  const log = await instanceLog(request);
  const used = refreshes(log);
  expect(used.length).toBeGreaterThanOrEqual(3);
  expect(used.every((e) => e.status === 200), 'every refresh was granted (each token used once)').toBe(true);
  await expect(page.getByTestId('auth-error')).toHaveCount(0);
  // The latest access token works at the Domain API.
  await page.getByRole('link', { name: 'Domain API' }).click();
  await page.getByTestId('entity-set').fill('Crm_Customers');
  await page.getByTestId('run-query').click();
  await expect(page.getByTestId('results')).toBeVisible();
  // Every refresh token seen is kept out of storage, cookies, the URL and the console.
  expect(bodies.filter((b) => b.refresh_token).length).toBeGreaterThanOrEqual(4);
  await expectNoSecretsStored(page, seen);
});

test('a refresh token used elsewhere is refused: the app says so and the session ends at expiry', async ({ page, context, request }) => {
  test.setTimeout(60_000);
  await withConfig(context, WITH_REFRESH);
  await control(request, { accessTokenTtl: 8 });
  const bodies = tokenResponses(context);
  await signIn(page);
  await expect.poll(() => bodies.length).toBe(1);
  // Someone redeems the app's refresh token first: one-time use, so the app's copy is dead.
  const stolen = await request.post(TOKEN, {
    form: { grant_type: 'refresh_token', refresh_token: bodies[0].refresh_token, client_id: 'spa.example.com' },
  });
  expect(stolen.status()).toBe(200);
  const error = page.getByTestId('auth-error');
  await expect(error).toHaveAttribute('data-error-code', 'session_expired', { timeout: 20_000 });
  await expect(error).toContainText('refused');
  await expect(page.getByTestId('sign-in')).toBeVisible();
  const log = await instanceLog(request);
  expect(refreshes(log).map((e) => e.status)).toContain(400);
});

test('sign-out revokes the refresh token', async ({ page, context, request }) => {
  await withConfig(context, WITH_REFRESH);
  const bodies = tokenResponses(context);
  await signIn(page);
  await expect.poll(() => bodies.length).toBe(1);
  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('sign-in')).toBeEnabled();
  const log = await instanceLog(request);
  const revocations = log.filter((e) => e.path === '/id/connect/revocation' && e.method === 'POST');
  expect(revocations).toHaveLength(1);
  expect(revocations[0].form?.token_type_hint).toBe('refresh_token');
  const reuse = await request.post(TOKEN, {
    form: { grant_type: 'refresh_token', refresh_token: bodies[0].refresh_token, client_id: 'spa.example.com' },
  });
  expect(reuse.status()).toBe(400);
});

test('access_denied comes back ending in #_=_: explained, and the address bar is clean', async ({ page, request }) => {
  await control(request, { deny: true });
  const back = page.waitForRequest((r) => r.isNavigationRequest() && r.url().startsWith(`${APP}/signin-callback`));
  await page.goto('/');
  await page.getByTestId('sign-in').click();
  const returned = await back;
  expect(new URL(returned.url()).searchParams.get('error')).toBe('access_denied');
  const error = page.getByTestId('auth-error');
  await expect(error).toHaveAttribute('data-error-code', 'callback_error');
  await expect(page.getByTestId('error-explanation')).toContainText('refused');
  await expect(page.getByTestId('sign-in')).toBeVisible();
  const url = new URL(page.url());
  expect(url.search).toBe('');
  expect(url.hash).toBe('');
  expect(page.url()).not.toContain('#');
});

for (const quiet of ['login_required', 'consent_required', 'interaction_required', 'account_selection_required']) {
  test(`a reload whose silent restore gets ${quiet} shows the sign-in button quietly`, async ({ page, request }) => {
    await signIn(page);
    await control(request, { promptNoneError: quiet });
    await page.reload();
    await expect(page.getByTestId('sign-in')).toBeEnabled();
    await expect(page.getByTestId('auth-error')).toHaveCount(0);
    expect(page.url()).not.toContain('#');
    const log = await instanceLog(request);
    expect(log.some((e) => e.path === '/id/connect/authorize' && e.query.prompt === 'none')).toBe(true);
  });
}

test('sign-out waits while the Instance ID asks "Do you want to sign out?"', async ({ page, request }) => {
  await control(request, { logoutPrompt: true });
  await signIn(page);
  await page.getByTestId('sign-out').click();
  await page.waitForURL((u) => u.origin === INSTANCE);
  await expect(page.getByText('Do you want to sign out?')).toBeVisible();
  await page.getByRole('button', { name: 'Yes' }).click();
  await page.waitForURL((u) => u.origin === new URL(APP).origin);
  await expect(page.getByTestId('sign-in')).toBeEnabled();
  await expect(page.getByTestId('auth-error')).toHaveCount(0);
  expect(new URL(page.url()).search).toBe('');
});

test('back from the Instance ID without its confirmation: signed out here, told the session may be open', async ({ page, request }) => {
  await control(request, { logoutPrompt: true });
  await signIn(page);
  await page.getByTestId('sign-out').click();
  await page.waitForURL((u) => u.origin === INSTANCE);
  await expect(page.getByText('Do you want to sign out?')).toBeVisible();
  await page.goBack();
  const error = page.getByTestId('auth-error');
  await expect(error).toHaveAttribute('data-error-code', 'signout_incomplete');
  await expect(error).toContainText('may still be open');
  await expect(page.getByTestId('user-name')).toHaveCount(0);
  await expect(page.getByTestId('retry-sign-out')).toBeVisible();
});

test('framed sign-out: the popup stays while the person reads the question; closing it says the session may be open; retry ends it', async ({ page, request }) => {
  test.setTimeout(60_000);
  await control(request, { logoutPrompt: true });
  const frame = await openHost(page, { sandbox: FULL_SANDBOX });
  let popupOpened = page.context().waitForEvent('page');
  await frame.getByTestId('sign-in').click();
  let popup = await popupOpened;
  await logIn(popup);
  await closedWithin(popup, 15_000);
  await expect(frame.getByTestId('user-name')).toHaveText(DEMO.name);

  popupOpened = page.context().waitForEvent('page');
  await frame.getByTestId('sign-out').click();
  popup = await popupOpened;
  await expect(popup.getByText('Do you want to sign out?')).toBeVisible();
  await page.waitForTimeout(5000); // reading
  expect(popup.isClosed(), 'nothing closes a sign-out popup the person is reading').toBe(false);
  await expect(frame.getByTestId('sign-in')).toBeVisible();
  await popup.close();
  const error = frame.getByTestId('auth-error');
  await expect(error).toHaveAttribute('data-error-code', 'signout_incomplete');

  popupOpened = page.context().waitForEvent('page');
  await frame.getByTestId('retry-sign-out').click();
  popup = await popupOpened;
  await popup.getByRole('button', { name: 'Yes' }).click();
  await closedWithin(popup, 15_000);
  await expect(frame.getByTestId('auth-error')).toHaveCount(0);
  const log = await instanceLog(request);
  expect(log.filter((e) => e.path === '/id/connect/endsession').length).toBeGreaterThanOrEqual(2);
  expect(page.url().startsWith(APP_FRAMED)).toBe(false);
});

test.describe('auto-discovery', () => {
  const diag = async (page, id) => page.getByTestId(`diag-${id}`).locator('td').innerText();

  test('default (no CORS on auto-discovery): the documented fallback, and the Diagnostics page says why', async ({ page }) => {
    await page.goto('/diagnostics');
    await expect(page.getByTestId('diag-discovery-source')).toContainText('the default addresses');
    await expect(page.getByTestId('diag-discovery-source')).toContainText('/tools/auto-discovery');
    expect(await diag(page, 'id-url')).toBe(`${INSTANCE}/id`);
    expect(await diag(page, 'odata-root')).toBe(`${INSTANCE}/api/domain/odata/`);
  });

  test('with CORS, /sys/auto-discovery is used', async ({ page, request }) => {
    await control(request, { autoDiscoveryCors: true });
    await page.goto('/diagnostics');
    await expect(page.getByTestId('diag-discovery-source')).toContainText('/sys/auto-discovery');
  });

  test('only /tools/auto-discovery: used after /sys', async ({ page, request }) => {
    await control(request, { autoDiscoveryCors: true, autoDiscovery: 'tools' });
    await page.goto('/diagnostics');
    await expect(page.getByTestId('diag-discovery-source')).toContainText('/tools/auto-discovery');
    await page.goto('/');
    await expect(page.getByTestId('sign-in')).toBeEnabled();
  });

  test('the Domain API as Type "API" (before 2025) is found', async ({ page, request }) => {
    await control(request, { autoDiscoveryCors: true, apiType: 'API' });
    await page.goto('/diagnostics');
    await expect(page.getByTestId('diag-discovery-source')).toContainText('/sys/auto-discovery');
    expect(await diag(page, 'odata-root')).toBe(`${INSTANCE}/api/domain/odata/`);
  });

  test('a NotWorking Domain API is shown with its StatusDescription', async ({ page, request }) => {
    await control(request, { autoDiscoveryCors: true, domainApiStatus: 'NotWorking' });
    await page.goto('/diagnostics');
    await expect(page.getByTestId('diag-domain-api-status')).toContainText('NotWorking');
    const settings = await (await request.get(`${INSTANCE}/__control`)).json();
    expect(settings.domainApiStatus).toBe('NotWorking');
    // Sign-in itself still works.
    await signIn(page);
  });

  test('no auto-discovery at all: fallback paths', async ({ page, request }) => {
    await control(request, { autoDiscovery: 'none' });
    await signIn(page);
  });
});

/** Shifts the page's clock (Date.now and new Date()) by `ms`, before any script runs. */
async function shiftDeviceClock(context, ms) {
  await context.addInitScript((shift) => {
    const RealDate = Date;
    const now = () => RealDate.now() + shift;
    // eslint-disable-next-line no-global-assign
    Date = class extends RealDate {
      constructor(...args) { super(...(args.length ? args : [now()])); }
      static now() { return now(); }
    };
  }, ms);
}

test('a device clock 10 minutes fast still signs in; the Diagnostics page shows the offset', async ({ page, context }) => {
  await shiftDeviceClock(context, 10 * 60 * 1000);
  await signIn(page);
  await page.getByRole('link', { name: 'Diagnostics' }).click();
  await expect(page.getByTestId('diag-clock-offset')).toContainText('10 min');
});

test('a device clock 10 minutes slow still signs in', async ({ page, context }) => {
  await shiftDeviceClock(context, -10 * 60 * 1000);
  await signIn(page);
});

test('a device clock two days off: the error says the clock looks wrong', async ({ page, context }) => {
  await shiftDeviceClock(context, 2 * 24 * 3600 * 1000);
  await page.goto('/');
  await page.getByTestId('sign-in').click();
  await logIn(page);
  const error = page.getByTestId('auth-error');
  await expect(error).toHaveAttribute('data-error-code', 'id_token_invalid');
  await expect(error).toContainText('clock');
  await expect(error).toContainText('2880 minutes');
});

test('a popup the Instance ID never sends back (its own error page): the timeout says why and points to Diagnostics', async ({ page, context }) => {
  // An unregistered client id: IdentityServer4 shows its error page and never redirects.
  await withConfig(context, { sign_in_mode: 'popup', popup_timeout_seconds: 5, client_id: 'unregistered.example.com' });
  await page.goto(APP);
  const popupOpened = context.waitForEvent('page');
  await page.getByTestId('sign-in').click();
  const popup = await popupOpened;
  await expect(popup.locator('[data-error]')).toBeVisible();
  const error = page.getByTestId('auth-error');
  await expect(error).toHaveAttribute('data-error-code', 'popup_timeout', { timeout: 10_000 });
  await expect(error).toContainText('Instance ID shows its own error page');
  await expect(error).toContainText('Diagnostics');
});

test('with a refresh token, a 401 from the Domain API renews the access token and the query runs again, no sign-in prompt', async ({ page, context, request }) => {
  await withConfig(context, WITH_REFRESH);
  const seen = watchSecrets(page);
  // The Domain API refuses the first request (as if its token had been revoked): forwarded
  // with a bad token, it gets the stand-in's real 401. (By count, not by token: a refresh in
  // the same second re-issues a byte-identical access token, as the stand-in's IS4 does.)
  let refused = 0;
  await page.route(`${INSTANCE}/api/domain/odata/**`, async (route) => {
    if (route.request().method() !== 'GET' || refused++ > 0) return route.continue();
    const headers = await route.request().allHeaders();
    const response = await route.fetch({ headers: { ...headers, authorization: 'Bearer not-a-valid-token' } });
    return route.fulfill({ response });
  });
  await signIn(page, '/explorer?set=Crm_Customers&top=2');
  await expect(page.getByTestId('row-count')).toHaveText('2 rows');
  await expect(page.getByTestId('auth-error')).toHaveCount(0);
  await expect(page.getByTestId('user-name')).toHaveText(DEMO.name);
  const log = await instanceLog(request);
  expect(refreshes(log).map((e) => e.status)).toEqual([200]);
  expect(log.filter((e) => e.path === '/id/connect/authorize')).toHaveLength(1);
  expect(log.filter((e) => e.method === 'GET' && e.path === '/api/domain/odata/Crm_Customers').map((e) => e.status)).toEqual([401, 200]);
  await expectNoSecretsStored(page, seen);
});
