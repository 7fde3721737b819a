#!/usr/bin/env node
// Local stand-in for an ERP.net instance: an IdentityServer4-like Identity Server at /id,
// auto-discovery (/sys or /tools), a small OData Domain API at /api/domain/odata/, and a
// control API (/__control) for tests. Start from the repo root with: node dev/instance/server.mjs
//
// Env: PORT (default 8400; 0 picks a free port), APP_BASES (comma-separated app base URLs,
// each ending in '/'), CLIENT_ID (default spa.example.com), and the STANDIN_* switches of
// settings.mjs (see README.md).

import http from 'node:http';
import { createProvider, readBody } from './provider.mjs';
import { handleDomainApi, resetDomainApi, domainApiControl } from './odata.mjs';
import { esc, securityHeaders } from './pages.mjs';
import { startupSettings, checkPatch } from './settings.mjs';

let STARTUP;
try {
  STARTUP = startupSettings();
} catch (err) {
  console.error(`ERP.net stand-in: bad environment: ${err.message}`);
  process.exit(2);
}
const settings = { ...STARTUP };
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

/** Logged paths: the Identity Server's protocol routes, auto-discovery and the Domain API. */
const LOGGED = /^\/id\/connect\/(authorize|token|endsession|userinfo|revocation)(\/|$)|^\/(sys|tools)\/auto-discovery$|^\/api\/domain\//;

/** Records method, path, query parameter NAMES (values never, except prompt) and status. */
function logRequest(req, url, res) {
  const query = {};
  for (const name of url.searchParams.keys()) query[name] = name === 'prompt' ? url.searchParams.get('prompt') : true;
  const entry = { time: new Date().toISOString(), method: req.method, path: url.pathname, query, status: null };
  requestLog.push(entry);
  if (requestLog.length > 1000) requestLog.shift();
  res.on('finish', () => { entry.status = res.statusCode; });
  res.on('close', () => { entry.status ??= res.statusCode; });
  return entry;
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
const idServer = await createProvider({ base, appBases, clientId, settings });
const { issuer, appOrigins, publicJwks } = idServer;

function handleControl(req, res, url, body) {
  if (url.pathname === '/__control' && req.method === 'GET') return sendJson(res, 200, settings);
  if (url.pathname === '/__control/log' && req.method === 'GET') return sendJson(res, 200, requestLog);
  if (url.pathname === '/__control/odata') {
    const { status, body: out } = domainApiControl(req.method, body);
    return sendJson(res, status, out);
  }
  if (url.pathname === '/__control/reset' && req.method === 'POST') {
    resetDomainApi();
    for (const k of Object.keys(settings)) delete settings[k];
    Object.assign(settings, STARTUP);
    requestLog.length = 0;
    return sendJson(res, 200, settings);
  }
  if (url.pathname === '/__control/refresh-tokens/revoke' && req.method === 'POST') {
    return sendJson(res, 200, { revoked: idServer.control.revokeRefreshTokens() });
  }
  if (url.pathname === '/__control/sessions/end' && req.method === 'POST') {
    return sendJson(res, 200, { ended: idServer.control.endSessions() });
  }
  if (url.pathname === '/__control' && req.method === 'POST') {
    let patch;
    try {
      patch = JSON.parse(body || '{}');
    } catch {
      return sendJson(res, 400, { error: 'body must be JSON' });
    }
    const { value, problems } = checkPatch(patch);
    if (problems) return sendJson(res, 400, { error: problems.join('; ') });
    Object.assign(settings, value);
    return sendJson(res, 200, settings);
  }
  return sendJson(res, 404, { error: 'not found' });
}

const STATUS_DESCRIPTIONS = {
  Working: null,
  NotWorking: 'The site is not responding (stand-in switch domainApiStatus=NotWorking).',
  Unknown: 'The status is not determined yet.',
};

/** The documented auto-discovery answer (building-apps/concepts/application-server-endpoints.md). */
function autoDiscovery() {
  return {
    Host: new URL(base).host,
    DbName: 'Demo',
    WebSites: [
      { Type: 'ID', Status: 'Working', StatusDescription: null, Url: issuer, System: true, AdditionalProperties: null },
      {
        Type: settings.apiType,
        Status: settings.domainApiStatus,
        StatusDescription: STATUS_DESCRIPTIONS[settings.domainApiStatus],
        Url: `${base}/api`,
        System: false,
        AdditionalProperties: settings.odataServiceRoot ? { ODataServiceRoot: `${base}/api/domain/odata/` } : null,
      },
      { Type: 'TableAPI', Status: 'Working', StatusDescription: null, Url: `${base}/api/table`, System: false, AdditionalProperties: null },
    ],
  };
}

function autoDiscoveryServed(path) {
  const mode = settings.autoDiscovery;
  if (path === '/sys/auto-discovery') return mode === 'sys' || mode === 'both';
  return mode === 'tools' || mode === 'both';
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
    const logEntry = LOGGED.test(path) ? logRequest(req, url, res) : null;

    if (path === '/__control' || path.startsWith('/__control/')) {
      return handleControl(req, res, url, req.method === 'POST' ? await readBody(req) : '');
    }

    if ((path === '/sys/auto-discovery' || path === '/tools/auto-discovery') && autoDiscoveryServed(path)) {
      if (settings.autoDiscoveryCors ? idServer.corsFor(req, res) : req.method === 'OPTIONS') return res.writeHead(204).end();
      if (settings.discoveryDelayMs) await new Promise((r) => setTimeout(r, settings.discoveryDelayMs));
      return sendJson(res, 200, autoDiscovery());
    }

    if (path === '/api/domain/odata' || path.startsWith('/api/domain/')) {
      applyCors(req, res, appOrigins);
      if (req.method === 'OPTIONS') return res.writeHead(204).end();
      if (path === '/api/domain/odata') url.pathname = '/api/domain/odata/';
      return await handleDomainApi(req, res, url, { base, issuer, publicJwks });
    }

    if (path === '/id' || path.startsWith('/id/')) {
      if ((await idServer.handle(req, res, url, logEntry)) !== false) return undefined;
      return sendJson(res, 404, { error: 'not found' });
    }

    if (path === '/favicon.ico') return res.writeHead(204).end(); // keeps browser consoles clean

    if (path === '/' && req.method === 'GET') {
      return sendHtml(res, 200, `<!DOCTYPE html><meta charset="utf-8"><title>ERP.net stand-in</title>
<h1>ERP.net stand-in</h1><ul>
<li><a href="/sys/auto-discovery">/sys/auto-discovery</a> (or /tools/auto-discovery, per the autoDiscovery switch)</li>
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
