// The measuring half of scripts/bench (which builds first). Writes bench-results/bench.json.
// Times come from the page itself (performance.now(), Navigation/Resource Timing), never
// from node's clock. Own ports 8420 (stand-in) and 8421 (app), distinct from the tests'
// 8410-8412 and `make run`'s 8080/8400.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};
const RUNS = Number(option('--runs', 10));
const WASM_RUNS = 200;
const INSTANCE_PORT = 8420;
const APP_PORT = 8421;
const INSTANCE = `http://127.0.0.1:${INSTANCE_PORT}`;
const APP = `http://localhost:${APP_PORT}`;
const DEMO = { login: 'demo', password: 'demo-password' };
const BUDGET = { firstLoadBr: 120 * 1024, nextFirstLoadBr: 82 * 1024, callbackRequests: 1, validateUs: 1000 };
const dist = join(root, 'dist');
const out = join(root, 'bench-results');
mkdirSync(out, { recursive: true });

// ------------------------------------------------------------------ statistics, formatting
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const quantile = (xs, q) => {
  const s = sorted(xs);
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
};
const summary = (xs) => ({
  runs: xs.length, median: quantile(xs, 0.5), min: Math.min(...xs), max: Math.max(...xs),
  q1: quantile(xs, 0.25), q3: quantile(xs, 0.75), samples: xs.map((x) => Math.round(x * 10) / 10),
});
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const ms = (n) => `${n.toFixed(1)} ms`;
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const heading = (s) => console.log(`\n\x1b[1m${s}\x1b[0m`);

