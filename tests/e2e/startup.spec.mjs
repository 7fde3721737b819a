// Start-up: config.json, discovery, and the errors a deployer can cause.
import { test, expect } from '@playwright/test';
import { expectNoSecretsStored, watchSecrets } from './helpers.mjs';
import { INSTANCE } from './env.mjs';

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
  await expect(page.getByTestId('diag-discovery-source')).toContainText('/sys/auto-discovery');
  await expect(page.getByTestId('diag-s256')).toContainText('yes');
  await expect(page.getByTestId('diag-iss-param')).toContainText('yes');
  await expect(page.getByTestId('diag-algs')).toContainText('RS256');
  await expect(page.getByTestId('diag-redirect-uri')).toContainText('http://localhost:8411/signin-callback');
  await expect(page.getByTestId('diag-jwks-keys').locator('td')).toHaveText(/^[1-9]\d*$/);
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
