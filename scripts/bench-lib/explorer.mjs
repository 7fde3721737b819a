// Explorer: response -> rows shown. The app marks `explorer:response` when a page's body has
// arrived and measures `explorer:rows-shown` two animation frames after the table is built (so
// layout and paint of the rows are included). Long tasks (>50 ms on the main thread) in that
// window are noted too.
import { summary } from './stats.mjs';

export const EXPLORER_SIZES = [50, 500, 1000];

/** Signs in on `${app}/explorer`, then runs each page size `runs` times. */
export async function explorerRender(browser, { app, instance, login, runs: RUNS }) {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    window.__longtasks = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longtasks.push(e.duration); })
      .observe({ type: 'longtask', buffered: true });
  });
  const page = await context.newPage();
  await page.goto(`${app}/explorer`);
  await page.locator('[data-testid=sign-in]').click();
  await page.waitForURL((u) => u.origin === instance);
  await page.locator('input[name=login]').fill(login.login);
  await page.locator('input[name=password]').fill(login.password);
  await page.locator('button[type=submit]').click();
  await page.locator('[data-testid=user-name]').waitFor({ state: 'visible', timeout: 20_000 });
  const results = {};
  for (const size of EXPLORER_SIZES) {
    const runs = [];
    const first = [];
    const longest = [];
    for (let i = 0; i < RUNS; i++) {
      const before = await page.evaluate(() => performance.getEntriesByName('explorer:rows-shown').length);
      await page.evaluate(() => { window.__longtasks.length = 0; });
      await page.getByTestId('entity-set').fill('General_Contacts_Persons');
      await page.getByTestId('top').fill(String(size));
      // Alternate the order so every run is a new query (no page cache), same row count.
      await page.getByTestId('orderby').fill(i % 2 ? 'Email desc' : 'Email');
      await page.getByTestId('run-query').click();
      await page.waitForFunction((n) => performance.getEntriesByName('explorer:rows-shown').length > n, before, { timeout: 60_000 });
      const rows = await page.getByTestId('results').locator('tbody tr').count();
      if (rows !== size) throw new Error(`expected ${size} rows, saw ${rows}`);
      runs.push(await page.evaluate(() => performance.getEntriesByName('explorer:rows-shown').at(-1).duration));
      first.push(await page.evaluate(() => performance.getEntriesByName('explorer:first-rows-shown').at(-1)?.duration ?? NaN));
      longest.push(await page.evaluate(() => Math.max(0, ...window.__longtasks)));
    }
    results[size] = { rowsShown: summary(runs), firstRowsShown: summary(first), longestTask: summary(longest) };
  }
  await context.close();
  return results;
}
