// Code splitting (issue 14): a first visit fetches only the home page's wasm; the explorer,
// diagnostics and session panel come in wasm chunks of their own when first shown; the
// callback page fetches ID-token validation's chunk beside its token POST (preloaded by the
// page itself), so its critical path stays one request; a validation chunk that never arrives ends the sign-in with an error; the
// error panel's texts come in a chunk of their own, and the panel says enough without it; a
// lazy page whose chunk is still coming does not win over a link followed meanwhile.
import { test, expect } from '@playwright/test';
import { expectNoSecretsStored, logIn, resetInstance, runQuery, signIn, watchSecrets } from './helpers.mjs';
import { APP, APP_CDN, APP_SUB, DEMO, INSTANCE } from './env.mjs';

test.beforeEach(async ({ request }) => resetInstance(request));

/** The wasm files the page fetches, in order (paths, any document of the page). */
function watchWasm(page) {
  const fetched = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.endsWith('.wasm')) fetched.push(path);
  });
  return fetched;
}

/** Runs `action`; returns the wasm files `wasm` (from watchWasm) saw fetched meanwhile. */
async function fetchedDuring(wasm, action) {
  const before = wasm.length;
  await action();
  return wasm.slice(before);
}

/** The main wasm index.html names (the only one trunk's loader fetches). */
async function mainWasm(request, base = APP) {
  const html = await (await request.get(`${base}/`)).text();
  const m = /href="([^"]*_bg\.wasm)"/.exec(html);
  expect(m, 'index.html preloads the main wasm').toBeTruthy();
  return new URL(m[1], `${base}/`).pathname;
}

test('a first visit fetches only the main wasm; explorer, session panel and diagnostics chunks come when shown', async ({ page, request }) => {
  const seen = watchSecrets(page);
  const wasm = watchWasm(page);
  const main = await mainWasm(request);

  await page.goto('/');
  await expect(page.getByTestId('sign-in')).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(wasm, 'a first visit to the home page fetches the main wasm and no chunk').toEqual([main]);

  // Signed in (a redirect: a new document, the main wasm again from the cache): the session
  // panel's chunk comes with the panel.
  await page.getByTestId('sign-in').click();
  await page.waitForURL((u) => u.origin === INSTANCE);
  const beforeCallback = wasm.length;
  await logIn(page);
  await expect(page.getByTestId('user-name')).toHaveText(DEMO.name);
  await expect(page.getByTestId('token-countdown')).toBeVisible();
  const sessionChunks = wasm.slice(beforeCallback).filter((p) => p !== main);
  expect(sessionChunks.length, 'the session panel came in a chunk').toBeGreaterThan(0);

  // The explorer: a client-side navigation fetches its chunk, and it works.
  const explorerChunks = await fetchedDuring(wasm, async () => {
    await page.getByRole('link', { name: 'Domain API' }).click();
    await runQuery(page, { set: 'Crm_Customers', top: '10' });
    await expect(page.getByTestId('row-count')).toHaveText('10 rows');
  });
  expect(explorerChunks.length, 'the explorer came in a chunk').toBeGreaterThan(0);
  for (const p of explorerChunks) expect(p).not.toBe(main);

  // Diagnostics: another chunk.
  const diagnosticsChunks = await fetchedDuring(wasm, async () => {
    await page.getByRole('link', { name: 'Diagnostics' }).click();
    await expect(page.getByTestId('diag-jwks-keys')).toBeVisible();
  });
  expect(diagnosticsChunks.length, 'diagnostics came in a chunk').toBeGreaterThan(0);
  for (const p of diagnosticsChunks) expect(explorerChunks).not.toContain(p);

  // Back to a page whose chunk is loaded already: nothing fetched again.
  const again = await fetchedDuring(wasm, async () => {
    await page.getByRole('link', { name: 'Domain API' }).click();
    await expect(page.getByTestId('entity-set')).toBeVisible();
    await page.waitForLoadState('networkidle');
  });
  expect(again).toEqual([]);
  await expectNoSecretsStored(page, seen);
});

