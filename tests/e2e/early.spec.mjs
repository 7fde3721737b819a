// The sign-in button before discovery has finished (issue 14): shown once config.json is
// loaded on a plain signed-out visit; a click waits for discovery, then signs in as before;
// nothing reaches /authorize when discovery fails.
import { test, expect } from '@playwright/test';
import {
  authorizeRequests, closedWithin, control, instanceLog, logIn, openHost, resetInstance, withConfig,
} from './helpers.mjs';
import { APP, DEMO, INSTANCE } from './env.mjs';

const FULL_SANDBOX = 'allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-forms';
/** Discovery's answers (auto-discovery and the OpenID metadata), not the JWKS. */
const DISCOVERY = /\/(sys|tools)\/auto-discovery$|\/\.well-known\/openid-configuration$/;

test.beforeEach(async ({ request }) => resetInstance(request));
test.afterEach(async ({ request }) => resetInstance(request));

/** Counts discovery answers that reached `page` (its frames included). */
function discoveryAnswers(page) {
  const answered = [];
  page.on('response', (r) => { if (DISCOVERY.test(new URL(r.url()).pathname)) answered.push(r.url()); });
  return answered;
}

test('the sign-in button shows while discovery is still pending', async ({ page, request }) => {
  await control(request, { discoveryDelayMs: 3000 });
  const answered = discoveryAnswers(page);
  await page.goto('/');
  const button = page.getByTestId('sign-in');
  await expect(button).toBeEnabled({ timeout: 2500 });
  expect(answered).toEqual([]);
  await expect(page.getByTestId('auth-error')).toHaveCount(0);
  // Discovery still finishes behind it (the OpenID metadata at least: auto-discovery without
  // CORS is refused by the browser and may report no response); the button stays.
  await expect.poll(() => answered.some((u) => u.endsWith('/openid-configuration')), { timeout: 10_000 }).toBe(true);
  await expect(button).toBeEnabled();
});

test('a click during discovery waits for it (busy), then signs in through the redirect', async ({ page, request }) => {
  await control(request, { discoveryDelayMs: 2000 });
  const answered = discoveryAnswers(page);
  await page.goto('/explorer');
  await page.getByTestId('sign-in').click();
  expect(answered).toEqual([]);
  await expect(page.getByTestId('sign-in')).toHaveAttribute('aria-busy', 'true');
  expect(authorizeRequests(await instanceLog(request))).toHaveLength(0);
  await page.waitForURL((u) => u.origin === INSTANCE, { timeout: 15_000 });
  await logIn(page);
  await expect(page.getByTestId('user-name')).toHaveText(DEMO.name);
  // Back on the page the click was made on.
  expect(new URL(page.url()).pathname).toBe('/explorer');
});

test('framed, a click during discovery opens the popup at once and signs in through it', async ({ page, context, request }) => {
  await control(request, { discoveryDelayMs: 2000 });
  const answered = discoveryAnswers(page);
  const frame = await openHost(page, { sandbox: FULL_SANDBOX });
  const popupOpened = context.waitForEvent('page');
  await frame.getByTestId('sign-in').click();
  // Opened inside the click (a popup opened later would be blocked), before discovery ended.
  const popup = await popupOpened;
  expect(answered).toEqual([]);
  await logIn(popup);
  await closedWithin(popup, 15_000);
  await expect(frame.getByTestId('user-name')).toHaveText(DEMO.name);
});

/** Makes the OpenID metadata fail, late: after an early click. */
async function failDiscoveryLate(page) {
  await page.route('**/id/.well-known/openid-configuration', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.fulfill({ status: 404, headers: { 'access-control-allow-origin': '*' }, body: '' });
  });
}

test('discovery failing after an early click shows discovery_failed and never reaches /authorize', async ({ page, request }) => {
  await failDiscoveryLate(page);
  await page.goto('/');
  await page.getByTestId('sign-in').click();
  const error = page.getByTestId('auth-error');
  await expect(error).toHaveAttribute('data-error-code', 'discovery_failed');
  await expect(page.getByTestId('sign-in')).toHaveCount(0);
  expect(page.url()).toBe(`${APP}/`);
  expect(authorizeRequests(await instanceLog(request))).toHaveLength(0);
});

test('popup mode: discovery failing after an early click closes the blank popup and shows discovery_failed', async ({ page, context, request }) => {
  await withConfig(context, { sign_in_mode: 'popup' });
  await failDiscoveryLate(page);
  await page.goto('/');
  const popupOpened = context.waitForEvent('page');
  await page.getByTestId('sign-in').click();
  const popup = await popupOpened;
  await closedWithin(popup, 10_000);
  await expect(page.getByTestId('auth-error')).toHaveAttribute('data-error-code', 'discovery_failed');
  expect(authorizeRequests(await instanceLog(request))).toHaveLength(0);
});

test('a tab that restores its session silently never shows a sign-in button, before or after discovery', async ({ page, request }) => {
  await page.goto('/');
  await page.getByTestId('sign-in').click();
  await page.waitForURL((u) => u.origin === INSTANCE);
  await logIn(page);
  await expect(page.getByTestId('user-name')).toHaveText(DEMO.name);
  await control(request, { discoveryDelayMs: 1500 });
  // Every document of the tab reports a sign-in button the moment one is in its DOM: the
  // page keeps running until the Instance ID answers the silent request, so a button shown
  // while leaving would only live for a moment (too short for a look now and then).
  const seen = [];
  await page.exposeBinding('reportSignIn', (_source, href) => seen.push(href));
  await page.addInitScript(() => {
    new MutationObserver((_changes, observer) => {
      if (document.querySelector('[data-testid="sign-in"]')) {
        observer.disconnect();
        window.reportSignIn(location.href);
      }
    }).observe(document, { childList: true, subtree: true });
  });
  await page.reload();
  await expect(page.getByTestId('user-name')).toHaveText(DEMO.name, { timeout: 10_000 });
  expect(seen).toEqual([]);
});
