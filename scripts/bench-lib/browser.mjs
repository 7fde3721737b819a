// Browser side of scripts/bench: headless Chromium (the system's, never a downloaded one),
// network profiles, and one sign-in round of an app (first visit, then back from the Instance ID).
// Times are the page's own clock: performance.now() since the document's navigation started
// and Resource Timing, never node's clock.

/** Playwright launch options: /usr/bin/chromium (or $CHROMIUM). */
export const LAUNCH = {
  headless: true,
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

/**
 * Network profiles. `null` is loopback as it is. 4G as the issue states it: 60 ms round trip,
 * 9 Mbit/s down, 1.5 Mbit/s up (CDP wants bytes per second; its latency is added to every
 * request, Chromium's DevTools throttling, which does not model TCP/TLS set-up or slow start).
 */
export const PROFILES = {
  loopback: null,
  '4g': { offline: false, latency: 60, downloadThroughput: (9e6 / 8), uploadThroughput: (1.5e6 / 8) },
};

/** What a callback trace records: tasks, scripts, layout, and V8's wasm compiles. */
const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'loading',
  'blink', 'blink.user_timing', 'v8', 'v8.execute', 'v8.wasm', 'disabled-by-default-v8.wasm.detailed'];

/**
 * Applies a profile to one page (and so to every document it shows) through its own CDP session:
 * its network conditions, and its `cpuSlowdown` (a factor) if it has one.
 */
async function emulate(page, profile) {
  if (!profile) return;
  const { cpuSlowdown, ...conditions } = profile;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', conditions);
  if (cpuSlowdown) await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuSlowdown });
}

