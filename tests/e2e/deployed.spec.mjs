// dist/ served as a CDN serves it: dist/_headers applied by a static host that reads the file
// (tests/e2e/static-host.mjs --headers), its connect-src and frame-ancestors pointed at the test
// hosts. Redirect sign-in, sign-out, popup sign-in from a cross-site frame and its sign-out, and
// a reload of the embedding page must all work under those headers (issue 12).
import { test, expect } from '@playwright/test';
import {
  authorizeRequests, closedWithin, expectNoSecretsStored, instanceLog, logIn, resetInstance, watchSecrets,
} from './helpers.mjs';
import { APP_CDN, DEMO, HOST, INSTANCE } from './env.mjs';

test.beforeEach(async ({ request }) => resetInstance(request));

/** Collects CSP violations reported in any window of the test. */
function watchCsp(context) {
  const violations = [];
  const hook = (p) => p.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
  context.pages().forEach(hook);
  context.on('page', hook);
  return violations;
}

test('the pages the popup lands on carry the shipped headers and no COOP that cuts it', async ({ request }) => {
  for (const path of ['/', '/signin-callback/', '/signin-callback/index.html', '/index.html']) {
    const res = await request.get(`${APP_CDN}${path}`, { maxRedirects: 0 });
    expect(res.status(), path).toBe(200);
    const h = res.headers();
    expect(h['content-security-policy'], path).toContain(`connect-src 'self' ${INSTANCE}`);
    expect(h['content-security-policy'], path).toContain(`frame-ancestors 'self' ${HOST}`);
    expect(h['x-content-type-options'], path).toBe('nosniff');
    expect(h['cross-origin-opener-policy'] ?? 'unsafe-none', path).toBe('unsafe-none');
  }
  const wasm = (await (await request.get(`${APP_CDN}/`)).text()).match(/href="\/([^"]+_bg\.wasm)"/)[1];
  expect((await request.get(`${APP_CDN}/${wasm}`)).headers()['cache-control']).toContain('immutable');
});

test('under the shipped headers: redirect sign-in, then sign-out', async ({ page, context }) => {
  const violations = watchCsp(context);
  const seen = watchSecrets(page);
  await page.goto(`${APP_CDN}/`);
  await page.getByTestId('sign-in').click();
  await page.waitForURL((u) => u.origin === INSTANCE);
  await logIn(page);
  await expect(page.getByTestId('user-name')).toHaveText(DEMO.name);
  expect(new URL(page.url()).origin).toBe(APP_CDN);
  await expectNoSecretsStored(page, seen);
  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('sign-in')).toBeEnabled();
  await expect(page.getByTestId('auth-error')).toHaveCount(0);
  expect(new URL(page.url()).search).toBe('');
  expect(violations).toEqual([]);
});

test('under the shipped headers: popup sign-in from a cross-site frame, reload, sign-out', async ({ page, context, request }) => {
  const violations = watchCsp(context);
  await page.goto(`${HOST}/?src=${encodeURIComponent(`${APP_CDN}/`)}`);
  const frame = page.frameLocator('#app');
  const opened = context.waitForEvent('page');
  await frame.getByTestId('sign-in').click();
  const popup = await opened;
  await logIn(popup);
  await closedWithin(popup, 15_000);
  await expect(frame.getByTestId('user-name')).toHaveText(DEMO.name);
  await expect(frame.getByTestId('auth-error')).toHaveCount(0);

  // A reload of the embedding page: no frame navigation to the Instance ID, the button is back.
  const before = authorizeRequests(await instanceLog(request)).length;
  await page.reload();
  await expect(frame.getByTestId('sign-in')).toBeEnabled({ timeout: 5_000 });
  await page.waitForTimeout(1000);
  expect(authorizeRequests(await instanceLog(request))).toHaveLength(before);

  // One click brings the session back (the Instance ID session lives), then sign-out.
  const again = context.waitForEvent('page');
  await frame.getByTestId('sign-in').click();
  await closedWithin(await again, 15_000);
  await expect(frame.getByTestId('user-name')).toHaveText(DEMO.name);
  const signOutPopup = context.waitForEvent('page');
  await frame.getByTestId('sign-out').click();
  await closedWithin(await signOutPopup, 15_000);
  await expect(frame.getByTestId('sign-in')).toBeEnabled();
  await expect(frame.getByTestId('auth-error')).toHaveCount(0);
  expect(page.url().startsWith(HOST)).toBe(true);
  expect(violations).toEqual([]);
});
