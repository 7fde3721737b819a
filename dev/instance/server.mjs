#!/usr/bin/env node
// Local stand-in for an ERP.net instance: Identity Server (oidc-provider) at /id,
// /sys/auto-discovery, a small OData Domain API at /api/domain/odata/, and a control API
// (/__control) for tests. Start from the repo root with: node dev/instance/server.mjs
//
// Env: PORT (default 8400; 0 picks a free port), APP_BASES (comma-separated app base URLs,
// each ending in '/'), CLIENT_ID (default spa.example.com).

import http from 'node:http';
import { timingSafeEqual, createHash } from 'node:crypto';
import { createProvider } from './provider.mjs';
import { handleDomainApi, resetDomainApi, domainApiControl } from './odata.mjs';
import { users } from './data.mjs';
import { esc, loginPage, errorPage, securityHeaders } from './pages.mjs';

const DEFAULT_SETTINGS = Object.freeze({ deny: false, coop: false, accessTokenTtl: 3600, idTokenTtl: 600 });
const settings = { ...DEFAULT_SETTINGS };
const requestLog = [];

const port = Number(process.env.PORT ?? 8400);
const clientId = process.env.CLIENT_ID || 'spa.example.com';
const appBases = (process.env.APP_BASES || 'http://localhost:8080/,http://127.0.0.1:8080/')
  .split(',').map((s) => s.trim()).filter(Boolean);
for (const b of appBases) {
  if (!/^https?:\/\/[^/]+\/(.*\/)?$/.test(b)) {
    console.error(`APP_BASES entry must be an absolute http(s) URL ending in '/': ${b}`);
    process.exit(2);
  }
}

// ---------------------------------------------------------------- helpers

function sendJson(res, status, body, headers = {}) {
  const json = JSON.stringify(body, null, 2);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(json),
    ...headers,
  });
  res.end(json);
}

function sendHtml(res, status, html, headers) {
  res.writeHead(status, { ...headers, 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html) });
  res.end(html);
}

async function readBody(req, limit = 64 * 1024) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Constant-time password comparison (hash first so lengths don't leak). */
function passwordMatches(given, expected) {
  const h = (s) => createHash('sha256').update(String(s)).digest();
  return timingSafeEqual(h(given), h(expected));
}

/** CORS for our own (non-provider) endpoints: only the app origins are allowed. */
function applyCors(req, res, appOrigins, { methods = 'GET, OPTIONS' } = {}) {
  res.setHeader('Vary', 'Origin');
  const origin = req.headers.origin;
  if (!origin || !appOrigins.includes(origin)) return false;
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Expose-Headers', 'WWW-Authenticate, OData-Version, Preference-Applied');
  if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Methods', methods);
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Accept, Prefer, OData-Version, OData-MaxVersion');
    res.setHeader('Access-Control-Max-Age', '600');
  }
  return true;
}

/** Logged paths: the provider's authorize/token/endsession routes and the Domain API. */
const LOGGED = /^\/id\/connect\/(authorize|token|endsession)(\/|$)|^\/api\/domain\//;

/** Records method, path, query parameter NAMES (values never, except prompt) and status. */
function logRequest(req, url, res) {
  const query = {};
  for (const name of url.searchParams.keys()) query[name] = name === 'prompt' ? url.searchParams.get('prompt') : true;
  const entry = { time: new Date().toISOString(), method: req.method, path: url.pathname, query, status: null };
  requestLog.push(entry);
  if (requestLog.length > 1000) requestLog.shift();
  res.on('finish', () => { entry.status = res.statusCode; });
  res.on('close', () => { entry.status ??= res.statusCode; });
}

// ---------------------------------------------------------------- server

