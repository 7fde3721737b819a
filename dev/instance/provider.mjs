// The stand-in's Identity Server: a small OpenID Provider written to answer the way ERP.net's
// Instance ID (IdentityServer4 4.1.x) does, mounted at <base>/id. The IdentityServer4 source
// file behind each behaviour is named next to it (paths under src/IdentityServer4/src/ at tag
// 4.1.2). Everything is in memory and made new on every start. Only node:crypto is used.

import {
  createHash, generateKeyPairSync, randomBytes, sign, verify, timingSafeEqual,
} from 'node:crypto';
import { userBySub, users } from './data.mjs';
import { AUDIENCE } from './odata.mjs';
import {
  checkSessionPage, errorPage, loggedOutPage, loginPage, logoutPromptPage, newNonce, securityHeaders,
} from './pages.mjs';

/** Identity scopes and the user claims each releases (IdentityResources.OpenId/Profile/Email). */
const IDENTITY_SCOPES = {
  openid: ['sub'],
  profile: ['name', 'family_name', 'given_name', 'middle_name', 'nickname', 'preferred_username',
    'profile', 'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at'],
  email: ['email', 'email_verified'],
};
/** API scopes of the Domain API. */
const API_SCOPES = ['read', 'update'];
const OFFLINE = 'offline_access';
/** The five errors AuthorizeResult.ProcessErrorAsync sends back to the client ("safe" errors). */
const SAFE_ERRORS = new Set(['access_denied', 'account_selection_required', 'login_required', 'consent_required', 'interaction_required']);
const AUTH_COOKIE = 'idsrv';
const SESSION_COOKIE = 'idsrv.session';
const CODE_TTL = 300; // Client.AuthorizationCodeLifetime default

/** IdentityModel CryptoRandom.CreateUniqueId(n, Hex): 2n upper-case hex digits. */
const hexId = (bytes = 16) => randomBytes(bytes).toString('hex').toUpperCase();
const b64url = (buf) => Buffer.from(buf).toString('base64url');
const sha256 = (s) => createHash('sha256').update(s).digest();
/** at_hash / s_hash (CryptoHelper.CreateHashClaimValue for RS256): left half of SHA-256. */
const halfHash = (s) => b64url(sha256(Buffer.from(s, 'ascii')).subarray(0, 16));
const nowSeconds = () => Math.floor(Date.now() / 1000);

function equalStrings(a, b) {
  const x = sha256(String(a));
  const y = sha256(String(b));
  return timingSafeEqual(x, y) && String(a) === String(b);
}

function parseCookies(header = '') {
  const out = {};
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

/** A request body as text, at most `limit` bytes (also the control API's, in server.mjs). */
export async function readBody(req, limit = 64 * 1024) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readForm(req) {
  return new URLSearchParams(await readBody(req));
}

function isForm(req) {
  return /^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] || '');
}

/**
 * @param {object} o
 * @param {string} o.base        e.g. http://127.0.0.1:8400
 * @param {string[]} o.appBases  app base URLs, each ending in '/'
 * @param {string} o.clientId
 * @param {object} o.settings    the live switches (settings.mjs)
 */
