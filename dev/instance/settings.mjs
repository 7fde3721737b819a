// The stand-in's switches: what varies between ERP.net instances (and test knobs). Every
// switch can be set at start from an environment variable and changed at run time with
// POST /__control; POST /__control/reset returns to the start-up values.

/** name -> { env, def, kind, values? }. `def` is the IdentityServer4-like default. */
export const SWITCHES = Object.freeze({
  deny: { env: 'STANDIN_DENY', def: false, kind: 'bool' },
  coop: { env: 'STANDIN_COOP', def: false, kind: 'bool' },
  accessTokenTtl: { env: 'STANDIN_ACCESS_TOKEN_TTL', def: 3600, kind: 'seconds' },
  idTokenTtl: { env: 'STANDIN_ID_TOKEN_TTL', def: 300, kind: 'seconds' },
  refreshTokenTtl: { env: 'STANDIN_REFRESH_TOKEN_TTL', def: 86400, kind: 'seconds' },
  iss: { env: 'STANDIN_ISS', def: false, kind: 'bool' },
  refreshTokens: { env: 'STANDIN_REFRESH_TOKENS', def: true, kind: 'bool' },
  autoDiscovery: { env: 'STANDIN_AUTODISCOVERY', def: 'sys', kind: 'enum', values: ['sys', 'tools', 'both', 'none'] },
  autoDiscoveryCors: { env: 'STANDIN_AUTODISCOVERY_CORS', def: false, kind: 'bool' },
  apiType: { env: 'STANDIN_API_TYPE', def: 'DomainAPI', kind: 'enum', values: ['DomainAPI', 'API'] },
  domainApiStatus: { env: 'STANDIN_DOMAIN_API_STATUS', def: 'Working', kind: 'enum', values: ['Working', 'NotWorking', 'Unknown'] },
  odataServiceRoot: { env: 'STANDIN_ODATA_SERVICE_ROOT', def: true, kind: 'bool' },
  logoutPrompt: { env: 'STANDIN_LOGOUT_PROMPT', def: false, kind: 'bool' },
  logoutAutoRedirect: { env: 'STANDIN_LOGOUT_AUTO_REDIRECT', def: true, kind: 'bool' },
  exposeDate: { env: 'STANDIN_EXPOSE_DATE', def: false, kind: 'bool' },
  promptNoneError: {
    env: 'STANDIN_PROMPT_NONE_ERROR',
    def: null,
    kind: 'enum',
    values: [null, 'login_required', 'consent_required', 'interaction_required', 'account_selection_required'],
  },
  cookieSameSite: { env: 'STANDIN_COOKIE_SAMESITE', def: 'None', kind: 'enum', values: ['None', 'Lax'] },
  // Test knob: auto-discovery and the OpenID metadata answer this much later (a slow network).
  discoveryDelayMs: { env: 'STANDIN_DISCOVERY_DELAY_MS', def: 0, kind: 'ms' },
});

/** Checks one value; returns the parsed value or throws a message. `fromEnv` parses strings. */
function parse(name, raw, fromEnv) {
  const s = SWITCHES[name];
  if (!s) throw new Error(`unknown setting ${name}`);
  if (s.kind === 'bool') {
    if (typeof raw === 'boolean') return raw;
    if (fromEnv && /^(1|true|on|yes)$/i.test(raw)) return true;
    if (fromEnv && /^(0|false|off|no)$/i.test(raw)) return false;
    throw new Error(`${name} must be a boolean`);
  }
  if (s.kind === 'ms') {
    const v = fromEnv ? Number(raw) : raw;
    if (!Number.isSafeInteger(v) || v < 0 || v > 60000) throw new Error(`${name} must be an integer from 0 to 60000 (milliseconds)`);
    return v;
  }
  if (s.kind === 'seconds') {
    const v = fromEnv ? Number(raw) : raw;
    if (!Number.isSafeInteger(v) || v <= 0) throw new Error(`${name} must be a positive integer (seconds)`);
    return v;
  }
  let v = raw;
  if (fromEnv && (raw === '' || raw === 'null')) v = null;
  if (fromEnv && typeof v === 'string') v = s.values.find((x) => typeof x === 'string' && x.toLowerCase() === v.toLowerCase()) ?? v;
  if (!s.values.includes(v)) throw new Error(`${name} must be one of ${s.values.map((x) => JSON.stringify(x)).join(', ')}`);
  return v;
}

/** Start-up values: defaults overridden by the environment. Throws on a bad variable. */
export function startupSettings(env = process.env) {
  const out = {};
  for (const [name, s] of Object.entries(SWITCHES)) {
    out[name] = env[s.env] === undefined ? s.def : parse(name, env[s.env], true);
  }
  return Object.freeze(out);
}

/** Validates a POST /__control patch; returns { value } or { problems }. */
export function checkPatch(patch) {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return { problems: ['body must be a JSON object'] };
  const value = {};
  const problems = [];
  for (const [k, v] of Object.entries(patch)) {
    try {
      value[k] = parse(k, v, false);
    } catch (err) {
      problems.push(err.message);
    }
  }
  return problems.length ? { problems } : { value };
}
