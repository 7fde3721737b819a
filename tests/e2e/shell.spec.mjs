// The signed-out home page pre-rendered in index.html (issue 14): its sign-in button is there
// before the wasm has arrived; a click on it is kept and the app takes it over (framed, with
// the popup opened inside the click); nothing reaches /authorize before the app has checked
// config.json and discovery; there is never more than one sign-in button.
import { test, expect } from '@playwright/test';
import {
  authorizeRequests, closedWithin, instanceLog, logIn, openHost, resetInstance, withConfig,
} from './helpers.mjs';
import { APP, APP_SUB, DEMO, INSTANCE } from './env.mjs';

const FULL_SANDBOX = 'allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-forms';

test.beforeEach(async ({ request }) => resetInstance(request));
test.afterEach(async ({ request }) => resetInstance(request));

/**
 * Holds every wasm file of the context (frames and chunks included) until `release()`;
 * `delivered()` tells whether any went through.
 */
async function holdWasm(context) {
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  let delivered = false;
  await context.route(/\.wasm$/, async (route) => {
    await released;
    delivered = true;
    await route.continue();
  });
  return { release: () => release(), delivered: () => delivered };
}

/**
 * In every document of the context: the most sign-in buttons ever in the DOM at once, and the
 * pre-rendered header's links (text and resolved href) when it showed.
 */
async function watchButtons(context) {
  await context.addInitScript(() => {
    const seen = { most: 0, shellLinks: null, shellAt: null };
    Object.defineProperty(window, '__buttons', { value: seen });
    new MutationObserver(() => {
      seen.most = Math.max(seen.most, document.querySelectorAll('[data-testid="sign-in"]').length);
      const header = document.querySelector('#shell header');
      if (header && seen.shellLinks === null) {
        seen.shellAt = performance.now();
        seen.shellLinks = [...header.querySelectorAll('a')].map((a) => [a.textContent.trim(), a.href]);
      }
    }).observe(document, { childList: true, subtree: true, attributes: true });
  });
}

test('the pre-rendered button shows before the wasm, and a click on it signs in through the redirect once the app has started', async ({ page, context, request }) => {
  const wasm = await holdWasm(context);
  await page.goto('/');
  const button = page.getByTestId('sign-in');
  await expect(button).toBeVisible();
  expect(wasm.delivered()).toBe(false);
  let popups = 0;
  context.on('page', () => { popups += 1; });
  await button.click();
  await expect(button).toHaveAttribute('aria-busy', 'true');
  await expect(button).toBeDisabled();
  // Kept, not sent: the app has not checked config.json and discovery yet.
  await page.waitForTimeout(300);
  expect(authorizeRequests(await instanceLog(request))).toHaveLength(0);
  expect(page.url()).toBe(`${APP}/`);
  wasm.release();
  await page.waitForURL((u) => u.origin === INSTANCE, { timeout: 15_000 });
  await logIn(page);
  await expect(page.getByTestId('user-name')).toHaveText(DEMO.name);
  expect(popups).toBe(0);
  expect(authorizeRequests(await instanceLog(request))).toHaveLength(1);
});

test('framed, a click on the pre-rendered button opens the popup inside the click; the app sends it on and signs in', async ({ page, context }) => {
  const wasm = await holdWasm(context);
  const frame = await openHost(page, { sandbox: FULL_SANDBOX });
  const popupOpened = context.waitForEvent('page');
  await frame.getByTestId('sign-in').click();
  const popup = await popupOpened;
  expect(wasm.delivered()).toBe(false);
  expect(popup.url()).toBe('about:blank');
  wasm.release();
  await popup.waitForURL((u) => u.origin === INSTANCE, { timeout: 15_000 });
  await logIn(popup);
  await closedWithin(popup, 15_000);
  await expect(frame.getByTestId('user-name')).toHaveText(DEMO.name);
  // The frame itself never went to the Instance ID.
  expect(page.frames().every((f) => !f.url().startsWith(INSTANCE))).toBe(true);
});

test('popup mode on a top-level page: a click before the app started opens the popup once it has (still inside the click\'s activation)', async ({ page, context }) => {
  await withConfig(context, { sign_in_mode: 'popup' });
  const wasm = await holdWasm(context);
  await page.goto('/');
  await page.getByTestId('sign-in').click();
  const popupOpened = context.waitForEvent('page');
  await page.waitForTimeout(300);
  wasm.release();
  const popup = await popupOpened;
  await popup.waitForURL((u) => u.origin === INSTANCE, { timeout: 15_000 });
  await logIn(popup);
  await closedWithin(popup, 15_000);
  await expect(page.getByTestId('user-name')).toHaveText(DEMO.name);
  expect(page.url()).toBe(`${APP}/`);
});

test('framed, a click before the app started, with a broken config.json: the popup closes, config_invalid shows, nothing reaches /authorize', async ({ page, context, request }) => {
  await context.route('**/config.json', (route) => route.fulfill({ contentType: 'application/json', body: '{"instance_url": 42}' }));
  const wasm = await holdWasm(context);
  const frame = await openHost(page, { sandbox: FULL_SANDBOX });
  const popupOpened = context.waitForEvent('page');
  await frame.getByTestId('sign-in').click();
  const popup = await popupOpened;
  wasm.release();
  await closedWithin(popup, 10_000);
  await expect(frame.getByTestId('auth-error')).toHaveAttribute('data-error-code', 'config_invalid');
  await expect(frame.getByTestId('sign-in')).toHaveCount(0);
  expect(authorizeRequests(await instanceLog(request))).toHaveLength(0);
});

test('the app page replaces the pre-rendered one: never two sign-in buttons, the same header links', async ({ page, context }) => {
  await watchButtons(context);
  for (const home of [`${APP}/`, `${APP_SUB}/`]) {
    await page.goto(home);
    await expect(page.locator('#main [data-testid=sign-in]')).toBeVisible();
    await expect(page.locator('#shell')).toHaveCount(0);
    const seen = await page.evaluate(() => window.__buttons);
    expect(seen.most, home).toBe(1);
    expect(seen.shellLinks, `the pre-rendered page showed at ${home}`).not.toBeNull();
    const appLinks = await page.locator('header.site-header a').evaluateAll((as) => as.map((a) => [a.textContent.trim(), a.href]));
    expect(seen.shellLinks, home).toEqual(appLinks);
  }
  await page.goto('/');
  // The app's own button works as before.
  await page.getByTestId('sign-in').click();
  await page.waitForURL((u) => u.origin === INSTANCE);
});

test('no pre-rendered page where the app shows none early: other pages, a query, the callback', async ({ page, context }) => {
  await watchButtons(context);
  for (const path of ['/diagnostics', '/?x=1', '/signin-callback?code=c&state=s']) {
    await page.goto(path);
    await expect(page.locator('#main')).toBeVisible();
    const seen = await page.evaluate(() => window.__buttons);
    expect(seen.shellLinks, path).toBeNull();
  }
});
