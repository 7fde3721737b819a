// Rules no other test would catch if they regressed (issue 12, item 8), at app level: the
// RFC 9207 check of the callback (even with the right state), the sign-out state check, the
// BroadcastChannel state filter.
import { test, expect } from '@playwright/test';
import { logIn, instanceLog, resetInstance, signIn, tokenRequests, withConfig } from './helpers.mjs';
import { APP, DEMO, INSTANCE } from './env.mjs';

const ISS_MODE = process.env.E2E_MODE === 'iss';

test.beforeEach(async ({ request }) => resetInstance(request));

/**
 * Rewrites, once, the Instance ID's redirect back to `APP<path>?...state=...` with
 * `change(url)` applied. The browser hands redirects to no route, so the route follows the
 * Instance ID's own redirects itself (cookies shared with the context) up to the app.
 */
async function rewriteOnce(page, path, change) {
  let done = false;
  await page.route((u) => u.origin === INSTANCE && u.pathname.startsWith('/id/'), async (route) => {
    if (done) return route.fallback();
    let response = await route.fetch({ maxRedirects: 0 });
    for (let hops = 0; hops < 5; hops += 1) {
      const location = response.headers()['location'];
      const target = location && new URL(location, INSTANCE);
      if (!target) break;
      if (target.origin === APP && target.pathname === path && target.searchParams.has('state')) {
        done = true;
        change(target);
        return route.fulfill({ status: 302, headers: { location: target.toString() } });
      }
      if (target.origin !== INSTANCE) break;
      response = await page.context().request.get(target.toString(), { maxRedirects: 0 });
    }
    return route.fulfill({ response });
  });
}

test(`RFC 9207: a callback whose iss is ${ISS_MODE ? 'missing' : 'another issuer'} is refused although its state matches`, async ({ page, request }) => {
  await page.goto('/');
  await rewriteOnce(page, '/signin-callback', (url) => {
    expect(url.searchParams.get('code')).toBeTruthy();
    if (ISS_MODE) {
      expect(url.searchParams.get('iss')).toBe(`${INSTANCE}/id`);
      url.searchParams.delete('iss');
    } else {
      url.searchParams.set('iss', 'https://evil.example/id');
    }
  });
  await page.getByTestId('sign-in').click();
  await page.waitForURL((u) => u.origin === INSTANCE);
  await logIn(page);
  const error = page.getByTestId('auth-error');
  await expect(error).toHaveAttribute('data-error-code', 'iss_mismatch');
  await expect(page.getByTestId('user-name')).toHaveCount(0);
  // The code was never redeemed.
  expect(tokenRequests(await instanceLog(request))).toHaveLength(0);
  expect(new URL(page.url()).searchParams.has('code')).toBe(false);
});

test('sign-out: a return whose state is not the one sent is refused (logout_state_mismatch), the address bar cleaned', async ({ page }) => {
  await signIn(page);
  await rewriteOnce(page, '/', (url) => url.searchParams.set('state', 'forged-state'));
  await page.getByTestId('sign-out').click();
  const error = page.getByTestId('auth-error');
  await expect(error).toHaveAttribute('data-error-code', 'logout_state_mismatch');
  await expect(page.getByTestId('user-name')).toHaveCount(0);
  expect(new URL(page.url()).search).toBe('');
});

test('the BroadcastChannel fallback takes only the state the popup sign-in waits for', async ({ page, context }) => {
  await context.route('**/config.json', (route) => route.fulfill({
    contentType: 'application/json',
    body: JSON.stringify({ instance_url: INSTANCE, client_id: 'spa.example.com', scopes: 'openid profile email read update', sign_in_mode: 'popup' }),
  }));
  await page.goto('/');
  const opened = context.waitForEvent('page');
  await page.getByTestId('sign-in').click();
  const popup = await opened;
  await popup.locator('input[name=login]').waitFor();
  // Another same-origin window posts a callback URL with another state on the channel: the
  // app must neither take it nor acknowledge it.
  const other = await context.newPage();
  await other.goto(`${APP}/diagnostics`);
  const acks = await other.evaluate(async (base) => {
    const channel = new BroadcastChannel('erpnet-popup');
    const seen = [];
    channel.onmessage = (e) => seen.push(String(e.data));
    channel.postMessage(`${base}/signin-callback?code=forged&state=not-the-state`);
    await new Promise((r) => setTimeout(r, 1500));
    channel.close();
    return seen;
  }, APP);
  expect(acks).toEqual([]);
  await expect(page.getByTestId('auth-error')).toHaveCount(0);
  // The real answer still completes the sign-in.
  await other.close();
  await logIn(popup);
  await expect(page.getByTestId('user-name')).toHaveText(DEMO.name);
});

