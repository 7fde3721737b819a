// Start-up: config.json, discovery, and the errors a deployer can cause.
import { test, expect } from '@playwright/test';
import { expectNoSecretsStored, watchSecrets } from './helpers.mjs';
import { APP, INSTANCE } from './env.mjs';

test('shows the sign-in button after discovery', async ({ page }) => {
  const seen = watchSecrets(page);
  await page.goto('/');
  await expect(page.getByTestId('sign-in')).toBeVisible();
  await expect(page.getByTestId('sign-in')).toBeEnabled();
  await expect(page.getByTestId('auth-error')).toHaveCount(0);
  await expectNoSecretsStored(page, seen);
});

test('diagnostics show what discovery found', async ({ page }) => {
  await page.goto('/diagnostics');
  await expect(page.getByTestId('diag-issuer')).toContainText(`${INSTANCE}/id`);
  // Like IdentityServer4: no CORS on auto-discovery (the default addresses are used), RFC 9207
  // advertised only in the stand-in's iss mode (run.mjs's second round).
  await expect(page.getByTestId('diag-discovery-source')).toContainText('the default addresses');
  await expect(page.getByTestId('diag-s256')).toContainText('yes');
  await expect(page.getByTestId('diag-iss-param')).toContainText(process.env.E2E_MODE === 'iss' ? 'yes' : 'no');
  await expect(page.getByTestId('diag-webcrypto')).toHaveText(/available$/);
  await expect(page.getByTestId('diag-algs')).toContainText('RS256');
  await expect(page.getByTestId('diag-redirect-uri')).toContainText('http://localhost:8411/signin-callback');
  await expect(page.getByTestId('diag-jwks-keys').locator('td')).toHaveText(/^[1-9]\d*$/);
});

test('diagnostics say why the signing keys are unusable, not "loading…"', async ({ page }) => {
  // A key set the app cannot use (no RSA key): fetched, kept as fetched, and its parse error
  // shown where the key count would be.
  await page.context().route('**/id/.well-known/openid-configuration/jwks', (route) => route.fulfill({
    contentType: 'application/json',
    headers: { 'Access-Control-Allow-Origin': APP },
    body: JSON.stringify({ keys: [{ kty: 'oct', k: 'AAAA' }] }),
  }));
  await page.goto('/diagnostics');
  await expect(page.getByTestId('diag-jwks-keys').locator('td'))
    .toHaveText(/^unusable: the JWKS holds no usable signing key \(\d+ skipped\)$/);
});

test('diagnostics say why the signing keys could not be had, not "loading…"', async ({ page }) => {
  // Start-up's prefetch fails (the endpoint is down); the page asks once more and shows why.
  let asked = 0;
  await page.context().route('**/id/.well-known/openid-configuration/jwks', (route) => {
    asked += 1;
    return route.fulfill({ status: 503, headers: { 'Access-Control-Allow-Origin': APP }, body: 'down' });
  });
  await page.goto('/diagnostics');
  await expect(page.getByTestId('diag-jwks-keys').locator('td'))
    .toHaveText('unusable: JWKS request answered with HTTP status 503');
  expect(asked, 'the prefetch, then the page\'s own fetch').toBe(2);
});

test('a broken config.json shows config_invalid', async ({ page }) => {
  await page.route('**/config.json', (r) => r.fulfill({ contentType: 'application/json', body: '{"instance_url": ' }));
  await page.goto('/');
  const error = page.getByTestId('auth-error');
  await expect(error).toHaveAttribute('data-error-code', 'config_invalid');
  await expect(error).toContainText('not valid JSON');
  await expect(page.getByTestId('sign-in')).toHaveCount(0);
});

test('a bad field in config.json is named', async ({ page }) => {
  await page.route('**/config.json', (r) => r.fulfill({
    contentType: 'application/json',
    body: JSON.stringify({ instance_url: 'http://example.com', client_id: 'spa.example.com', scopes: 'openid' }),
  }));
  await page.goto('/');
  const error = page.getByTestId('auth-error');
  await expect(error).toHaveAttribute('data-error-code', 'config_invalid');
  await expect(error).toContainText('instance_url');
});

