// The explorer against a Domain API that answers like ERP.net's (dev/instance/README.md):
// relative nextLinks, paging only with $top, rows that are not flat, ERP.net's error shapes and
// rate limits. Every test also checks that no request carrying `Authorization` went anywhere but
// the OData service root (or the model endpoint beside it).
import { test, expect } from '@playwright/test';
import { apiRequests, expectNoSecretsStored, instanceLog, resetInstance, signIn, signInAgain, watchSecrets } from './helpers.mjs';
import { APP, INSTANCE } from './env.mjs';

const ODATA = `${INSTANCE}/api/domain/odata/`;
const MODEL = `${INSTANCE}/api/domain/currentmodel`;
/** The Instance ID's userinfo endpoint: the access token's one other destination (the name). */
const USERINFO = `${INSTANCE}/id/connect/userinfo`;

/** Domain API switches (dev/instance/README.md, "Test switches"). */
async function odata(request, settings) {
  const res = settings ? await request.post(`${INSTANCE}/__control/odata`, { data: settings }) : await request.get(`${INSTANCE}/__control/odata`);
  expect(res.ok()).toBe(true);
  return res.json();
}

let bearerScan;
/** Every request the page sends with an Authorization header, and every request at all. */
function watchRequests(page) {
  const scan = { withAuth: [], all: [] };
  page.context().on('request', (r) => {
    scan.all.push(r.url());
    scan.withAuth.push(r.allHeaders().then((h) => (h.authorization ? r.url() : null), () => null));
  });
  return scan;
}

test.beforeEach(async ({ page, request }) => {
  await resetInstance(request);
  bearerScan = watchRequests(page);
});

test.afterEach(async () => {
  const sent = (await Promise.all(bearerScan.withAuth)).filter(Boolean);
  for (const url of sent) {
    expect(url.startsWith(ODATA) || url === MODEL || url === USERINFO, `Authorization sent to ${url}`).toBe(true);
  }
  // The query goes out exactly as built: no empty parameter (gloo-net 0.6 appended `&`).
  for (const url of bearerScan.all.filter((u) => u.startsWith(ODATA))) {
    expect(new URL(url).search, `query of ${url}`).not.toMatch(/[?&](&|$)/);
  }
});

const cells = (page, n) => page.getByTestId('results').locator(`tbody tr td:nth-child(${n})`);
const headers = (page) => page.getByTestId('results').locator('thead th');
const explorer = (params) => `/explorer?${new URLSearchParams(params)}`;
const dataRequests = async (request) => apiRequests(await instanceLog(request));

/** Opens `path` in a tab that was signed in: the session comes back by itself (prompt=none). */
async function reopen(page, path) {
  await page.goto(path);
  await expect(page.getByTestId('user-name')).toBeVisible({ timeout: 10_000 });
}

test('relative nextLink: pages stay below the service root; Previous page from memory; the page is in the address bar', async ({ page, request }) => {
  const seen = watchSecrets(page);
  await signIn(page, explorer({ set: 'Crm_Customers', select: 'Name,City', top: '10' }));
  await expect(cells(page, 1).first()).toHaveText('Acme Trading');
  await expect(page.getByTestId('row-count')).toHaveText('10 rows');
  await expect(page.getByTestId('page-number')).toHaveText('Page 1');
  await expect(page.getByTestId('previous-page')).toHaveCount(0);

  await page.getByTestId('next-page').click();
  await expect(cells(page, 1).first()).toHaveText('Kestrel Aviation');
  const url2 = new URL(page.url());
  expect(url2.searchParams.get('n')).toBe('2');
  expect(url2.searchParams.get('page')).toMatch(/^Crm_Customers\?\$top=10&\$select=Name,City&\$skiptoken=[0-9a-f-]{36}$/);
  await page.getByTestId('next-page').click();
  await expect(cells(page, 1).first()).toHaveText('Umbra Media');
  await expect(page.getByTestId('row-count')).toHaveText('5 rows');
  await expect(page.getByTestId('next-page')).toHaveCount(0);
  const sent = (await dataRequests(request)).length;
  expect(sent).toBe(3);

  // Previous page: from the pages already fetched, no request.
  await page.getByTestId('previous-page').click();
  await expect(cells(page, 1).first()).toHaveText('Kestrel Aviation');
  await expect(page.getByTestId('page-number')).toHaveText('Page 2');
  await page.getByTestId('previous-page').click();
  await expect(cells(page, 1).first()).toHaveText('Acme Trading');
  expect((await dataRequests(request)).length).toBe(sent);
  // Browser back works too (links, not click handlers).
  await page.goBack();
  await expect(cells(page, 1).first()).toHaveText('Kestrel Aviation');

  // The page-2 address is a bookmark: a fresh tab signs in and lands on the same rows.
  const fresh = await page.context().newPage();
  await fresh.goto(url2.pathname + url2.search);
  await expect(fresh.getByTestId('user-name').or(fresh.getByTestId('sign-in'))).toBeVisible();
  if (await fresh.getByTestId('sign-in').isVisible()) await signInAgain(fresh);
  await expect(cells(fresh, 1).first()).toHaveText('Kestrel Aviation');
  await expect(fresh.getByTestId('page-number')).toHaveText('Page 2');
  // Page 1 needs no link of its own, so "Previous page" works from a bookmark of page 2 too.
  await expect(fresh.getByTestId('previous-page')).toHaveText('Previous page');
  expect(new URL(await fresh.getByTestId('previous-page').getAttribute('href'), APP).searchParams.has('page')).toBe(false);
  await fresh.close();

  const urls = bearerScan.all.filter((u) => u.startsWith(INSTANCE) && u.includes('/api/domain/odata/'));
  expect(urls.every((u) => u.startsWith(`${ODATA}Crm_Customers?`))).toBe(true);
  expect(bearerScan.all.some((u) => u.startsWith(`${APP}/Crm_Customers`))).toBe(false);
  await expectNoSecretsStored(page, seen);
});