test('key rotation: a JWKS without the ID token\'s kid is fetched once more and sign-in completes', async ({ page }) => {
  // The keys the app holds (fetched early, carried across the redirect) name another kid, as
  // after a rotation; the ID token's kid is then unknown and the app must refetch once.
  let served = 0;
  await page.context().route('**/id/.well-known/openid-configuration/jwks', async (route) => {
    served += 1;
    if (served > 1) return route.continue();
    const response = await route.fetch();
    const jwks = await response.json();
    for (const k of jwks.keys) k.kid = 'ROTATED-AWAY';
    return route.fulfill({ response, json: jwks });
  });
  await signIn(page);
  await expect(page.getByTestId('auth-error')).toHaveCount(0);
  expect(served).toBe(2);
});

test('a JWKS without a usable key ends the sign-in with jwks_failed, carried or fetched on the callback page', async ({ browser }) => {
  // The keys are kept as fetched and parsed only when the ID token is validated (in the
  // validation chunk of the split build): an unusable set still ends the sign-in there.
  for (const carried of [true, false]) {
    // A context each: no Instance ID session left from the other round.
    const context = await browser.newContext({ baseURL: APP });
    const page = await context.newPage();
    let served = 0;
    await context.route('**/id/.well-known/openid-configuration/jwks', async (route) => {
      served += 1;
      if (!carried && served === 1) return route.abort('connectionrefused');
      return route.fulfill({ contentType: 'application/json', body: JSON.stringify({ keys: [{ kty: 'oct', k: 'AAAA' }] }) });
    });
    // The sign-in page's own key fetch is over before the sign-in leaves it.
    const fetched = page.waitForEvent(carried ? 'requestfinished' : 'requestfailed', (r) => r.url().endsWith('/jwks'));
    await page.goto('/');
    await fetched;
    await page.getByTestId('sign-in').click();
    await page.waitForURL((u) => u.origin === INSTANCE);
    await logIn(page);
    await expect(page.getByTestId('auth-error')).toHaveAttribute('data-error-code', 'jwks_failed');
    await expect(page.getByTestId('user-name')).toHaveCount(0);
    expect(served, carried ? 'carried across the redirect: not fetched again' : 'fetched again on the callback page').toBe(carried ? 1 : 2);
    await context.close();
  }
});

test('a callback page without carried keys fetches the JWKS once, beside the token POST', async ({ page }) => {
  // The sign-in page's key fetch fails, so nothing is carried across the redirect.
  let served = 0;
  await page.context().route('**/id/.well-known/openid-configuration/jwks', async (route) => {
    served += 1;
    if (served === 1) return route.abort('connectionrefused');
    return route.continue();
  });
  const failed = page.waitForEvent('requestfailed', (r) => r.url().endsWith('/jwks'));
  await page.goto('/');
  await failed;
  await page.getByTestId('sign-in').click();
  await page.waitForURL((u) => u.origin === INSTANCE);
  await logIn(page);
  await expect(page.getByTestId('user-name')).toHaveText(DEMO.name);
  expect(served).toBe(2);
});

test('a click while the key prefetch is in flight waits for it: the keys travel with the redirect, the callback fetches none', async ({ page }) => {
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  let served = 0;
  await page.context().route('**/id/.well-known/openid-configuration/jwks', async (route) => {
    served += 1;
    if (served === 1) await held;
    return route.continue();
  });
  const prefetching = page.waitForRequest((r) => r.url().endsWith('/jwks'));
  await page.goto('/');
  await prefetching;
  await page.getByTestId('sign-in').click();
  await expect(page.getByTestId('sign-in')).toHaveAttribute('aria-busy', 'true');
  await page.waitForTimeout(300);
  expect(new URL(page.url()).origin, 'still waiting for the keys').not.toBe(INSTANCE);
  release();
  await page.waitForURL((u) => u.origin === INSTANCE);
  await logIn(page);
  await expect(page.getByTestId('user-name')).toHaveText(DEMO.name);
  expect(served, 'the JWKS was fetched once, before the redirect').toBe(1);
});

