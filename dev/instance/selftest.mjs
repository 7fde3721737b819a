#!/usr/bin/env node
// End-to-end self-check of the ERP.net stand-in, scripted like a browser: it starts its own
// server on a free port, walks Authorization Code + PKCE by hand (manual redirects and a cookie
// jar), uses the tokens at the Domain API, exercises the control API and logout, then stops it.
// Usage (repo root): node dev/instance/selftest.mjs     Last line: "N passed, M failed".

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createLocalJWKSet, jwtVerify, decodeJwt, decodeProtectedHeader } from 'jose';

const SERVER = fileURLToPath(new URL('./server.mjs', import.meta.url));
const APP = 'http://localhost:8080/';
const APP_ORIGIN = 'http://localhost:8080';
const REDIRECT_URI = `${APP}signin-callback`;
const CLIENT_ID = 'spa.example.com';

let passed = 0;
let failed = 0;
function check(name, ok, detail) {
  if (ok) {
    passed += 1;
    console.log(`ok   ${name}`);
  } else {
    failed += 1;
    console.log(`FAIL ${name}${detail !== undefined ? `: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}` : ''}`);
  }
  return ok;
}

// ------------------------------------------------------------ server process

function startServer() {
  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, PORT: process.env.SELFTEST_PORT ?? '0', APP_BASES: `${APP},http://127.0.0.1:8080/`, CLIENT_ID },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in time\n${stderr}`)), 20000);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /^ERP\.net stand-in listening at (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, base: m[1], stdout: () => out, stderr: () => stderr });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited early (${code})\n${stderr}`)));
  });
}

// ------------------------------------------------------------ a tiny browser

class CookieJar {
  #cookies = new Map(); // `${name};${path}` -> { name, value, path }

