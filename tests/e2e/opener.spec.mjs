// A tab that another window opened (window.open, with an opener): the callback page hands its
// URL to the opener only when that opener is this app, on this origin, waiting for the state.
import { test, expect } from '@playwright/test';
import { expectNoSecretsStored, logIn, resetInstance, watchSecrets } from './helpers.mjs';
import { APP, APP_FRAMED, DEMO, HOST, INSTANCE } from './env.mjs';

test.beforeEach(async ({ request }) => resetInstance(request));

/** Opens `src` from a page of another site with window.open; returns the new tab. */
async function openFromHost(page, src) {
  await page.goto(`${HOST}/opener.html?src=${encodeURIComponent(src)}`);
  const opened = page.context().waitForEvent('page');
  await page.locator('#open').click();
  const tab = await opened;
  expect(await tab.evaluate(() => window.opener !== null), 'the tab has an opener').toBe(true);
  return tab;
}

// 127.0.0.1 is another site than the host's localhost; localhost:8411 is the same site on
// another origin. Neither opener may get the code.
for (const [label, app] of [['another site', APP_FRAMED], ['another origin of the same site', APP]]) {
  test(`a tab opened by ${label} signs in with a redirect and stays open`, async ({ page }) => {
    const tab = await openFromHost(page, `${app}/`);
    const seen = watchSecrets(tab);
    const posted = [];
    await page.exposeFunction('__seen', (data) => posted.push(data));
    await page.evaluate(() => window.addEventListener('message', (e) => window.__seen(String(e.data))));
    await tab.getByTestId('sign-in').click();
    await tab.waitForURL((u) => u.origin === INSTANCE);
    await logIn(tab);
    await expect(tab.getByTestId('user-name')).toHaveText(DEMO.name);
    expect(tab.isClosed()).toBe(false);
    expect(new URL(tab.url()).pathname).toBe('/');
    expect(posted, 'nothing reached the opener').toEqual([]);
    await expectNoSecretsStored(tab, seen);

    // Sign-out comes back to the same tab too (its state is waited for here).
    await tab.getByTestId('sign-out').click();
    await expect(tab.getByTestId('sign-in')).toBeEnabled();
    await expect(tab.getByTestId('auth-error')).toHaveCount(0);
    expect(tab.isClosed()).toBe(false);
    expect(new URL(tab.url()).search).toBe('');
  });
}

test('a tab the app itself opened handles its own redirect sign-in (the opener is not waiting)', async ({ page, context }) => {
  await page.goto(APP);
  await expect(page.getByTestId('sign-in')).toBeEnabled();
  const opened = context.waitForEvent('page');
  await page.evaluate((url) => { window.open(url, '_blank'); }, `${APP}/?opened=1`);
  const tab = await opened;
  await tab.getByTestId('sign-in').click();
  await tab.waitForURL((u) => u.origin === INSTANCE);
  await logIn(tab);
  await expect(tab.getByTestId('user-name')).toHaveText(DEMO.name);
  expect(tab.isClosed()).toBe(false);
  expect(new URL(tab.url()).search).toBe('?opened=1');
  // The opener was not signed in by it.
  await expect(page.getByTestId('user-name')).toHaveCount(0);
});
