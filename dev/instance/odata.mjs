// A tiny read-only OData v4 JSON service standing in for the ERP.net Domain API.
// It demands a real bearer token: a JWT access token signed by the stand-in's provider.

import { jwtVerify, createLocalJWKSet, errors as joseErrors } from 'jose';
import { entitySets } from './data.mjs';

export const PAGE_SIZE = 10;
export const AUDIENCE = 'DomainAPI';

class ODataError extends Error {
  constructor(status, code, message, headers = {}) {
    super(message);
    Object.assign(this, { status, code, headers });
  }
}

/**
 * Validates `Authorization: Bearer <jwt>`: signature by one of the provider's keys, issuer,
 * audience, expiry and the `at+jwt` type. Returns the payload or throws a 401 ODataError.
 */
async function authenticate(req, { issuer, publicJwks }) {
  const header = req.headers.authorization || '';
  const m = /^Bearer[ ]+([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
  if (!m) {
    throw new ODataError(401, 'Unauthorized', 'A bearer access token is required.', {
      // RFC 6750 would allow omitting the error code when no credentials were sent; the
      // contract asks for invalid_token for missing and bad tokens alike.
      'WWW-Authenticate': 'Bearer error="invalid_token"',
    });
  }
  try {
    const { payload } = await jwtVerify(m[1], createLocalJWKSet(publicJwks), {
      issuer,
      audience: AUDIENCE,
      typ: 'at+jwt',
      algorithms: ['RS256', 'ES256'],
    });
    return payload;
  } catch (err) {
    const why = err instanceof joseErrors.JWTExpired ? 'the access token expired' : 'the access token is invalid';
    throw new ODataError(401, 'Unauthorized', `Unauthorized: ${why}.`, {
      'WWW-Authenticate': 'Bearer error="invalid_token"',
    });
  }
}

function requireScope(payload, scope) {
  const scopes = new Set(String(payload.scope || '').split(' '));
  if (!scopes.has(scope)) {
    throw new ODataError(403, 'Forbidden', `The access token lacks the required scope '${scope}'.`, {
      'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${scope}"`,
    });
  }
}

/** Parses `A eq 'x' and B eq 12 and C eq true` into [[field, value], ...]. */
function parseFilter(text, sample) {
  const fields = Object.keys(sample);
  const term = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s+eq\s+('(?:[^']|'')*'|-?\d+(?:\.\d+)?|true|false|null)\s*/;
  const out = [];
  let rest = text;
  for (;;) {
    const m = term.exec(rest);
    if (!m) throw new ODataError(400, 'BadRequest', `Unsupported or malformed $filter: ${text}`);
    const [, field, lit] = m;
    if (!fields.includes(field)) throw new ODataError(400, 'BadRequest', `Unknown property '${field}' in $filter.`);
    let value;
    if (lit.startsWith("'")) value = lit.slice(1, -1).replace(/''/g, "'");
    else if (lit === 'true' || lit === 'false') value = lit === 'true';
    else if (lit === 'null') value = null;
    else value = Number(lit);
    if (value !== null && typeof value !== typeof sample[field]) {
      throw new ODataError(400, 'BadRequest', `Incompatible literal for property '${field}' in $filter.`);
    }
    out.push([field, value]);
    rest = rest.slice(m[0].length);
    if (rest === '') return out;
    const and = /^and\s+/.exec(rest);
    if (!and) throw new ODataError(400, 'BadRequest', `Unsupported or malformed $filter: ${text}`);
    rest = rest.slice(and[0].length);
  }
}

function nonNegativeInt(name, value) {
  if (value === null) return undefined;
  if (!/^\d+$/.test(value)) throw new ODataError(400, 'BadRequest', `Invalid value for ${name}: '${value}'.`);
  return Number(value);
}

function project(row, select) {
  if (!select) return row;
  return Object.fromEntries(select.map((f) => [f, row[f]]));
}

/** Handles one request whose path starts with /api/domain/odata/. Returns {status, headers, body}. */
async function serve(req, url, opts) {
  const root = `${opts.base}/api/domain/odata/`;
  const rest = decodeURIComponent(url.pathname.slice('/api/domain/odata/'.length));

  const token = await authenticate(req, opts);
  requireScope(token, 'read');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    throw new ODataError(405, 'MethodNotAllowed', 'This stand-in Domain API is read-only.', { Allow: 'GET' });
  }

  // Service document.
  if (rest === '') {
    return {
      body: {
        '@odata.context': `${root}$metadata`,
        value: Object.keys(entitySets).map((name) => ({ name, kind: 'EntitySet', url: name })),
      },
    };
  }

  // EntitySet or EntitySet(<key>) / EntitySet('<key>')
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\((?:'([^']*)'|([0-9a-fA-F-]{36}))\))?$/.exec(rest);
  const rows = m && Object.hasOwn(entitySets, m[1]) ? entitySets[m[1]] : undefined;
  if (!rows) throw new ODataError(404, 'NotFound', `Resource not found for the segment '${rest}'.`);
  const [, setName, quotedKey, bareKey] = m;
  const fields = Object.keys(rows[0]);
  const q = url.searchParams;

  let select;
  if (q.get('$select') !== null) {
    select = q.get('$select').split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = select.find((f) => !fields.includes(f));
    if (unknown) throw new ODataError(400, 'BadRequest', `Unknown property '${unknown}' in $select.`);
  }
  const context = `${root}$metadata#${setName}${select ? `(${select.join(',')})` : ''}`;

  const key = quotedKey ?? bareKey;
  if (key !== undefined) {
    const row = rows.find((r) => r.Id.toLowerCase() === key.toLowerCase());
    if (!row) throw new ODataError(404, 'NotFound', `No ${setName} entity with key '${key}'.`);
    return { body: { '@odata.context': `${context}/$entity`, ...project(row, select) } };
  }

  let result = rows;
  if (q.get('$filter') !== null) {
    const terms = parseFilter(q.get('$filter'), rows[0]);
    result = result.filter((r) => terms.every(([f, v]) => r[f] === v));
  }
  const top = nonNegativeInt('$top', q.get('$top'));
  const skip = nonNegativeInt('$skip', q.get('$skip')) ?? 0;
  const count = q.get('$count') === 'true' ? result.length : undefined;

  // Server-driven paging: at most PAGE_SIZE rows (or a smaller odata.maxpagesize preference).
  const pref = /odata\.maxpagesize=(\d+)/.exec(req.headers.prefer || '');
  const pageSize = pref ? Math.max(1, Math.min(PAGE_SIZE, Number(pref[1]))) : PAGE_SIZE;
  const wanted = Math.min(result.length, top === undefined ? Infinity : skip + top);
  const end = Math.min(wanted, skip + pageSize);
  const page = result.slice(skip, end);

  const body = { '@odata.context': context };
  if (count !== undefined) body['@odata.count'] = count;
  body.value = page.map((r) => project(r, select));
  if (end < wanted) {
    const next = new URL(`${root}${setName}`);
    for (const [k, v] of q) if (k !== '$skip' && k !== '$top') next.searchParams.append(k, v);
    if (top !== undefined) next.searchParams.set('$top', String(top - (end - skip)));
    next.searchParams.set('$skip', String(end));
    body['@odata.nextLink'] = next.href;
  }
  return { body, headers: pref ? { 'Preference-Applied': `odata.maxpagesize=${pageSize}` } : {} };
}

/** Node request handler for the Domain API (CORS is added by the caller). */
export async function handleDomainApi(req, res, url, opts) {
  let status = 200;
  let headers = {};
  let body;
  try {
    ({ body, headers = {} } = await serve(req, url, opts));
  } catch (err) {
    if (!(err instanceof ODataError)) {
      console.error('Domain API error:', err);
      err = new ODataError(500, 'InternalServerError', 'Internal server error.');
    }
    ({ status, headers } = err);
    body = { error: { code: err.code, message: err.message } };
  }
  const json = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; odata.metadata=minimal; charset=utf-8',
    'OData-Version': '4.0',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(json),
  });
  res.end(req.method === 'HEAD' ? undefined : json);
}