// Listen first so PORT=0 works: the issuer must contain the real port. Requests that arrive
// before the provider is ready wait for it instead of hanging unanswered.
let handle = null;
const early = [];
const server = http.createServer((req, res) => (handle ? handle(req, res) : early.push([req, res])));
try {
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
} catch (err) {
  console.error(`ERP.net stand-in cannot listen on 127.0.0.1:${port}: ${err.code || err.message}`);
  process.exit(1);
}
const base = `http://127.0.0.1:${server.address().port}`;
const { provider, issuer, appOrigins, publicJwks } = await createProvider({ base, appBases, clientId, settings });
// Static clients are only validated on first use; fail now rather than at the first login.
try {
  await provider.Client.find(clientId);
} catch (err) {
  console.error(`ERP.net stand-in: invalid client configuration: ${err.error_description || err.message}`);
  process.exit(1);
}
const providerCallback = provider.callback();
provider.on('server_error', (ctx, err) => console.error('oidc-provider server_error:', err));

/** Login page for a pending interaction (GET) and the password check (POST). */
async function handleInteraction(req, res, url) {
  const m = /^\/id\/interaction\/([^/]+)(\/login)?$/.exec(url.pathname);
  const headers = securityHeaders({ formOrigins: appOrigins, coop: settings.coop });
  let details;
  try {
    details = await provider.interactionDetails(req, res);
    if (!m || details.uid !== m[1]) throw new Error('interaction mismatch');
  } catch {
    const html = errorPage({ error: 'invalid_request', error_description: 'The sign-in request has expired or is invalid. Start again from the application.' });
    return sendHtml(res, 400, html, headers);
  }
  const { prompt, params, uid } = details;
  const action = `/id/interaction/${encodeURIComponent(uid)}/login`;
  const client = await provider.Client.find(params.client_id);
  const clientName = client?.clientName || params.client_id;

  if (prompt.name !== 'login') {
    // Consent is never needed (loadExistingGrant grants everything); finish defensively.
    return provider.interactionFinished(req, res, {}, { mergeWithLastSubmission: true });
  }

  if (req.method === 'GET' && !m[2]) {
    return sendHtml(res, 200, loginPage({ action, clientName, login: params.login_hint || '' }), headers);
  }
  if (req.method === 'POST' && m[2]) {
    const form = new URLSearchParams(await readBody(req));
    const login = (form.get('login') || '').trim();
    const user = users.get(login.toLowerCase());
    if (!user || !passwordMatches(form.get('password') || '', user.password)) {
      const html = loginPage({ action, clientName, login, error: 'Invalid user name or password.' });
      return sendHtml(res, 200, html, headers);
    }
    return provider.interactionFinished(req, res, {
      login: { accountId: user.sub, amr: ['pwd'] },
    }, { mergeWithLastSubmission: false });
  }
  res.writeHead(405, { ...headers, Allow: 'GET, POST' });
  return res.end();
}

function handleControl(req, res, url, body) {
  if (url.pathname === '/__control' && req.method === 'GET') return sendJson(res, 200, settings);
  if (url.pathname === '/__control/log' && req.method === 'GET') return sendJson(res, 200, requestLog);
  if (url.pathname === '/__control/odata') {
    const { status, body: out } = domainApiControl(req.method, body);
    return sendJson(res, status, out);
  }
  if (url.pathname === '/__control/reset' && req.method === 'POST') {
    resetDomainApi();
    Object.assign(settings, DEFAULT_SETTINGS);
    requestLog.length = 0;
    return sendJson(res, 200, settings);
  }
  if (url.pathname === '/__control' && req.method === 'POST') {
    let patch;
    try {
      patch = JSON.parse(body || '{}');
    } catch {
      return sendJson(res, 400, { error: 'body must be JSON' });
    }
    const problems = [];
    for (const [k, v] of Object.entries(patch ?? {})) {
      if (k === 'deny' || k === 'coop') {
        if (typeof v !== 'boolean') problems.push(`${k} must be a boolean`);
      } else if (k === 'accessTokenTtl' || k === 'idTokenTtl') {
        if (!Number.isSafeInteger(v) || v <= 0) problems.push(`${k} must be a positive integer (seconds)`);
      } else problems.push(`unknown setting ${k}`);
    }
    if (problems.length || typeof patch !== 'object' || Array.isArray(patch)) {
      return sendJson(res, 400, { error: problems.join('; ') || 'body must be a JSON object' });
    }
    Object.assign(settings, patch);
    return sendJson(res, 200, settings);
  }
  return sendJson(res, 404, { error: 'not found' });
}