for (const [name, base] of [['under a sub-path', APP_SUB], ['behind the CDN headers (CSP of _headers)', APP_CDN]]) {
  test(`a lazy page loads its chunk ${name}`, async ({ page, request }) => {
    const wasm = watchWasm(page);
    const errors = [];
    page.on('console', (m) => {
      // The stand-in's auto-discovery answers without CORS on purpose; anything about the
      // code (CSP, SRI, MIME type, compile errors) is a failure.
      if (m.type() === 'error' && !/auto-discovery|net::ERR_FAILED/.test(m.text())) errors.push(m.text());
    });
    const main = await mainWasm(request, base);
    // The CDN host has no SPA fallback: start at the page and follow the link.
    await page.goto(`${base}/`);
    await expect(page.getByTestId('sign-in')).toBeVisible();
    await page.getByRole('link', { name: 'Diagnostics' }).click();
    await expect(page.getByTestId('diag-jwks-keys')).toBeVisible();
    expect(wasm[0]).toBe(main);
    expect(wasm.length, 'the diagnostics chunk was fetched').toBeGreaterThan(1);
    for (const p of wasm.slice(1)) expect(p.startsWith(new URL(`${base}/`).pathname)).toBe(true);
    expect(errors, 'no CSP, integrity or load error').toEqual([]);
  });
}

for (const [name, base] of [['', APP], [' under a sub-path', APP_SUB]]) {
  test(`the callback page preloads the sign-in chunk, the session panel and the chunks they share: each fetched once, by the page itself${name}`, async ({ browser, request }) => {
    // The callback page's copy (signin-callback/index.html) names them; index.html does not.
    const callbackHtml = await (await request.get(`${base}/signin-callback/`)).text();
    const preloaded = [...callbackHtml.matchAll(/<link rel="preload" as="fetch" crossorigin href="([^"]+\.wasm)">/g)]
      .map((m) => new URL(m[1], `${base}/`).pathname);
    expect(preloaded.some((p) => /\/split_fallible_validation-[0-9a-f]+\.wasm$/.test(p)), 'the sign-in chunk').toBe(true);
    // The start page shows the session panel as soon as the sign-in is done.
    expect(preloaded.some((p) => /\/split_session_panel_view_\d+-[0-9a-f]+\.wasm$/.test(p)), 'the session panel').toBe(true);
    expect(preloaded.length, 'with the chunks they share').toBeGreaterThan(2);
    expect(await (await request.get(`${base}/`)).text()).not.toContain('as="fetch" crossorigin href=');

    const context = await browser.newContext({ baseURL: base });
    const page = await context.newPage();
    const warnings = [];
    // Chromium's words for a preload nobody took, or one a fetch could not match.
    page.on('console', (m) => { if (/preloaded using link preload but not used|is found, but is not used/.test(m.text())) warnings.push(m.text()); });
    await page.goto(`${base}/`);
    await page.getByTestId('sign-in').click();
    await page.waitForURL((u) => u.origin === INSTANCE);
    const wasm = watchWasm(page);
    await logIn(page);
    await expect(page.getByTestId('user-name')).toHaveText(DEMO.name);
    // The session panel's code is in: every preloaded chunk has been asked for by the loader.
    await expect(page.getByTestId('granted-scopes')).toBeVisible();
    const fetched = await page.evaluate(() => performance.getEntriesByType('resource')
      .map((e) => ({ url: e.name, initiator: e.initiatorType })));
    for (const p of preloaded) {
      // Once: the loader's fetch (same URL, mode, credentials) took the preloaded response; a
      // mismatch would fetch it again and warn.
      expect(wasm.filter((w) => w === p), `${p} fetched once`).toHaveLength(1);
      const entry = fetched.find((e) => new URL(e.url).pathname === p);
      expect(entry?.initiator, `${p} fetched by the page's <link rel=preload>`).toBe('link');
    }
    expect(warnings, 'no preload left unused or refused').toEqual([]);
    await context.close();
  });
}

/** On the callback page: what was fetched when the user's name showed (see timing.spec.mjs). */
function markUserName() {
  if (!location.pathname.endsWith('/signin-callback')) return;
  const check = () => {
    const el = document.querySelector('[data-testid=user-name]');
    if (!el || !el.textContent || window.__fetched !== undefined) return;
    window.__fetched = performance.getEntriesByType('resource')
      .map((e) => ({ url: e.name, start: e.startTime, end: e.responseEnd, initiator: e.initiatorType }));
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true });
}

