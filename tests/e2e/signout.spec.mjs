// Sign-out: the end-session request, the way back, and other tabs forgetting their sessions.
import { test, expect } from '@playwright/test';
import {
  authorizeRequests, expectNoSecretsStored, instanceLog, resetInstance, signIn, signInAgain, watchSecrets,
} from './helpers.mjs';
import { APP, DEMO, INSTANCE } from './env.mjs';

const END_SESSION = `${INSTANCE}/id/connect/endsession`;

test.beforeEach(async ({ request }) => resetInstance(request));

/**
 * Clicks sign-out and waits until the browser is back at the app from the end-session
 * endpoint; returns the end-session URL and the URL the app was sent back to.
 */
async function signOut(page) {
  const endSession = page.waitForRequest((r) => r.url().startsWith(END_SESSION) && r.method() === 'GET');
  const back = page.waitForRequest((r) => r.isNavigationRequest() && r.url().startsWith(`${APP}/?`));
  await page.getByTestId('sign-out').click();
  const sent = new URL((await endSession).url());
  const returned = new URL((await back).url());
  await page.waitForLoadState();
  await expect.poll(() => new URL(page.url()).search, 'state leaves the address bar').toBe('');
  return { sent, returned };
}

/** Every top-level navigation of `page`, as URL objects. */
function navigations(page) {
  const urls = [];
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) urls.push(new URL(f.url())); });
  return urls;
}

test('sign-out ends the Instance ID session and comes back to a clean sign-in page', async ({ page, request }) => {
  const seen = watchSecrets(page);
  await signIn(page);
  const { sent, returned } = await signOut(page);
  await expect(page.getByTestId('sign-in')).toBeEnabled();
  await expect(page.getByTestId('user-name')).toHaveCount(0);
  await expect(page.getByTestId('auth-error')).toHaveCount(0);

  // The end-session request: the session's own ID token, the registered post-logout URI, a state...
  const q = sent.searchParams;
  expect(seen.secrets.has(q.get('id_token_hint')), 'id_token_hint is the ID token of the session').toBe(true);
  expect(q.get('post_logout_redirect_uri')).toBe(`${APP}/`);
  expect(q.get('state')).toMatch(/^[\w-]{20,}$/);
  // ...which comes back to the app, which then drops it from the address bar.
  expect(returned.pathname).toBe('/');
  expect(returned.searchParams.get('state')).toBe(q.get('state'));
  expect(new URL(page.url()).pathname).toBe('/');
  await expectNoSecretsStored(page, seen);

  // A reload does not bring the session back: the tab forgot it, and so did the Instance ID.
  await page.reload();
  await expect(page.getByTestId('sign-in')).toBeEnabled();
  await expect(page.getByTestId('user-name')).toHaveCount(0);
  await expect(page.getByTestId('auth-error')).toHaveCount(0);
  expect(authorizeRequests(await instanceLog(request)).filter((e) => e.query.prompt === 'none')).toHaveLength(0);
  await expectNoSecretsStored(page, seen);
  await page.getByTestId('sign-in').click();
  await expect(page.locator('input[name=login]'), 'the Instance ID asks for the password again').toBeVisible();
});

test('signing out in one tab signs the other tab out without a reload', async ({ page, context }) => {
  const seen = watchSecrets(page);
  await signIn(page);
  const other = await context.newPage();
  await other.goto('/');
  await signInAgain(other); // the Instance ID session: no form
  await expect(other.getByTestId('user-name')).toHaveText(DEMO.name);
  const otherNavs = navigations(other);

  await signOut(page);
  await expect(page.getByTestId('sign-in')).toBeEnabled();

  await expect(other.getByTestId('user-name')).toHaveCount(0);
  await expect(other.getByTestId('sign-out')).toHaveCount(0);
  await expect(other.getByTestId('sign-in')).toBeEnabled();
  await expect(other.getByTestId('auth-error')).toHaveCount(0);
  expect(otherNavs, 'the other tab did not navigate or reload').toEqual([]);
  await expectNoSecretsStored(page, seen);
  await expectNoSecretsStored(other, seen);

  // Its "was signed in" flag is gone too: a reload stays signed out, with no detour.
  await other.reload();
  await expect(other.getByTestId('sign-in')).toBeEnabled();
  await expect(other.getByTestId('user-name')).toHaveCount(0);
  expect(new URL(other.url()).origin).toBe(APP);
});
