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

export function loginPage({ action, clientName, login = '', error }) {
  return layout('Sign in - ERP.net (local stand-in)', `
<h1>Sign in</h1>
<p class="sub">to continue to ${esc(clientName)}</p>
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="${esc(action)}">
  <label for="login">User name</label>
  <input id="login" name="login" value="${esc(login)}" autocomplete="username" autofocus required autocapitalize="off" spellcheck="false">
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">Sign in</button>
</form>
<p class="hint">Local ERP.net stand-in. Demo user: demo / demo-password</p>`);
}

/**
 * RP-initiated logout page. oidc-provider hands us its confirm form (with the xsrf token);
 * we add logout=yes (end the whole SSO session) and submit it at once, so the browser
 * returns to post_logout_redirect_uri without a click. The script runs under the CSP nonce.
 */
export function logoutPage({ form, nonce }) {
  const script = `var f=document.getElementById('op.logoutForm');
var i=document.createElement('input');i.type='hidden';i.name='logout';i.value='yes';f.appendChild(i);
f.submit();`;
  return layout('Signing out - ERP.net (local stand-in)', `
<h1>Signing out...</h1>
${form}
<noscript><button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button></noscript>
<script nonce="${esc(nonce)}">${script}</script>`);
}

export function logoutSuccessPage({ clientName }) {
  return layout('Signed out - ERP.net (local stand-in)', `
<h1>Signed out</h1>
<p class="sub">You have been signed out${clientName ? ` of ${esc(clientName)}` : ''}.</p>`);
}

export function errorPage(out) {
  return layout('Error - ERP.net (local stand-in)', `
<h1>Something went wrong</h1>
${Object.entries(out).map(([k, v]) => `<pre><strong>${esc(k)}</strong>: ${esc(v)}</pre>`).join('\n')}`);
}
