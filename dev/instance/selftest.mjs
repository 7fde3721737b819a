#!/usr/bin/env node
// End-to-end self-check of the ERP.net stand-in, scripted like a browser: it starts its own
// servers on free ports, walks Authorization Code + PKCE by hand (manual redirects and a cookie
// jar), checks every IdentityServer4-like default and every switch (control API and STANDIN_*
// environment variables), uses the tokens at the Domain API, then stops the servers.
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

function startServer(extraEnv = {}) {
  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, PORT: process.env.SELFTEST_PORT ?? '0', APP_BASES: `${APP},http://127.0.0.1:8080/`, CLIENT_ID, ...extraEnv },
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

  get(name) {
    return [...this.#cookies.values()].find((c) => c.name === name)?.value;
  }

  clear() {
    this.#cookies.clear();
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

const sleep = (ms) => new Promise((r) => { setTimeout(r, ms); });
const half = (s) => b64url(createHash('sha256').update(s, 'ascii').digest().subarray(0, 16));
const sameSet = (a, b) => a.length === b.length && [...a].sort().join(' ') === [...b].sort().join(' ');
const ID_CLAIMS = ['iss', 'aud', 'exp', 'nbf', 'iat', 'nonce', 'at_hash', 's_hash', 'sid', 'sub', 'auth_time', 'idp', 'amr'];
const REFRESHED_ID_CLAIMS = ['iss', 'aud', 'exp', 'nbf', 'iat', 'at_hash', 'sub', 'auth_time', 'idp', 'amr'];

/** Everything a test needs against one running stand-in. */
function harness(base) {
  const issuer = `${base}/id`;
  const ctl = (path, body) => fetch(`${base}/__control${path}`, body === undefined ? {} : {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, ...(await r.json()) }));
  const set = (patch) => ctl('', patch);
  const authorizeUrl = (extra = {}, pkce = newPkce()) => {
    const u = new URL(`${issuer}/connect/authorize`);
    const p = {
      client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code',
      scope: 'openid profile email read update', state: b64url(randomBytes(8)),
      nonce: b64url(randomBytes(8)), code_challenge: pkce.challenge, code_challenge_method: 'S256',
      ...extra,
    };
    for (const [k, v] of Object.entries(p)) if (v !== undefined) u.searchParams.set(k, v);
    return { url: u.href, state: p.state, nonce: p.nonce, pkce, redirectUri: p.redirect_uri };
  };
  const post = (path, form, headers = {}) => fetch(`${issuer}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', Origin: APP_ORIGIN, ...headers },
    body: new URLSearchParams(form),
  });
  const redeem = (code, verifier, redirectUri = REDIRECT_URI) => post('/connect/token', {
    grant_type: 'authorization_code', client_id: CLIENT_ID, code, code_verifier: verifier, redirect_uri: redirectUri,
  });
  const refresh = (rt) => post('/connect/token', { grant_type: 'refresh_token', client_id: CLIENT_ID, refresh_token: rt });
  const revoke = (token, extra = {}) => post('/connect/revocation', { client_id: CLIENT_ID, token, ...extra });
  const userinfo = (at, init = {}) => fetch(`${issuer}/connect/userinfo`, {
    ...init, headers: { Origin: APP_ORIGIN, ...(at ? { Authorization: `Bearer ${at}` } : {}), ...(init.headers || {}) },
  });
  const api = (path, token) => fetch(`${base}/api/domain/odata/${path}`, {
    headers: { Origin: APP_ORIGIN, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
  });
  /** Signs in interactively with a fresh browser (or the given one); returns the callback URL. */
  async function signIn(b, extra = {}, user = ['demo', 'demo-password']) {
    const a = authorizeUrl(extra);
    const page = await b.navigate(a.url, {}, base);
    if (!/name="password"/.test(page.text)) return { a, cb: new URL(page.final), page };
    const action = new URL(formAction(page.text), page.final).href;
    const returnUrl = /name="ReturnUrl" value="([^"]+)"/.exec(page.text)?.[1]?.replace(/&#38;/g, '&');
    const done = await b.navigate(action, { method: 'POST', form: { ReturnUrl: returnUrl, login: user[0], password: user[1] } }, base);
    return { a, cb: new URL(done.final), page, done };
  }
  /** Silent authorize (session cookie) + code exchange; returns the token response JSON. */
  async function tokens(b, extra = {}) {
    const a = authorizeUrl({ prompt: 'none', ...extra });
    const cb = new URL((await b.navigate(a.url, {}, base)).final);
    const res = await redeem(cb.searchParams.get('code'), a.pkce.verifier, a.redirectUri);
    return { a, cb, res, body: await res.json() };
  }
  const endSession = (b, params) => {
    const u = new URL(`${issuer}/connect/endsession`);
    u.search = new URLSearchParams(params).toString();
    return b.navigate(u.href, {}, base);
  };
  return { issuer, ctl, set, authorizeUrl, post, redeem, refresh, revoke, userinfo, api, signIn, tokens, endSession };
}

/** The request stayed on the Instance ID's error page: never back at the app. */
function onErrorPage(r, base, error) {
  return r.final.startsWith(`${base}/id/home/error?errorId=`) && r.res.status === 200
    && r.text.includes(`data-error="${error}"`) && r.res.headers.get('x-frame-options') === 'DENY'
    && r.seen.every((x) => !String(x.res.headers.get('location') || '').startsWith(APP));
}

async function run(base) {
  const h = harness(base);
  const { issuer } = h;

  // ================================================= metadata
  const discRes = await fetch(`${issuer}/.well-known/openid-configuration`, { headers: { Origin: APP_ORIGIN } });
  const disc = await discRes.json();
  check('discovery issuer and IdentityServer4 endpoints', disc.issuer === issuer
    && disc.authorization_endpoint === `${issuer}/connect/authorize` && disc.token_endpoint === `${issuer}/connect/token`
    && disc.userinfo_endpoint === `${issuer}/connect/userinfo` && disc.end_session_endpoint === `${issuer}/connect/endsession`
    && disc.check_session_iframe === `${issuer}/connect/checksession` && disc.revocation_endpoint === `${issuer}/connect/revocation`
    && disc.jwks_uri === `${issuer}/.well-known/openid-configuration/jwks`, disc);
  check('discovery: no authorization_response_iss_parameter_supported by default', !('authorization_response_iss_parameter_supported' in disc));
  check('discovery: code_challenge_methods_supported ["plain","S256"]', JSON.stringify(disc.code_challenge_methods_supported) === '["plain","S256"]');
  check('discovery: id_token_signing_alg_values_supported ["RS256"]', JSON.stringify(disc.id_token_signing_alg_values_supported) === '["RS256"]');
  check('discovery: scopes incl. offline_access, response_modes', ['openid', 'profile', 'email', 'read', 'update', 'offline_access']
    .every((s) => disc.scopes_supported.includes(s)) && disc.response_types_supported.includes('code'), disc.scopes_supported);
  check('discovery CORS: origin echoed, no credentials, Date not exposed', discRes.headers.get('access-control-allow-origin') === APP_ORIGIN
    && discRes.headers.get('access-control-allow-credentials') === null && discRes.headers.get('access-control-expose-headers') === null);
  const discEvil = await fetch(`${issuer}/.well-known/openid-configuration`, { headers: { Origin: 'http://evil.example' } });
  check('discovery: no CORS for a foreign origin', discEvil.headers.get('access-control-allow-origin') === null);

  const noCors = await Promise.all([`${issuer}/connect/authorize`, `${issuer}/connect/endsession`, `${issuer}/Account/Login`,
    `${issuer}/connect/checksession`].map((u) => fetch(u, { headers: { Origin: APP_ORIGIN }, redirect: 'manual' })));
  check('no CORS on authorize, endsession, login page, checksession', noCors.every((r) => r.headers.get('access-control-allow-origin') === null));

  const jwksRes = await fetch(disc.jwks_uri, { headers: { Origin: APP_ORIGIN } });
  const jwks = await jwksRes.json();
  check('jwks CORS', jwksRes.headers.get('access-control-allow-origin') === APP_ORIGIN);
  check('jwks: one RSA key, kid 32 upper-case hex, alg RS256, use sig, no private parts', jwks.keys.length === 1
    && /^[0-9A-F]{32}$/.test(jwks.keys[0].kid) && jwks.keys[0].alg === 'RS256' && jwks.keys[0].use === 'sig'
    && jwks.keys[0].kty === 'RSA' && !('d' in jwks.keys[0]), jwks);
  const keySet = createLocalJWKSet(jwks);

  const cs = await fetch(disc.check_session_iframe);
  check('check_session_iframe page (frameable, CSP nonce script)', cs.status === 200 && cs.headers.get('x-frame-options') === null
    && /postMessage/.test(await cs.text()));

  // ================================================= auto-discovery (defaults)
  const adRes = await fetch(`${base}/sys/auto-discovery`, { headers: { Origin: APP_ORIGIN } });
  const ad = await adRes.json();
  const dapi = ad.WebSites?.find((w) => w.Type === 'DomainAPI');
  check('auto-discovery shape {Host, DbName, WebSites[...]}', typeof ad.Host === 'string' && 'DbName' in ad
    && ad.WebSites[0].Type === 'ID' && ad.WebSites[0].Url === issuer && ad.WebSites[0].System === true
    && ad.WebSites[0].AdditionalProperties === null && dapi?.Status === 'Working' && dapi.Url === `${base}/api`
    && dapi.System === false && 'StatusDescription' in dapi
    && dapi.AdditionalProperties.ODataServiceRoot === `${base}/api/domain/odata/`, ad);
  check('auto-discovery: no CORS by default', adRes.headers.get('access-control-allow-origin') === null);
  check('auto-discovery: /tools/auto-discovery 404 by default', (await fetch(`${base}/tools/auto-discovery`)).status === 404);

  // ================================================= interactive sign-in
  const b = browser();
  const a1 = h.authorizeUrl();
  const toLogin = await b.navigate(a1.url, {}, base);
  check('authorize -> /id/Account/Login?ReturnUrl=...', toLogin.res.status === 200 && toLogin.final.startsWith(`${base}/id/Account/Login?ReturnUrl=`), toLogin.final);
  check('login form fields', /<input[^>]*name="login"/.test(toLogin.text) && /<input[^>]*name="password"[^>]*type="password"/.test(toLogin.text)
    && (toLogin.text.match(/<button type="submit"/g) || []).length === 1);
  check('login page and authorize redirect refuse framing', toLogin.res.headers.get('x-frame-options') === 'DENY'
    && /frame-ancestors 'none'/.test(toLogin.res.headers.get('content-security-policy'))
    && toLogin.seen[0].res.headers.get('x-frame-options') === 'DENY');
  check('no COOP by default', toLogin.res.headers.get('cross-origin-opener-policy') === null);
  const action = new URL(formAction(toLogin.text), toLogin.final).href;
  const returnUrl = /name="ReturnUrl" value="([^"]+)"/.exec(toLogin.text)[1].replace(/&#38;/g, '&');
  const wrong = await b.navigate(action, { method: 'POST', form: { ReturnUrl: returnUrl, login: 'demo', password: 'nope' } }, base);
  check('wrong password -> form again with error', wrong.res.status === 200 && /Invalid user name or password/.test(wrong.text));
  const done = await b.navigate(action, { method: 'POST', form: { ReturnUrl: returnUrl, login: 'demo', password: 'demo-password' } }, base);
  const cookies = done.seen[0].res.headers.getSetCookie();
  check('session cookies idsrv (HttpOnly) and idsrv.session: SameSite=None; Secure', cookies.length === 2
    && cookies.every((c) => /SameSite=None/.test(c) && /Secure/.test(c)) && /HttpOnly/.test(cookies.find((c) => c.startsWith('idsrv=')))
    && !/HttpOnly/.test(cookies.find((c) => c.startsWith('idsrv.session='))), cookies);
  const cb = new URL(done.final);
  const sid = b.jar.get('idsrv.session');
  check('callback: code, state, session_state; no iss, no scope, no fragment', cb.href.startsWith(`${REDIRECT_URI}?code=`)
    && [...cb.searchParams.keys()].join(',') === 'code,state,session_state' && cb.searchParams.get('state') === a1.state && cb.hash === '', cb.href);
  const [ssHash, ssSalt] = cb.searchParams.get('session_state').split('.');
  check('session_state = b64url(SHA-256(client_id + origin + sid + salt)).salt',
    ssHash === b64url(createHash('sha256').update(CLIENT_ID + APP_ORIGIN + sid + ssSalt).digest()), cb.searchParams.get('session_state'));

  const code = cb.searchParams.get('code');
  const bogus = await h.redeem(`${code}X`, a1.pkce.verifier);
  check('bogus code -> 400 invalid_grant, readable (CORS)', bogus.status === 400 && (await bogus.json()).error === 'invalid_grant'
    && bogus.headers.get('access-control-allow-origin') === APP_ORIGIN);
  const tokRes = await h.redeem(code, a1.pkce.verifier);
  const tok = await tokRes.json();
  check('token response: exactly id_token, access_token, expires_in, token_type Bearer, scope', tokRes.status === 200
    && Object.keys(tok).join(',') === 'id_token,access_token,expires_in,token_type,scope' && tok.token_type === 'Bearer'
    && tok.expires_in === 3600 && tok.scope === 'openid profile email read update'
    && tokRes.headers.get('access-control-allow-origin') === APP_ORIGIN && /no-store/.test(tokRes.headers.get('cache-control')), tok);
  const reuse = await h.redeem(code, a1.pkce.verifier);
  check('code is one-time: second redemption -> invalid_grant', reuse.status === 400 && (await reuse.json()).error === 'invalid_grant');

  const idh = decodeProtectedHeader(tok.id_token);
  const { payload: idt } = await jwtVerify(tok.id_token, keySet, { issuer, audience: CLIENT_ID, algorithms: ['RS256'] });
  check('ID token header: RS256, typ JWT, kid of the JWKS', idh.alg === 'RS256' && idh.typ === 'JWT' && idh.kid === jwks.keys[0].kid, idh);
  check('ID token claims exactly iss aud exp nbf iat nonce at_hash s_hash sid sub auth_time idp amr (no name, no email)',
    sameSet(Object.keys(idt), ID_CLAIMS), Object.keys(idt));
  check('ID token: nbf = iat, exp - iat = 300', idt.nbf === idt.iat && idt.exp - idt.iat === 300, idt);
  check('ID token: nonce, at_hash, s_hash, sid, idp, amr values', idt.nonce === a1.nonce && idt.at_hash === half(tok.access_token)
    && idt.s_hash === half(a1.state) && idt.sid === sid && /^[0-9A-F]{32}$/.test(sid) && idt.sub === 'demo'
    && idt.idp === 'local' && JSON.stringify(idt.amr) === '["pwd"]' && Number.isInteger(idt.auth_time), idt);

  const ath = decodeProtectedHeader(tok.access_token);
  const at = decodeJwt(tok.access_token);
  check('access token: at+jwt RS256 JWT for the Domain API', ath.typ === 'at+jwt' && ath.alg === 'RS256' && [].concat(at.aud).includes('DomainAPI')
    && at.client_id === CLIENT_ID && at.sub === 'demo' && at.sid === sid && /^[0-9A-F]{32}$/.test(at.jti), { ath, at });
  const people = await h.api('Crm_Customers?$top=2', tok.access_token);
  check('Domain API accepts the access token', people.status === 200 && (await people.json()).value.length === 2);
  check('Domain API refuses the ID token', (await h.api('Crm_Customers', tok.id_token)).status === 401);

  // ================================================= Domain API (answers like ERP.net's: see README.md)
  {
  const ctl = (path, body) => fetch(`${base}/__control${path}`, body === undefined ? {} : {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  }).then((r) => r.json());
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
  }

  // ================================================= userinfo
  const ui = await h.userinfo(tok.access_token);
  const uiBody = await ui.json();
  check('userinfo GET: sub, name (profile), email (email); CORS', ui.status === 200 && uiBody.sub === 'demo' && uiBody.name === 'Demo User'
    && uiBody.email === 'demo@example.com' && ui.headers.get('access-control-allow-origin') === APP_ORIGIN, uiBody);
  const uiPost = await h.post('/connect/userinfo', {}, { Authorization: `Bearer ${tok.access_token}` });
  check('userinfo POST works', uiPost.status === 200 && (await uiPost.json()).sub === 'demo');
  const t2 = await h.tokens(b, { scope: 'openid read' });
  const uiNoProfile = await (await h.userinfo(t2.body.access_token)).json();
  check('userinfo without profile scope: sub only', JSON.stringify(uiNoProfile) === '{"sub":"demo"}', uiNoProfile);
  const uiNone = await h.userinfo(null);
  check('userinfo without token -> 401 WWW-Authenticate invalid_token, CORS', uiNone.status === 401
    && /^Bearer realm="IdentityServer", error="invalid_token"/.test(uiNone.headers.get('www-authenticate'))
    && uiNone.headers.get('access-control-allow-origin') === APP_ORIGIN);
  const uiBad = await h.userinfo(`${tok.access_token.slice(0, -4)}AAAA`);
  check('userinfo with a forged token -> 401', uiBad.status === 401 && /invalid_token/.test(uiBad.headers.get('www-authenticate')));
  const uiPre = await fetch(`${issuer}/connect/userinfo`, {
    method: 'OPTIONS', headers: { Origin: APP_ORIGIN, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
  });
  check('userinfo preflight', uiPre.status === 204 && uiPre.headers.get('access-control-allow-origin') === APP_ORIGIN
    && /authorization/i.test(uiPre.headers.get('access-control-allow-headers')) && uiPre.headers.get('access-control-allow-credentials') === null);

  // ================================================= token endpoint errors
  const noGrant = await h.post('/connect/token', { client_id: CLIENT_ID });
  check('token endpoint error: 400 {"error"} JSON with CORS', noGrant.status === 400
    && JSON.stringify(await noGrant.json()) === '{"error":"invalid_request"}' && noGrant.headers.get('access-control-allow-origin') === APP_ORIGIN);
  const badGrant = await h.post('/connect/token', { client_id: CLIENT_ID, grant_type: 'password' });
  check('unsupported grant_type', (await badGrant.json()).error === 'unsupported_grant_type');
  const badClient = await h.post('/connect/token', { client_id: 'other', grant_type: 'authorization_code', code: 'x' });
  check('unknown client -> invalid_client', badClient.status === 400 && (await badClient.json()).error === 'invalid_client');
  const tokPre = await fetch(`${issuer}/connect/token`, {
    method: 'OPTIONS', headers: { Origin: APP_ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
  });
  check('token preflight', tokPre.status === 204 && tokPre.headers.get('access-control-allow-origin') === APP_ORIGIN);
  const wv = h.authorizeUrl({ prompt: 'none' });
  const wvCode = new URL((await b.navigate(wv.url, {}, base)).final).searchParams.get('code');
  const wvRes = await h.redeem(wvCode, newPkce().verifier);
  check('wrong code_verifier -> invalid_grant', wvRes.status === 400 && (await wvRes.json()).error === 'invalid_grant');

  // ================================================= refresh tokens
  const off = await h.tokens(b, { scope: 'openid profile read offline_access' });
  const rt1 = off.body.refresh_token;
  check('offline_access (no consent, prompt=none) -> refresh_token (64 upper-case hex)', /^[0-9A-F]{64}$/.test(rt1 || '')
    && Object.keys(off.body).join(',') === 'id_token,access_token,expires_in,token_type,refresh_token,scope', off.body);
  await sleep(1100); // so the refreshed tokens' iat differs
  const r1 = await h.refresh(rt1);
  const r1b = await r1.json();
  check('refresh -> new id_token, access_token, refresh_token, scope', r1.status === 200 && r1b.refresh_token && r1b.refresh_token !== rt1
    && r1b.access_token !== off.body.access_token && r1b.token_type === 'Bearer' && r1b.scope === 'openid profile read offline_access'
    && r1.headers.get('access-control-allow-origin') === APP_ORIGIN, r1b);
  const oldId = decodeJwt(off.body.id_token);
  const { payload: newId } = await jwtVerify(r1b.id_token, keySet, { issuer, audience: CLIENT_ID });
  check('refreshed ID token: no nonce, same iss/sub/aud, new iat, nbf = iat, 300 s, at_hash of the new access token',
    !('nonce' in newId) && newId.sub === oldId.sub && newId.iss === oldId.iss && newId.aud === oldId.aud && newId.iat > oldId.iat
    && newId.nbf === newId.iat && newId.exp - newId.iat === 300 && newId.at_hash === half(r1b.access_token), newId);
  check('refreshed ID token claims (IdentityServer4: no sid, no s_hash on refresh)', sameSet(Object.keys(newId), REFRESHED_ID_CLAIMS), Object.keys(newId));
  check('refreshed access token works at the Domain API', (await h.api('Crm_Customers?$top=1', r1b.access_token)).status === 200);
  const reused = await h.refresh(rt1);
  check('reusing a refresh token -> 400 invalid_grant (one-time use), CORS', reused.status === 400
    && JSON.stringify(await reused.json()) === '{"error":"invalid_grant"}' && reused.headers.get('access-control-allow-origin') === APP_ORIGIN);
  const r2 = await h.refresh(r1b.refresh_token);
  const r2b = await r2.json();
  check('the newest refresh token still works after the old one was refused', r2.status === 200 && r2b.refresh_token !== r1b.refresh_token);
  // Offline: the SSO session ends, refresh keeps working.
  await h.ctl('/sessions/end', {});
  const r3 = await h.refresh(r2b.refresh_token);
  const r3b = await r3.json();
  check('refresh works after the SSO session is gone', r3.status === 200 && !!r3b.refresh_token);
  const gone = await b.navigate(h.authorizeUrl({ prompt: 'none' }).url, {}, base);
  check('... while prompt=none now says login_required', new URL(gone.final).searchParams.get('error') === 'login_required');

  // ================================================= revocation
  const rv = await h.revoke(r3b.refresh_token, { token_type_hint: 'refresh_token' });
  check('revocation: 200, CORS', rv.status === 200 && rv.headers.get('access-control-allow-origin') === APP_ORIGIN);
  check('revoked refresh token -> invalid_grant', (await (await h.refresh(r3b.refresh_token)).json()).error === 'invalid_grant');
  check('revocation of an unknown token -> 200', (await h.revoke('nope')).status === 200);
  check('revocation: bad token_type_hint -> 400 unsupported_token_type', (await (await h.revoke('x', { token_type_hint: 'id_token' })).json()).error === 'unsupported_token_type');
  const rvNoClient = await h.post('/connect/revocation', { token: 'x' });
  check('revocation without client_id -> 400 invalid_client', rvNoClient.status === 400 && (await rvNoClient.json()).error === 'invalid_client');
  const rvPre = await fetch(`${issuer}/connect/revocation`, { method: 'OPTIONS', headers: { Origin: APP_ORIGIN, 'Access-Control-Request-Method': 'POST' } });
  check('revocation preflight', rvPre.status === 204 && rvPre.headers.get('access-control-allow-origin') === APP_ORIGIN);

  // Sign in again for what follows.
  b.jar.clear();
  const again = await h.signIn(b);
  check('sign in again', !!again.cb.searchParams.get('code'), again.cb.href);
  const c1 = await h.tokens(b, { scope: 'openid profile offline_access read' });
  const revoked = await h.ctl('/refresh-tokens/revoke', {});
  check('control: /__control/refresh-tokens/revoke refuses every issued refresh token', revoked.revoked >= 1
    && (await (await h.refresh(c1.body.refresh_token)).json()).error === 'invalid_grant', revoked);
  await h.set({ refreshTokenTtl: 1 });
  const c2 = await h.tokens(b, { scope: 'openid offline_access read' });
  await sleep(1100);
  check('refreshTokenTtl: an expired refresh token -> invalid_grant', (await (await h.refresh(c2.body.refresh_token)).json()).error === 'invalid_grant');
  await h.set({ refreshTokenTtl: 86400 });
  const c3 = await h.tokens(b, { scope: 'openid offline_access read' });
  await h.set({ refreshTokens: false });
  const offScope = await b.navigate(h.authorizeUrl({ scope: 'openid offline_access read' }).url, {}, base);
  check('refreshTokens off: offline_access -> invalid_scope on the error page', onErrorPage(offScope, base, 'invalid_scope'), offScope.final);
  check('refreshTokens off: issued refresh tokens refused', (await (await h.refresh(c3.body.refresh_token)).json()).error === 'invalid_grant');
  await h.set({ refreshTokens: true });

  // ================================================= errors that stay on the Instance ID
  const pages = [
    ['unknown client', { client_id: 'nobody' }, 'unauthorized_client'],
    ['unregistered redirect_uri', { redirect_uri: 'http://evil.example/cb' }, 'invalid_request'],
    ['invalid_scope', { scope: 'openid admin' }, 'invalid_scope'],
    ['missing PKCE', { code_challenge: undefined, code_challenge_method: undefined }, 'invalid_request'],
    ['plain PKCE (AllowPlainTextPkce false)', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['PKCE without method (defaults to plain)', { code_challenge_method: undefined }, 'invalid_request'],
    ['response_type token', { response_type: 'token' }, 'unauthorized_client'],
  ];
  for (const [name, extra, error] of pages) {
    const r = await b.navigate(h.authorizeUrl(extra).url, {}, base);
    check(`${name} -> Instance ID error page (${error}), no redirect to the app`, onErrorPage(r, base, error), { final: r.final, status: r.res.status });
  }

  // ================================================= errors that go back (#_=_)
  await h.set({ deny: true });
  const ad1 = h.authorizeUrl();
  const denied = await b.navigate(ad1.url, {}, base);
  check('deny -> access_denied at the redirect URI with state and #_=_, no iss', denied.final.startsWith(`${REDIRECT_URI}?error=access_denied`)
    && denied.final.endsWith('#_=_') && new URL(denied.final).searchParams.get('state') === ad1.state
    && !new URL(denied.final).searchParams.has('iss'), denied.final);
  await h.set({ deny: false });
  const anon = browser();
  const an = h.authorizeUrl({ prompt: 'none' });
  const anonR = await anon.navigate(an.url, {}, base);
  check('prompt=none without session -> login_required + state + #_=_', anonR.final === `${REDIRECT_URI}?error=login_required&state=${an.state}#_=_`, anonR.final);
  for (const err of ['consent_required', 'interaction_required', 'account_selection_required']) {
    await h.set({ promptNoneError: err });
    const pn = h.authorizeUrl({ prompt: 'none' });
    const r = await b.navigate(pn.url, {}, base);
    check(`promptNoneError ${err} -> back with state and #_=_`, r.final === `${REDIRECT_URI}?error=${err}&state=${pn.state}#_=_`, r.final);
  }
  await h.set({ promptNoneError: null });
  const cancelPage = await anon.navigate(h.authorizeUrl().url, {}, base);
  const cancelHref = /<a href="([^"]+)">Cancel<\/a>/.exec(cancelPage.text)?.[1]?.replace(/&#38;/g, '&');
  const cancelled = await anon.navigate(new URL(cancelHref, base).href, {}, base);
  check('login page Cancel -> access_denied back at the app with #_=_', /^http:\/\/localhost:8080\/signin-callback\?error=access_denied&state=[^&]+#_=_$/.test(cancelled.final), cancelled.final);
  const frag = h.authorizeUrl({ response_mode: 'fragment', prompt: 'none' });
  const fragR = new URL((await b.navigate(frag.url, {}, base)).final);
  check('response_mode=fragment: code in the fragment', fragR.search === '' && new URLSearchParams(fragR.hash.slice(1)).get('state') === frag.state
    && new URLSearchParams(fragR.hash.slice(1)).has('code'), fragR.href);
  const fragE = await anon.navigate(h.authorizeUrl({ response_mode: 'fragment', prompt: 'none' }).url, {}, base);
  check('response_mode=fragment error: no extra #_=_', /#error=login_required&state=[^#]+$/.test(fragE.final), fragE.final);
  const relog = await b.navigate(h.authorizeUrl({ prompt: 'login' }).url, {}, base);
  check('prompt=login with a session -> login page again', /name="password"/.test(relog.text), relog.final);
  const sidBefore = b.jar.get('idsrv.session');
  const relogDone = await h.signIn(b, { prompt: 'login' });
  check('prompt=login, same user again: session (sid) kept', !!relogDone.cb.searchParams.get('code') && b.jar.get('idsrv.session') === sidBefore);

  // ================================================= iss mode (RFC 9207)
  await h.set({ iss: true });
  const discIss = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
  check('iss: discovery advertises authorization_response_iss_parameter_supported', discIss.authorization_response_iss_parameter_supported === true);
  const okIss = new URL((await b.navigate(h.authorizeUrl({ prompt: 'none' }).url, {}, base)).final);
  check('iss: success response carries iss', okIss.searchParams.get('iss') === issuer && okIss.searchParams.has('code'), okIss.href);
  const errIss = await anon.navigate(h.authorizeUrl({ prompt: 'none' }).url, {}, base);
  check('iss: error response carries iss (before #_=_)', new URL(errIss.final).searchParams.get('iss') === issuer && errIss.final.endsWith('#_=_'), errIss.final);
  await h.set({ iss: false });

  // ================================================= other switches
  await h.set({ exposeDate: true });
  const exp = await h.post('/connect/token', { client_id: CLIENT_ID });
  check('exposeDate: Access-Control-Expose-Headers: Date', exp.headers.get('access-control-expose-headers') === 'Date');
  await h.set({ exposeDate: false });

  await h.set({ coop: true });
  const coopR = await anon.navigate(h.authorizeUrl().url, {}, base);
  check('coop -> COOP on authorize redirect and login page', coopR.seen[0].res.headers.get('cross-origin-opener-policy') === 'same-origin'
    && coopR.res.headers.get('cross-origin-opener-policy') === 'same-origin');
  await h.set({ coop: false, accessTokenTtl: 2, idTokenTtl: 120 });
  const short = await h.tokens(b);
  const shortId = decodeJwt(short.body.id_token);
  check('accessTokenTtl/idTokenTtl applied', short.body.expires_in === 2 && shortId.exp - shortId.iat === 120);
  await sleep(3100);
  const expired = await h.api('Crm_Customers', short.body.access_token);
  check('expired access token -> Domain API 401 invalid_token', expired.status === 401 && /invalid_token/.test(expired.headers.get('www-authenticate')));
  const uiExp = await h.userinfo(short.body.access_token);
  check('expired access token -> userinfo 401 "The access token expired"', uiExp.status === 401
    && /error="invalid_token", error_description="The access token expired"/.test(uiExp.headers.get('www-authenticate')));

  const adGet = async (path) => {
    const r = await fetch(`${base}${path}`, { headers: { Origin: APP_ORIGIN } });
    return { status: r.status, acao: r.headers.get('access-control-allow-origin'), body: r.status === 200 ? await r.json() : null };
  };
  await h.set({ autoDiscovery: 'tools' });
  check('autoDiscovery tools: /sys 404, /tools 200', (await adGet('/sys/auto-discovery')).status === 404 && (await adGet('/tools/auto-discovery')).status === 200);
  await h.set({ autoDiscovery: 'both' });
  check('autoDiscovery both: /sys and /tools 200', (await adGet('/sys/auto-discovery')).status === 200 && (await adGet('/tools/auto-discovery')).status === 200);
  await h.set({ autoDiscovery: 'none' });
  check('autoDiscovery none: both 404', (await adGet('/sys/auto-discovery')).status === 404 && (await adGet('/tools/auto-discovery')).status === 404);
  await h.set({ autoDiscovery: 'sys', autoDiscoveryCors: true });
  const adc = await adGet('/sys/auto-discovery');
  const adPre = await fetch(`${base}/sys/auto-discovery`, { method: 'OPTIONS', headers: { Origin: APP_ORIGIN, 'Access-Control-Request-Method': 'GET' } });
  check('autoDiscoveryCors on: origin echoed (and preflight)', adc.acao === APP_ORIGIN && adPre.status === 204
    && adPre.headers.get('access-control-allow-origin') === APP_ORIGIN);
  await h.set({ apiType: 'API', domainApiStatus: 'NotWorking' });
  const adApi = (await adGet('/sys/auto-discovery')).body.WebSites[1];
  check('apiType API + domainApiStatus NotWorking with StatusDescription', adApi.Type === 'API' && adApi.Status === 'NotWorking'
    && typeof adApi.StatusDescription === 'string' && adApi.StatusDescription.length > 0, adApi);
  await h.set({ domainApiStatus: 'Unknown', odataServiceRoot: false });
  const adU = (await adGet('/sys/auto-discovery')).body.WebSites[1];
  check('domainApiStatus Unknown; odataServiceRoot off -> AdditionalProperties null', adU.Status === 'Unknown' && adU.AdditionalProperties === null, adU);

  // ================================================= control API
  const badPatch = await h.set({ autoDiscovery: 'x', iss: 'yes', nope: 1 });
  check('control: bad values refused with reasons', badPatch.status === 400 && /autoDiscovery/.test(badPatch.error)
    && /iss/.test(badPatch.error) && /unknown setting nope/.test(badPatch.error), badPatch);
  const log = await fetch(`${base}/__control/log`).then((r) => r.json());
  const logText = JSON.stringify(log);
  check('log covers authorize, token (grant_type), userinfo, revocation, auto-discovery, Domain API', [
    '/id/connect/authorize', '/id/connect/token', '/id/connect/userinfo', '/id/connect/revocation', '/sys/auto-discovery',
    '/tools/auto-discovery', '/api/domain/odata/Crm_Customers',
  ].every((p) => log.some((e) => e.path === p && typeof e.status === 'number'))
    && log.some((e) => e.path === '/id/connect/token' && e.form?.grant_type === 'refresh_token'), log.slice(-3));
  check('log keeps prompt values, never codes, tokens or state', log.some((e) => e.query.prompt === 'none')
    && !logText.includes(code) && !logText.includes(rt1) && !logText.includes(tok.access_token.slice(-20)) && !logText.includes(a1.state));
  // ================================================= discovery delay (the early sign-in button's e2e tests)
  await h.set({ discoveryDelayMs: 300 });
  const timedGet = async (path) => {
    const t0 = performance.now();
    const r = await fetch(`${base}${path}`);
    return { status: r.status, ms: performance.now() - t0 };
  };
  const slowAd = await timedGet('/sys/auto-discovery');
  const slowMeta = await timedGet('/id/.well-known/openid-configuration');
  const fastJwks = await timedGet('/id/.well-known/openid-configuration/jwks');
  check('discoveryDelayMs delays auto-discovery and the metadata, not the JWKS', slowAd.status === 200 && slowAd.ms >= 290
    && slowMeta.status === 200 && slowMeta.ms >= 290 && fastJwks.status === 200 && fastJwks.ms < 290, { slowAd, slowMeta, fastJwks });
  const badDelay = await fetch(`${base}/__control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ discoveryDelayMs: -1 }) });
  check('discoveryDelayMs refuses a negative delay', badDelay.status === 400, badDelay.status);
  await h.set({ discoveryDelayMs: 0 });
  const reset = await h.ctl('/reset', {});
  const defaults = {
    deny: false, coop: false, accessTokenTtl: 3600, idTokenTtl: 300, refreshTokenTtl: 86400, iss: false, refreshTokens: true,
    autoDiscovery: 'sys', autoDiscoveryCors: false, apiType: 'DomainAPI', domainApiStatus: 'Working', odataServiceRoot: true,
    logoutPrompt: false, logoutAutoRedirect: true, exposeDate: false, promptNoneError: null, cookieSameSite: 'None',
    discoveryDelayMs: 0,
  };
  const { status: _s, ...resetSettings } = reset;
  check('reset -> start-up values (IdentityServer4-like defaults), log cleared', JSON.stringify(resetSettings) === JSON.stringify(defaults)
    && (await fetch(`${base}/__control/log`).then((r) => r.json())).length === 0, resetSettings);

  // ================================================= end session
  const fresh = async (user) => {
    const br = browser();
    await h.signIn(br, {}, user);
    return { br, t: (await h.tokens(br)).body };
  };
  const st = b64url(randomBytes(6));
  const s1 = await fresh(['demo', 'demo-password']);
  const e1 = await h.endSession(s1.br, { id_token_hint: s1.t.id_token, post_logout_redirect_uri: APP, state: st });
  check('end session, valid id_token_hint: no prompt, back at post_logout_redirect_uri with state', e1.final === `${APP}?state=${st}`, e1.final);
  const e1after = await s1.br.navigate(h.authorizeUrl({ prompt: 'none' }).url, {}, base);
  check('... and the SSO session is gone', new URL(e1after.final).searchParams.get('error') === 'login_required');
  const e1again = await h.endSession(s1.br, { id_token_hint: s1.t.id_token, post_logout_redirect_uri: APP, state: st });
  check('end session again with no session left: straight back', e1again.final === `${APP}?state=${st}`, e1again.final);

  await h.set({ idTokenTtl: 1 });
  const s2 = await fresh(['demo', 'demo-password']);
  await h.set({ idTokenTtl: 300 });
  await sleep(2100);
  const e2 = await h.endSession(s2.br, { id_token_hint: s2.t.id_token, post_logout_redirect_uri: APP, state: st });
  check('expired id_token_hint is still accepted (lifetime not checked)', e2.final === `${APP}?state=${st}`, e2.final);

  const s3 = await fresh(['demo', 'demo-password']);
  const e3 = await h.endSession(s3.br, { post_logout_redirect_uri: APP, state: st });
  check('end session without id_token_hint, signed in: "Do you want to sign out?" with a Yes button, no script',
    e3.res.status === 200 && /Do you want to sign out\?/.test(e3.text) && /<button type="submit">Yes<\/button>/.test(e3.text)
    && !/<script/.test(e3.text) && e3.res.headers.get('x-frame-options') === 'DENY', e3.final);
  const logoutId = /name="logoutId" value="([^"]+)"/.exec(e3.text)?.[1];
  const e3yes = await s3.br.navigate(new URL(formAction(e3.text), e3.final).href, { method: 'POST', form: { logoutId } }, base);
  check('... Yes -> "signed out" page with no way back to the app', e3yes.res.status === 200 && /You are now signed out/.test(e3yes.text)
    && !e3yes.text.includes(APP) && !e3yes.final.startsWith(APP), e3yes.final);
  const e3after = await s3.br.navigate(h.authorizeUrl({ prompt: 'none' }).url, {}, base);
  check('... and the SSO session is gone', new URL(e3after.final).searchParams.get('error') === 'login_required');

  const s4 = await fresh(['demo', 'demo-password']);
  const e4 = await h.endSession(s4.br, { id_token_hint: s4.t.id_token, post_logout_redirect_uri: 'http://evil.example/', state: st });
  check('valid hint, unregistered post_logout_redirect_uri: signed out, stays on the Instance ID', /You are now signed out/.test(e4.text)
    && e4.final.startsWith(base), e4.final);

  const s5 = await fresh(['admin', 'admin-password']);
  const e5 = await h.endSession(s5.br, { id_token_hint: s4.t.id_token, post_logout_redirect_uri: APP, state: st });
  check('id_token_hint of another user: treated as no hint (prompt, no way back)', /Do you want to sign out\?/.test(e5.text), e5.final);
  const e5yes = await s5.br.navigate(new URL(formAction(e5.text), e5.final).href,
    { method: 'POST', form: { logoutId: /name="logoutId" value="([^"]+)"/.exec(e5.text)?.[1] } }, base);
  check('... Yes -> signed out page, not the app', /You are now signed out/.test(e5yes.text) && !e5yes.final.startsWith(APP), e5yes.final);

  const s6 = await fresh(['demo', 'demo-password']);
  const forged = `${s6.t.id_token.slice(0, -4)}AAAA`;
  const e6 = await h.endSession(s6.br, { id_token_hint: forged, post_logout_redirect_uri: APP, state: st });
  check('forged id_token_hint: treated as no hint', /Do you want to sign out\?/.test(e6.text), e6.final);

  await h.set({ logoutPrompt: true });
  const e7 = await h.endSession(s6.br, { id_token_hint: s6.t.id_token, post_logout_redirect_uri: APP, state: st });
  check('logoutPrompt on: asks even with a valid id_token_hint', /Do you want to sign out\?/.test(e7.text), e7.final);
  const e7yes = await s6.br.navigate(new URL(formAction(e7.text), e7.final).href,
    { method: 'POST', form: { logoutId: /name="logoutId" value="([^"]+)"/.exec(e7.text)?.[1] } }, base);
  check('... Yes -> back at post_logout_redirect_uri with state', e7yes.final === `${APP}?state=${st}`, e7yes.final);
  await h.set({ logoutPrompt: false, logoutAutoRedirect: false });
  const s7 = await fresh(['demo', 'demo-password']);
  const e8 = await h.endSession(s7.br, { id_token_hint: s7.t.id_token, post_logout_redirect_uri: APP, state: st });
  const e8link = /<a class="PostLogoutRedirectUri" href="([^"]+)">/.exec(e8.text)?.[1]?.replace(/&#38;/g, '&');
  check('logoutAutoRedirect off: signed out page with a link back (with state), no redirect', e8.final.startsWith(base)
    && /You are now signed out/.test(e8.text) && e8link === `${APP}?state=${st}`, { final: e8.final, e8link });
  const forgedPost = await s6.br.navigate(`${issuer}/Account/Logout`, { method: 'POST', form: { logoutId: 'nope' } }, base);
  check('logout POST with an unknown logoutId -> error page', onErrorPage(forgedPost, base, 'invalid_request'), forgedPost.final);
  await h.ctl('/reset', {});
}

async function runEnv() {
  // A second stand-in started in RFC 9207 mode with /tools auto-discovery and CORS, as a
  // second e2e project would run it.
  const srv2 = await startServer({
    STANDIN_ISS: '1', STANDIN_AUTODISCOVERY: 'tools', STANDIN_AUTODISCOVERY_CORS: 'on', STANDIN_API_TYPE: 'api',
    STANDIN_LOGOUT_PROMPT: 'true', STANDIN_REFRESH_TOKENS: '0', STANDIN_ID_TOKEN_TTL: '600', STANDIN_PROMPT_NONE_ERROR: '',
  });
  try {
    const h = harness(srv2.base);
    const s = await h.ctl('');
    check('env: STANDIN_* switches read at start', s.iss === true && s.autoDiscovery === 'tools' && s.autoDiscoveryCors === true
      && s.apiType === 'API' && s.logoutPrompt === true && s.refreshTokens === false && s.idTokenTtl === 600 && s.promptNoneError === null, s);
    const disc = await (await fetch(`${h.issuer}/.well-known/openid-configuration`)).json();
    check('env iss mode: discovery advertises the iss parameter', disc.authorization_response_iss_parameter_supported === true);
    const b = browser();
    const { cb } = await h.signIn(b);
    check('env iss mode: callback carries iss', cb.searchParams.get('iss') === h.issuer && cb.searchParams.has('code'), cb.href);
    await h.set({ iss: false });
    const reset = await h.ctl('/reset', {});
    check('env: reset returns to the start-up (env) values', reset.iss === true && reset.autoDiscovery === 'tools');
    const tools = await fetch(`${srv2.base}/tools/auto-discovery`, { headers: { Origin: APP_ORIGIN } });
    check('env: /tools/auto-discovery with CORS, Type API', tools.headers.get('access-control-allow-origin') === APP_ORIGIN
      && (await tools.json()).WebSites[1].Type === 'API');
  } finally {
    srv2.child.kill('SIGTERM');
  }
  const bad = spawn(process.execPath, [SERVER], { env: { ...process.env, PORT: '0', STANDIN_AUTODISCOVERY: 'nowhere' }, stdio: 'ignore' });
  const code = await new Promise((r) => { bad.on('exit', r); });
  check('env: a bad STANDIN_* value stops the start (exit 2)', code === 2, code);
}

const srv = await startServer();
try {
  check('startup line printed once', srv.stdout().match(/ERP\.net stand-in listening at/g).length === 1);
  await run(srv.base);
  await runEnv();
} catch (err) {
  check('selftest ran to completion', false, err.stack);
} finally {
  srv.child.kill('SIGTERM');
}
if (failed) console.log(`--- server stderr ---\n${srv.stderr()}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