function autoDiscovery() {
  return {
    WebSites: [
      { Type: 'ID', Status: 'Working', Url: issuer },
      {
        Type: 'DomainAPI',
        Status: 'Working',
        Url: `${base}/api`,
        AdditionalProperties: { ODataServiceRoot: `${base}/api/domain/odata/` },
      },
    ],
  };
}

handle = async (req, res) => {
  let url;
  try {
    url = new URL(req.url, base);
  } catch {
    res.writeHead(400).end();
    return;
  }
  const path = url.pathname;
  try {
    if (LOGGED.test(path)) logRequest(req, url, res);

    if (path === '/__control' || path.startsWith('/__control/')) {
      return handleControl(req, res, url, req.method === 'POST' ? await readBody(req) : '');
    }

    if (path === '/sys/auto-discovery') {
      applyCors(req, res, appOrigins);
      if (req.method === 'OPTIONS') return res.writeHead(204).end();
      return sendJson(res, 200, autoDiscovery());
    }

    if (path === '/api/domain/odata' || path.startsWith('/api/domain/')) {
      applyCors(req, res, appOrigins);
      if (req.method === 'OPTIONS') return res.writeHead(204).end();
      if (path === '/api/domain/odata') url.pathname = '/api/domain/odata/';
      return await handleDomainApi(req, res, url, { base, issuer, publicJwks });
    }

    if (path.startsWith('/id/interaction/')) return await handleInteraction(req, res, url);

    if (path === '/id' || path.startsWith('/id/')) {
      // RP-initiated logout without id_token_hint: oidc-provider would silently drop
      // post_logout_redirect_uri unless client_id is sent. With one registered client, a
      // registered post_logout_redirect_uri identifies it, so supply client_id.
      if (path === '/id/connect/endsession' && req.method === 'GET') {
        const q = url.searchParams;
        const plr = q.get('post_logout_redirect_uri');
        if (plr && !q.has('id_token_hint') && !q.has('client_id') && appBases.includes(plr)) {
          q.set('client_id', clientId);
          req.url = url.pathname + url.search;
        }
      }
      // Mount the provider at /id the way Express does: strip the prefix and keep
      // originalUrl so oidc-provider builds its URLs with the /id mount path.
      req.originalUrl = req.url;
      req.url = req.url.slice(3) || '/';
      return providerCallback(req, res);
    }

    if (path === '/favicon.ico') return res.writeHead(204).end(); // keeps browser consoles clean

    if (path === '/' && req.method === 'GET') {
      return sendHtml(res, 200, `<!DOCTYPE html><meta charset="utf-8"><title>ERP.net stand-in</title>
<h1>ERP.net stand-in</h1><ul>
<li><a href="/sys/auto-discovery">/sys/auto-discovery</a></li>
<li><a href="/id/.well-known/openid-configuration">/id/.well-known/openid-configuration</a></li>
<li>Domain API: ${esc(base)}/api/domain/odata/ (bearer token required)</li>
<li><a href="/__control">/__control</a></li></ul>`, securityHeaders());
    }
    return sendJson(res, 404, { error: 'not found' });
  } catch (err) {
    console.error('request failed:', req.method, path, err);
    if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    else res.destroy();
  }
};
for (const [req, res] of early.splice(0)) handle(req, res);

// Tests wait for exactly this line.
console.log(`ERP.net stand-in listening at ${base}`);
console.log(`Demo users: demo / demo-password (Demo User), admin / admin-password (Instance Admin); client_id ${clientId}; app bases ${appBases.join(' ')}`);

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    server.close();
    server.closeAllConnections?.();
    process.exit(0);
  });
}