test('the callback page fetches its chunks beside the token POST: its critical path is still that one request', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: APP });
  await context.addInitScript(markUserName);
  const page = await context.newPage();
  await signIn(page);
  await page.waitForFunction(() => window.__fetched !== undefined);
  const fetched = await page.evaluate(() => window.__fetched);
  const crossOrigin = fetched.filter((e) => new URL(e.url).origin !== new URL(APP).origin);
  const token = crossOrigin.filter((e) => e.url === `${INSTANCE}/id/connect/token`);
  expect(token, 'one token request').toHaveLength(1);
  for (const other of crossOrigin.filter((e) => e !== token[0])) {
    expect(other.start, `${other.url} runs in parallel with the token POST, not after it`).toBeLessThan(token[0].end);
  }
  // Same origin: the main wasm, and the validation chunk (with whatever chunks it shares with
  // other split points) preloaded at start-up: every chunk fetch starts before the token POST
  // has ended, so none waits for it and the name waits for none after it.
  const wasm = fetched.filter((e) => new URL(e.url).pathname.endsWith('.wasm'));
  const main = await mainWasm(page.request);
  expect(wasm.filter((e) => new URL(e.url).pathname === main), 'the main wasm').toHaveLength(1);
  const chunks = wasm.filter((e) => new URL(e.url).pathname !== main);
  expect(chunks.some((e) => /\/split_fallible_validation-[0-9a-f]+\.wasm$/.test(e.url)), 'the validation chunk was fetched').toBe(true);
  for (const chunk of chunks) {
    expect(chunk.start, `${chunk.url} starts beside the token POST, not after it`).toBeLessThan(token[0].end);
  }
  await context.close();
});

test('a validation chunk that never arrives ends the sign-in with an error, after its retries; no token is kept', async ({ page }) => {
  test.setTimeout(60_000);
  const seen = watchSecrets(page);
  const tries = [];
  await page.route(/\/split_fallible_validation-[0-9a-f]+\.wasm$/, (route) => {
    tries.push(Date.now());
    return route.abort('connectionreset');
  });
  await page.goto('/');
  await page.getByTestId('sign-in').click();
  await page.waitForURL((u) => u.origin === INSTANCE);
  await logIn(page);
  const error = page.getByTestId('auth-error');
  await expect(error).toBeVisible({ timeout: 30_000 });
  await expect(error).toHaveAttribute('data-error-code', 'app_download_failed');
  await expect(error).toContainText('could not be downloaded');
  // Four tries (at once, after 0.5, 1.5 and 4 s) for the start-up preload, four more when the
  // validation asks again: the error comes after all of them, not at the first failure.
  expect(tries.length).toBe(8);
  await expect(page.getByTestId('user-name')).toHaveCount(0);
  await expect(page.getByTestId('sign-in')).toBeVisible();
  await expectNoSecretsStored(page, seen);
  expect(seen.secrets.size, 'the token response was seen, so its tokens were looked for').toBeGreaterThan(0);
});

test('a chunk that fails to arrive is fetched again; while it keeps failing the rest of the app goes on', async ({ page }) => {
  // Every chunk request fails until the test lets them through (a network hiccup, a CDN
  // answering 5xx): the loader tries again rather than trapping the app.
  let failing = true;
  let failed = 0;
  let diagnosticsTries = 0;
  await page.route(/\/(split_|chunk_)[^/]*\.wasm$/, (route) => {
    if (!failing) return route.continue();
    failed += 1;
    if (route.request().url().includes('diagnostics')) diagnosticsTries += 1;
    return route.abort('connectionreset');
  });
  await page.goto('/');
  await expect(page.getByTestId('sign-in')).toBeVisible();
  await page.getByRole('link', { name: 'Diagnostics' }).click();
  // Tried four times (at once, then after 0.5, 1.5 and 4 s), then left waiting.
  await expect.poll(() => diagnosticsTries, { timeout: 12_000 }).toBe(4);
  await page.waitForTimeout(1000);
  expect(diagnosticsTries).toBe(4);
  // The app is alive: another page renders, its sign-in button still works.
  await page.getByRole('link', { name: 'ERP.net sign-in' }).click();
  await expect(page.getByTestId('sign-in')).toBeEnabled();
  // The next visit loads the chunk once the network answers again.
  failing = false;
  await page.getByRole('link', { name: 'Diagnostics' }).click();
  await expect(page.getByTestId('diag-jwks-keys')).toBeVisible();
  // And a load that fails once, then succeeds, shows the page without any other step.
  await page.getByRole('link', { name: 'ERP.net sign-in' }).click();
  failing = true;
  failed = 0;
  await page.getByRole('link', { name: 'Domain API' }).click();
  await expect.poll(() => failed).toBeGreaterThanOrEqual(1);
  failing = false;
  await expect(page.getByRole('heading', { name: 'Domain API explorer' })).toBeVisible({ timeout: 10_000 });
});