test('start-up failing on the callback page still takes code and state out of the address bar', async ({ page }) => {
  await page.route('**/config.json', (r) => r.fulfill({ contentType: 'application/json', body: '{"instance_url": ' }));
  await page.goto('/signin-callback?code=SplxlOBeZQQYbYS6WxSbIA&state=abc&session_state=x.y#_=_');
  await expect(page.getByTestId('auth-error')).toHaveAttribute('data-error-code', 'config_invalid');
  const url = new URL(page.url());
  expect(url.searchParams.has('code')).toBe(false);
  expect(url.searchParams.has('state')).toBe(false);
  expect(url.searchParams.has('session_state')).toBe(false);
  expect(url.hash).toBe('');
  // Its texts come a moment later (a chunk of their own): checked once they are there.
  await expect(page.getByTestId('auth-error')).not.toHaveAttribute('aria-busy', /.*/);
  await expect(page.getByTestId('auth-error')).not.toContainText('SplxlOBeZQQYbYS6WxSbIA');
});

test('no text of the callback URL reaches the screen before the state check', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('sign-in')).toBeEnabled();
  const lure = 'Call support at +1-555-0100';
  const q = new URLSearchParams([['code', 'x'], ['state', 'not-ours'], [lure, '1'], [lure, '2']]);
  await page.goto(`/signin-callback?${q}`);
  const error = page.getByTestId('auth-error');
  await expect(error).toHaveAttribute('data-error-code', 'state_mismatch');
  await expect(error).not.toHaveAttribute('aria-busy', /.*/);
  await expect(page.locator('body')).not.toContainText('555-0100');
});

test('the Diagnostics page lists every place a token is sent', async ({ page }) => {
  await page.goto('/diagnostics');
  const row = page.getByTestId('diag-token-hosts');
  await expect(row).toContainText(`${INSTANCE}/id/connect/token`);
  await expect(row).toContainText(`${INSTANCE}/api/domain/odata/`);
  await expect(row).toContainText(`${INSTANCE}/api/domain/currentmodel`);
  await expect(row).toContainText(`${INSTANCE}/id/connect/userinfo`);
  await expect(row).toContainText(`${INSTANCE}/id/connect/revocation`);
});

test('a popup never waits longer than its pending request lives (10 minutes), whatever popup_timeout_seconds says', async ({ page, context }) => {
  await withConfig(context, { sign_in_mode: 'popup', popup_timeout_seconds: 3600 });
  await context.clock.install();
  await page.goto(APP);
  const popupOpened = context.waitForEvent('page');
  await page.getByTestId('sign-in').click();
  await popupOpened;
  await context.clock.fastForward('09:00');
  await page.waitForTimeout(500);
  await expect(page.getByTestId('auth-error')).toHaveCount(0);
  await context.clock.fastForward('01:30');
  await expect(page.getByTestId('auth-error')).toHaveAttribute('data-error-code', 'popup_timeout');
});

test('a sign-in callback is never taken for a sign-out return, even with a sign-out pending in the tab', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('sign-in')).toBeEnabled();
  // A sign-out this tab started and never finished (the person left the Instance ID's page).
  await page.evaluate(() => sessionStorage.setItem('erpnet.logout', JSON.stringify('a-sign-out-state-of-this-tab')));
  await page.getByTestId('sign-in').click();
  await page.waitForURL((u) => u.origin === INSTANCE);
  await logIn(page);
  await expect(page.getByTestId('user-name')).toHaveText(DEMO.name);
  await expect(page.getByTestId('auth-error')).toHaveCount(0);
});

test('a silent restore answered with an error that is not "sign in again" is shown', async ({ page }) => {
  await signIn(page);
  await rewriteOnce(page, '/signin-callback', (url) => {
    url.searchParams.delete('code');
    url.searchParams.delete('session_state');
    url.searchParams.set('error', 'temporarily_unavailable');
  });
  await page.reload();
  const error = page.getByTestId('auth-error');
  await expect(error).toHaveAttribute('data-error-code', 'callback_error');
  await expect(error).toContainText('temporarily_unavailable');
  await expect(page.getByTestId('sign-in')).toBeVisible();
});

test('an instance without an end-session endpoint: signed out here, told the Instance ID session may be open', async ({ page, context }) => {
  await context.route('**/id/.well-known/openid-configuration', async (route) => {
    const response = await route.fetch();
    const doc = await response.json();
    delete doc.end_session_endpoint;
    return route.fulfill({ response, json: doc });
  });
  await signIn(page);
  await page.getByTestId('sign-out').click();
  const error = page.getByTestId('auth-error');
  await expect(error).toHaveAttribute('data-error-code', 'signout_incomplete');
  await expect(error).toContainText('no sign-out endpoint');
  await expect(page.getByTestId('user-name')).toHaveCount(0);
  await expect(page.getByTestId('sign-in')).toBeVisible();
});
