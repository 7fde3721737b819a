// The stand-in's Identity Server: a real, certified OpenID Provider (oidc-provider 9)
// configured to look like an ERP.net Instance ID mounted at <base>/id.

import { randomBytes } from 'node:crypto';
import Provider, { errors, interactionPolicy } from 'oidc-provider';
import { generateKeyPair, exportJWK, calculateJwkThumbprint } from 'jose';
import { userBySub } from './data.mjs';
import { AUDIENCE } from './odata.mjs';
import {
  errorPage, logoutPage, logoutSuccessPage, newNonce, securityHeaders,
} from './pages.mjs';

export const SCOPES = ['openid', 'profile', 'email', 'read', 'update'];
const API_SCOPES = 'openid profile email read update';

/** Fresh signing keys for every start: one RS256 (RSA 2048) and one ES256 (P-256). */
async function signingKeys() {
  const keys = [];
  for (const [alg, opts] of [['RS256', { modulusLength: 2048 }], ['ES256', {}]]) {
    const { privateKey } = await generateKeyPair(alg, { ...opts, extractable: true });
    const jwk = await exportJWK(privateKey);
    jwk.kid = `${alg.toLowerCase()}-${(await calculateJwkThumbprint(jwk)).slice(0, 16)}`;
    keys.push({ ...jwk, alg, use: 'sig' });
  }
  return keys;
}

/** Public half of a private JWK (what the jwks endpoint publishes). */
function publicJwk({ kty, crv, x, y, n, e, kid, alg, use }) {
  return Object.fromEntries(Object.entries({ kty, crv, x, y, n, e, kid, alg, use })
    .filter(([, v]) => v !== undefined));
}

/**
 * @param {object} o
 * @param {string} o.base        e.g. http://127.0.0.1:8400
 * @param {string[]} o.appBases  app base URLs, each ending in '/'
 * @param {string} o.clientId
 * @param {object} o.settings    live control settings ({deny, coop, accessTokenTtl, idTokenTtl})
 */