// ------------------------------------------------------------------ 1. bytes
function compressed(tool, args, file) {
  const r = spawnSync(tool, [...args, file], { maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${tool} failed on ${file}: ${r.stderr}`);
  return r.stdout.length;
}
function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]);
}
function measureBytes() {
  const files = walk(dist).sort().map((path) => ({
    file: relative(dist, path),
    raw: statSync(path).size,
    gzip: compressed('gzip', ['-9', '-c'], path),
    brotli: compressed('brotli', ['-q', '11', '-c'], path),
  }));
  // What a first visit downloads before the app can run: the page, JS glue, wasm, CSS.
  const firstLoadFiles = files.filter((f) => f.file === 'index.html' || /^[^/]+\.(js|wasm|css)$/.test(f.file));
  const sum = (k) => firstLoadFiles.reduce((a, f) => a + f[k], 0);
  return {
    files,
    firstLoad: { files: firstLoadFiles.map((f) => f.file), raw: sum('raw'), gzip: sum('gzip'), brotli: sum('brotli') },
  };
}

// ------------------------------------------------------------------ servers
const children = [];
function start(name, args, env = {}) {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  child.on('exit', (code) => { if (code && !child.stopping) console.error(`${name} exited with ${code}: ${err}`); });
  children.push(child);
  return child;
}
function stopAll() {
  for (const c of children) {
    c.stopping = true;
    if (c.exitCode === null) c.kill();
  }
}
process.on('exit', stopAll);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { stopAll(); process.exit(130); });

async function reachable(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}
async function waitFor(url, what) {
  for (let i = 0; i < 100; i++) {
    if (await reachable(url)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not come up at ${url}`);
}
async function startServers() {
  for (const [url, port] of [[INSTANCE, INSTANCE_PORT], [`http://127.0.0.1:${APP_PORT}`, APP_PORT]]) {
    if (await reachable(url)) throw new Error(`port ${port} is already in use (another scripts/bench running?)`);
  }
  const config = join(out, 'config.bench.json');
  writeFileSync(config, JSON.stringify({
    instance_url: INSTANCE, client_id: 'spa.example.com', scopes: 'openid profile email read update',
  }, null, 2));
  start('stand-in', ['dev/instance/server.mjs'], {
    PORT: String(INSTANCE_PORT), APP_BASES: `${APP}/,http://127.0.0.1:${APP_PORT}/`,
  });
  start('static server', ['scripts/serve.mjs', '--dir', 'dist', '--port', String(APP_PORT), '--config', config]);
  await waitFor(`${INSTANCE}/id/.well-known/openid-configuration`, 'the stand-in');
  await waitFor(`http://127.0.0.1:${APP_PORT}/`, 'the static server');
}

// ------------------------------------------------------------------ browser timings
const LAUNCH = {
  headless: true,
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

// Runs in every document before its own scripts: notes performance.now() (ms since the
// document's navigation started) when each marker first becomes visible, and when trunk's
// loader says the wasm has started.
function probe() {
  const marks = {};
  Object.defineProperty(window, '__bench', { value: marks });
  const check = () => {
    for (const id of ['sign-in', 'user-name', 'auth-error']) {
      if (marks[id] !== undefined) continue;
      const el = document.querySelector(`[data-testid="${id}"]`);
      if (el && el.checkVisibility() && el.getClientRects().length > 0) marks[id] = performance.now();
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  addEventListener('TrunkApplicationStarted', () => { marks.appStarted = performance.now(); });
}

// Reads the page's own timeline: navigation entry, the wasm download, and every resource
// request started after the wasm finished downloading (that is, by the app itself).
async function timeline(page, marker) {
  return page.evaluate((marker) => {
    const nav = performance.getEntriesByType('navigation')[0];
    const resources = performance.getEntriesByType('resource');
    const wasm = resources.filter((r) => r.name.endsWith('.wasm'));
    const wasmEnd = Math.max(...wasm.map((r) => r.responseEnd));
    const at = window.__bench[marker];
    const afterBoot = resources
      .filter((r) => r.startTime >= wasmEnd && r.startTime <= at)
      .map((r) => ({ url: r.name, start: r.startTime, end: r.responseEnd, type: r.initiatorType }));
    return {
      marker: at, fetchStart: nav.fetchStart, responseEnd: nav.responseEnd, wasmEnd,
      appStarted: window.__bench.appStarted, domContentLoaded: nav.domContentLoadedEventEnd, afterBoot,
    };
  }, marker);
}

async function coldStart(browser) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext(); // a fresh profile: empty HTTP cache and storage
    await context.addInitScript(probe);
    const page = await context.newPage();
    await page.goto(`${APP}/`);
    await page.locator('[data-testid=sign-in]').waitFor({ state: 'visible', timeout: 20_000 });
    await page.waitForFunction(() => window.__bench['sign-in'] !== undefined);
    runs.push(await timeline(page, 'sign-in'));
    await context.close();
  }
  return runs;
}

async function callback(browser) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    await context.addInitScript(probe);
    const page = await context.newPage();
    await page.goto(`${APP}/`);
    await page.locator('[data-testid=sign-in]').click();
    await page.waitForURL((u) => u.origin === INSTANCE);
    await page.locator('input[name=login]').fill(DEMO.login);
    await page.locator('input[name=password]').fill(DEMO.password);
    await page.locator('button[type=submit]').click();
    await page.locator('[data-testid=user-name]').waitFor({ state: 'visible', timeout: 20_000 });
    await page.waitForFunction(() => window.__bench['user-name'] !== undefined);
    const t = await timeline(page, 'user-name');
    if (!new URL(page.url()).pathname.endsWith('/signin-callback') && !t.afterBoot.some((r) => r.url.includes('/connect/token'))) {
      throw new Error(`expected the callback page, got ${page.url()}`);
    }
    runs.push(t);
    await context.close();
  }
  return runs;
}

// ------------------------------------------------------------------ explorer: response -> rows shown
// The app marks `explorer:response` when a page's body has arrived and measures
// `explorer:rows-shown` two animation frames after the table is built (so layout and paint of
// the rows are included). Long tasks (>50 ms on the main thread) in that window are noted too.
const EXPLORER_SIZES = [50, 500, 1000];
async function explorerRender(browser) {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    window.__longtasks = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longtasks.push(e.duration); })
      .observe({ type: 'longtask', buffered: true });
  });
  const page = await context.newPage();
  await page.goto(`${APP}/explorer`);
  await page.locator('[data-testid=sign-in]').click();
  await page.waitForURL((u) => u.origin === INSTANCE);
  await page.locator('input[name=login]').fill(DEMO.login);
  await page.locator('input[name=password]').fill(DEMO.password);
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