  store(res) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let path = '/';
      let expired = value === '';
      for (const a of attrs) {
        const [k, v = ''] = a.split('=');
        if (k.toLowerCase() === 'path') path = v;
        if (k.toLowerCase() === 'expires' && Date.parse(v) <= Date.now()) expired = true;
        if (k.toLowerCase() === 'max-age' && Number(v) <= 0) expired = true;
      }
      const key = `${name};${path}`;
      if (expired) this.#cookies.delete(key);
      else this.#cookies.set(key, { name, value, path });
    }
  }

  header(url) {
    const { pathname } = new URL(url);
    return [...this.#cookies.values()]
      .filter((c) => pathname === c.path || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`).join('; ');
  }
}

function browser() {
  const jar = new CookieJar();
  async function request(url, { method = 'GET', form, headers = {} } = {}) {
    const h = { ...headers };
    const cookie = jar.header(url);
    if (cookie) h.cookie = cookie;
    let body;
    if (form) {
      body = new URLSearchParams(form).toString();
      h['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(url, { method, headers: h, body, redirect: 'manual' });
    jar.store(res);
    const text = await res.text();
    return { res, text, url };
  }
  /** Follows redirects while they stay on the stand-in; stops at the app (or a page). */
  async function navigate(url, opts, base) {
    let r = await request(url, opts);
    const seen = [r];
    for (let i = 0; i < 10 && r.res.status >= 300 && r.res.status < 400; i += 1) {
      const next = new URL(r.res.headers.get('location'), r.url).href;
      if (!next.startsWith(`${base}/`)) return { ...r, final: next, seen };
      r = await request(next);
      seen.push(r);
    }
    return { ...r, final: r.url, seen };
  }
  return { request, navigate, jar };
}

const b64url = (buf) => Buffer.from(buf).toString('base64url');

function newPkce() {
  const verifier = b64url(randomBytes(32));
  return { verifier, challenge: b64url(createHash('sha256').update(verifier).digest()) };
}

function formAction(html) {
  return /<form[^>]*action="([^"]+)"/.exec(html)?.[1]?.replace(/&#38;|&amp;/g, '&');
}

// ------------------------------------------------------------ the checks

async function run(base) {
  const issuer = `${base}/id`;
  const ctl = (path, body) => fetch(`${base}/__control${path}`, body === undefined ? {} : {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  }).then((r) => r.json());

  // --- metadata
  const disc = await (await fetch(`${issuer}/.well-known/openid-configuration`, { headers: { Origin: APP_ORIGIN } })).json();
  check('discovery issuer', disc.issuer === issuer, disc.issuer);
  check('discovery endpoints', disc.authorization_endpoint === `${issuer}/connect/authorize`
    && disc.token_endpoint === `${issuer}/connect/token`
    && disc.end_session_endpoint === `${issuer}/connect/endsession`
    && disc.jwks_uri === `${issuer}/.well-known/openid-configuration/jwks`, disc);
  check('discovery S256 only', JSON.stringify(disc.code_challenge_methods_supported) === '["S256"]');
  check('discovery RS256+ES256', ['RS256', 'ES256'].every((a) => disc.id_token_signing_alg_values_supported.includes(a)));
  check('discovery iss parameter', disc.authorization_response_iss_parameter_supported === true);
  check('discovery scopes', ['openid', 'profile', 'email', 'read', 'update'].every((s) => disc.scopes_supported.includes(s)), disc.scopes_supported);

  const jwksRes = await fetch(disc.jwks_uri, { headers: { Origin: APP_ORIGIN } });
  const jwks = await jwksRes.json();
  check('jwks CORS', jwksRes.headers.get('access-control-allow-origin') === APP_ORIGIN || jwksRes.headers.get('access-control-allow-origin') === '*');
  check('jwks RS256+ES256 with kids', ['RS256', 'ES256'].every((a) => jwks.keys.some((k) => k.alg === a && k.kid))
    && jwks.keys.every((k) => !k.d), jwks);
  const keySet = createLocalJWKSet(jwks);

  const adRes = await fetch(`${base}/sys/auto-discovery`, { headers: { Origin: APP_ORIGIN } });
  const ad = await adRes.json();
  check('auto-discovery shape', ad.WebSites[0].Type === 'ID' && ad.WebSites[0].Url === issuer
    && ad.WebSites[1].Type === 'DomainAPI' && ad.WebSites[1].Url === `${base}/api`
    && ad.WebSites[1].AdditionalProperties.ODataServiceRoot === `${base}/api/domain/odata/`, ad);
  check('auto-discovery CORS', adRes.headers.get('access-control-allow-origin') === APP_ORIGIN);
  const adEvil = await fetch(`${base}/sys/auto-discovery`, { headers: { Origin: 'http://evil.example' } });
  check('auto-discovery no CORS for foreign origin', adEvil.headers.get('access-control-allow-origin') === null);

  // --- authorization code + PKCE
  const authorizeUrl = (extra = {}, pkce = newPkce()) => {
    const u = new URL(disc.authorization_endpoint);
    const p = {
      client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code',
      scope: 'openid profile email read update', state: b64url(randomBytes(8)),
      nonce: b64url(randomBytes(8)), code_challenge: pkce.challenge, code_challenge_method: 'S256',
      ...extra,
    };
    for (const [k, v] of Object.entries(p)) if (v !== undefined) u.searchParams.set(k, v);
    return { url: u.href, state: p.state, nonce: p.nonce, pkce };
  };
  const redeem = (code, verifier, redirectUri = REDIRECT_URI) => fetch(disc.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', Origin: APP_ORIGIN },
    body: new URLSearchParams({
      grant_type: 'authorization_code', client_id: CLIENT_ID, code, code_verifier: verifier, redirect_uri: redirectUri,
    }),
  });

  const b = browser();
  const a1 = authorizeUrl();
  const toLogin = await b.navigate(a1.url, {}, base);
  const loginPage = toLogin.text;
  check('authorize -> login page', toLogin.res.status === 200 && /\/id\/interaction\//.test(toLogin.url), toLogin.url);
  check('login form fields', /<input[^>]*name="login"/.test(loginPage) && /<input[^>]*name="password"[^>]*type="password"/.test(loginPage)
    && /<button type="submit">Sign in<\/button>/.test(loginPage));
  check('login page X-Frame-Options DENY', toLogin.res.headers.get('x-frame-options') === 'DENY');
  check("login page CSP frame-ancestors 'none'", /frame-ancestors 'none'/.test(toLogin.res.headers.get('content-security-policy')));
  check('authorize redirect has framing headers', toLogin.seen[0].res.headers.get('x-frame-options') === 'DENY');
  check('no COOP by default', toLogin.res.headers.get('cross-origin-opener-policy') === null);

  const action = new URL(formAction(loginPage), toLogin.url).href;
  const wrong = await b.navigate(action, { method: 'POST', form: { login: 'demo', password: 'nope' } }, base);
  check('wrong password -> form again with error', wrong.res.status === 200 && /Invalid user name or password/.test(wrong.text)
    && /name="password"/.test(wrong.text), wrong.res.status);
  const done = await b.navigate(action, { method: 'POST', form: { login: 'demo', password: 'demo-password' } }, base);
  const cb = new URL(done.final);
  check('login -> redirect_uri with code, state, iss', cb.href.startsWith(REDIRECT_URI) && cb.searchParams.get('code')
    && cb.searchParams.get('state') === a1.state && cb.searchParams.get('iss') === issuer, done.final);

  const code = cb.searchParams.get('code');
  const wrongPkce = await redeem(code.slice(0, -1) + (code.endsWith('A') ? 'B' : 'A'), a1.pkce.verifier);
  check('bogus code -> invalid_grant', (await wrongPkce.json()).error === 'invalid_grant');
  const tokRes = await redeem(code, a1.pkce.verifier);
  const tok = await tokRes.json();
  check('token response', tokRes.status === 200 && tok.access_token && tok.id_token && tok.token_type === 'Bearer'
    && tok.expires_in > 3500 && tok.expires_in <= 3600 && typeof tok.scope === 'string' && !tok.refresh_token, tok);
  check('token scope lists read/update', ['openid', 'read', 'update'].every((s) => tok.scope.split(' ').includes(s)), tok.scope);
  check('token CORS for app origin', tokRes.headers.get('access-control-allow-origin') === APP_ORIGIN);
  const again = await redeem(code, a1.pkce.verifier);
  const againBody = await again.json();
  check('second redemption -> invalid_grant', again.status === 400 && againBody.error === 'invalid_grant', againBody);

  const idt = await jwtVerify(tok.id_token, keySet, { issuer, audience: CLIENT_ID }).catch((e) => e);
  check('id_token verifies (RS256)', idt.payload && idt.protectedHeader.alg === 'RS256', String(idt));
  check('id_token claims', idt.payload?.sub === 'demo' && idt.payload?.nonce === a1.nonce && idt.payload?.name === 'Demo User'
    && idt.payload?.email === 'demo@example.com' && idt.payload.exp - idt.payload.iat === 600, idt.payload);
  const at = await jwtVerify(tok.access_token, keySet, { issuer, audience: 'DomainAPI', typ: 'at+jwt' }).catch((e) => e);
  check('access token is a JWT for DomainAPI', at.payload?.sub === 'demo' && at.payload.scope.split(' ').includes('read'), String(at));

  // --- Domain API (answers like ERP.net's: see dev/instance/README.md)
  const ROOT = `${base}/api/domain/odata/`;
  const api = (path, token = tok.access_token, headers = {}) => fetch(`${ROOT}${path}`, {
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), Origin: APP_ORIGIN, ...headers },
  });
  const json = async (path) => (await api(path)).json();
  const all = await api('Crm_Customers');
  const allBody = await all.json();
  check('without $top: every row, no nextLink', all.status === 200 && allBody.value.length === 25 && !allBody['@odata.nextLink']
    && allBody['@odata.context'] === `${ROOT}$metadata#Crm_Customers`, allBody['@odata.nextLink']);
  check('Domain API CORS exposes WWW-Authenticate and Retry-After', all.headers.get('access-control-allow-origin') === APP_ORIGIN
    && /WWW-Authenticate/i.test(all.headers.get('access-control-expose-headers'))
    && /Retry-After/i.test(all.headers.get('access-control-expose-headers')));
  const row = allBody.value[0];
  check('default columns: no Id; amounts as {Value, Currency}', Object.keys(row).join() === 'Number,Name,Email,City,Active,CreditLimit'
    && row.CreditLimit.Currency === 'BGN' && typeof row.CreditLimit.Value === 'number', row);
  const p1 = await json('Crm_Customers?$top=10&$select=Id,Name');
  check('$top pages with a relative nextLink ($skiptoken)', p1.value.length === 10
    && /^Crm_Customers\?\$top=10&\$select=Id,Name&\$skiptoken=[0-9a-f-]{36}$/.test(p1['@odata.nextLink']), p1['@odata.nextLink']);
  let rows = [...p1.value];
  let next = p1['@odata.nextLink'];
  let pages = 1;
  while (next) {
    const page = await (await fetch(new URL(next, ROOT), { headers: { Authorization: `Bearer ${tok.access_token}` } })).json();
    rows = rows.concat(page.value);
    next = page['@odata.nextLink'];
    pages += 1;
  }
  check('nextLink walks all customers once', rows.length === 25 && pages === 3 && new Set(rows.map((r) => r.Id)).size === 25
    && rows[0].Name === 'Acme Trading', rows.length);
  const ob = await json(`Crm_Customers?$top=5&$orderby=${encodeURIComponent('Name desc')}&$select=Name&$count=true`);
  check('$orderby pages with $skip; $count', ob.value[0].Name === 'Yellowstone Outfitters' && ob['@odata.count'] === 25
    && ob['@odata.nextLink'] === 'Crm_Customers?$top=5&$orderby=Name%20desc&$select=Name&$count=true&$skip=5', ob);
  const ob2 = await json(ob['@odata.nextLink']);
  check('$skip page', ob2.value[0].Name === 'Tidewater Marine' && ob2.value.length === 5, ob2.value[0]);
  const withId = await json(`Crm_Customers(${p1.value[0].Id})?$select=Name`);
  check('key lookup', withId.Name === 'Acme Trading' && Object.keys(withId).join() === '@odata.context,Name', withId);
  const cust = await json('Crm_Sales_Customers?$top=1');
  check('references as @odata.id', /^General_Contacts_Companies\([0-9a-f-]{36}\)$/.test(cust.value[0].Party['@odata.id']) && !('Id' in cust.value[0])
    && !('CustomProperty_Segment' in cust.value[0]), cust.value[0]);
  const more = await json('Crm_Sales_Customers?$top=1&$select=default,Id,CustomProperty_Segment');
  check('$select=default,X adds to the default set', Object.keys(more.value[0]).join() === 'Number,Party,Active,CreditLimit,CreationTime,Notes,Id,CustomProperty_Segment', more.value[0]);
  const comp = await json('General_Contacts_Companies?$top=1');
  check('multi-language names', comp.value[0].Name.EN === 'Acme Trading' && comp.value[0].Name.BG, comp.value[0]);
  const prod = await json('General_Products_Products?$top=1&$filter=' + encodeURIComponent("Name eq 'Claw Hammer'"));
  check('quantities as {Value, Unit}; $filter on a multi-language name', prod.value.length === 1 && prod.value[0].StandardLotSizeBase.Unit === 'pcs'
    && prod.value[0].Price.Currency === 'EUR', prod.value);
  const so = await json('Crm_Sales_SalesOrders?$top=2');
  check('child lists left out by default', so.value.length === 2 && !('Lines' in so.value[0]) && so.value[0].Customer['@odata.id'], so.value[0]);
  const soX = await json('Crm_Sales_SalesOrders?$top=1&$expand=Lines,Customer');
  check('$expand of a child list and a reference', Array.isArray(soX.value[0].Lines) && soX.value[0].Lines[0].Quantity.Unit
    && soX.value[0].Customer.Number === 'C0001', soX.value[0]);
  const persons = await json('General_Contacts_Persons?$top=1000&$count=true');
  check('1000-row pages', persons.value.length === 1000 && persons['@odata.count'] === 1200 && persons['@odata.nextLink'], persons.value.length);
  const filt = await json(`Crm_Customers?$filter=${encodeURIComponent("City eq 'Varna' and Active eq true")}`);
  check('$filter eq string and bool', filt.value.length > 0 && filt.value.every((r) => r.City === 'Varna' && r.Active), filt);
  const byId = await json(`Crm_Customers?$filter=${encodeURIComponent(`Id eq ${p1.value[1].Id}`)}&$select=Name`);
  check('$filter Id eq guid', byId.value.length === 1 && byId.value[0].Name === 'Blue River Foods', byId);
  const badSelect = await api('Crm_Customers?$select=Nope');
  const badSelectBody = await badSelect.json();
  check('unknown $select -> 500 with ERP.net\'s top-level error', badSelect.status === 500 && typeof badSelectBody.code === 'number'
    && /Nope/.test(badSelectBody.message) && badSelectBody.info && badSelectBody.messageFormat && Array.isArray(badSelectBody.parameters), badSelectBody);
  const badOrder = await api('Crm_Customers?$orderby=Nope');
  const badOrderBody = await badOrder.json();
  check('unknown $orderby -> 400 wrapped error, numeric code', badOrder.status === 400 && typeof badOrderBody.error?.code === 'number', badOrderBody);
  const unk = await api('Nope_Things');
  const unkBody = await unk.json();
  check('unknown entity set -> 404 wrapped error', unk.status === 404 && unkBody.error?.message, unkBody);
  const none = await api('Crm_Customers', null);
  check('no token -> 401 invalid_token', none.status === 401 && /^Bearer error="invalid_token"/.test(none.headers.get('www-authenticate'))
    && (await none.json()).error?.code);
  const forged = tok.access_token.slice(0, -4) + (tok.access_token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
  const bogus = await api('Crm_Customers', forged);
  check('bad signature -> 401', bogus.status === 401 && /invalid_token/.test(bogus.headers.get('www-authenticate')));
  const idAsAt = await api('Crm_Customers', tok.id_token);
  check('id_token is not an access token -> 401', idAsAt.status === 401);
  const pre = await fetch(`${ROOT}Crm_Customers`, {
    method: 'OPTIONS',
    headers: { Origin: APP_ORIGIN, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
  });
  check('Domain API preflight', pre.status === 204 && pre.headers.get('access-control-allow-origin') === APP_ORIGIN
    && /authorization/i.test(pre.headers.get('access-control-allow-headers')));
  const model = await fetch(`${base}/api/domain/currentmodel`, { headers: { Authorization: `Bearer ${tok.access_token}` } });
  const modelBody = await model.json();
  check('currentmodel lists the sets (authenticated)', model.status === 200 && modelBody.some((m) => m.Name === 'Crm_Sales_Customers' && m.RepositoryName === 'Crm.Sales.Customers'), modelBody);
  check('currentmodel without a token -> 401', (await fetch(`${base}/api/domain/currentmodel`)).status === 401);
  // Rate limits: one request at a time per token, a queue of 5, then 429.
  await ctl('/odata', { delayMs: 300 });
  const burst = await Promise.all(Array.from({ length: 8 }, () => api('Crm_Customers?$top=1')));
  const statuses = burst.map((r) => r.status).sort();
  const stats = await ctl('/odata');
  check('8 at once: 1 served + 5 queued, 2 answered 429', JSON.stringify(statuses) === JSON.stringify([200, 200, 200, 200, 200, 200, 429, 429])
    && stats.stats.maxConcurrent === 1, { statuses, stats });
  await ctl('/odata', { delayMs: 0, throttleNext: 1, retryAfter: 2 });
  const throttled = await api('Crm_Customers?$top=1');
  check('throttle switch -> 429 with Retry-After', throttled.status === 429 && throttled.headers.get('retry-after') === '2'
    && (await throttled.json()).error?.code === 429);
  await ctl('/odata', { hostileNextLink: 'https://evil.example/steal' });
  check('hostileNextLink switch', (await json('Crm_Customers?$top=1'))['@odata.nextLink'] === 'https://evil.example/steal');
  await ctl('/odata', { hostileNextLink: null });

  // --- SSO: prompt=none with the session, and a token without `read`
  const a2 = authorizeUrl({ prompt: 'none', scope: 'openid update' });
  const silent = await b.navigate(a2.url, {}, base);
  const silentCb = new URL(silent.final);
  check('prompt=none with session -> code', silentCb.searchParams.get('code') && silentCb.searchParams.get('iss') === issuer, silent.final);
  const tok2 = await (await redeem(silentCb.searchParams.get('code'), a2.pkce.verifier)).json();
  check('scope without read granted as asked', tok2.scope && !tok2.scope.split(' ').includes('read'), tok2.scope);
  const noRead = await api('Crm_Customers', tok2.access_token);
  const noReadBody = await noRead.json();
  check('token without read -> 403 insufficient_scope', noRead.status === 403
    && noRead.headers.get('www-authenticate') === 'Bearer error="insufficient_scope", scope="read"'
    && /read/.test(noReadBody.error?.message), { status: noRead.status, h: noRead.headers.get('www-authenticate'), noReadBody });

  // --- PKCE is mandatory
  const noPkce = authorizeUrl({ code_challenge: undefined, code_challenge_method: undefined });
  const noPkceRes = await b.navigate(noPkce.url, {}, base);
  check('authorize without PKCE -> invalid_request', new URL(noPkceRes.final).searchParams.get('error') === 'invalid_request', noPkceRes.final);
  const plainPkce = authorizeUrl({ code_challenge_method: 'plain' });
  const plainRes = await b.navigate(plainPkce.url, {}, base);
  check('PKCE plain rejected', new URL(plainRes.final).searchParams.get('error') === 'invalid_request', plainRes.final);

  // --- bad redirect_uri must not redirect, and the error page is unframeable
  const badRedirect = await b.navigate(authorizeUrl({ redirect_uri: 'http://evil.example/cb' }).url, {}, base);
  check('unregistered redirect_uri -> error page', badRedirect.res.status === 400 && /<html/i.test(badRedirect.text)
    && badRedirect.res.headers.get('x-frame-options') === 'DENY'
    && /frame-ancestors 'none'/.test(badRedirect.res.headers.get('content-security-policy')), badRedirect.res.status);

  // --- control API: deny, coop, TTLs
  check('control defaults', JSON.stringify(await ctl('')) === JSON.stringify({ deny: false, coop: false, accessTokenTtl: 3600, idTokenTtl: 600 }));
  await ctl('', { deny: true });
  const a3 = authorizeUrl();
  const denied = new URL((await b.navigate(a3.url, {}, base)).final);
  check('deny -> access_denied redirect', denied.href.startsWith(REDIRECT_URI) && denied.searchParams.get('error') === 'access_denied'
    && denied.searchParams.get('error_description') === 'The user denied the request'
    && denied.searchParams.get('state') === a3.state && denied.searchParams.get('iss') === issuer
    && denied.search.includes('error_description=The+user+denied+the+request'), denied.href);
  const fresh = browser();
  const deniedNoSession = new URL((await fresh.navigate(authorizeUrl().url, {}, base)).final);
  check('deny also without a session', deniedNoSession.searchParams.get('error') === 'access_denied', deniedNoSession.href);
  await ctl('', { deny: false, coop: true, accessTokenTtl: 2, idTokenTtl: 120 });
  const coopLogin = await fresh.navigate(authorizeUrl().url, {}, base);
  check('coop -> COOP on authorize redirect and login page', coopLogin.seen[0].res.headers.get('cross-origin-opener-policy') === 'same-origin'
    && coopLogin.res.headers.get('cross-origin-opener-policy') === 'same-origin');
  const a4 = authorizeUrl({ prompt: 'none' });
  const short = await (await redeem(new URL((await b.navigate(a4.url, {}, base)).final).searchParams.get('code'), a4.pkce.verifier)).json();
  check('accessTokenTtl/idTokenTtl applied', short.expires_in === 2 && decodeJwt(short.id_token).exp - decodeJwt(short.id_token).iat === 120, short.expires_in);
  await new Promise((r) => { setTimeout(r, 3100); });
  const expired = await api('Crm_Customers', short.access_token);
  check('expired token -> 401 invalid_token', expired.status === 401 && /invalid_token/.test(expired.headers.get('www-authenticate')));

  // --- log: names only, prompt value kept, no secrets
  const log = await ctl('/log');
  const logText = JSON.stringify(log);
  check('log records authorize/token/api', ['/id/connect/authorize', '/id/connect/token', '/api/domain/odata/Crm_Customers']
    .every((p) => log.some((e) => e.path === p && typeof e.status === 'number')), log.slice(0, 3));
  check('log keeps prompt value', log.some((e) => e.path === '/id/connect/authorize' && e.query.prompt === 'none'));
  check('log has no codes or tokens', !logText.includes(code) && !logText.includes(tok.access_token.slice(-20)) && !logText.includes(a1.state));
  const reset = await ctl('/reset', {});
  check('reset', reset.coop === false && reset.accessTokenTtl === 3600 && (await ctl('/log')).length === 0);

  // --- RP-initiated logout with id_token_hint (auto-submitting page, no click)
  const st = b64url(randomBytes(6));
  const es = new URL(disc.end_session_endpoint);
  es.search = new URLSearchParams({ id_token_hint: tok.id_token, post_logout_redirect_uri: APP, state: st }).toString();
  const lo = await b.navigate(es.href, {}, base);
  const nonce = /<script nonce="([^"]+)"/.exec(lo.text)?.[1];
  check('logout page auto-submits under CSP nonce', lo.res.status === 200 && nonce
    && lo.res.headers.get('content-security-policy').includes(`'nonce-${nonce}'`) && /\.submit\(\)/.test(lo.text)
    && lo.res.headers.get('x-frame-options') === 'DENY', lo.res.status);
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(lo.text)?.[1];
  const loDone = await b.navigate(new URL(formAction(lo.text), lo.url).href, { method: 'POST', form: { xsrf, logout: 'yes' } }, base);
  const loCb = new URL(loDone.final);
  check('logout -> post_logout_redirect_uri with state', loCb.origin + loCb.pathname === APP && loCb.searchParams.get('state') === st, loDone.final);
  const after = new URL((await b.navigate(authorizeUrl({ prompt: 'none' }).url, {}, base)).final);
  check('after logout prompt=none -> login_required', after.searchParams.get('error') === 'login_required' && after.searchParams.get('iss') === issuer, after.href);

  // Logging out again (no session left): oidc-provider answers with its own auto-posting
  // page, whose script hash it appends to our CSP.
  const lo3 = await b.navigate(es.href, {}, base);
  const csp3 = lo3.res.headers.get('content-security-policy') || '';
  check('logout without session: auto-post page allowed by CSP', lo3.res.status === 200 && /'sha256-/.test(csp3)
    && /frame-ancestors 'none'/.test(csp3), csp3);
  const xsrf3 = /name="xsrf" value="([^"]+)"/.exec(lo3.text)?.[1];
  const lo3Done = new URL((await b.navigate(new URL(formAction(lo3.text), lo3.url).href, { method: 'POST', form: { xsrf: xsrf3, logout: 'yes' } }, base)).final);
  check('logout without session -> post_logout_redirect_uri with state', lo3Done.searchParams.get('state') === st, lo3Done.href);

  // --- prompt=none without any session
  const anon = browser();
  const a5 = authorizeUrl({ prompt: 'none' });
  const anonCb = new URL((await anon.navigate(a5.url, {}, base)).final);
  check('prompt=none without session -> login_required', anonCb.href.startsWith(REDIRECT_URI)
    && anonCb.searchParams.get('error') === 'login_required' && anonCb.searchParams.get('state') === a5.state, anonCb.href);

  // --- admin login, then logout without id_token_hint
  const c = browser();
  const a6 = authorizeUrl({ redirect_uri: 'http://127.0.0.1:8080/signin-callback' });
  const adminLogin = await c.navigate(a6.url, {}, base);
  const adminDone = new URL((await c.navigate(new URL(formAction(adminLogin.text), adminLogin.url).href,
    { method: 'POST', form: { login: 'admin', password: 'admin-password' } }, base)).final);
  const adminTok = await (await redeem(adminDone.searchParams.get('code'), a6.pkce.verifier, 'http://127.0.0.1:8080/signin-callback')).json();
  check('admin login on second app base', decodeJwt(adminTok.id_token).name === 'Instance Admin'
    && decodeProtectedHeader(adminTok.access_token).alg === 'RS256', adminTok);
  const es2 = new URL(disc.end_session_endpoint);
  es2.search = new URLSearchParams({ post_logout_redirect_uri: 'http://127.0.0.1:8080/', state: 'xyz' }).toString();
  const lo2 = await c.navigate(es2.href, {}, base);
  const xsrf2 = /name="xsrf" value="([^"]+)"/.exec(lo2.text)?.[1];
  const lo2Done = new URL((await c.navigate(new URL(formAction(lo2.text), lo2.url).href, { method: 'POST', form: { xsrf: xsrf2, logout: 'yes' } }, base)).final);
  check('logout without id_token_hint -> redirect with state', lo2Done.href === 'http://127.0.0.1:8080/?state=xyz', lo2Done.href);
  const after2 = new URL((await c.navigate(authorizeUrl({ prompt: 'none', redirect_uri: 'http://127.0.0.1:8080/signin-callback' }).url, {}, base)).final);
  check('session gone after logout without hint', after2.searchParams.get('error') === 'login_required', after2.href);
}

const srv = await startServer();
try {
  check('startup line printed once', srv.stdout().match(/ERP\.net stand-in listening at/g).length === 1);
  await run(srv.base);
} catch (err) {
  check('selftest ran to completion', false, err.stack);
} finally {
  srv.child.kill('SIGTERM');
}
if (failed) console.log(`--- server stderr ---\n${srv.stderr()}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
