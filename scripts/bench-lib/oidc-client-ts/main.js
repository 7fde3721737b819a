// The plain SPA that scripts/bench measures this app against: oidc-client-ts with its defaults,
// Authorization Code + PKCE as a public client, the way its README sets it up. Its settings are
// built in (esbuild --define: AUTHORITY, CLIENT_ID, SCOPES) and its provider metadata is
// discovered from the authority at start-up, as a plain SPA does. Comparable to the app:
// - the sign-in button appears once the metadata has been loaded (the app shows it after
//   discovery too), and a click redirects this tab to the Instance ID;
// - the user is kept in memory only (InMemoryWebStorage), the pending request (state, PKCE
//   verifier) in sessionStorage, tab-scoped like the app's: a redirect leaves the page, so an
//   in-memory state store could not survive it;
// - the callback page shows `[data-testid=user-name]` (name, else sub: the Instance ID's ID
//   token carries no name; loadUserInfo stays at its default, false, and the app asks userinfo
//   off the critical path too) and removes code and state from the address bar.
import { InMemoryWebStorage, UserManager, WebStorageStateStore } from 'oidc-client-ts';

/* global AUTHORITY, CLIENT_ID, SCOPES */
const base = new URL('/', window.location.href).href;
const CALLBACK_PATH = '/signin-callback';

const userManager = new UserManager({
  authority: AUTHORITY,
  client_id: CLIENT_ID,
  redirect_uri: new URL(CALLBACK_PATH, base).href,
  post_logout_redirect_uri: base,
  response_type: 'code',
  scope: SCOPES,
  userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
  stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
});

const root = document.getElementById('app');

function element(tag, attributes, text) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  if (text !== undefined) el.textContent = text;
  return el;
}

function showError(error) {
  root.replaceChildren(element('p', { 'data-testid': 'auth-error', role: 'alert' }, String(error?.message ?? error)));
}

function showUser(user) {
  const name = user.profile.name ?? user.profile.sub;
  const signOut = element('button', { type: 'button', 'data-testid': 'sign-out' }, 'Sign out');
  signOut.addEventListener('click', () => userManager.signoutRedirect().catch(showError));
  root.replaceChildren(element('span', {}, 'Signed in as '), element('span', { 'data-testid': 'user-name' }, name), signOut);
}

function showSignIn() {
  const button = element('button', { type: 'button', 'data-testid': 'sign-in' }, 'Sign in');
  button.addEventListener('click', () => {
    button.disabled = true;
    userManager.signinRedirect().catch((e) => { button.disabled = false; showError(e); });
  });
  root.replaceChildren(button);
}

async function main() {
  if (window.location.pathname === CALLBACK_PATH) {
    try {
      const user = await userManager.signinRedirectCallback();
      showUser(user);
    } finally {
      window.history.replaceState(null, '', base);
    }
    return;
  }
  const user = await userManager.getUser();
  if (user && !user.expired) return showUser(user);
  await userManager.metadataService.getMetadata();
  showSignIn();
}

main().catch(showError);
