// A read-only OData v4 JSON service standing in for the ERP.net Domain API, answering the way
// ERP.net's does (ErpNetDocs/dev domain-api: paging.md, select.md, error-handling.md;
// ErpNetDocs/tech rate-limits.md): paging only with $top and a nextLink relative to the
// service root, rows that are not flat, ERP.net's error shapes, per-session rate limits.
// It demands a real bearer token: a JWT access token signed by the stand-in's provider.

import { jwtVerify, createLocalJWKSet, errors as joseErrors } from 'jose';
import { entitySets } from './data.mjs';

export const AUDIENCE = 'DomainAPI';

/** ERP.net's rate limits per session (here: per access token). */
const LIMITS = { rpm: 600, concurrent: 1, queue: 5 };

const DEFAULT_CONTROL = Object.freeze({
  delayMs: 0, // every data answer waits this long (tests of cancel and "loading" states)
  throttleNext: 0, // the next N data requests are answered 429
  retryAfter: 1, // Retry-After seconds on those 429s (null: no header)
  hostileNextLink: null, // when set, every nextLink is replaced by this text
  rpm: LIMITS.rpm,
});
/** Test switches (POST /__control/odata) and counters. */
const control = { ...DEFAULT_CONTROL };
const stats = { maxConcurrent: 0, aborted: 0, throttled: 0 };
/** Per token: { active, queue: [resolve], minute: [timestamps] }. */
const sessions = new Map();

/** Restores the switches and counters (called by POST /__control/reset). */
export function resetDomainApi() {
  Object.assign(control, DEFAULT_CONTROL);
  Object.assign(stats, { maxConcurrent: 0, aborted: 0, throttled: 0 });
  sessions.clear();
}

/** GET/POST /__control/odata: reads or merges the switches; answers {status, body}. */
export function domainApiControl(method, body) {
  if (method === 'POST') {
    let patch;
    try {
      patch = JSON.parse(body || '{}');
    } catch {
      return { status: 400, body: { error: 'body must be JSON' } };
    }
    const problems = [];
    for (const [k, v] of Object.entries(patch ?? {})) {
      if (!(k in DEFAULT_CONTROL)) problems.push(`unknown setting ${k}`);
      else if (k === 'hostileNextLink' && v !== null && typeof v !== 'string') problems.push(`${k} must be a string or null`);
      else if (k === 'retryAfter' && v !== null && !(Number.isSafeInteger(v) && v >= 0)) problems.push(`${k} must be seconds or null`);
      else if (!['hostileNextLink', 'retryAfter'].includes(k) && !(Number.isSafeInteger(v) && v >= 0)) problems.push(`${k} must be a non-negative integer`);
    }
    if (problems.length) return { status: 400, body: { error: problems.join('; ') } };
    Object.assign(control, patch);
  }
  return { status: 200, body: { ...control, stats: { ...stats } } };
}

/** An error answered in one of ERP.net's shapes. */
class DomainError extends Error {
  /**
   * shape 'erpnet': HTTP body `{message, code: <number>, type, info, messageFormat, parameters}`;
   * shape 'wrapped': `{"error": {code, message, info?, type?}}` (code a number or a string).
   */
  constructor(status, code, message, { shape = 'wrapped', headers = {}, info, messageFormat, parameters } = {}) {
    super(message);
    Object.assign(this, { status, code, shape, headers, info, messageFormat, parameters });
  }

  body() {
    if (this.shape === 'erpnet') {
      return {
        message: this.message,
        code: this.code,
        type: 'Aloe.EnterpriseOne.Server.ServerAPI.Exceptions.EnterpriseOneServerException',
        info: this.info ?? `System.Exception: ${this.message}`,
        messageFormat: this.messageFormat ?? this.message,
        parameters: this.parameters ?? [],
      };
    }
    const error = { code: this.code, message: this.message };
    if (this.info) error.info = this.info;
    return { error };
  }
}

/** A query problem as ERP.net reports it: HTTP 500 with its top-level shape. */
const queryError = (code, messageFormat, parameters) => new DomainError(500, code,
  messageFormat.replace(/\{(\d+)\}/g, (_, n) => parameters[Number(n)]),
  { shape: 'erpnet', messageFormat, parameters, info: `Aloe.EnterpriseOne.Server.ServerAPI.Exceptions.QueryException at Domain API query ${code}` });

/**
 * Validates `Authorization: Bearer <jwt>`: signature by one of the provider's keys, issuer,
 * audience, expiry and the `at+jwt` type. Returns the payload or throws a 401.
 */
