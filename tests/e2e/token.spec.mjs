// What comes back from the token endpoint: a real provider error body, and an ID token whose
// signature does not verify. Both are produced by intercepting the browser's token POST and
// forwarding it to the real stand-in, so the bodies are the provider's own.
import { test, expect } from '@playwright/test';
import {
  expectNoSecretsStored, logIn, resetInstance, signInAgain, tokenRequests, instanceLog, watchSecrets,
} from './helpers.mjs';
import { INSTANCE } from './env.mjs';

const TOKEN_ENDPOINT = `${INSTANCE}/id/connect/token`;

test.beforeEach(async ({ request }) => resetInstance(request));

/** Records a token response the browser never sees, so the storage scan looks for it too. */
async function remember(seen, response) {
  const body = await response.json();
  for (const k of ['access_token', 'id_token']) if (body[k]) seen.secrets.add(body[k]);
  return body;
}

/** Starts sign-in on a fresh page and fills the stand-in's login form. */
async function startSignIn(page) {
  await page.goto('/');
  await page.getByTestId('sign-in').click();
  await page.waitForURL((u) => u.origin === INSTANCE);
  await logIn(page);
}

/** Makes the browser's next token POST come back with the provider's answer to a second redemption of the same code. */
async function redeemTwice(page, seen) {
  await page.route(TOKEN_ENDPOINT, async (route) => {
    const first = await route.fetch(); // redeems the code
    await remember(seen, first);
    const second = await route.fetch(); // the same code again: the provider refuses it
    await route.fulfill({ response: second });
  }, { times: 1 });
}

test('a token error body (invalid_grant for a code used twice) is shown as token_error', async ({ page, request }) => {
  const seen = watchSecrets(page);
  await redeemTwice(page, seen);
  await startSignIn(page);

  const error = page.getByTestId('auth-error');
  await expect(error).toHaveAttribute('data-error-code', 'token_error');
  await expect(error).toContainText('invalid_grant');
  await expect(page.getByTestId('user-name')).toHaveCount(0);
  await expect(page.getByTestId('sign-in')).toBeEnabled();
  expect(new URL(page.url()).search).toBe('');
  const log = await instanceLog(request);
  expect(tokenRequests(log).map((e) => e.status)).toEqual([200, 400]);
  await expectNoSecretsStored(page, seen);
});

// (Regression: the sign-in button on the callback error page used to keep the failed callback's
// `?code=…&state=…&iss=…` in its return path, so the next sign-in ended on `/?code=<old code>…`.)
test('after a token error, signing in again works and leaves a clean address bar', async ({ page }) => {
  const seen = watchSecrets(page);
  await redeemTwice(page, seen);
  await startSignIn(page);
  await expect(page.getByTestId('auth-error')).toHaveAttribute('data-error-code', 'token_error');

  // The way forward: the sign-in button (the Instance ID session makes it one click).
  await signInAgain(page);
  await expect(page.getByTestId('auth-error')).toHaveCount(0);
  expect(new URL(page.url()).pathname).toBe('/');
  expect(new URL(page.url()).search).toBe('');
  await expectNoSecretsStored(page, seen);
});

test('an ID token with a broken signature is refused: id_token_invalid, rule signature', async ({ page }) => {
  const seen = watchSecrets(page);
  await page.route(TOKEN_ENDPOINT, async (route) => {
    const response = await route.fetch();
    const body = await remember(seen, response);
    const [header, payload, signature] = body.id_token.split('.');
    // Flip bits in the middle of the signature (the last base64url character carries padding bits).
    const bytes = Buffer.from(signature, 'base64url');
    bytes[bytes.length >> 1] ^= 0xff;
    const tampered = `${header}.${payload}.${bytes.toString('base64url')}`;
    expect(tampered).not.toBe(body.id_token);
    seen.secrets.add(tampered);
    await route.fulfill({ response, json: { ...body, id_token: tampered } });
  }, { times: 1 });
  await startSignIn(page);

  const error = page.getByTestId('auth-error');
  await expect(error).toHaveAttribute('data-error-code', 'id_token_invalid');
  await expect(error).toHaveAttribute('data-error-rule', 'signature');
  await expect(page.getByTestId('user-name')).toHaveCount(0);
  await expect(page.getByTestId('sign-in')).toBeEnabled();
  await expectNoSecretsStored(page, seen);
});

// An ID token with another nonce (or any other claim changed) would need the stand-in's
// private key to re-sign; the claim rules are covered by instance-id's native tests.