export async function createProvider({ base, appBases, clientId, settings }) {
  const issuer = `${base}/id`;
  const appOrigins = [...new Set(appBases.map((b) => new URL(b).origin))];
  const client = {
    clientId,
    clientName: 'ERP.net SPA (local)',
    redirectUris: appBases.map((b) => `${b}signin-callback`),
    postLogoutRedirectUris: [...appBases],
    allowedScopes: () => [...Object.keys(IDENTITY_SCOPES), ...API_SCOPES, ...(settings.refreshTokens ? [OFFLINE] : [])],
  };

  // One RSA key like AddSigningCredential(RsaSecurityKey): a 32-hex kid, no certificate, so
  // neither JWT headers nor the JWKS carry x5t/x5c (the seed tokens have no x5t either).
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = hexId(16);
  const { n, e } = publicKey.export({ format: 'jwk' });
  // DiscoveryResponseGenerator.CreateJwkDocumentAsync field order for an RsaSecurityKey.
  const publicJwks = { keys: [{ kty: 'RSA', use: 'sig', kid, e, n, alg: 'RS256' }] };

  function signJwt(typ, payload) {
    const head = b64url(JSON.stringify({ alg: 'RS256', kid, typ }));
    const body = b64url(JSON.stringify(payload));
    const sig = sign('sha256', Buffer.from(`${head}.${body}`), privateKey);
    return `${head}.${body}.${b64url(sig)}`;
  }

  /** Signature, kid and typ only (times are the caller's business). Null when invalid. */
  function verifyJwt(token, typ) {
    const parts = String(token || '').split('.');
    if (parts.length !== 3) return null;
    try {
      const header = JSON.parse(Buffer.from(parts[0], 'base64url'));
      if (header.alg !== 'RS256' || header.kid !== kid || header.typ !== typ) return null;
      const ok = verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), publicKey, Buffer.from(parts[2], 'base64url'));
      return ok ? JSON.parse(Buffer.from(parts[1], 'base64url')) : null;
    } catch {
      return null;
    }
  }

  // ------------------------------------------------------------ stores

  const sessions = new Map(); // auth cookie value -> { sub, sid, authTime, clients:Set }
  const codes = new Map(); // code -> grant
  const refreshTokens = new Map(); // handle -> { ..., expiresAt, consumed }
  const errors = new Map(); // errorId -> { error, error_description, requestId }
  const logouts = new Map(); // logoutId -> { postLogoutRedirectUri, state, validHint }

  function remember(map, key, value, ttlSeconds) {
    map.set(key, value);
    setTimeout(() => map.delete(key), ttlSeconds * 1000).unref();
  }

  function currentSession(req) {
    const key = parseCookies(req.headers.cookie)[AUTH_COOKIE];
    const s = key && sessions.get(key);
    return s ? { key, ...s, entry: s } : null;
  }

  function cookieAttrs() {
    // Chromium (verified with 156) stores SameSite=None; Secure cookies from http://127.0.0.1
    // and http://localhost (loopback counts as secure); without Secure it drops them.
    return settings.cookieSameSite === 'None' ? 'Path=/id; SameSite=None; Secure' : 'Path=/id; SameSite=Lax';
  }

  function sessionCookies(key, sid) {
    return [`${AUTH_COOKIE}=${key}; ${cookieAttrs()}; HttpOnly`, `${SESSION_COOKIE}=${sid}; ${cookieAttrs()}`];
  }

  function clearCookies() {
    const gone = 'Expires=Thu, 01 Jan 1970 00:00:00 GMT';
    return [`${AUTH_COOKIE}=; ${cookieAttrs()}; HttpOnly; ${gone}`, `${SESSION_COOKIE}=; ${cookieAttrs()}; ${gone}`];
  }

  // ------------------------------------------------------------ responses

  function pageHeaders(extra = {}) {
    return { ...securityHeaders({ formOrigins: appOrigins, coop: settings.coop }), ...extra };
  }

  function redirect(res, location, headers = {}) {
    res.writeHead(302, { ...pageHeaders(), ...headers, Location: location });
    res.end();
  }

  function html(res, status, body, headers = {}) {
    res.writeHead(status, { ...pageHeaders(), ...headers, 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }

  function json(res, status, body, headers = {}) {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=UTF-8',
      'Cache-Control': 'no-store, no-cache, max-age=0',
      Pragma: 'no-cache',
      'Content-Length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  }

  /**
   * CORS as IdentityServer4's CorsPolicyProvider builds it for an allowed origin on its CORS
   * paths: origin echoed, any method and header, no credentials, no exposed headers (so `Date`
   * is not readable unless the exposeDate switch adds it). Returns true for a preflight.
   */
  function cors(req, res) {
    const origin = req.headers.origin;
    res.setHeader('Vary', 'Origin');
    if (!origin || !appOrigins.includes(origin)) return req.method === 'OPTIONS';
    res.setHeader('Access-Control-Allow-Origin', origin);
    if (settings.exposeDate) res.setHeader('Access-Control-Expose-Headers', 'Date');
    if (req.method === 'OPTIONS') {
      const m = req.headers['access-control-request-method'];
      const h = req.headers['access-control-request-headers'];
      if (m) res.setHeader('Access-Control-Allow-Methods', m);
      if (h) res.setHeader('Access-Control-Allow-Headers', h);
    }
    return req.method === 'OPTIONS';
  }

  // ------------------------------------------------------------ discovery

  function discovery() {
    const doc = {
      issuer,
      jwks_uri: `${issuer}/.well-known/openid-configuration/jwks`,
      authorization_endpoint: `${issuer}/connect/authorize`,
      token_endpoint: `${issuer}/connect/token`,
      userinfo_endpoint: `${issuer}/connect/userinfo`,
      end_session_endpoint: `${issuer}/connect/endsession`,
      check_session_iframe: `${issuer}/connect/checksession`,
      revocation_endpoint: `${issuer}/connect/revocation`,
      frontchannel_logout_supported: true,
      frontchannel_logout_session_supported: true,
      backchannel_logout_supported: true,
      backchannel_logout_session_supported: true,
      scopes_supported: [...Object.keys(IDENTITY_SCOPES), ...API_SCOPES, OFFLINE],
      claims_supported: [...new Set(Object.values(IDENTITY_SCOPES).flat())],
      grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token', 'implicit'],
      response_types_supported: ['code', 'token', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'],
      response_modes_supported: ['form_post', 'query', 'fragment'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      id_token_signing_alg_values_supported: ['RS256'],
      subject_types_supported: ['public'],
      code_challenge_methods_supported: ['plain', 'S256'],
      request_parameter_supported: true,
    };
    if (settings.iss) doc.authorization_response_iss_parameter_supported = true;
    return doc;
  }

  // ------------------------------------------------------------ authorize

  /** AuthorizeResult.RedirectToErrorPageAsync: the error stays on the Instance ID. */
  function toErrorPage(res, error, description) {
    const id = hexId(16);
    remember(errors, id, { error, error_description: description, requestId: hexId(8) }, 600);
    return redirect(res, `/id/home/error?errorId=${id}`);
  }

  /** AuthorizeResult.BuildRedirectUri (+ RFC 9207 iss when that switch is on). */
  function authorizeRedirect(res, request, { code, error, description, sessionState }) {
    // AuthorizeResponseExtensions.ToNameValueCollection order.
    const pairs = error ? [['error', error]] : [['code', code]];
    if (error && description) pairs.push(['error_description', description]);
    if (request.state) pairs.push(['state', request.state]);
    if (sessionState) pairs.push(['session_state', sessionState]);
    if (settings.iss) pairs.push(['iss', issuer]);
    const query = new URLSearchParams(pairs).toString();
    let uri = request.redirectUri;
    if (request.responseMode === 'fragment') uri += `#${query}`;
    else uri += (uri.includes('?') ? '&' : '?') + query;
    if (error && !uri.includes('#')) uri += '#_=_'; // draft-bradley-oauth-open-redirector-00
    return redirect(res, uri);
  }

  function authorizeError(res, request, error, description) {
    if (SAFE_ERRORS.has(error)) return authorizeRedirect(res, request, { error, description });
    return toErrorPage(res, error, description);
  }

  /** AuthorizeRequestValidator, reduced to what a public code+PKCE client can meet. */
  function validateAuthorize(q) {
    const fail = (error, description) => ({ error, description });
    const id = q.get('client_id');
    if (!id) return fail('invalid_request', 'client_id is missing');
    if (id !== client.clientId) return fail('unauthorized_client', 'Unknown client or client not enabled');
    const redirectUri = q.get('redirect_uri');
    if (!redirectUri || !client.redirectUris.includes(redirectUri)) return fail('invalid_request', 'Invalid redirect_uri');
    const request = { redirectUri, state: q.get('state') || undefined, responseMode: 'query' };
    const out = (error, description) => ({ error, description, request });
    const responseMode = q.get('response_mode');
    if (responseMode) {
      if (!['query', 'fragment'].includes(responseMode)) return out('unsupported_response_mode', 'Invalid response_mode');
      request.responseMode = responseMode;
    }
    const responseType = q.get('response_type');
    if (!responseType) return out('unsupported_response_type', 'Missing response_type');
    if (responseType !== 'code') return out('unauthorized_client', 'Invalid grant type for client');
    const scopeParam = q.get('scope');
    if (!scopeParam) return out('invalid_scope', 'Missing scope');
    const scopes = [...new Set(scopeParam.split(' ').filter(Boolean))];
    const allowed = client.allowedScopes();
    const bad = scopes.filter((s) => !allowed.includes(s));
    if (bad.length) return out('invalid_scope', `Invalid scope: ${bad.join(' ')}`);
    // PKCE: Client.RequirePkce is true and AllowPlainTextPkce false by default in 4.x.
    const challenge = q.get('code_challenge');
    if (!challenge) return out('invalid_request', 'code challenge required');
    if (challenge.length < 43 || challenge.length > 128) return out('invalid_request', 'code_challenge is either too short or too long');
    const method = q.get('code_challenge_method') || 'plain';
    if (!['plain', 'S256'].includes(method)) return out('invalid_request', 'Transform algorithm not supported');
    if (method === 'plain') return out('invalid_request', 'Transform algorithm not supported');
    const prompt = (q.get('prompt') || '').split(' ').filter(Boolean);
    if (prompt.some((p) => !['none', 'login', 'consent', 'select_account'].includes(p))) return out('invalid_request', 'Invalid prompt');
    if (prompt.includes('none') && prompt.length > 1) return out('invalid_request', 'Invalid prompt');
    const maxAgeRaw = q.get('max_age');
    let maxAge = null;
    if (maxAgeRaw !== null) {
      maxAge = Number(maxAgeRaw);
      if (!Number.isSafeInteger(maxAge) || maxAge < 0) return out('invalid_request', 'Invalid max_age.');
    }
    Object.assign(request, {
      scopes, challenge, prompt, maxAge, nonce: q.get('nonce') || undefined, loginHint: q.get('login_hint') || '',
    });
    return { request };
  }

  async function handleAuthorize(req, res, url) {
    let q = url.searchParams;
    if (req.method === 'POST') {
      if (!isForm(req)) return toErrorPage(res, 'invalid_request', 'Invalid form');
      q = await readForm(req);
    } else if (req.method !== 'GET') {
      res.writeHead(405, { Allow: 'GET, POST' });
      return res.end();
    }
    const v = validateAuthorize(q);
    if (!v.request || (v.error && !v.request.redirectUri)) return toErrorPage(res, v.error, v.description);
    if (v.error) return authorizeError(res, v.request, v.error, v.description);
    const { request } = v;
    const isCallback = url.pathname.endsWith('/callback');

    if (settings.deny) return authorizeError(res, request, 'access_denied', 'The user denied the request');
    if (request.prompt.includes('none') && settings.promptNoneError) {
      return authorizeError(res, request, settings.promptNoneError);
    }

    // AuthorizeInteractionResponseGenerator.ProcessLoginAsync
    const session = currentSession(req);
    const tooOld = session && request.maxAge !== null && nowSeconds() - session.authTime > request.maxAge;
    const wantsLogin = !isCallback && (request.prompt.includes('login') || request.prompt.includes('select_account'));
    if (!session || tooOld || wantsLogin) {
      if (request.prompt.includes('none')) return authorizeError(res, request, 'login_required');
      // The return URL drops prompt (IdentityServer4 RemovePrompt) so the login is not repeated.
      const back = new URLSearchParams(q);
      back.delete('prompt');
      const returnUrl = `/id/connect/authorize/callback?${back}`;
      return redirect(res, `/id/Account/Login?ReturnUrl=${encodeURIComponent(returnUrl)}`);
    }

    // AuthorizeResponseGenerator.CreateCodeFlowResponseAsync: code + session_state, no scope.
    const code = hexId(32);
    remember(codes, code, {
      clientId: client.clientId,
      redirectUri: request.redirectUri,
      scopes: request.scopes,
      nonce: request.nonce,
      stateHash: request.state ? halfHash(request.state) : undefined,
      challenge: request.challenge,
      sub: session.sub,
      sid: session.sid,
      authTime: session.authTime,
      expiresAt: nowSeconds() + CODE_TTL,
    }, CODE_TTL);
    session.entry.clients.add(client.clientId);
    const origin = new URL(request.redirectUri).origin;
    const salt = hexId(16);
    const sessionState = `${b64url(sha256(client.clientId + origin + session.sid + salt))}.${salt}`;
    return authorizeRedirect(res, request, { code, sessionState });
  }

  // ------------------------------------------------------------ login page

  function safeReturnUrl(value) {
    return typeof value === 'string' && value.startsWith('/id/connect/authorize/callback?') ? value : null;
  }

  async function handleLogin(req, res, url) {
    const cancel = url.pathname === '/id/Account/Login/Cancel';
    let form = url.searchParams;
    if (req.method === 'POST') form = await readForm(req);
    const returnUrl = safeReturnUrl(form.get('ReturnUrl'));
    if (!returnUrl) return toErrorPage(res, 'invalid_request', 'The sign-in request is missing or invalid. Start again from the application.');
    const original = new URL(returnUrl, base).searchParams;
    const v = validateAuthorize(original);
    if (v.error || !v.request) return toErrorPage(res, v.error || 'invalid_request', v.description);
    if (cancel) return authorizeError(res, v.request, 'access_denied'); // interaction.DenyAuthorizationAsync
    const page = (extra = {}) => loginPage({
      action: '/id/Account/Login',
      returnUrl,
      cancelUrl: `/id/Account/Login/Cancel?ReturnUrl=${encodeURIComponent(returnUrl)}`,
      clientName: client.clientName,
      login: v.request.loginHint,
      ...extra,
    });
    if (req.method === 'GET') return html(res, 200, page());
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'GET, POST' });
      return res.end();
    }
    const login = (form.get('login') || '').trim();
    const user = users.get(login.toLowerCase());
    const password = form.get('password') || '';
    if (!user || !equalStrings(password, user.password)) {
      return html(res, 200, page({ login, error: 'Invalid user name or password.' }));
    }
    // Same user again keeps the session (and sid); another user gets a new one.
    const existing = currentSession(req);
    let key;
    let sid;
    if (existing && existing.sub === user.sub) {
      ({ key, sid } = existing);
      existing.entry.authTime = nowSeconds();
    } else {
      if (existing) sessions.delete(existing.key);
      key = b64url(randomBytes(32));
      sid = hexId(16);
      sessions.set(key, { sub: user.sub, sid, authTime: nowSeconds(), clients: new Set() });
    }
    return redirect(res, returnUrl, { 'Set-Cookie': sessionCookies(key, sid) });
  }

  // ------------------------------------------------------------ tokens

  function accessTokenPayload(grant, iat) {
    const user = userBySub(grant.sub);
    const p = {
      nbf: iat,
      exp: iat + settings.accessTokenTtl,
      iss: issuer,
      aud: [AUDIENCE, `${issuer}/resources`],
      client_id: grant.clientId,
      sub: grant.sub,
      auth_time: grant.authTime,
      idp: 'local',
    };
    if (user && grant.scopes.includes('profile')) p.name = user.name;
    if (user && grant.scopes.includes('email')) p.email = user.email;
    p.jti = grant.jti;
    if (grant.sid) p.sid = grant.sid;
    p.iat = iat;
    // IdentityServer4 emits a JSON array; the stand-in's Domain API reads a space-separated
    // string (odata.mjs), so it stays a string here.
    p.scope = grant.scopes.join(' ');
    p.amr = ['pwd'];
    return p;
  }

  /** DefaultTokenService.CreateIdentityTokenAsync + TokenExtensions.CreateJwtPayload order. */
  function idTokenPayload(grant, iat, accessToken, { nonce, stateHash, sid }) {
    const p = { nbf: iat, exp: iat + settings.idTokenTtl, iss: issuer, aud: grant.clientId };
    if (nonce) p.nonce = nonce;
    p.iat = iat;
    p.at_hash = halfHash(accessToken);
    if (stateHash) p.s_hash = stateHash;
    if (sid) p.sid = sid;
    p.sub = grant.sub;
    p.auth_time = grant.authTime;
    p.idp = 'local';
    p.amr = ['pwd'];
    return p;
  }

  function tokenError(res, error, description) {
    return json(res, 400, description ? { error, error_description: description } : { error });
  }

  function newRefreshToken(grant, expiresAt) {
    const handle = hexId(32);
    refreshTokens.set(handle, { ...grant, expiresAt, consumed: false });
    return handle;
  }

  async function handleToken(req, res, logEntry) {
    if (req.method !== 'POST' || !isForm(req)) return tokenError(res, 'invalid_request');
    const form = await readForm(req);
    const grantType = form.get('grant_type');
    if (logEntry) logEntry.form = Object.fromEntries([...form.keys()].map((k) => [k, k === 'grant_type' ? grantType : true]));
    // Public client: client_id in the body (PostBodySecretParser); RequireClientSecret is
    // false, so a secret, if sent, is not checked.
    if (form.get('client_id') !== client.clientId) return tokenError(res, 'invalid_client');
    const iat = nowSeconds();

    if (grantType === 'authorization_code') {
      const code = form.get('code');
      if (!code) return tokenError(res, 'invalid_grant');
      const grant = codes.get(code);
      codes.delete(code); // one use, whatever happens next
      if (!grant || grant.expiresAt < iat || grant.clientId !== client.clientId) return tokenError(res, 'invalid_grant');
      if (form.get('redirect_uri') !== grant.redirectUri) return tokenError(res, 'invalid_grant');
      const verifier = form.get('code_verifier');
      if (!verifier || verifier.length < 43 || verifier.length > 128 || !/^[A-Za-z0-9._~-]+$/.test(verifier)) return tokenError(res, 'invalid_grant');
      if (!equalStrings(b64url(sha256(Buffer.from(verifier, 'ascii'))), grant.challenge)) return tokenError(res, 'invalid_grant');
      const full = { ...grant, jti: hexId(16) };
      const accessToken = signJwt('at+jwt', accessTokenPayload(full, iat));
      const body = {};
      if (grant.scopes.includes('openid')) {
        body.id_token = signJwt('JWT', idTokenPayload(full, iat, accessToken, grant));
      }
      Object.assign(body, { access_token: accessToken, expires_in: settings.accessTokenTtl, token_type: 'Bearer' });
      if (grant.scopes.includes(OFFLINE) && settings.refreshTokens) {
        const { nonce, stateHash, challenge, redirectUri, expiresAt, ...keep } = full;
        body.refresh_token = newRefreshToken(keep, iat + settings.refreshTokenTtl);
      }
      body.scope = grant.scopes.join(' ');
      return json(res, 200, body);
    }

    if (grantType === 'refresh_token') {
      const handle = form.get('refresh_token');
      if (!handle) return tokenError(res, 'invalid_request');
      const rt = refreshTokens.get(handle);
      // DefaultRefreshTokenService.ValidateRefreshTokenAsync: unknown, expired, other client,
      // offline access no longer allowed, or consumed (OneTimeOnly) -> invalid_grant.
      if (!rt || rt.expiresAt <= iat || rt.clientId !== client.clientId || !settings.refreshTokens || rt.consumed) {
        return tokenError(res, 'invalid_grant');
      }
      rt.consumed = true;
      // TokenResponseGenerator.ProcessRefreshTokenRequestAsync: the old access token re-issued
      // with new times; an ID token without nonce, s_hash or sid; a new handle with the SAME
      // absolute expiry (RefreshTokenExpiration.Absolute).
      const accessToken = signJwt('at+jwt', accessTokenPayload(rt, iat));
      const body = {};
      if (rt.scopes.includes('openid')) body.id_token = signJwt('JWT', idTokenPayload(rt, iat, accessToken, {}));
      const { consumed, expiresAt, ...keep } = rt;
      Object.assign(body, {
        access_token: accessToken,
        expires_in: settings.accessTokenTtl,
        token_type: 'Bearer',
        refresh_token: newRefreshToken(keep, rt.expiresAt),
        scope: rt.scopes.join(' '),
      });
      return json(res, 200, body);
    }

    if (!grantType) return tokenError(res, 'invalid_request');
    return tokenError(res, 'unsupported_grant_type');
  }

  // ------------------------------------------------------------ userinfo

  /**
   * Validates a bearer access token the way the userinfo endpoint does (times included):
   * { payload } or { expired: true } or null.
   */
  function checkAccessToken(token) {
    const p = verifyJwt(token, 'at+jwt');
    const t = nowSeconds();
    if (!p || p.iss !== issuer || (p.nbf && p.nbf > t)) return null;
    return p.exp > t ? { payload: p } : { expired: true };
  }

  async function handleUserinfo(req, res) {
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.writeHead(405, { Allow: 'GET, POST' });
      return res.end();
    }
    let token = null;
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization || '');
    if (m) token = m[1];
    else if (req.method === 'POST' && isForm(req)) token = (await readForm(req)).get('access_token');
    // ProtectedResourceErrorResult: 401 + WWW-Authenticate for a missing or invalid token.
    const unauthorized = (description) => {
      const h = `Bearer realm="IdentityServer", error="invalid_token"${description ? `, error_description="${description}"` : ''}`;
      res.writeHead(401, { 'WWW-Authenticate': h, 'Cache-Control': 'no-store' });
      res.end();
    };
    if (!token) return unauthorized();
    const checked = checkAccessToken(token);
    // ExpiredToken becomes invalid_token + "The access token expired" (ProtectedResourceErrorResult).
    if (!checked?.payload) return unauthorized(checked?.expired ? 'The access token expired' : undefined);
    const p = checked.payload;
    const scopes = String(p.scope || '').split(' ');
    if (!scopes.includes('openid')) {
      res.writeHead(403, { 'WWW-Authenticate': 'Bearer realm="IdentityServer", error="insufficient_scope"' });
      return res.end();
    }
    const user = userBySub(p.sub);
    if (!user) return unauthorized();
    const out = { sub: user.sub };
    if (scopes.includes('profile')) out.name = user.name;
    if (scopes.includes('email')) Object.assign(out, { email: user.email, email_verified: false });
    return json(res, 200, out);
  }

  // ------------------------------------------------------------ revocation

  async function handleRevocation(req, res, logEntry) {
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'POST' });
      return res.end();
    }
    if (!isForm(req)) {
      res.writeHead(415);
      return res.end();
    }
    const form = await readForm(req);
    if (logEntry) logEntry.form = Object.fromEntries([...form.keys()].map((k) => [k, k === 'token_type_hint' ? form.get(k) : true]));
    if (form.get('client_id') !== client.clientId) return json(res, 400, { error: 'invalid_client' });
    const token = form.get('token');
    if (!token) return json(res, 400, { error: 'invalid_request' });
    const hint = form.get('token_type_hint');
    if (hint && hint !== 'access_token' && hint !== 'refresh_token') return json(res, 400, { error: 'unsupported_token_type' });
    // JWT access tokens cannot be revoked (only reference tokens); unknown tokens are fine.
    refreshTokens.delete(token);
    res.writeHead(200, { 'Content-Length': 0 });
    return res.end();
  }

  // ------------------------------------------------------------ end session

  /** EndSessionRequestValidator.ValidateAsync. */
  function validateEndSession(params, session) {
    const out = { validHint: false, postLogoutRedirectUri: null, state: null };
    const hint = params.get('id_token_hint');
    if (!hint) return out;
    const p = verifyJwt(hint, 'JWT'); // lifetime NOT validated
    if (!p || p.iss !== issuer || p.aud !== client.clientId) return out;
    if (session && p.sub && p.sub !== session.sub) return out; // "Current user does not match identity token"
    out.validHint = true;
    const uri = params.get('post_logout_redirect_uri');
    if (uri && client.postLogoutRedirectUris.includes(uri)) {
      out.postLogoutRedirectUri = uri;
      out.state = params.get('state') || null;
    }
    return out;
  }

  async function handleEndSession(req, res) {
    let params = new URL(req.url, base).searchParams;
    if (req.method === 'POST') params = await readForm(req);
    else if (req.method !== 'GET') {
      res.writeHead(405, { Allow: 'GET, POST' });
      return res.end();
    }
    const result = validateEndSession(params, currentSession(req));
    const logoutId = hexId(16);
    remember(logouts, logoutId, result, 600);
    return redirect(res, `/id/Account/Logout?logoutId=${logoutId}`);
  }

  function signOut(req) {
    const s = currentSession(req);
    if (s) sessions.delete(s.key);
    return clearCookies();
  }

  /** Quickstart AccountController.Logout (GET shows or skips the prompt, POST signs out). */
  async function handleLogout(req, res, url) {
    let logoutId = url.searchParams.get('logoutId');
    if (req.method === 'POST') logoutId = (await readForm(req)).get('logoutId');
    const ctx = (logoutId && logouts.get(logoutId)) || { validHint: false, postLogoutRedirectUri: null, state: null };
    const session = currentSession(req);
    const finish = () => {
      const cookies = signOut(req);
      if (logoutId) logouts.delete(logoutId);
      if (ctx.postLogoutRedirectUri) {
        const u = new URL(ctx.postLogoutRedirectUri);
        if (ctx.state) u.searchParams.set('state', ctx.state);
        if (settings.logoutAutoRedirect) return redirect(res, u.href, { 'Set-Cookie': cookies });
        // Quickstart LoggedOut view with AutomaticRedirectAfterSignOut = false: a link only.
        return html(res, 200, loggedOutPage({ returnUrl: u.href, clientName: client.clientName }), { 'Set-Cookie': cookies });
      }
      return html(res, 200, loggedOutPage(), { 'Set-Cookie': cookies });
    };
    if (req.method === 'POST') {
      // The prompt's form must come from a logout started here (stands in for antiforgery).
      if (!logoutId || !logouts.has(logoutId)) return toErrorPage(res, 'invalid_request', 'Unknown sign-out request.');
      return finish();
    }
    if (req.method !== 'GET') {
      res.writeHead(405, { Allow: 'GET, POST' });
      return res.end();
    }
    // Ask when someone is signed in and the request was not authenticated by a valid
    // id_token_hint (LogoutRequest.ShowSignoutPrompt), or always with the logoutPrompt switch.
    const ask = session && (settings.logoutPrompt || !ctx.validHint);
    if (!ask) return finish();
    let id = logoutId;
    if (!id || !logouts.has(id)) {
      id = hexId(16);
      remember(logouts, id, ctx, 600);
    }
    return html(res, 200, logoutPromptPage({ action: '/id/Account/Logout', logoutId: id }));
  }

  // ------------------------------------------------------------ routing

  /**
   * Handles everything under /id. `logEntry` (or null) is the request-log entry to annotate.
   * Returns false for paths it does not know.
   */
  async function handle(req, res, url, logEntry) {
    const path = url.pathname;
    switch (path) {
      case '/id/.well-known/openid-configuration':
        if (cors(req, res)) return res.writeHead(204).end();
        if (settings.discoveryDelayMs) await new Promise((r) => setTimeout(r, settings.discoveryDelayMs));
        return json(res, 200, discovery(), { 'Cache-Control': 'no-cache' });
      case '/id/.well-known/openid-configuration/jwks':
        if (cors(req, res)) return res.writeHead(204).end();
        return json(res, 200, publicJwks, { 'Cache-Control': 'no-cache' });
      case '/id/connect/authorize':
      case '/id/connect/authorize/callback':
        return handleAuthorize(req, res, url);
      case '/id/connect/token':
        if (cors(req, res)) return res.writeHead(204).end();
        return handleToken(req, res, logEntry);
      case '/id/connect/userinfo':
        if (cors(req, res)) return res.writeHead(204).end();
        return handleUserinfo(req, res);
      case '/id/connect/revocation':
        if (cors(req, res)) return res.writeHead(204).end();
        return handleRevocation(req, res, logEntry);
      case '/id/connect/endsession':
        return handleEndSession(req, res);
      case '/id/connect/checksession': {
        // Meant to be framed by the apps, so no frame-refusing headers here.
        const nonce = newNonce();
        const body = checkSessionPage({ nonce, cookieName: SESSION_COOKIE });
        res.writeHead(200, {
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'`,
          'Cache-Control': 'no-store',
        });
        return res.end(body);
      }
      case '/id/Account/Login':
      case '/id/Account/Login/Cancel':
        return handleLogin(req, res, url);
      case '/id/Account/Logout':
        return handleLogout(req, res, url);
      case '/id/home/error': {
        const e = errors.get(url.searchParams.get('errorId') || '');
        return html(res, 200, errorPage(e || { error: 'Sorry, the error could not be found' }));
      }
      default:
        return false;
    }
  }

  return {
    handle,
    issuer,
    appOrigins,
    publicJwks,
    /** Test hooks for /__control. */
    control: {
      revokeRefreshTokens() {
        const count = refreshTokens.size;
        refreshTokens.clear();
        return count;
      },
      endSessions() {
        const count = sessions.size;
        sessions.clear();
        return count;
      },
    },
    corsFor: cors,
  };
}