for (const hostile of ['https://evil.example/api/domain/odata/Crm_Customers?$top=10', '../../id/connect/token',
  `${INSTANCE}/id/connect/userinfo`, '//evil.example/x', 'http://127.0.0.1:8413/api/domain/odata/X', '%2e%2e/%2e%2e/id',
  `http://user@127.0.0.1:8410/api/domain/odata/X`]) {
  test(`a hostile nextLink (${hostile}) is refused with an explanation and no request`, async ({ page, request }) => {
    await odata(request, { hostileNextLink: hostile });
    await signIn(page, explorer({ set: 'Crm_Customers', select: 'Name', top: '5' }));
    await expect(page.getByTestId('row-count')).toHaveText('5 rows');
    const error = page.getByTestId('api-error');
    await expect(error).toHaveAttribute('data-error-code', 'api_link_refused');
    await expect(error).toContainText('service root');
    await expect(page.getByTestId('next-page')).toHaveCount(0);
    await page.waitForTimeout(300);
    expect((await dataRequests(request)).length).toBe(1);
    expect(bearerScan.all.some((u) => u.includes('evil.example') || u.includes('8413/api'))).toBe(false);
    // The one userinfo request is the app's own name lookup after sign-in, not the link.
    expect(bearerScan.all.filter((u) => u.includes('/id/connect/userinfo'))).toHaveLength(1);
  });
}

test('a hostile page in the address bar is refused without a request', async ({ page, request }) => {
  await signIn(page, '/explorer');
  for (const link of ['https://evil.example/x', '../../id/connect/token', '\\\\evil.example\\x']) {
    await reopen(page, explorer({ set: 'Crm_Customers', page: link, n: '2' }));
    await expect(page.getByTestId('api-error')).toHaveAttribute('data-error-code', 'api_link_refused');
  }
  expect(await dataRequests(request)).toEqual([]);
  // Any page number works (no array of that size, no overflow).
  await reopen(page, explorer({ set: 'Crm_Customers', top: '3', page: 'Crm_Customers?$top=3', n: '4294967295' }));
  await expect(page.getByTestId('page-number')).toHaveText('Page 4294967295');
  await expect(page.getByTestId('row-count')).toHaveText('3 rows');
  await expect(page.getByTestId('previous-page')).toHaveText('First page');
  expect(await dataRequests(request)).toHaveLength(1);
  await page.goto(`/explorer?${new URLSearchParams({ set: '../id/connect/token' })}`);
  await expect(page.getByTestId('user-name')).toBeVisible({ timeout: 10_000 });
  await expect(page.getByTestId('api-error')).toHaveAttribute('data-error-code', 'api_bad_entity_set');
  expect(await dataRequests(request)).toHaveLength(1);
});