async function authenticate(req, { issuer, publicJwks }) {
  const header = req.headers.authorization || '';
  const m = /^Bearer[ ]+([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
  const unauthorized = (message) => new DomainError(401, 'Unauthorized', message, {
    headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
  });
  if (!m) throw unauthorized('A bearer access token is required.');
  try {
    const { payload } = await jwtVerify(m[1], createLocalJWKSet(publicJwks), {
      issuer,
      audience: AUDIENCE,
      typ: 'at+jwt',
      algorithms: ['RS256', 'ES256'],
    });
    return { payload, token: m[1] };
  } catch (err) {
    const why = err instanceof joseErrors.JWTExpired ? 'the access token expired' : 'the access token is invalid';
    throw unauthorized(`Unauthorized: ${why}.`);
  }
}

function requireScope(payload, scope) {
  const scopes = new Set(String(payload.scope || '').split(' '));
  if (!scopes.has(scope)) {
    throw new DomainError(403, 'Forbidden', `The access token lacks the required scope '${scope}'.`, {
      headers: { 'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${scope}"` },
    });
  }
}

// ------------------------------------------------------------------ rate limits

/**
 * Takes the session's one request slot (ERP.net: one concurrent request per session, a queue
 * of 5, then 429; 600 requests a minute). Returns a release function.
 */
async function admit(token) {
  let s = sessions.get(token);
  if (!s) sessions.set(token, (s = { active: 0, queue: [], minute: [] }));
  const now = Date.now();
  s.minute = s.minute.filter((t) => now - t < 60_000);
  if (control.throttleNext > 0) {
    control.throttleNext -= 1;
    stats.throttled += 1;
    throw tooMany('The request was throttled (test switch).', control.retryAfter);
  }
  if (s.minute.length >= control.rpm) {
    stats.throttled += 1;
    throw tooMany('Too many requests per minute for this session.', Math.ceil((60_000 - (now - s.minute[0])) / 1000));
  }
  if (s.active >= LIMITS.concurrent) {
    if (s.queue.length >= LIMITS.queue) {
      stats.throttled += 1;
      throw tooMany('Too many concurrent requests for this session.', null);
    }
    await new Promise((resolve) => s.queue.push(resolve));
  }
  s.minute.push(Date.now());
  s.active += 1;
  stats.maxConcurrent = Math.max(stats.maxConcurrent, s.active);
  return () => {
    s.active -= 1;
    s.queue.shift()?.();
  };
}

function tooMany(message, retryAfter) {
  return new DomainError(429, 429, message, {
    headers: retryAfter === null || retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) },
  });
}

// ------------------------------------------------------------------ values

/** The value a field compares and sorts by: EN of a multi-language string, Value of an amount. */
function plain(v) {
  if (v && typeof v === 'object') {
    if ('Value' in v) return v.Value;
    if ('EN' in v) return v.EN;
    if ('@odata.id' in v) return /\(([^)]*)\)$/.exec(v['@odata.id'])?.[1];
  }
  return v;
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Parses `A eq 'x' and B eq 12 and C eq true and Id eq <guid>` into [[field, value], ...]. */
function parseFilter(text, set) {
  const names = set.fields.map((x) => x.name);
  const term = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s+eq\s+('(?:[^']|'')*'|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|-?\d+(?:\.\d+)?|true|false|null)(?=\s|$)\s*/;
  const out = [];
  let rest = text;
  for (;;) {
    const m = term.exec(rest);
    if (!m) throw queryError(1201, 'Unsupported or malformed $filter: {0}', [text]);
    const [, field, lit] = m;
    if (!names.includes(field)) throw queryError(1202, "Unknown property '{0}' in $filter.", [field]);
    let value;
    if (lit.startsWith("'")) value = lit.slice(1, -1).replace(/''/g, "'");
    else if (lit === 'true' || lit === 'false') value = lit === 'true';
    else if (lit === 'null') value = null;
    else if (GUID.test(lit)) value = lit.toLowerCase();
    else value = Number(lit);
    const sample = set.rows.map((r) => plain(r[field])).find((v) => v !== null && v !== undefined);
    if (value !== null && sample !== undefined && typeof value !== typeof sample) {
      throw queryError(1203, "Incompatible literal for property '{0}' in $filter.", [field]);
    }
    out.push([field, value]);
    rest = rest.slice(m[0].length);
    if (rest === '') return out;
    const and = /^and\s+/.exec(rest);
    if (!and) throw queryError(1201, 'Unsupported or malformed $filter: {0}', [text]);
    rest = rest.slice(and[0].length);
  }
}

function matches(row, [field, value]) {
  const v = plain(row[field]);
  // Text compares case-insensitively (SQL Server's default collation).
  return typeof v === 'string' && typeof value === 'string' ? v.toLowerCase() === value.toLowerCase() : v === value;
}

