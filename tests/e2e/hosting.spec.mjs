// Static hosting: the build under a sub-path (trunk public_url /sub/), and dist/ on a plain
// static host without rewrite rules (tests/e2e/static-host.mjs: no SPA fallback).
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expectNoSecretsStored, logIn, resetInstance, watchSecrets } from './helpers.mjs';
import { APP, APP_STATIC, APP_SUB, DEMO, INSTANCE } from './env.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SUB_ORIGIN = new URL(APP_SUB).origin;

test.beforeEach(async ({ request }) => resetInstance(request));

/** Signs in on the app under /sub/ (the landing page is checked by its own test). */
async function signInUnderSub(page) {
  const callbacks = [];
  page.on('request', (r) => { if (r.isNavigationRequest() && r.url().includes('/signin-callback?')) callbacks.push(new URL(r.url())); });
  await page.goto(`${APP_SUB}/`);
  await page.getByTestId('sign-in').click();
  await page.waitForURL((u) => u.origin === INSTANCE);
  await logIn(page);
  await expect(page.getByTestId('user-name')).toHaveText(DEMO.name);
  expect(callbacks.map((u) => u.origin + u.pathname)).toEqual([`${APP_SUB}/signin-callback`]);
}

// APP BUG (since 4dbd190; before it the user landed on /sub/sub/ "Page not found"): sign-in
// started on /sub/ returns to http://localhost:8412/sub, without the trailing slash: the return
// path "/" is joined to the router base "/sub". The page works, but the address is not the app's
// base (post_logout_redirect_uri is /sub/), and a plain static host or object store that only
// has sub/index.html may not serve "/sub" on the next reload.
test('under /sub/: sign in comes back to /sub/ with the user name', async ({ page }) => {
  const seen = watchSecrets(page);
  await signInUnderSub(page);
  expect(page.url()).toBe(`${APP_SUB}/`);
  await expect(page.getByText('Page not found')).toHaveCount(0);
  await expect(page.getByTestId('sign-out')).toBeVisible();
  await expectNoSecretsStored(page, seen);
});

test('under /sub/: the callback is /sub/signin-callback, sign-out comes back to /sub/', async ({ page }) => {
  const seen = watchSecrets(page);
  await signInUnderSub(page);
  await expectNoSecretsStored(page, seen);

  const endSession = page.waitForRequest((r) => r.url().startsWith(`${INSTANCE}/id/connect/endsession`));
  const back = page.waitForRequest((r) => r.isNavigationRequest() && r.url().startsWith(`${APP_SUB}/?`));
  await page.getByTestId('sign-out').click();
  expect(new URL((await endSession).url()).searchParams.get('post_logout_redirect_uri')).toBe(`${APP_SUB}/`);
  await back;
  await expect(page.getByTestId('sign-in')).toBeEnabled();
  await expect(page.getByTestId('auth-error')).toHaveCount(0);
  await expect.poll(() => page.url()).toBe(`${APP_SUB}/`);
  await expectNoSecretsStored(page, seen);
});

test('under /sub/: diagnostics show the derived redirect and post-logout URIs', async ({ page }) => {
  await page.goto(`${APP_SUB}/diagnostics`);
  await expect(page.getByTestId('diag-redirect-uri').locator('td')).toHaveText(`${SUB_ORIGIN}/sub/signin-callback`);
  await expect(page.getByTestId('diag-post-logout-uri').locator('td')).toHaveText(`${SUB_ORIGIN}/sub/`);
});

// (Regression: the header's links used to ignore the base and point outside the app.)
test('under /sub/: the navigation links stay below /sub/', async ({ page }) => {
  await page.goto(`${APP_SUB}/diagnostics`);
  await page.getByRole('link', { name: 'Domain API' }).click();
  await expect(page).toHaveURL(`${APP_SUB}/explorer`);
  await expect(page.getByTestId('sign-in')).toBeEnabled();
});

// The copy also preloads the sign-in chunk (split.spec.mjs): the same page otherwise.
const withoutPreloads = (html) => html.replace(/<link rel="preload" as="fetch" crossorigin href="[^"]+\.wasm">/g, '');

test('the build has signin-callback/index.html, a copy of index.html', async ({ request }) => {
  for (const dist of ['dist', 'dist-sub']) {
    const index = readFileSync(`${root}/${dist}/index.html`, 'utf8');
    expect(withoutPreloads(readFileSync(`${root}/${dist}/signin-callback/index.html`, 'utf8')), `${dist}/signin-callback/index.html`).toBe(index);
  }
  // The plain host has no fallback: an app route with no file is a 404 there...
  expect((await request.get(`${APP_STATIC}/explorer`)).status()).toBe(404);
  // ...but the callback URL is a directory, so it loads the app.
  const res = await request.get(`${APP_STATIC}/signin-callback?code=x&state=y`, { maxRedirects: 0 });
  expect(res.status()).toBe(301);
  expect(res.headers().location).toBe('/signin-callback/?code=x&state=y');
  const page = await request.get(`${APP_STATIC}/signin-callback/`);
  expect(page.status()).toBe(200);
  expect(withoutPreloads(await page.text())).toBe(readFileSync(`${root}/dist/index.html`, 'utf8'));
});

test('on a static host without rewrite rules the whole sign-in works', async ({ page }) => {
  const seen = watchSecrets(page);
  await page.goto(`${APP_STATIC}/`);
  await page.getByTestId('sign-in').click();
  await page.waitForURL((u) => u.origin === INSTANCE);
  await logIn(page);
  await expect(page.getByTestId('user-name')).toHaveText(DEMO.name);
  expect(new URL(page.url()).pathname).toBe('/');
  await expect(page.getByTestId('auth-error')).toHaveCount(0);
  await expectNoSecretsStored(page, seen);
});

test('the CSP of dist/_headers, enforced as a header, lets the app start', async ({ page }) => {
  // The deployer narrows connect-src to their instance; here the instance is the stand-in.
  const headers = readFileSync(`${root}/dist/_headers`, 'utf8');
  const csp = headers.match(/Content-Security-Policy: (.*)/)[1]
    .replace(/connect-src [^;]*/, `connect-src 'self' ${INSTANCE}`);
  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
  // A document fulfilled by the test has no network address, so Chromium counts it as public
  // and its requests to the loopback stand-in need the local-network permission.
  await page.context().grantPermissions(['local-network-access'], { origin: APP });
  await page.route((url) => url.pathname === '/', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': csp } });
  });
  await page.goto('/');
  await expect(page.getByTestId('sign-in')).toBeEnabled();
  expect(violations).toEqual([]);
});
