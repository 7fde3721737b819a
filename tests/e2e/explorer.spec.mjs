// The Domain API explorer against the stand-in's OData service (25 customers; pages of $top rows).
import { test, expect } from '@playwright/test';
import { apiRequests, expectBearerOnlyToServiceRoot, watchBearer, expectNoSecretsStored, instanceLog, resetInstance, runQuery, signIn, watchSecrets } from './helpers.mjs';
import { INSTANCE } from './env.mjs';

const ODATA = `${INSTANCE}/api/domain/odata/`;

let bearer;
test.beforeEach(async ({ page, request }) => {
  await resetInstance(request);
  bearer = watchBearer(page); // no Authorization header leaves for anywhere but the service root
});
test.afterEach(async () => expectBearerOnlyToServiceRoot(bearer));


/** Every Domain API GET the page sends, with all its headers. */
function watchApiRequests(page) {
  const sent = [];
  page.on('request', (r) => {
    if (r.url().startsWith(ODATA) && r.method() === 'GET') sent.push(r.allHeaders().then((headers) => ({ url: r.url(), headers })));
  });
  return () => Promise.all(sent);
}

const column = (page, n) => page.getByTestId('results').locator(`tbody tr td:nth-child(${n})`);
const headers = (page) => page.getByTestId('results').locator('thead th');

test('Crm_Customers rows, paged with next-page, each request with the bearer token', async ({ page }) => {
  const seen = watchSecrets(page);
  const apiSent = watchApiRequests(page);
  await signIn(page, '/explorer');
  await runQuery(page, { set: 'Crm_Customers', top: '10' });

  await expect(page.getByTestId('row-count')).toHaveText('10 rows');
  await expect(page.getByTestId('results').locator('tbody tr')).toHaveCount(10);
  // ERP.net's default columns: no Id unless selected.
  await expect(headers(page)).toHaveText(['Number', 'Name', 'Email', 'City', 'Active', 'CreditLimit']);
  await expect(column(page, 2).first()).toHaveText('Acme Trading');
  await expect(column(page, 6).first()).toHaveText('5000.00 BGN');

  await page.getByTestId('next-page').click();
  await expect(column(page, 2).first()).toHaveText('Kestrel Aviation');
  await expect(page.getByTestId('row-count')).toHaveText('10 rows');
  await page.getByTestId('next-page').click();
  await expect(column(page, 2).first()).toHaveText('Umbra Media');
  await expect(page.getByTestId('row-count')).toHaveText('5 rows');
  await expect(page.getByTestId('next-page')).toHaveCount(0);

  const sent = await apiSent();
  expect(sent).toHaveLength(3); // one per action
  for (const { headers: h } of sent) {
    const m = /^Bearer (\S+)$/.exec(h.authorization ?? '');
    expect(m, 'Authorization: Bearer <token>').toBeTruthy();
    expect(seen.secrets.has(m[1]), 'the bearer token is the access token from the token response').toBe(true);
    expect(h.cookie, 'no cookies to the Domain API').toBeUndefined();
  }
  await expectNoSecretsStored(page, seen);
});

test('$select limits the columns', async ({ page }) => {
  const seen = watchSecrets(page);
  await signIn(page, '/explorer');
  await runQuery(page, { set: 'Crm_Customers', select: 'Name,City' });
  await expect(headers(page)).toHaveText(['Name', 'City']); // in the $select order
  await expect(page.getByTestId('row-count')).toHaveText('25 rows'); // one page of the default 50
  expect(new URL(page.url()).searchParams.get('select')).toBe('Name,City');
  await expectNoSecretsStored(page, seen);
});

test('$filter eq and $top narrow the rows', async ({ page }) => {
  const seen = watchSecrets(page);
  await signIn(page, '/explorer');
  await runQuery(page, { set: 'Crm_Customers', select: 'Name', filter: "City eq 'Sofia'" });
  await expect(page.getByTestId('row-count')).toHaveText('4 rows');
  await expect(column(page, 1)).toHaveText(['Acme Trading', 'Harbor Supplies', 'Orchid Cosmetics', 'Vertex Software']);
  await expect(page.getByTestId('next-page')).toHaveCount(0);

  await runQuery(page, { set: 'Crm_Customers', select: 'Name', filter: "City eq 'Sofia'", top: '2' });
  await expect(page.getByTestId('row-count')).toHaveText('2 rows');
  await expect(column(page, 1)).toHaveText(['Acme Trading', 'Harbor Supplies']);
  await expectNoSecretsStored(page, seen);
});

test('an unknown entity set shows the OData error (404)', async ({ page, request }) => {
  const seen = watchSecrets(page);
  await signIn(page, '/explorer');
  await runQuery(page, { set: 'Crm_NoSuchSet' });
  const error = page.getByTestId('api-error');
  await expect(error).toContainText("Resource not found for the segment 'Crm_NoSuchSet'");
  await expect(error).toHaveAttribute('data-status', '404');
  await expect(page.getByTestId('results')).toHaveCount(0);
  await expect(page.getByTestId('auth-error')).toHaveCount(0);
  expect(apiRequests(await instanceLog(request)).map((e) => [e.path, e.status]))
    .toEqual([['/api/domain/odata/Crm_NoSuchSet', 404]]);
  await expectNoSecretsStored(page, seen);
});


// (Regression: each "Run query" used to send the same GET twice.)
test('one Run query click sends one Domain API request', async ({ page, request }) => {
  const seen = watchSecrets(page);
  await signIn(page, '/explorer');
  await runQuery(page, { set: 'Crm_Customers', top: '3' });
  await expect(page.getByTestId('row-count')).toHaveText('3 rows');
  await page.waitForTimeout(500); // let a duplicate, if any, reach the stand-in
  expect(apiRequests(await instanceLog(request)).map((e) => [e.path, e.status]))
    .toEqual([['/api/domain/odata/Crm_Customers', 200]]);
  await expectNoSecretsStored(page, seen);
});
