// Plain HTML pages of the stand-in's Identity Server (login, logout, errors) and the
// security headers every one of them carries: like the real Instance ID, they must never be
// framed (X-Frame-Options DENY + CSP frame-ancestors 'none').

import { randomBytes } from 'node:crypto';

export function esc(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function newNonce() {
  return randomBytes(16).toString('base64');
}

/**
 * Headers for provider pages. `formOrigins` are the app origins: Chromium applies CSP
 * form-action to the redirects that follow a form submission (login -> authorize -> app,
 * logout confirm -> app), so they must be listed next to 'self'.
 */
export function securityHeaders({ nonce, formOrigins = [], coop = false } = {}) {
  const csp = [
    "default-src 'none'",
    `script-src${nonce ? ` 'nonce-${nonce}'` : " 'none'"}`,
    "style-src 'unsafe-inline'",
    "img-src 'self' data:",
    `form-action 'self' ${formOrigins.join(' ')}`.trim(),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  return {
    'Content-Security-Policy': csp,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    ...(coop ? { 'Cross-Origin-Opener-Policy': 'same-origin' } : {}),
  };
}

const STYLE = `
  body{font-family:system-ui,sans-serif;background:#f3f4f6;margin:0;padding:48px 16px;color:#111}
  main{max-width:340px;margin:0 auto;background:#fff;border-radius:8px;padding:24px 28px;
    box-shadow:0 1px 3px rgba(0,0,0,.15)}
  h1{font-size:1.25rem;margin:0 0 4px} p.sub{color:#555;margin:0 0 16px;font-size:.9rem}
  label{display:block;font-size:.85rem;margin:12px 0 4px}
  input{width:100%;box-sizing:border-box;padding:8px;border:1px solid #bbb;border-radius:4px;font-size:1rem}
  button{margin-top:18px;width:100%;padding:9px;border:0;border-radius:4px;background:#1d4ed8;
    color:#fff;font-size:1rem;cursor:pointer}
  .error{background:#fee2e2;color:#991b1b;padding:8px 10px;border-radius:4px;font-size:.9rem}
  pre{white-space:pre-wrap;word-break:break-word;font-size:.85rem}
  .hint{color:#666;font-size:.8rem;margin-top:16px}`;

function layout(title, inner, extraHead = '') {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
${extraHead}</head>
<body>
<main>
${inner}
</main>
</body>
</html>`;
}

export function loginPage({ action, returnUrl, cancelUrl, clientName, login = '', error }) {
  return layout('Sign in - ERP.net (local stand-in)', `
<h1>Sign in</h1>
<p class="sub">to continue to ${esc(clientName)}</p>
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="${esc(action)}">
  <input type="hidden" name="ReturnUrl" value="${esc(returnUrl)}">
  <label for="login">User name</label>
  <input id="login" name="login" value="${esc(login)}" autocomplete="username" autofocus required autocapitalize="off" spellcheck="false">
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">Sign in</button>
</form>
<p class="hint"><a href="${esc(cancelUrl)}">Cancel</a> (back to the application with access_denied)</p>
<p class="hint">Local ERP.net stand-in. Demo user: demo / demo-password</p>`);
}

/**
 * The "Do you want to sign out?" question (IdentityServer4 quickstart Logout view): a real
 * form with a Yes button; nothing submits it but the person.
 */
export function logoutPromptPage({ action, logoutId }) {
  return layout('Sign out - ERP.net (local stand-in)', `
<h1>Logout</h1>
<p class="sub">Would you like to logout of ERP.net?</p>
<p>Do you want to sign out?</p>
<form method="post" action="${esc(action)}">
  <input type="hidden" name="logoutId" value="${esc(logoutId)}">
  <button type="submit">Yes</button>
</form>`);
}

/**
 * Signed out. Without `returnUrl` (no valid id_token_hint / registered redirect URI) there is
 * no way back to the application; with it, the quickstart's "Click here to return" link.
 */
export function loggedOutPage({ returnUrl, clientName } = {}) {
  return layout('Signed out - ERP.net (local stand-in)', `
<h1>Signed out</h1>
<p class="sub">You are now signed out.${returnUrl ? '' : ' You can close this window.'}</p>
${returnUrl ? `<p>Click <a class="PostLogoutRedirectUri" href="${esc(returnUrl)}">here</a> to return to the ${esc(clientName)} application.</p>` : ''}`);
}

/** IdentityServer4 quickstart Home/Error view: the request never goes back to the app. */
export function errorPage({ error, error_description: description, requestId }) {
  return layout('Error - ERP.net (local stand-in)', `
<h1>Error</h1>
<p class="error" role="alert">Sorry, there was an error</p>
<pre data-error="${esc(error)}"><strong>${esc(error)}</strong>${description ? `\n${esc(description)}` : ''}</pre>
${requestId ? `<p class="hint">Request Id: ${esc(requestId)}</p>` : ''}`);
}

/**
 * OIDC Session Management check_session_iframe (what IdentityServer4 serves at
 * connect/checksession): answers "changed"/"unchanged"/"error" to "client_id session_state"
 * messages by recomputing the session_state from the idsrv.session cookie.
 */
export function checkSessionPage({ nonce, cookieName }) {
  const script = `
function cookie(n){var m=document.cookie.split(';').map(function(c){return c.trim();}).filter(function(c){return c.indexOf(n+'=')===0;})[0];return m?decodeURIComponent(m.slice(n.length+1)):'';}
function b64u(buf){var s='';new Uint8Array(buf).forEach(function(b){s+=String.fromCharCode(b);});return btoa(s).replace(/\\+/g,'-').replace(/\\//g,'_').replace(/=+$/,'');}
window.addEventListener('message',function(e){
  if(typeof e.data!=='string'){return;}
  var parts=e.data.split(' ');if(parts.length!==2){e.source.postMessage('error',e.origin);return;}
  var ss=parts[1].split('.');if(ss.length!==2){e.source.postMessage('error',e.origin);return;}
  var sid=cookie(${JSON.stringify(cookieName)});
  if(!sid){e.source.postMessage('changed',e.origin);return;}
  crypto.subtle.digest('SHA-256',new TextEncoder().encode(parts[0]+e.origin+sid+ss[1])).then(function(h){
    e.source.postMessage(b64u(h)===ss[0]?'unchanged':'changed',e.origin);
  },function(){e.source.postMessage('error',e.origin);});
});`;
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>check session</title></head><body>
<script nonce="${esc(nonce)}">${script}</script></body></html>`;
}
