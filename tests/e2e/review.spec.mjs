// Rules no other test would catch if they regressed (issue 12, item 8), at app level: the
// RFC 9207 check of the callback (even with the right state), the sign-out state check, the
// BroadcastChannel state filter.
import { test, expect } from '@playwright/test';
import { logIn, instanceLog, resetInstance, signIn, tokenRequests } from './helpers.mjs';
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