// ------------------------------------------------------------------ ID-token validation in wasm
function wasmBench() {
  const args = ['test', '--release', '-p', 'erpnet-spa', '--target', 'wasm32-unknown-unknown',
    '--test', 'bench_validate', '--', '--include-ignored', '--nocapture'];
  console.log(`\n==> cargo ${args.join(' ')}`);
  const r = spawnSync('cargo', args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
  const text = r.stdout ?? '';
  const results = {};
  for (const m of text.matchAll(/BENCH (\w+) runs=(\d+) median_us=([\d.]+) min_us=([\d.]+) p90_us=([\d.]+) max_us=([\d.]+)/g)) {
    results[m[1]] = { runs: Number(m[2]), median: Number(m[3]), min: Number(m[4]), p90: Number(m[5]), max: Number(m[6]) };
  }
  if (r.status !== 0 || Object.keys(results).length === 0) {
    console.log(text);
    return { error: `cargo test exited ${r.status}; no BENCH lines parsed`, results };
  }
  return { results };
}

// ------------------------------------------------------------------ main
const report = { date: new Date().toISOString(), machine: 'shared 2-core VM; timings are noisy, read medians', runs: RUNS };
console.log('==> measuring dist/ (raw, gzip -9, brotli -q 11)');
report.bytes = measureBytes();
console.log('==> starting the stand-in (:8420) and the static server (:8421)');

await startServers();
const browser = await chromium.launch(LAUNCH);
const explorerOnly = flag('--explorer-only');
try {
  console.log(`==> explorer: response -> rows shown, ${EXPLORER_SIZES.join('/')} rows x${RUNS}`);
  report.explorer = await explorerRender(browser);
  if (explorerOnly) throw Object.assign(new Error('explorer only'), { explorerOnly: true });
  console.log(`==> cold start x${RUNS}`);
  const cold = await coldStart(browser);
  report.coldStart = {
    signInVisible: summary(cold.map((r) => r.marker)),
    wasmDownloaded: summary(cold.map((r) => r.wasmEnd)),
    appStarted: summary(cold.map((r) => r.appStarted)),
    requestsAfterBoot: summary(cold.map((r) => r.afterBoot.length)),
    requestUrls: [...new Set(cold.flatMap((r) => r.afterBoot.map((x) => x.url.replace(/\?.*/, ''))))],
    lastRun: cold.at(-1),
  };
  console.log(`==> sign-in and callback x${RUNS}`);
  const cb = await callback(browser);
  const fromFetch = cb.map((r) => r.marker - r.fetchStart);
  report.callback = {
    // Callback document: its fetchStart (after the instance's redirects) -> user-name visible.
    userNameVisible: summary(fromFetch),
    // The same from the navigation's time origin (includes the instance's login POST and redirects).
    userNameVisibleFromTimeOrigin: summary(cb.map((r) => r.marker)),
    requestsAfterBoot: summary(cb.map((r) => r.afterBoot.length)),
    requestUrls: [...new Set(cb.flatMap((r) => r.afterBoot.map((x) => x.url.replace(/\?.*/, ''))))],
    lastRun: cb.at(-1),
  };
} catch (e) {
  if (!e.explorerOnly) throw e;
} finally {
  await browser.close();
  stopAll();
}
if (explorerOnly) {
  heading(`Explorer: response -> rows shown (General_Contacts_Persons, ${RUNS} runs each)`);
  for (const [size, r] of Object.entries(report.explorer)) {
    console.log(`${pad(`${size} rows`, 12)} all shown median ${lpad(ms(r.rowsShown.median), 9)} (min ${ms(r.rowsShown.min)}, max ${ms(r.rowsShown.max)})   first 100 shown median ${ms(r.firstRowsShown.median)}   longest task median ${ms(r.longestTask.median)}`);
  }
  writeFileSync(join(out, 'bench-explorer.json'), `${JSON.stringify(report.explorer, null, 2)}\n`);
  process.exit(0);
}
report.validate = flag('--skip-wasm') ? { skipped: true } : wasmBench();

// ------------------------------------------------------------------ table and budgets
heading('Bytes (dist/)');
console.log(`${pad('file', 48)}${lpad('raw', 10)}${lpad('gzip -9', 10)}${lpad('brotli 11', 11)}`);
for (const f of report.bytes.files) console.log(`${pad(f.file, 48)}${lpad(f.raw, 10)}${lpad(f.gzip, 10)}${lpad(f.brotli, 11)}`);
const fl = report.bytes.firstLoad;
console.log(`${pad('first load (index.html + JS + wasm + CSS)', 48)}${lpad(fl.raw, 10)}${lpad(fl.gzip, 10)}${lpad(fl.brotli, 11)}`);

heading(`Browser timings (headless Chromium, ${RUNS} fresh contexts each; shared machine, noisy)`);
const line = (label, s, unit = ms) => console.log(
  `${pad(label, 52)} median ${lpad(unit(s.median), 9)}   min ${lpad(unit(s.min), 9)}   IQR ${unit(s.q1)}-${unit(s.q3)}   max ${unit(s.max)}`);
line('cold start: navigation -> sign-in visible', report.coldStart.signInVisible);
line('  of which: navigation -> wasm downloaded', report.coldStart.wasmDownloaded);
line('  of which: navigation -> wasm started (main ran)', report.coldStart.appStarted);
line('cold start: requests started after boot', report.coldStart.requestsAfterBoot, (n) => String(n));
for (const u of report.coldStart.requestUrls) console.log(`    ${u}`);
line('callback: document fetch -> user-name visible', report.callback.userNameVisible);
line('  same from time origin (incl. instance redirects)', report.callback.userNameVisibleFromTimeOrigin);
line('callback: requests started after boot', report.callback.requestsAfterBoot, (n) => String(n));
for (const u of report.callback.requestUrls) console.log(`    ${u}`);

heading(`Explorer: response -> rows shown (General_Contacts_Persons, ${RUNS} runs each)`);
for (const [size, r] of Object.entries(report.explorer)) {
  console.log(`${pad(`${size} rows`, 12)} all shown median ${lpad(ms(r.rowsShown.median), 9)} (min ${ms(r.rowsShown.min)}, max ${ms(r.rowsShown.max)})   first 100 shown median ${ms(r.firstRowsShown.median)}   longest task median ${ms(r.longestTask.median)}`);
}

heading(`ID-token validation in wasm (headless Chromium, ${WASM_RUNS} validations, release build)`);
const v = report.validate;
if (v.skipped) console.log('skipped (--skip-wasm)');
else {
  for (const [k, r] of Object.entries(v.results)) {
    console.log(`${pad(k, 28)} median ${lpad(r.median.toFixed(1), 8)} µs   min ${r.min.toFixed(1)}   p90 ${r.p90.toFixed(1)}   max ${r.max.toFixed(1)}`);
  }
  if (v.error) console.log(v.error);
}

heading('Budgets');
const budgets = [];
const budget = (name, ok, detail) => {
  budgets.push({ name, pass: ok, detail });
  console.log(`${ok ? '\x1b[32mPASS\x1b[0m' : '\x1b[31mFAIL\x1b[0m'}  ${name}: ${detail}`);
};
budget('first load <= 120 KB brotli', fl.brotli <= BUDGET.firstLoadBr,
  `${kb(fl.brotli)} (${fl.brotli} B); next target 82 KB: ${fl.brotli > BUDGET.nextFirstLoadBr ? `${kb(fl.brotli - BUDGET.nextFirstLoadBr)} to cut` : 'met'}`);
const maxReq = report.callback.requestsAfterBoot.max;
budget('one request on the callback critical path', maxReq <= BUDGET.callbackRequests,
  `median ${report.callback.requestsAfterBoot.median}, max ${maxReq} request(s) after boot before user-name`);
if (v.skipped) budgets.push({ name: 'ID-token validation <= 1 ms median in wasm', pass: null, detail: 'skipped' });
else {
  // The budget is for what the app ships (WebCrypto); the jwtcompact_* lines are the comparison.
  const keys = Object.keys(v.results).filter((k) => /^webcrypto_\w+_validate$/.test(k));
  const medians = keys.map((k) => v.results[k].median);
  const ok = !v.error && medians.length >= 2 && medians.every((m) => m <= BUDGET.validateUs);
  budget('ID-token validation <= 1 ms median in wasm', ok,
    keys.map((k) => `${k} ${v.results[k].median.toFixed(0)} µs`).join(', ') || 'no results');
}
report.budgets = budgets;
writeFileSync(join(out, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nwrote ${relative(root, join(out, 'bench.json'))}`);
process.exit(budgets.every((b) => b.pass !== false) ? 0 : 1);