/** `$orderby=A desc,B` → comparator. */
function parseOrderBy(text, set) {
  const names = set.fields.map((x) => x.name);
  const keys = text.split(',').map((part) => {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)(?:\s+(asc|desc))?\s*$/.exec(part);
    if (!m) throw new DomainError(400, 1301, `Malformed $orderby: ${text}`);
    if (!names.includes(m[1])) throw new DomainError(400, 1302, `Unknown property '${m[1]}' in $orderby.`);
    return [m[1], m[2] === 'desc' ? -1 : 1];
  });
  return (a, b) => {
    for (const [k, dir] of keys) {
      const x = plain(a[k]);
      const y = plain(b[k]);
      if (x === y) continue;
      if (x === null || x === undefined) return dir;
      if (y === null || y === undefined) return -dir;
      return (x < y ? -1 : 1) * dir;
    }
    return 0;
  };
}

function nonNegativeInt(name, value) {
  if (value === null) return undefined;
  if (!/^\d+$/.test(value)) throw new DomainError(400, 'BadRequest', `Invalid value for ${name}: '${value}'.`);
  return Number(value);
}

/** The fields a row shows: ERP.net's default set (no Id, custom, calculated or child lists) or `$select`. */
function columns(set, select, expand) {
  const defaults = set.fields.filter((x) => x.kind === 'default').map((x) => x.name);
  let cols = defaults;
  if (select) {
    cols = [];
    for (const name of select) {
      if (name === 'default') cols.push(...defaults);
      else if (!set.fields.some((x) => x.name === name)) throw queryError(1101, "Could not find a property named '{0}' on type '{1}'.", [name, set.type]);
      else cols.push(name);
    }
  }
  for (const name of expand) if (!cols.includes(name)) cols.push(name);
  return [...new Set(cols)];
}

function project(set, row, cols, expand) {
  const out = {};
  for (const c of cols) {
    const field = set.fields.find((x) => x.name === c);
    let v = row[c];
    if (expand.includes(c) && field.ref && v && v['@odata.id']) {
      const target = entitySets[field.ref];
      const id = plain(v);
      const hit = target.rows.find((r) => r.Id === id);
      v = hit ? project(target, hit, columns(target, null, []), []) : null;
    }
    out[c] = v === undefined ? null : v;
  }
  return out;
}

// ------------------------------------------------------------------ requests

/** Handles one data request below the root (after authentication). */
function query(url, rest, root) {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\((?:'([^']*)'|([0-9a-fA-F-]{36}))\))?$/.exec(rest);
  const set = m && Object.hasOwn(entitySets, m[1]) ? { type: `Erp.${m[1]}`, ...entitySets[m[1]] } : undefined;
  if (!set) throw new DomainError(404, 'NotFound', `Resource not found for the segment '${rest}'.`);
  const [, setName, quotedKey, bareKey] = m;
  const q = url.searchParams;

  const select = q.get('$select') === null ? null : q.get('$select').split(',').map((s) => s.trim()).filter(Boolean);
  const expand = q.get('$expand') === null ? [] : q.get('$expand').split(',').map((s) => s.trim()).filter(Boolean);
  for (const e of expand) {
    const field = set.fields.find((x) => x.name === e);
    if (!field || !(field.ref || field.kind === 'child')) throw queryError(1102, "Property '{0}' on type '{1}' is not a navigation property.", [e, set.type]);
  }
  const cols = columns(set, select, expand);
  const context = `${root}$metadata#${setName}${select ? `(${cols.join(',')})` : ''}`;

  const key = quotedKey ?? bareKey;
  if (key !== undefined) {
    const row = set.rows.find((r) => r.Id.toLowerCase() === key.toLowerCase());
    if (!row) throw new DomainError(404, 'NotFound', `No ${setName} entity with key '${key}'.`);
    return { '@odata.context': `${context}/$entity`, ...project(set, row, cols, expand) };
  }

  let result = set.rows;
  if (q.get('$filter') !== null) {
    const terms = parseFilter(q.get('$filter'), set);
    result = result.filter((r) => terms.every((t) => matches(r, t)));
  }
  const orderby = q.get('$orderby');
  if (orderby !== null) result = [...result].sort(parseOrderBy(orderby, set));
  const top = nonNegativeInt('$top', q.get('$top'));
  const skip = nonNegativeInt('$skip', q.get('$skip')) ?? 0;
  const count = q.get('$count') === 'true' ? result.length : undefined;
  const skiptoken = q.get('$skiptoken');

  // Keyset paging by Id without $orderby (ERP.net's $skiptoken), offset paging with it.
  let start = skip;
  if (skiptoken !== null) {
    if (orderby !== null || !GUID.test(skiptoken)) throw new DomainError(400, 'BadRequest', `Invalid $skiptoken: '${skiptoken}'.`);
    start = result.findIndex((r) => r.Id > skiptoken.toLowerCase());
    if (start < 0) start = result.length;
  }
  // Without $top the server returns every row of the set (ERP.net pages only with $top).
  const end = top === undefined ? result.length : Math.min(result.length, start + top);
  const page = result.slice(start, end);

  const body = { '@odata.context': context };
  if (count !== undefined) body['@odata.count'] = count;
  body.value = page.map((r) => project(set, r, cols, expand));
  if (top !== undefined && end < result.length) {
    // Relative to the service root, like ERP.net's; the client must treat it as opaque.
    const next = [...q].filter(([k]) => k !== '$skip' && k !== '$skiptoken');
    if (orderby !== null) next.push(['$skip', String(end)]);
    else next.push(['$skiptoken', page[page.length - 1].Id]);
    const enc = (v) => encodeURIComponent(v).replace(/%24/g, '$').replace(/%2C/g, ',');
    body['@odata.nextLink'] = control.hostileNextLink ?? `${setName}?${next.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')}`;
  }
  return body;
}