test('always pages with $top (default 50, up to 1000); $count shows the total', async ({ page, request }) => {
  await signIn(page, explorer({ set: 'General_Contacts_Persons' }));
  await expect(page.getByTestId('row-count')).toHaveText('50 rows');
  await expect(page.getByTestId('top')).toHaveValue('50');
  const [first] = await dataRequests(request);
  expect(first.query.$top).toBe(true);
  await expect(page.getByTestId('total-count')).toHaveCount(0);

  await page.getByTestId('top').fill('500');
  await page.getByTestId('count').check();
  await page.getByTestId('run-query').click();
  await expect(page.getByTestId('row-count')).toHaveText('500 rows');
  await expect(page.getByTestId('total-count')).toHaveText('of 1200 in all');
  expect(Object.fromEntries(new URL(page.url()).searchParams)).toMatchObject({ set: 'General_Contacts_Persons', top: '500', count: 'true' });

  await reopen(page, explorer({ set: 'General_Contacts_Persons', top: '5000' }));
  await expect(page.getByTestId('row-count')).toHaveText('1000 rows', { timeout: 20_000 });
  await page.getByTestId('next-page').click();
  await expect(page.getByTestId('row-count')).toHaveText('200 rows', { timeout: 20_000 });
});

test('$orderby pages with $skip; $expand shows child lists', async ({ page, request }) => {
  await signIn(page, explorer({ set: 'Crm_Sales_SalesOrders', orderby: 'DocumentNo desc', top: '25', count: 'true', expand: 'Lines' }));
  await expect(cells(page, 1).first()).toHaveText('SO-1060');
  await expect(page.getByTestId('total-count')).toHaveText('of 60 in all');
  await expect(headers(page)).toHaveText(['DocumentNo', 'DocumentDate', 'Customer', 'State', 'TotalAmount', 'Lines']);
  await page.getByTestId('next-page').click();
  await expect(cells(page, 1).first()).toHaveText('SO-1035');
  expect(new URL(page.url()).searchParams.get('page')).toContain('$skip=25');
  const lines = cells(page, 6).first().locator(':scope > details');
  await expect(lines.locator(':scope > summary')).toHaveText(/^\d items?$/);
  await lines.locator(':scope > summary').click();
  await expect(lines).toContainText(/Line 1/);
  await lines.locator('details').first().locator('summary').click();
  await expect(lines).toContainText(/\d+ (pcs|kg)/);
  await expect(lines).toContainText(/\d+\.\d\d EUR/);
  const log = await dataRequests(request);
  expect(log.map((e) => Object.keys(e.query).sort().join())).toEqual([
    '$count,$expand,$orderby,$top', '$count,$expand,$orderby,$skip,$top']);
});

test('values as a person reads them: languages, amounts, quantities, references, dates, yes/no', async ({ page }) => {
  await signIn(page, explorer({ set: 'General_Products_Products', top: '3', select: 'default,CalculatedAttribute_Margin' }));
  await expect(headers(page)).toHaveText(['PartNumber', 'Name', 'Category', 'StandardLotSizeBase', 'Price', 'Active', 'CalculatedAttribute_Margin']);
  await expect(cells(page, 2).first()).toHaveText('Steel Bolt M8'); // English browser
  await expect(cells(page, 4).first()).toHaveText('1 pcs');
  await expect(cells(page, 5).first()).toHaveText(/^\d+\.\d\d EUR$/);
  await expect(cells(page, 6).first()).toHaveText('yes');

  await reopen(page, explorer({ set: 'Crm_Sales_SalesOrders', top: '5' }));
  await expect(cells(page, 2).first()).toHaveText('1 Jan 2024');
  const ref = cells(page, 3).first().locator('a');
  await expect(ref).toHaveText(/^Crm_Sales_Customers 00000001-[0-9a-f-]{27}$/);
  const body = await page.getByTestId('results').innerText();
  expect(body).not.toMatch(/\[object|[{}]|"Value"|@odata/);
  await ref.click();
  await expect(page).toHaveURL(/\/explorer\?set=Crm_Sales_Customers&filter=Id\+eq\+00000001-/);
  await expect(page.getByTestId('row-count')).toHaveText('1 rows');
  await expect(cells(page, 1)).toHaveText(['C0001']);
  await expect(cells(page, 2).locator('a')).toHaveText(/^General_Contacts_Companies 00000001-/);
  await expect(cells(page, 4)).toHaveText(['5000.00 BGN']);

  // Headers never break inside a word; the table scrolls instead of squeezing.
  for (const th of await headers(page).all()) expect(await th.evaluate((e) => getComputedStyle(e).whiteSpace)).toBe('nowrap');
  const wrapper = await page.getByTestId('results').evaluate((t) => getComputedStyle(t.parentElement).overflowX);
  expect(wrapper).toBe('auto');
});

test('multi-language strings follow the browser language', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'bg-BG' });
  const page = await context.newPage();
  bearerScan = watchRequests(page);
  await signIn(page, explorer({ set: 'General_Contacts_Companies', top: '7', select: 'Name' }));
  await expect(cells(page, 1)).toHaveText(['Акме Трейдинг', 'Синя река храни', 'Кобалт системи', 'Делта логистика',
    'Евъргрийн ритейл', 'Falcon Motors', 'Granite Works']); // no BG name: English
  await Promise.all(bearerScan.withAuth); // read every request's headers before the context goes
  await context.close();
});