test('the error texts come in a chunk: the panel and its code are there at once, a sentence without it', async ({ page }) => {
  test.setTimeout(30_000);
  const wasm = watchWasm(page);
  let tries = 0;
  await page.route(/\/split_fallible_error_texts-[0-9a-f]+\.wasm$/, (route) => {
    tries += 1;
    return route.abort('connectionreset');
  });
  await page.route('**/config.json', (r) => r.fulfill({ contentType: 'application/json', body: '{"instance_url": ' }));
  await page.goto('/');
  const error = page.getByTestId('auth-error');
  // The DOM contract and a sentence naming the code come from the main wasm, while the texts'
  // chunk is tried again (at once, after 0.5, 1.5 and 4 s).
  await expect(error).toHaveAttribute('data-error-code', 'config_invalid');
  await expect(error).toHaveAttribute('aria-busy', 'true');
  await expect(error.getByTestId('error-message')).toHaveText('Sign-in or session handling failed (code config_invalid).');
  await expect(error.getByRole('link', { name: 'Open the diagnostics page' })).toBeVisible();
  // After the last try: it says the explanation could not be downloaded, and is no longer busy.
  await expect(error.getByTestId('error-message')).toContainText('could not be downloaded', { timeout: 15_000 });
  await expect(error).not.toHaveAttribute('aria-busy', /.*/);
  expect(tries).toBe(4);
  expect(wasm.some((p) => /\/split_fallible_error_texts-[0-9a-f]+\.wasm$/.test(p))).toBe(true);
  // The chunk there: the same error explained in full (config.json's own words).
  await page.unroute(/\/split_fallible_error_texts-[0-9a-f]+\.wasm$/);
  await page.reload();
  await expect(error).toHaveAttribute('data-error-code', 'config_invalid');
  await expect(error.getByTestId('error-title')).toHaveText('This app is not configured correctly');
  await expect(error.getByTestId('error-message')).toContainText('not valid JSON');
  await expect(error).not.toHaveAttribute('aria-busy', /.*/);
});

/** Holds every request for the diagnostics chunk until `release()` is called. */
async function holdDiagnosticsChunk(page) {
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  let requested;
  const seen = new Promise((resolve) => { requested = resolve; });
  await page.route(/\/split_diagnostics_[^/]*\.wasm$/, async (route) => {
    requested();
    await released;
    await route.continue();
  });
  return { seen, release };
}

/** The home page is shown at `/` and still is a second later: the diagnostics page did not win. */
async function expectHomeStays(page) {
  await expect(page.getByTestId('sign-in')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Diagnostics' })).toHaveCount(0);
  expect(new URL(page.url()).pathname).toBe('/');
  await page.waitForTimeout(1000);
  await expect(page.getByTestId('sign-in')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Diagnostics' })).toHaveCount(0);
  expect(new URL(page.url()).pathname).toBe('/');
}

test('a lazy first page still loading its chunk does not win over a later link: Home shows at once and stays', async ({ page }) => {
  const chunk = await holdDiagnosticsChunk(page);
  await page.goto('/diagnostics');
  await chunk.seen;
  await page.getByRole('link', { name: 'Home' }).click();
  // Home shows without waiting for the chunk of a page the user left.
  await expect(page.getByTestId('sign-in')).toBeVisible();
  expect(new URL(page.url()).pathname).toBe('/');
  chunk.release();
  await expectHomeStays(page);
  // The chunk works when the page is asked for again.
  await page.getByRole('link', { name: 'Diagnostics' }).click();
  await expect(page.getByTestId('diag-jwks-keys')).toBeVisible();
});

test('a lazy page still loading its chunk does not win over a later link: Home stays', async ({ page }) => {
  const chunk = await holdDiagnosticsChunk(page);
  await page.goto('/');
  await expect(page.getByTestId('sign-in')).toBeVisible();
  await page.getByRole('link', { name: 'Diagnostics' }).click();
  await chunk.seen;
  // The page left stays until the next one is ready.
  await expect(page.getByTestId('sign-in')).toBeVisible();
  await page.getByRole('link', { name: 'Home' }).click();
  chunk.release();
  await expectHomeStays(page);
  await page.getByRole('link', { name: 'Diagnostics' }).click();
  await expect(page.getByTestId('diag-jwks-keys')).toBeVisible();
});