export async function createProvider({ base, appBases, clientId, settings }) {
  const issuer = `${base}/id`;
  const apiResource = `${base}/api`;
  const appOrigins = [...new Set(appBases.map((b) => new URL(b).origin))];
  const keys = await signingKeys();

  // Auto-deny switch (control API): thrown from inside the interaction policy, the error goes
  // through oidc-provider's authorization error handler, which redirects to the validated
  // redirect_uri with error, error_description, state and iss, whether or not a session exists.
  const policy = interactionPolicy.base();
  policy.get('login').checks.add(new interactionPolicy.Check('control_deny', 'denied via /__control', () => {
    if (settings.deny) throw new errors.AccessDenied('The user denied the request');
    return interactionPolicy.Check.NO_NEED_TO_PROMPT;
  }), 0);

  const configuration = {
    clients: [{
      client_id: clientId,
      client_name: 'ERP.net SPA (local)',
      application_type: 'web',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: appBases.map((b) => `${b}signin-callback`),
      post_logout_redirect_uris: [...appBases],
      id_token_signed_response_alg: 'RS256',
      // Only "static" (OIDC) scopes may be listed here; read/update belong to the resource server.
      scope: 'openid profile email',
    }],
    jwks: { keys },
    // Signed cookies; no `secure` flag so they work over plain http on 127.0.0.1.
    cookies: {
      keys: [randomBytes(32).toString('base64url')],
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    scopes: ['openid'],
    claims: { openid: ['sub'], profile: ['name'], email: ['email'] },
    responseTypes: ['code'],
    pkce: { required: () => true }, // v9 only implements S256
    enabledJWA: { idTokenSigningAlgValues: ['RS256', 'ES256'] },
    routes: {
      authorization: '/connect/authorize',
      token: '/connect/token',
      end_session: '/connect/endsession',
      jwks: '/.well-known/openid-configuration/jwks',
      // userinfo is disabled below; its route name is kept IdentityServer-like anyway.
      userinfo: '/connect/userinfo',
      revocation: '/connect/revocation',
      introspection: '/connect/introspect',
    },
    features: {
      devInteractions: { enabled: false }, // our own login page checks passwords
      // Not offered by ERP.net's Instance ID; v9 enables both by default.
      pushedAuthorizationRequests: { enabled: false },
      dPoP: { enabled: false },
      // Every access token goes to the Domain API (a JWT with aud DomainAPI), so a userinfo
      // endpoint could never accept one; leave it out rather than advertise a dead endpoint.
      userinfo: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.type = 'html';
          ctx.body = logoutPage({ form, nonce: ctx.state.cspNonce });
        },
        async postLogoutSuccessSource(ctx) {
          ctx.type = 'html';
          ctx.body = logoutSuccessPage({ clientName: ctx.oidc.client?.clientName });
        },
      },
      resourceIndicators: {
        enabled: true,
        // Without a `resource` parameter the request is for the Domain API, so the non-OIDC
        // scopes read/update are accepted at all and the access token is a JWT for it.
        defaultResource: (ctx, client, oneOf) => (oneOf ? (oneOf.includes(apiResource) ? apiResource : oneOf[0]) : apiResource),
        useGrantedResource: () => true,
        getResourceServerInfo(ctx, indicator) {
          if (indicator !== apiResource) throw new errors.InvalidTarget();
          // The OIDC scopes are listed too so the access token's `scope` (and the token
          // response's) names everything granted, as IdentityServer-based ERP.net does.
          return {
            scope: API_SCOPES,
            audience: AUDIENCE,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    clientBasedCORS: (ctx, origin) => appOrigins.includes(origin),
    async findAccount(ctx, sub) {
      const user = userBySub(sub);
      if (!user) return undefined;
      return {
        accountId: user.sub,
        // oidc-provider filters these by the granted scopes/claims.
        claims: async () => ({ sub: user.sub, name: user.name, email: user.email }),
      };
    },
    // First-party client: never ask for consent. Whatever (known) scopes are requested are
    // granted, which also keeps prompt=none working whenever an SSO session exists.
    async loadExistingGrant(ctx) {
      const { oidc } = ctx;
      const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
      let grant = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
      if (!grant || grant.accountId !== oidc.session.accountId) {
        grant = new oidc.provider.Grant({ accountId: oidc.session.accountId, clientId: oidc.client.clientId });
      }
      grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
      if (oidc.requestParamClaims.size) grant.addOIDCClaims([...oidc.requestParamClaims]);
      for (const [indicator, rs] of Object.entries(oidc.resourceServers)) {
        const scope = [...oidc.requestParamScopes].filter((s) => rs.scopes.has(s)).join(' ');
        if (scope) grant.addResourceScope(indicator, scope);
      }
      await grant.save();
      return grant;
    },
    interactions: {
      policy,
      url: (ctx, interaction) => `/id/interaction/${interaction.uid}`,
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = errorPage(out);
    },
    ttl: {
      AccessToken: () => settings.accessTokenTtl,
      IdToken: () => settings.idTokenTtl,
      AuthorizationCode: 60,
      Interaction: 60 * 60,
      Session: 8 * 60 * 60,
      Grant: 8 * 60 * 60,
      // Unused flows, set only to keep oidc-provider's "you should change this" notices quiet.
      ClientCredentials: 600,
      DeviceCode: 600,
      BackchannelAuthenticationRequest: 600,
      PreAuthorizedCode: 600,
      RefreshToken: 24 * 60 * 60,
    },
  };

  const provider = new Provider(issuer, configuration);

  // Security headers on everything the provider answers. HTML pages get a per-request CSP
  // nonce (the logout page's auto-submit script uses it; oidc-provider's own form_post page
  // appends its script hash to this same header).
  provider.use(async (ctx, next) => {
    const nonce = newNonce();
    ctx.state.cspNonce = nonce;
    ctx.set(securityHeaders({ nonce, formOrigins: appOrigins, coop: settings.coop }));
    await next();
    // Discovery only lists "static" OIDC scopes; add the Domain API's scopes like ERP.net.
    if (ctx.oidc?.route === 'discovery' && ctx.body && typeof ctx.body === 'object') {
      ctx.body.scopes_supported = [...new Set([...ctx.body.scopes_supported, ...SCOPES])];
    }
  });

  return {
    provider,
    issuer,
    apiResource,
    appOrigins,
    publicJwks: { keys: keys.map(publicJwk) },
  };
}