/** ERP.net's `$metadata`-free model listing (compact form of /api/domain/currentmodel). */
function currentModel() {
  return Object.entries(entitySets).map(([name, s]) => ({
    Name: name,
    RepositoryName: name.replace(/_/g, '.'),
    LocalizedName: s.label,
    IsAggregateRoot: true,
  }));
}

/** Minimal CSDL: one EntitySet element per set. */
function metadataXml() {
  const sets = Object.keys(entitySets).map((n) => `<EntitySet Name="${n}" EntityType="Erp.${n}"/>`).join('');
  return `<?xml version="1.0" encoding="utf-8"?><edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices><Schema Namespace="Erp" xmlns="http://docs.oasis-open.org/odata/ns/edm"><EntityContainer Name="Container">${sets}</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>`;
}

async function serve(req, url, opts) {
  const root = `${opts.base}/api/domain/odata/`;
  const path = url.pathname;
  if (path === '/api/domain/standardmodel') return { body: currentModel() }; // anonymous, as in ERP.net
  const { payload, token } = await authenticate(req, opts);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    throw new DomainError(405, 'MethodNotAllowed', 'This stand-in Domain API is read-only.', { headers: { Allow: 'GET' } });
  }
  if (path === '/api/domain/currentmodel') return { body: currentModel() };
  if (!path.startsWith('/api/domain/odata/')) throw new DomainError(404, 'NotFound', `Resource not found: '${path}'.`);
  requireScope(payload, 'read');
  const rest = decodeURIComponent(path.slice('/api/domain/odata/'.length));

  if (rest === '') {
    return {
      body: {
        '@odata.context': `${root}$metadata`,
        value: Object.keys(entitySets).map((name) => ({ name, kind: 'EntitySet', url: name })),
      },
    };
  }
  if (rest === '$metadata') return { xml: metadataXml() };

  const release = await admit(token);
  try {
    if (control.delayMs) await new Promise((r) => setTimeout(r, control.delayMs));
    return { body: query(url, rest, root) };
  } finally {
    release();
  }
}

/** Node request handler for /api/domain/* (CORS is added by the caller). */
export async function handleDomainApi(req, res, url, opts) {
  let status = 200;
  let headers = {};
  let body;
  let xml;
  // The browser closed the connection before the answer (an AbortController, a page left).
  let closedEarly = false;
  res.on('close', () => { if (!res.writableFinished) closedEarly = true; });
  try {
    ({ body, xml, headers = {} } = await serve(req, url, opts));
  } catch (err) {
    if (!(err instanceof DomainError)) {
      console.error('Domain API error:', err);
      err = new DomainError(500, 0, 'Internal server error.', { shape: 'erpnet' });
    }
    ({ status, headers } = err);
    body = err.body();
  }
  if (closedEarly || res.destroyed) {
    stats.aborted += 1;
    return;
  }
  // Retry-After must be readable by the app across origins (the caller exposes the others).
  if (res.getHeader('Access-Control-Allow-Origin')) {
    res.setHeader('Access-Control-Expose-Headers', 'WWW-Authenticate, OData-Version, Preference-Applied, Retry-After');
  }
  const text = xml ?? JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': xml ? 'application/xml; charset=utf-8' : 'application/json; odata.metadata=minimal; charset=utf-8',
    'OData-Version': '4.0',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(req.method === 'HEAD' ? undefined : text);
}