test('ERP.net\'s error shapes: the message as the headline, info below', async ({ page, request }) => {
  await signIn(page, explorer({ set: 'Crm_Customers', select: 'Nope' }));
  const error = page.getByTestId('api-error');
  await expect(error).toHaveAttribute('data-error-code', 'api_error');
  await expect(error).toHaveAttribute('data-status', '500');
  await expect(error.getByTestId('error-title')).toHaveText("Could not find a property named 'Nope' on type 'Erp.Crm_Customers'.");
  await expect(error.getByTestId('error-message')).toHaveText('The Domain API refused the query (HTTP 500, code 1101).');
  await expect(error.getByTestId('error-info')).toContainText('QueryException');

  await page.getByTestId('select').fill('');
  await page.getByTestId('orderby').fill('Nope');
  await page.getByTestId('run-query').click();
  await expect(error).toHaveAttribute('data-status', '400');
  await expect(error.getByTestId('error-title')).toHaveText("Unknown property 'Nope' in $orderby.");
  await expect(error.getByTestId('error-message')).toHaveText('The Domain API refused the query (HTTP 400, code 1302).');
  await expect(error.getByTestId('error-info')).toHaveCount(0);

  await page.getByTestId('orderby').fill('');
  await page.getByTestId('entity-set').fill('Crm_NoSuchSet');
  await page.getByTestId('run-query').click();
  await expect(error).toHaveAttribute('data-status', '404');
  await expect(error.getByTestId('error-title')).toHaveText("Resource not found for the segment 'Crm_NoSuchSet'.");
  await expect(error.getByTestId('error-message')).toHaveText('The Domain API refused the query (HTTP 404, code NotFound).');
  await expect(page.getByTestId('auth-error')).toHaveCount(0);
  expect((await dataRequests(request)).map((e) => e.status)).toEqual([500, 400, 404]);
});

test('429 with Retry-After: the explorer says it waits, then retries', async ({ page, request }) => {
  await odata(request, { throttleNext: 2, retryAfter: 1 });
  await signIn(page, '/explorer');
  await page.getByTestId('entity-set').fill('Crm_Customers');
  await page.getByTestId('run-query').click();
  await expect(page.getByTestId('rate-limited')).toContainText('HTTP 429');
  await expect(page.getByTestId('rate-limited')).toContainText('trying again in 1 s');
  await expect(page.getByTestId('row-count')).toHaveText('25 rows');
  await expect(page.getByTestId('rate-limited')).toHaveCount(0);
  expect((await dataRequests(request)).map((e) => e.status)).toEqual([429, 429, 200]);
});

test('429 without Retry-After backs off; after four tries it explains', async ({ page, request }) => {
  await odata(request, { throttleNext: 1, retryAfter: null });
  await signIn(page, explorer({ set: 'Crm_Customers', top: '3' }));
  await expect(page.getByTestId('row-count')).toHaveText('3 rows');
  await odata(request, { throttleNext: 10, retryAfter: 0 });
  await page.getByTestId('top').fill('4');
  await page.getByTestId('run-query').click();
  const error = page.getByTestId('api-error');
  await expect(error).toHaveAttribute('data-error-code', 'api_rate_limited');
  await expect(error).toContainText('tried 4 times');
  expect((await dataRequests(request)).map((e) => e.status)).toEqual([429, 200, 429, 429, 429, 429]);
});

test('a network or CORS failure says so', async ({ page }) => {
  await signIn(page, '/explorer');
  await page.route(`${ODATA}**`, (route) => route.abort('failed'));
  await page.getByTestId('entity-set').fill('Crm_Customers');
  await page.getByTestId('run-query').click();
  const error = page.getByTestId('api-error');
  await expect(error).toHaveAttribute('data-error-code', 'api_unreachable');
  await expect(error).toContainText('CORS');
});