test('an unreachable instance shows discovery_failed', async ({ page }) => {
  await page.route('**/config.json', (r) => r.fulfill({
    contentType: 'application/json',
    body: JSON.stringify({ instance_url: 'http://127.0.0.1:9', client_id: 'spa.example.com', scopes: 'openid' }),
  }));
  await page.goto('/');
  const error = page.getByTestId('auth-error');
  await expect(error).toHaveAttribute('data-error-code', 'discovery_failed');
  await expect(error.getByRole('button', { name: 'try again' })).toBeVisible();
});

test('cold start: config.json once (preloaded), metadata fetched alongside auto-discovery', async ({ page }) => {
  const requests = [];
  page.on('request', (r) => requests.push({ url: r.url(), at: Date.now() }));
  let wasmLoadedAt = Infinity;
  page.on('requestfinished', (r) => { if (r.url().endsWith('.wasm')) wasmLoadedAt = Date.now(); });
  // Auto-discovery answers late, so a metadata request that waited for it would start after.
  let autoAnsweredAt = Infinity;
  await page.route('**/sys/auto-discovery', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 400));
    autoAnsweredAt = Date.now();
    await route.continue();
  });
  await page.goto('/');
  await expect(page.getByTestId('sign-in')).toBeEnabled();
  await expect.poll(() => requests.filter((r) => r.url.endsWith('/jwks')).length).toBe(1);
  const urls = (suffix) => requests.filter((r) => new URL(r.url).pathname.endsWith(suffix));
  // One request each: the app's fetch of config.json takes the preloaded response.
  expect(urls('/config.json')).toHaveLength(1);
  // ... which started before the wasm had arrived, so before the app could ask for it.
  expect(urls('/config.json')[0].at).toBeLessThan(wasmLoadedAt);
  expect(urls('/sys/auto-discovery')).toHaveLength(1);
  expect(urls('/.well-known/openid-configuration')).toHaveLength(1);
  expect(urls('/.well-known/openid-configuration')[0].at).toBeLessThan(autoAnsweredAt);
  expect(urls('/config.json')[0].at).toBeLessThan(urls('/sys/auto-discovery')[0].at);
});

test('auto-discovery naming another Instance ID URL: its metadata is fetched, not the guess', async ({ page }) => {
  const requests = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  const cors = { 'access-control-allow-origin': '*' };
  await page.route('**/sys/auto-discovery', (route) => route.fulfill({
    contentType: 'application/json',
    headers: cors,
    body: JSON.stringify({ WebSites: [
      { Type: 'ID', Url: `${INSTANCE}/id2`, Status: 'Working' },
      { Type: 'DomainAPI', Url: `${INSTANCE}/api`, Status: 'Working' },
    ] }),
  }));
  await page.route('**/id2/.well-known/openid-configuration', (route) => route.fulfill({ status: 404, headers: cors, body: '' }));
  await page.goto('/');
  await expect(page.getByTestId('auth-error')).toHaveAttribute('data-error-code', 'discovery_failed');
  expect(requests).toContain('/id2/.well-known/openid-configuration');
});

test('served over plain http from a non-local host: config_invalid says https, before any sign-in', async ({ playwright, launchOptions }) => {
  // app.test resolves to the app's server, but it is not a loopback name: an insecure context,
  // where WebCrypto (and so every signature check) is unavailable. The app refuses to start.
  const browser = await playwright.chromium.launch({
    ...launchOptions,
    args: [...(launchOptions.args ?? []), '--host-resolver-rules=MAP app.test 127.0.0.1'],
  });
  try {
    const page = await browser.newPage();
    const instanceRequests = [];
    page.on('request', (r) => { if (r.url().startsWith(INSTANCE)) instanceRequests.push(r.url()); });
    await page.goto(`http://app.test:${new URL(APP).port}/`);
    expect(await page.evaluate(() => [window.isSecureContext, typeof crypto.subtle])).toEqual([false, 'undefined']);
    const error = page.getByTestId('auth-error');
    await expect(error).toHaveAttribute('data-error-code', 'config_invalid');
    await expect(error).toContainText('https');
    await expect(page.getByTestId('sign-in')).toHaveCount(0);
    expect(instanceRequests).toEqual([]);
  } finally {
    await browser.close();
  }
});
