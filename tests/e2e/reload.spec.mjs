// Reload: memory is gone, the session comes back through a top-level prompt=none
// authorization while the Instance ID session lives, and falls back quietly when it does not.
import { test, expect } from '@playwright/test';
import {
  authorizeRequests, control, expectNoSecretsStored, instanceLog, resetInstance, signIn, tokenRequests, watchSecrets,
} from './helpers.mjs';
import { APP, DEMO, INSTANCE } from './env.mjs';

const SIGNED_IN_FLAG = 'erpnet.signed_in';

test.beforeEach(async ({ request }) => resetInstance(request));

test('a reload restores the session with no click (prompt=none)', async ({ page, request }) => {
  const seen = watchSecrets(page);
  await signIn(page, '/explorer?set=Crm_Customers&top=2');
  await expect(page.getByTestId('row-count')).toHaveText('2 rows');

  const started = Date.now();
  await page.reload();
  await expect(page.getByTestId('user-name')).toHaveText(DEMO.name, { timeout: 5_000 });
  const restoreMs = Date.now() - started;
  test.info().annotations.push({ type: 'reload->user-name', description: `${restoreMs} ms` });

  // Back on the same page with the same query, and its rows.
  const url = new URL(page.url());
  expect(url.pathname).toBe('/explorer');
  expect(url.searchParams.get('set')).toBe('Crm_Customers');
  await expect(page.getByTestId('row-count')).toHaveText('2 rows');

  const log = await instanceLog(request);
  const authorizes = authorizeRequests(log);
  expect(authorizes.map((e) => e.query.prompt)).toEqual([undefined, 'none']);
  expect(tokenRequests(log)).toHaveLength(2);
  await expectNoSecretsStored(page, seen);
});

test('a reload after the Instance ID session ended falls back quietly to sign-in', async ({ page, request }) => {
  const seen = watchSecrets(page);
  await signIn(page);

  // Sign out at the stand-in in another tab (the app is not told). Without an id_token_hint
  // the Instance ID asks first.
  const other = await page.context().newPage();
  await other.goto(`${INSTANCE}/id/connect/endsession`);
  await other.getByRole('button', { name: 'Yes' }).click();
  await expect(other.getByRole('heading', { name: 'Signed out' })).toBeVisible();
  await other.close();

  await page.reload();
  await expect(page.getByTestId('sign-in')).toBeEnabled();
  await expect(page.getByTestId('user-name')).toHaveCount(0);
  await expect(page.getByTestId('auth-error')).toHaveCount(0);
  expect(new URL(page.url()).pathname).toBe('/');
  const log = await instanceLog(request);
  expect(authorizeRequests(log).map((e) => e.query.prompt)).toEqual([undefined, 'none']);
  expect(tokenRequests(log)).toHaveLength(1);
  await expectNoSecretsStored(page, seen);
});

test('only the "was signed in" flag, no Instance ID session: quiet sign-in button', async ({ page, request }) => {
  const seen = watchSecrets(page);
  await page.goto('/');
  await expect(page.getByTestId('sign-in')).toBeEnabled();
  await page.evaluate((flag) => sessionStorage.setItem(flag, '1'), SIGNED_IN_FLAG);
  await page.reload();
  await expect(page.getByTestId('sign-in')).toBeEnabled();
  await expect(page.getByTestId('auth-error')).toHaveCount(0);
  await expect(page.getByTestId('user-name')).toHaveCount(0);
  expect(new URL(page.url()).pathname).toBe('/');
  const log = await instanceLog(request);
  expect(authorizeRequests(log).map((e) => e.query.prompt)).toEqual(['none']);
  expect(tokenRequests(log)).toHaveLength(0);
  // The flag is spent: another reload does not bounce through the Instance ID again.
  await page.reload();
  await expect(page.getByTestId('sign-in')).toBeEnabled();
  expect(authorizeRequests(await instanceLog(request))).toHaveLength(1);
  await expectNoSecretsStored(page, seen);
});

for (const hostile of ['//evil.example/x', '/%2F%2Fevil.example/x', '/%5Cevil.example/x', '/signin-callback']) {
  test(`no open redirect: ${hostile} after a failed silent restore lands on the start page`, async ({ page, request }) => {
    const seen = watchSecrets(page);
    const elsewhere = [];
    await page.context().route((u) => u.hostname === 'evil.example', (route) => {
      elsewhere.push(route.request().url());
      return route.abort();
    });
    await signIn(page);
    // The Instance ID session is gone as far as prompt=none goes.
    await control(request, { promptNoneError: 'login_required' });
    await page.goto(`${APP}${hostile}`);
    await expect(page.getByTestId('sign-in')).toBeEnabled();
    await page.waitForLoadState('networkidle');
    const url = new URL(page.url());
    expect(url.origin).toBe(APP);
    expect(url.pathname).toBe('/');
    expect(elsewhere).toEqual([]);
    await expect(page.getByTestId('auth-error')).toHaveCount(0);
    const log = await instanceLog(request);
    expect(authorizeRequests(log).map((e) => e.query.prompt)).toEqual([undefined, 'none']);
    await expectNoSecretsStored(page, seen);
  });
}

test('pending requests past their 10 minutes (or unreadable) are purged at start-up; a fresh one stays', async ({ page }) => {
  await page.goto('/');
  // Two abandoned redirect sign-ins: the Instance ID's login form is left each time.
  for (let i = 0; i < 2; i += 1) {
    await page.getByTestId('sign-in').click();
    await page.waitForURL((u) => u.origin === INSTANCE);
    await page.goto('/');
    await expect(page.getByTestId('sign-in')).toBeEnabled();
  }
  const keys = await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('erpnet.pending.')));
  expect(keys).toHaveLength(2);
  const [stale, fresh] = keys;
  await page.evaluate((key) => {
    const pending = JSON.parse(sessionStorage.getItem(key));
    pending.created_at -= 601;
    sessionStorage.setItem(key, JSON.stringify(pending));
    sessionStorage.setItem('erpnet.pending.unreadable', '{"not":"a pending request"}');
  }, stale);
  await page.reload();
  await expect(page.getByTestId('sign-in')).toBeEnabled();
  const left = await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('erpnet.pending.')));
  expect(left).toEqual([fresh]);
});