// Runs in every document before its own scripts: notes performance.now() when each marker first
// becomes visible, and when trunk's loader says the wasm has started.
function probe() {
  const marks = {};
  Object.defineProperty(window, '__bench', { value: marks });
  const check = () => {
    for (const id of ['sign-in', 'user-name', 'auth-error']) {
      if (marks[id] !== undefined) continue;
      const el = document.querySelector(`[data-testid="${id}"]`);
      if (el && el.checkVisibility() && el.getClientRects().length > 0) marks[id] = performance.now();
    }
    // The app's own button, not index.html's pre-rendered one (#shell): the app has started
    // and read config.json (for oidc-client-ts, the same moment as the button).
    if (marks.ownSignIn === undefined) {
      const own = [...document.querySelectorAll('[data-testid="sign-in"]')].find((e) => !e.closest('#shell'));
      if (own && own.checkVisibility() && own.getClientRects().length > 0) marks.ownSignIn = performance.now();
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  addEventListener('TrunkApplicationStarted', () => { marks.appStarted = performance.now(); });
}

/**
 * A fresh context (empty HTTP cache, cookies and storage) whose every page, popups included,
 * gets the profile; returns it with its first page, already emulated.
 */
export async function freshContext(browser, conditions) {
  const context = await browser.newContext();
  await context.addInitScript(probe);
  const emulated = new Map();
  const ensure = (p) => {
    if (!emulated.has(p)) emulated.set(p, emulate(p, conditions));
    return emulated.get(p);
  };
  context.on('page', (p) => { ensure(p).catch(() => {}); });
  const page = await context.newPage();
  await ensure(page);
  return { context, page };
}

/** Waits for `[data-testid=<id>]` visible in the probe; throws with the app's error if one shows. */
async function reach(page, id, timeout = 60_000) {
  await page.locator(`[data-testid=${id}], [data-testid=auth-error]`).first().waitFor({ state: 'visible', timeout });
  const error = page.locator('[data-testid=auth-error]');
  if (await error.isVisible()) throw new Error(`auth-error instead of ${id} at ${page.url()}: ${(await error.textContent())?.trim()}`);
  await page.waitForFunction((m) => window.__bench[m] !== undefined, id, { timeout });
}

/**
 * The document's timeline up to `marker`: when it showed, when the app's code had arrived
 * (the last response whose path matches `boot`), the document's and every resource's timing and
 * sizes (sizes are 0 for the Instance ID's responses: cross-origin without Timing-Allow-Origin).
 */
async function timeline(page, marker, boot) {
  const t = await page.evaluate(({ marker, boot }) => {
    const nav = performance.getEntriesByType('navigation')[0];
    const at = window.__bench[marker];
    const re = new RegExp(boot);
    const resources = performance.getEntriesByType('resource');
    const entry = (r) => ({
      url: r.name, type: r.initiatorType, start: r.startTime, end: r.responseEnd,
      transfer: r.transferSize, encoded: r.encodedBodySize, decoded: r.decodedBodySize, status: r.responseStatus,
      sameOrigin: new URL(r.name).origin === location.origin,
    });
    return {
      marker: at,
      appStarted: window.__bench.appStarted,
      ownSignIn: window.__bench.ownSignIn,
      bootEnd: Math.max(0, ...resources.filter((r) => re.test(new URL(r.name).pathname)).map((r) => r.responseEnd)),
      document: { ...entry(nav), url: nav.name, start: nav.startTime, end: nav.responseEnd, type: 'navigation', sameOrigin: true },
      resources: resources.filter((r) => r.startTime <= at).map(entry),
    };
  }, { marker, boot });
  // From the cache (no request on the wire): a same-origin entry with a body but nothing transferred.
  const cached = (r) => r.sameOrigin && r.transfer === 0 && r.encoded > 0;
  const done = t.resources.filter((r) => r.end <= t.marker);
  // Requests the app's own code started (after its code arrived) before the marker, and the
  // longest series among them that had ended by then: the marker's critical path.
  t.afterBoot = t.resources.filter((r) => r.start >= t.bootEnd && !cached(r));
  // The app's own chunks (same origin) fetched beside the Instance ID's answer are not in
  // series with it, even when one ends before the token POST starts (loopback); one started
  // after that answer would be.
  const waited = t.afterBoot.filter((r) => r.end <= t.marker);
  const remoteEnd = Math.max(0, ...waited.filter((r) => !r.sameOrigin).map((r) => r.end));
  t.critical = chain(waited.filter((r) => !r.sameOrigin || r.start >= remoteEnd));
  // The longest series of requests on the wire, the document included (cache hits are free).
  t.networkChain = chain([t.document, ...done.filter((r) => !cached(r))]);
  t.fromCache = done.filter(cached).map((r) => r.url);
  t.bytesTransferred = [t.document, ...t.resources].filter((r) => r.sameOrigin).reduce((a, r) => a + r.transfer, 0);
  return t;
}

/** The longest chain of requests each starting after the previous one ended: [urls]. */
function chain(requests) {
  const rs = [...requests].sort((a, b) => a.start - b.start);
  const best = rs.map(() => ({ n: 0, prev: -1 }));
  rs.forEach((r, i) => {
    best[i] = { n: 1, prev: -1 };
    for (let j = 0; j < i; j++) {
      if (rs[j].end <= r.start + 0.5 && best[j].n + 1 > best[i].n) best[i] = { n: best[j].n + 1, prev: j };
    }
  });
  let i = best.reduce((m, b, k) => (m < 0 || b.n > best[m].n ? k : m), -1);
  const out = [];
  while (i >= 0) {
    out.unshift(rs[i].url.replace(/\?.*/, ''));
    i = best[i].prev;
  }
  return out;
}

/**
 * One round of one app on one profile, in a fresh context:
 * (a) first visit: navigation start -> `[data-testid=sign-in]` visible, cold cache;
 * (b) back from the Instance ID: the sign-in button is clicked, the demo user logs in, and the
 *     Instance ID's redirect to the app's callback URL (code, state) is held back (CDP Fetch
 *     answers it 204, so the login page stays); then a navigation to exactly that URL is timed, start ->
 *     `[data-testid=user-name]` visible. The app's code is in the HTTP cache from (a), as it is
 *     for a person coming back, and both apps get the same time origin (the Instance ID's
 *     redirects before it are the same for both and are not timed).
 */
export async function signInRound(browser, app, conditions, { instance, login, trace = null }) {
  const { context, page } = await freshContext(browser, conditions);
  try {
    await page.goto(app.url, { waitUntil: 'commit' });
    await reach(page, 'sign-in');
    // The click goes to the app's own button, as before there was a pre-rendered one, so the
    // callback is measured the same way.
    await page.waitForFunction(() => window.__bench.ownSignIn !== undefined, null, { timeout: 60_000 });
    const first = await timeline(page, 'sign-in', app.boot);

    await page.locator('[data-testid=sign-in]').click();
    await page.waitForURL((u) => u.origin === instance, { timeout: 60_000 });
    // Playwright's page.route never sees the targets of redirects, so hold the callback with
    // CDP's Fetch domain (which pauses every hop) on this page's own session.
    let callbackUrl = null;
    const cdp = await context.newCDPSession(page);
    cdp.on('Fetch.requestPaused', (e) => {
      const u = new URL(e.request.url);
      const held = u.origin === app.origin && u.pathname === app.callbackPath;
      if (held) callbackUrl = e.request.url;
      cdp.send(held ? 'Fetch.fulfillRequest' : 'Fetch.continueRequest',
        held ? { requestId: e.requestId, responseCode: 204, body: '' } : { requestId: e.requestId }).catch(() => {});
    });
    await cdp.send('Fetch.enable', { patterns: [{ urlPattern: `${app.origin}${app.callbackPath}*`, requestStage: 'Request' }] });
    await page.locator('input[name=login]').fill(login.login);
    await page.locator('input[name=password]').fill(login.password);
    await page.locator('button[type=submit]').click();
    for (let i = 0; callbackUrl === null; i++) {
      if (i > 600) throw new Error(`no redirect to ${app.origin}${app.callbackPath} within 60 s (at ${page.url()})`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await cdp.send('Fetch.disable');
    await cdp.detach();
    const q = new URL(callbackUrl).searchParams;
    if (!q.get('code') || !q.get('state')) throw new Error(`callback without code/state: ${callbackUrl.replace(/\?.*/, '?…')}`);

    // `trace` (a file, bench's --trace): a Chromium trace of the callback.
    if (trace) await browser.startTracing(page, { path: trace, categories: TRACE_CATEGORIES });
    await page.goto(callbackUrl, { waitUntil: 'commit' });
    await reach(page, 'user-name');
    if (trace) await browser.stopTracing();
    const callback = await timeline(page, 'user-name', app.boot);
    callback.userName = (await page.getByTestId('user-name').textContent())?.trim();
    const after = new URL(page.url());
    callback.scrubbed = !after.searchParams.has('code') && !after.searchParams.has('state');
    return { first, callback };
  } finally {
    await context.close();
  }
}