test('one request at a time: a new query cancels the one in flight, leaving the page cancels too', async ({ page, request }) => {
  await signIn(page, '/explorer');
  await odata(request, { delayMs: 1500 });
  const aborted = async () => (await odata(request)).stats.aborted;
  await page.getByTestId('entity-set').fill('Crm_Customers');
  await page.getByTestId('top').fill('2');
  await page.getByTestId('run-query').click();
  await expect(page.getByTestId('loading')).toBeVisible();
  await page.getByTestId('top').fill('3');
  await page.getByTestId('run-query').click();
  await expect(page.getByTestId('row-count')).toHaveText('3 rows');
  // The stand-in saw the browser give up on the first request before its answer.
  await expect.poll(aborted).toBe(1);

  // While "Next page" loads, the table stays (no blank page).
  await page.getByTestId('next-page').click();
  await expect(page.getByTestId('loading')).toBeVisible();
  await expect(page.getByTestId('results')).toBeVisible();
  await expect(page.getByTestId('page-number')).toHaveText('Page 2', { timeout: 5000 });

  await page.getByTestId('next-page').click();
  await expect(page.getByTestId('loading')).toBeVisible();
  await page.getByRole('link', { name: 'Home' }).click();
  await expect.poll(aborted).toBe(2);
  const { stats } = await odata(request);
  expect(stats.maxConcurrent).toBe(1);
  expect((await dataRequests(request)).length).toBe(4);
});

test('the entity-set picker offers the sets the instance has (currentmodel); free text is checked', async ({ page, request }) => {
  await signIn(page, '/explorer');
  await expect(page.getByTestId('model-status')).toHaveText("6 entity sets from the instance's model; type to search.");
  const options = page.getByTestId('entity-set-options').locator('option');
  await expect(options).toHaveCount(6);
  expect(await options.evaluateAll((os) => os.map((o) => [o.value, o.textContent]))).toContainEqual(['Crm_Sales_Customers', 'Customers']);
  const log = await instanceLog(request);
  expect(log.filter((e) => e.method === 'GET' && e.path === '/api/domain/currentmodel').map((e) => e.status)).toEqual([200]);

  // Free text still works, and is checked as an OData identifier before anything is sent.
  await page.getByTestId('entity-set').fill('General_Contacts_Persons');
  await page.getByTestId('top').fill('2');
  await page.getByTestId('run-query').click();
  await expect(page.getByTestId('row-count')).toHaveText('2 rows');
  await page.getByTestId('entity-set').fill('Crm Customers/../x');
  await page.getByTestId('run-query').click();
  expect(await page.getByTestId('entity-set').evaluate((i) => i.validity.patternMismatch)).toBe(true);
  expect((await dataRequests(request)).length).toBe(1);
});

test('without currentmodel the picker reads the service document', async ({ page, request }) => {
  await page.route(MODEL, (route) => route.fulfill({ status: 404, headers: { 'Access-Control-Allow-Origin': APP }, json: { error: { code: 'NotFound', message: 'no' } } }));
  await signIn(page, '/explorer');
  await expect(page.getByTestId('model-status')).toHaveText("6 entity sets from the instance's model; type to search.");
  const values = await page.getByTestId('entity-set-options').locator('option').evaluateAll((os) => os.map((o) => o.value));
  expect(values).toEqual(['Crm_Customers', 'Crm_Sales_Customers', 'Crm_Sales_SalesOrders', 'General_Contacts_Companies',
    'General_Contacts_Persons', 'General_Products_Products']);
  const log = await instanceLog(request);
  expect(log.filter((e) => e.method === 'GET' && e.path === '/api/domain/odata/').map((e) => e.status)).toEqual([200]);
});

test('a 401 on page 2: sign in again, back on page 2, the same page runs again', async ({ page, request }) => {
  const seen = watchSecrets(page);
  await signIn(page, explorer({ set: 'Crm_Customers', select: 'Name', top: '10' }));
  await expect(cells(page, 1).first()).toHaveText('Acme Trading');
  let revoked;
  await page.route(`${ODATA}**`, async (route) => {
    const h = await route.request().allHeaders();
    revoked ??= h.authorization;
    if (h.authorization !== revoked) return route.continue();
    return route.fulfill({ status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"', 'Access-Control-Allow-Origin': APP }, body: '' });
  });
  await page.getByTestId('next-page').click();
  const error = page.getByTestId('auth-error');
  await expect(error).toHaveAttribute('data-error-code', 'session_expired');
  const before = new URL(page.url());
  await signInAgain(page, error.getByTestId('sign-in'));
  expect(new URL(page.url()).search).toBe(before.search);
  await expect(cells(page, 1).first()).toHaveText('Kestrel Aviation');
  await expect(page.getByTestId('page-number')).toHaveText('Page 2');
  await expectNoSecretsStored(page, seen);
});
