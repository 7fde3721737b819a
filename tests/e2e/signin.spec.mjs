// The redirect sign-in flow against the stand-in.
import { test, expect } from '@playwright/test';
import { control, expectNoSecretsStored, logIn, resetInstance, signIn, watchSecrets } from './helpers.mjs';
import { DEMO, INSTANCE } from './env.mjs';

const isTokenPost = (e) => e.method === 'POST' && e.path === '/id/connect/token';

test.beforeEach(async ({ request }) => resetInstance(request));

test('redirect sign-in shows the user name and cleans the address bar', async ({ page }) => {
  const seen = watchSecrets(page);
  const configFetches = [];
  page.on('request', (r) => { if (r.url().endsWith('/config.json')) configFetches.push(page.url()); });
  await signIn(page);
  // Only the first page loads config.json; the callback page reuses what sign-in discovered
  // (and does not preload it).
  expect(configFetches).toHaveLength(1);
  await expect(page.getByTestId('sign-out')).toBeVisible();
  await expect(page.getByTestId('granted-scopes')).toContainText('read');
  expect(new URL(page.url()).pathname).toBe('/');
  expect(seen.secrets.size).toBeGreaterThan(1);
  await expectNoSecretsStored(page, seen);
});

test('sign-in returns to the page the user was on, query included', async ({ page }) => {
  const seen = watchSecrets(page);
  await signIn(page, '/explorer?set=Crm_Customers&top=3');
  const url = new URL(page.url());
  expect(url.pathname).toBe('/explorer');
  expect(url.searchParams.get('set')).toBe('Crm_Customers');
  await expect(page.getByTestId('row-count')).toHaveText('3 rows');
  await expectNoSecretsStored(page, seen);
});

test('a provider error is shown with its description, before any token request', async ({ page, request }) => {
  const seen = watchSecrets(page);
  await control(request, { deny: true });
  await page.goto('/');
  await page.getByTestId('sign-in').click();
  const error = page.getByTestId('auth-error');
  await expect(error).toHaveAttribute('data-error-code', 'callback_error');
  await expect(error).toContainText('access_denied');
  await expect(error).toContainText('The user denied the request');
  await expect(page.getByTestId('sign-in')).toBeEnabled();
  const log = await (await request.get(`${INSTANCE}/__control/log`)).json();
  expect(log.filter(isTokenPost)).toHaveLength(0);
  await expectNoSecretsStored(page, seen);
});

test('a callback with an unknown state is refused and the code is never redeemed', async ({ page, request }) => {
  const seen = watchSecrets(page);
  await page.goto('/signin-callback?code=forged-code&state=not-ours&iss=' + encodeURIComponent(`${INSTANCE}/id`));
  const error = page.getByTestId('auth-error');
  await expect(error).toHaveAttribute('data-error-code', 'state_mismatch');
  await expect(page.getByTestId('sign-in')).toBeEnabled();
  expect(new URL(page.url()).search).toBe('');
  const log = await (await request.get(`${INSTANCE}/__control/log`)).json();
  expect(log.filter(isTokenPost)).toHaveLength(0);
  await expectNoSecretsStored(page, seen);
});

test('reloading or replaying the callback never redeems a code twice', async ({ page, request }) => {
  const seen = watchSecrets(page);
  let callbackUrl;
  page.on('request', (r) => {
    if (r.isNavigationRequest() && r.url().includes('/signin-callback?')) callbackUrl = r.url();
  });
  await signIn(page);
  expect(callbackUrl).toBeTruthy();
  await page.goto(callbackUrl);
  await expect(page.getByTestId('auth-error')).toHaveAttribute('data-error-code', 'state_mismatch');
  await expect(page.getByTestId('sign-in')).toBeEnabled();
  const log = await (await request.get(`${INSTANCE}/__control/log`)).json();
  expect(log.filter(isTokenPost)).toHaveLength(1);
  await expectNoSecretsStored(page, seen);
});

test('wrong password keeps the user at the Instance ID', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('sign-in').click();
  await page.waitForURL((u) => u.origin === INSTANCE);
  await logIn(page, { ...DEMO, password: 'wrong' });
  await expect(page.locator('input[name=password]')).toBeVisible();
  expect(new URL(page.url()).origin).toBe(INSTANCE);
});
