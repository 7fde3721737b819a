//! The auth context: reactive state plus the sign-in, callback and sign-out operations.

use std::sync::Arc;

use instance_id::{
    authorization_url, end_session_url, jwks_request, parse_callback, parse_jwks,
    parse_logout_return, parse_token_response, sanitize_return_path, token_request,
    validate_callback, AuthorizeOptions, CallbackError, ClockOffset, IdToken, IdTokenVerifier,
    JwkSet, PendingRequest, RefreshToken, SessionTimes, State,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::auth::config::SignInMode;
use crate::auth::error::{AppError, SignInError, SignOutError, StartError};
use crate::auth::{Instance, Session};
use crate::browser::{
    channel, clock, frame, http, location, popup, random::BrowserRandom, storage,
    webcrypto::WebCryptoVerifier,
};

/// sessionStorage prefix of pending sign-in requests, keyed by their state.
const PENDING_PREFIX: &str = "erpnet.pending.";
/// sessionStorage flag: this tab was signed in (not a secret: it only says to try `prompt=none`).
const SIGNED_IN_FLAG: &str = "erpnet.signed_in";
/// sessionStorage: the state of a silent (`prompt=none`) sign-in, whose failure is quiet.
const SILENT_KEY: &str = "erpnet.silent";
/// sessionStorage: the state sent with a sign-out, checked when the browser comes back.
const LOGOUT_KEY: &str = "erpnet.logout";
/// How long a popup waits for its opener to acknowledge the URL it forwarded.
const OPENER_ACK_MS: i32 = 2000;
/// BroadcastChannel message: a tab signed out.
const SIGNED_OUT: &str = "signed-out";
/// Errors of a silent (`prompt=none`) restore that only mean "not signed in any more"
/// (OIDC Core 3.1.2.6): the sign-in button comes back without a message.
const QUIET_SILENT_ERRORS: [&str; 4] = [
    "login_required",
    "interaction_required",
    "consent_required",
    "account_selection_required",
];

/// Where start-up stands.
#[derive(Debug, Clone)]
pub enum Phase {
    /// Loading config.json and discovering the instance.
    Starting,
    /// Discovery succeeded; sign-in can start.
    Ready(Arc<Instance>),
    /// Start-up failed; the app cannot sign anyone in.
    Failed(AppError),
}

/// The auth context, provided once by `<App/>`; every page reads it with [`Auth::expect`].
#[derive(Debug, Clone, Copy)]
pub struct Auth {
    pub(crate) phase: RwSignal<Phase>,
    pub(crate) session: RwSignal<Option<Session>>,
    pub(crate) busy: RwSignal<bool>,
    pub(crate) error: RwSignal<Option<AppError>>,
    pub(crate) jwks: RwSignal<Option<Arc<JwkSet>>>,
    pub(crate) app_base: StoredValue<String>,
    /// The ID token of the session just signed out of, kept in memory as the `id_token_hint`
    /// of a retried sign-out (the Instance ID sends the browser back only with a valid hint).
    last_id_token: StoredValue<Option<IdToken>>,
    /// The session's refresh token (with `offline_access`): memory only, replaced on every
    /// use (the Instance ID's are one-time), never in a signal, storage or message.
    pub(crate) refresh_token: StoredValue<Option<RefreshToken>>,
    /// Where refreshing stands (in flight; refused and why).
    pub(crate) refresh_state: StoredValue<crate::auth::refresh::RefreshState>,
    /// Instance ID time minus device time, for the ID-token time rules.
    pub(crate) clock_offset: RwSignal<ClockOffset>,
}

impl Auth {
    /// Creates the context, provides it, and starts discovery.
    pub fn provide() -> Self {
        let auth = Self {
            phase: RwSignal::new(Phase::Starting),
            session: RwSignal::new(None),
            busy: RwSignal::new(false),
            error: RwSignal::new(None),
            jwks: RwSignal::new(None),
            app_base: StoredValue::new(location::app_base().unwrap_or_default()),
            last_id_token: StoredValue::new(None),
            refresh_token: StoredValue::new(None),
            refresh_state: StoredValue::new(Default::default()),
            clock_offset: RwSignal::new(ClockOffset::ZERO),
        };
        provide_context(auth);
        spawn_local(auth.start());
        auth.watch_expiry();
        auth
    }

    /// The context provided by `<App/>`.
    pub fn expect() -> Self {
        expect_context::<Self>()
    }

    /// Start-up state.
    pub fn phase(&self) -> ReadSignal<Phase> {
        self.phase.read_only()
    }

    /// The session, when signed in.
    pub fn session(&self) -> ReadSignal<Option<Session>> {
        self.session.read_only()
    }

    /// True while sign-in work is under way.
    pub fn busy(&self) -> ReadSignal<bool> {
        self.busy.read_only()
    }

    /// The last sign-in or session error, if any.
    pub fn error(&self) -> ReadSignal<Option<AppError>> {
        self.error.read_only()
    }

    /// Instance ID time minus device time, as estimated (zero when unknown).
    pub fn clock_offset(&self) -> ReadSignal<ClockOffset> {
        self.clock_offset.read_only()
    }

    /// The instance's signing keys, once fetched.
    pub fn jwks(&self) -> ReadSignal<Option<Arc<JwkSet>>> {
        self.jwks.read_only()
    }

    /// The app's origin + base path, e.g. `http://localhost:8080/`.
    pub fn app_base(&self) -> String {
        self.app_base.get_value()
    }

    /// A link to an app path (`/explorer`) below the base path the app is served under. The
    /// path goes through [`sanitize_return_path`] (the one check for every navigation after
    /// a flow): anything but a plain app path becomes the start page.
    pub fn href(&self, path: &str) -> String {
        let base = url::Url::parse(&self.app_base())
            .map(|u| u.path().trim_end_matches('/').to_owned())
            .unwrap_or_default();
        format!("{base}{}", sanitize_return_path(path))
    }

    /// The instance, when start-up succeeded.
    pub fn instance(&self) -> Option<Arc<Instance>> {
        match self.phase.get_untracked() {
            Phase::Ready(instance) => Some(instance),
            _ => None,
        }
    }

    async fn start(self) {
        let app_base = self.app_base();
        if app_base.is_empty() {
            scrub_callback_params();
            self.phase.set(Phase::Failed(StartError::NoBase.into()));
            return;
        }
        // A popup this app opened, back from the Instance ID: hand the URL (code or logout
        // state) to the opener, which does the rest. Not when this tab itself is waiting for
        // that state (a redirect flow, also in a tab another site opened), and only to an
        // opener of this origin that acknowledges the state; otherwise it is handled here.
        let returned_state = location::current_url().and_then(|u| {
            u.query_pairs()
                .find(|(k, _)| k == "state")
                .map(|(_, v)| v.into_owned())
        });
        // Pending requests past their lifetime go, whatever happened to them (an abandoned
        // sign-in, a closed tab restored); the one this URL answers stays, so its callback can
        // say "expired" rather than "unknown".
        purge_stale_pending(returned_state.as_deref());
        if let Some(state) = returned_state {
            if !waits_here(&state)
                && popup::forward_to_opener(&location::origin_of(&app_base), OPENER_ACK_MS).await
            {
                return;
            }
        }
        // Coming back from the Instance ID: reuse what the sign-in page already discovered,
        // so the token POST is the only request on the critical path.
        let carried = location::current_url()
            .filter(instance_id::callback_params_present)
            .and_then(|_| Instance::take_carried(&app_base));
        let instance = match carried {
            Some((instance, jwks)) => {
                self.jwks.set(jwks.map(Arc::new));
                instance
            }
            None => match Instance::discover(&app_base).await {
                Ok(instance) => instance,
                Err(e) => {
                    // No code can be redeemed now; it must not stay in the address bar (or
                    // history) either.
                    scrub_callback_params();
                    self.phase.set(Phase::Failed(e.into()));
                    return;
                }
            },
        };
        let instance = Arc::new(instance);
        self.clock_offset.set(instance.clock_offset);
        self.phase.set(Phase::Ready(instance.clone()));
        self.listen_to_other_tabs();
        self.finish_sign_out();
        if self.should_restore() {
            storage::remove(SIGNED_IN_FLAG);
            // Inside a frame the restore would navigate the frame itself to the Instance ID,
            // which refuses to be framed ("refused to connect"), and a popup needs a click: the
            // sign-in button comes back instead (one click, and the popup usually returns at
            // once on the Instance ID's own session). The refresh token lived in memory only,
            // so nothing else survives a reload.
            if !frame::is_framed() {
                // Reload: memory is gone, but the Instance ID session may still be alive. Ask
                // it without any UI; `login_required` brings the sign-in button back quietly.
                let path = location::current_url()
                    .map(|u| self.app_path(&u))
                    .unwrap_or_else(|| "/".to_owned());
                self.redirect(&instance, &path, true);
                return;
            }
        }
        if self.jwks.get_untracked().is_none() {
            // Fetched early so it is ready before any token response arrives.
            if let Ok(jwks) = fetch_jwks(&instance).await {
                self.jwks.set(Some(Arc::new(jwks)));
            }
        }
    }

    /// Starts a redirect sign-in that comes back to `return_path` (an app path).
    pub fn sign_in(&self, return_path: &str) {
        let Some(instance) = self.instance() else {
            self.error.set(Some(SignInError::NotReady.into()));
            return;
        };
        if self.uses_popup(&instance) {
            self.popup_sign_in(instance);
        } else {
            self.redirect(&instance, return_path, false);
        }
    }

    /// Popup or redirect, from `sign_in_mode`. The Instance ID refuses to be framed, so a
    /// framed app always uses the popup, even when `redirect` was configured.
    pub(crate) fn uses_popup(&self, instance: &Instance) -> bool {
        match instance.config.sign_in_mode {
            SignInMode::Popup => true,
            SignInMode::Auto | SignInMode::Redirect => frame::is_framed(),
        }
    }

    fn redirect(&self, instance: &Instance, return_path: &str, silent: bool) {
        // A framed app never navigates its own frame to the Instance ID, whoever asks.
        if frame::is_framed() {
            return;
        }
        self.busy.set(true);
        self.error.set(None);
        let pending = PendingRequest::new(&mut BrowserRandom, clock::now(), return_path);
        let options = AuthorizeOptions {
            prompt: silent.then(|| "none".to_owned()),
            ..AuthorizeOptions::default()
        };
        let url = authorization_url(
            &instance.config.client,
            &instance.metadata,
            &pending,
            &options,
        );
        if silent {
            storage::set(
                SILENT_KEY,
                &format!("{}\n{}", pending.state.as_str(), pending.return_path),
            );
        } else {
            storage::remove(SILENT_KEY);
        }
        let key = format!("{PENDING_PREFIX}{}", pending.state.as_str());
        let stored = serde_json::to_string(&pending)
            .map(|json| storage::set(&key, &json))
            .unwrap_or(false);
        if !stored {
            self.busy.set(false);
            self.error.set(Some(SignInError::StorageUnavailable.into()));
            return;
        }
        instance.carry(
            &self.app_base(),
            self.jwks.get_untracked().as_deref(),
            self.clock_offset.get_untracked(),
        );
        location::navigate(url.as_str());
    }

    /// Handles the Instance ID's answer at `/signin-callback`; on success returns the app
    /// path the user was on. The address bar loses `code` and `state` whatever happens.
    /// Call it once start-up is [`Phase::Ready`].
    pub async fn complete_sign_in(&self, instance: Arc<Instance>) -> Result<String, AppError> {
        self.busy.set(true);
        let silent = storage::take(SILENT_KEY);
        let callback_state = location::current_url().and_then(|u| {
            instance_id::parse_callback(&u)
                .ok()
                .and_then(|r| r.state().map(str::to_owned))
        });
        let result = self.redeem(&instance).await;
        self.busy.set(false);
        if let (Err(e), Some(silent)) = (&result, silent) {
            // A silent restore that the Instance ID answers with "the person must sign in" is
            // not an error for them: they simply are not signed in any more. Anything else is.
            let quiet = matches!(e, SignInError::Callback(CallbackError::ProviderError { error, .. })
                if QUIET_SILENT_ERRORS.contains(&error.as_str()));
            if let Some((state, path)) = silent.split_once('\n') {
                if quiet && callback_state.as_deref() == Some(state) {
                    return Ok(sanitize_return_path(path));
                }
            }
        }
        match result {
            Ok(Redeemed {
                session,
                refresh_token,
                return_path,
            }) => {
                self.signed_in(session, refresh_token);
                Ok(return_path)
            }
            Err(e) => {
                let e = AppError::from(e);
                self.error.set(Some(e.clone()));
                Err(e)
            }
        }
    }

    /// Makes `session` the current one, keeps its refresh token in memory, and asks the
    /// userinfo endpoint for the person's name when the ID token has none (off the
    /// callback's critical path: the `sub` shows first, the name a moment later).
    pub(crate) fn signed_in(&self, session: Session, refresh_token: Option<RefreshToken>) {
        storage::set(SIGNED_IN_FLAG, "1");
        self.error.set(None);
        let wants_name = session.claims.name.is_none();
        self.session.set(Some(session));
        self.refresh_token.set_value(refresh_token);
        self.refresh_state.set_value(Default::default());
        if wants_name {
            spawn_local(self.fetch_user_name());
        }
    }

    /// Forgets the session in this and every other tab, then ends the Instance ID session
    /// (end-session endpoint with `id_token_hint`, `post_logout_redirect_uri` and `state`).
    pub fn sign_out(&self) {
        let session = self.session.get_untracked();
        self.session.set(None);
        storage::remove(SIGNED_IN_FLAG);
        channel::announce(SIGNED_OUT);
        if let Some(session) = session {
            self.last_id_token.set_value(Some(session.id_token));
        }
        // Revoked before the end-session navigation starts (a popup opens first: it must be
        // opened inside the click), so the refresh token dies with the session.
        let revoke = self.revoke_refresh_token();
        if self.instance().is_some_and(|i| self.uses_popup(&i)) {
            self.end_instance_session();
            spawn_local(revoke);
        } else {
            let auth = *self;
            spawn_local(async move {
                revoke.await;
                auth.end_instance_session();
            });
        }
    }

    /// Ends the Instance ID session again, after a sign-out it did not confirm.
    pub fn retry_sign_out(&self) {
        self.error.set(None);
        self.end_instance_session();
    }

    fn end_instance_session(&self) {
        let Some(instance) = self.instance() else {
            return;
        };
        let state = State::generate(&mut BrowserRandom);
        let hint = self.last_id_token.get_value();
        let url = end_session_url(
            &instance.config.client,
            &instance.metadata,
            hint.as_ref(),
            &state,
        );
        let Some(url) = url else {
            self.error.set(Some(SignOutError::NoEndpoint.into()));
            return;
        };
        if self.uses_popup(&instance) {
            self.popup_sign_out(url.as_str(), state);
            return;
        }
        if let Ok(json) = serde_json::to_string(&state) {
            storage::set(LOGOUT_KEY, &json);
        }
        location::navigate(url.as_str());
    }

    /// The Instance ID confirmed the sign-out: nothing is left to retry.
    pub(crate) fn signed_out_confirmed(&self) {
        self.last_id_token.set_value(None);
        self.error.set(None);
    }

    /// Back from the end-session endpoint (or back some other way while a sign-out was under
    /// way): check the state and clean the address bar.
    fn finish_sign_out(&self) {
        let Some(expected) =
            storage::take(LOGOUT_KEY).and_then(|json| serde_json::from_str::<State>(&json).ok())
        else {
            return;
        };
        let Some(url) = location::current_url() else {
            return;
        };
        // A sign-in callback is never a sign-out return, whatever its state says.
        let sign_in_callback = url.query_pairs().any(|(k, _)| k == "code" || k == "error");
        if sign_in_callback {
            return;
        }
        if url.query_pairs().any(|(k, _)| k == "state") {
            match parse_logout_return(&url, &expected) {
                Ok(()) => self.signed_out_confirmed(),
                Err(e) => self.error.set(Some(SignOutError::Logout(e).into())),
            }
            location::replace_url(&self.app_base());
        } else {
            // The person came back without the Instance ID sending them: it may have kept its
            // session (it returns only with a valid id_token_hint, after any confirmation).
            self.error.set(Some(SignOutError::NotConfirmed.into()));
        }
    }

    /// Refreshes the access token before it expires (when there is a refresh token), else
    /// ends the session when it expires, and says so.
    fn watch_expiry(&self) {
        let auth = *self;
        let check = move || {
            let now = clock::now();
            let Some(times) = auth.session.with_untracked(|s| s.as_ref().map(|s| s.times)) else {
                return;
            };
            if auth.should_refresh(&times, now) {
                spawn_local(async move {
                    auth.refresh_now().await;
                });
                return;
            }
            if times.is_expired(now, 0) && !auth.refresh_in_flight() {
                auth.session.set(None);
                auth.refresh_token.set_value(None);
                auth.error.set(Some(auth.expiry_error().into()));
            }
        };
        // Lives as long as the app.
        set_interval(check, std::time::Duration::from_secs(1));
    }

    /// True on a fresh load of a tab that was signed in before (and is not a callback).
    fn should_restore(&self) -> bool {
        self.session.get_untracked().is_none()
            && storage::get(SIGNED_IN_FLAG).is_some()
            && !location::current_url().is_some_and(|u| instance_id::callback_params_present(&u))
    }

    /// The app path (below the base) and query of `url`, for coming back to it.
    pub fn app_path(&self, url: &url::Url) -> String {
        let base_path = url::Url::parse(&self.app_base())
            .map(|b| b.path().to_owned())
            .unwrap_or_else(|_| "/".to_owned());
        let rest = url
            .path()
            .strip_prefix(base_path.trim_end_matches('/'))
            .filter(|r| !r.is_empty())
            .unwrap_or("/");
        match url.query() {
            Some(q) => format!("{rest}?{q}"),
            None => rest.to_owned(),
        }
    }

    fn listen_to_other_tabs(&self) {
        let session = self.session;
        channel::listen(move |message| {
            if message == SIGNED_OUT {
                session.set(None);
                storage::remove(SIGNED_IN_FLAG);
            }
        });
    }

    async fn redeem(&self, instance: &Instance) -> Result<Redeemed, SignInError> {
        let url = location::current_url().ok_or(SignInError::UnknownState)?;
        // Drop code and state from the address bar (and so from history) before anything
        // else can fail.
        location::replace_url(&format!("{}signin-callback", self.app_base()));
        let response = parse_callback(&url)?;
        let state = response.state().ok_or(SignInError::UnknownState)?;
        // Taken, not read: a replayed or reloaded callback finds nothing and never redeems
        // a code twice.
        let pending = storage::take(&format!("{PENDING_PREFIX}{state}"))
            .and_then(|json| serde_json::from_str::<PendingRequest>(&json).ok());
        let Some(pending) = pending else {
            // Perhaps a popup whose link to the app was cut (COOP): hand the URL over on the
            // BroadcastChannel; if the app takes it, this window is done.
            if popup::forward_by_channel_async(url.as_str(), 2000).await {
                location::close_window();
            }
            return Err(SignInError::UnknownState);
        };
        self.redeem_response(instance, &url, pending).await
    }

    /// Checks a callback URL against its pending request, redeems the code and validates
    /// the tokens: shared by the redirect and popup flows.
    pub(crate) async fn redeem_response(
        &self,
        instance: &Instance,
        url: &url::Url,
        pending: PendingRequest,
    ) -> Result<Redeemed, SignInError> {
        let response = parse_callback(url)?;
        let now = clock::now();
        if pending.is_expired(now) {
            return Err(SignInError::Expired);
        }
        let code = validate_callback(response, &pending, &instance.metadata)?;
        let PendingRequest {
            nonce,
            verifier,
            return_path,
            ..
        } = pending;

        let request = token_request(&instance.config.client, &instance.metadata, code, verifier);
        // Keys not carried across the redirect: fetch them alongside the token POST, so the
        // critical path stays one round trip.
        let known = self.jwks.get_untracked();
        let keys = async {
            match known {
                Some(jwks) => Ok(jwks),
                None => fetch_jwks(instance).await.map(Arc::new),
            }
        };
        let (resp, jwks) = futures::future::join(http::send(&request), keys).await;
        let resp = resp.map_err(SignInError::TokenUnreachable)?;
        self.note_server_date(&resp);
        let tokens = parse_token_response(resp.as_core())?;
        let jwks = jwks?;
        if self.jwks.with_untracked(Option::is_none) {
            self.jwks.set(Some(jwks.clone()));
        }

        let (now, offset) = (clock::now(), self.clock_offset.get_untracked());
        let (client_id, metadata) = (instance.config.client.client_id(), &instance.metadata);
        let (id_token, access_token, nonce) = (&tokens.id_token, &tokens.access_token, &nonce);
        let claims = self
            .with_keys(instance, jwks, |keys| async move {
                IdTokenVerifier::for_provider(client_id.clone(), metadata, (*keys).clone())
                    .set_clock_offset(offset)
                    .verify_async(id_token, nonce, Some(access_token), now, &WebCryptoVerifier)
                    .await
            })
            .await?;
        let scopes = granted_scopes(tokens.scope.as_deref(), instance);
        let instance_id::TokenResponse {
            access_token,
            id_token,
            expires_in,
            refresh_token,
            ..
        } = tokens;
        let session = Session {
            times: SessionTimes::new(now, expires_in),
            access_token,
            id_token,
            signin_claims: claims.clone(),
            claims,
            user_name: None,
            scopes,
        };
        Ok(Redeemed {
            session,
            refresh_token,
            return_path,
        })
    }

    /// Runs an ID-token validation with `jwks`; on a key the set does not know (rotation),
    /// fetches the JWKS once more and decides for good.
    pub(crate) async fn with_keys<T, F, Fut>(
        &self,
        instance: &Instance,
        jwks: Arc<JwkSet>,
        validate: F,
    ) -> Result<T, SignInError>
    where
        F: Fn(Arc<JwkSet>) -> Fut,
        Fut: std::future::Future<Output = Result<T, instance_id::IdTokenError>>,
    {
        match validate(jwks).await {
            Err(e) if e.should_refetch_jwks() => {
                let fresh = Arc::new(fetch_jwks(instance).await?);
                self.jwks.set(Some(fresh.clone()));
                Ok(validate(fresh).await?)
            }
            other => Ok(other?),
        }
    }

    /// Takes a better clock estimate from a response of the Instance ID, when it lets the app
    /// read its `Date` (IdentityServer4 does not expose it to CORS; some proxies do).
    pub(crate) fn note_server_date(&self, resp: &http::Fetched) {
        if resp.date.is_some() {
            self.clock_offset.set(resp.clock_offset(clock::now()));
        }
    }
}

/// Drops an authorization response (`code`, `state`, `error`, `session_state`, `iss`, `#_=_`)
/// from the address bar, when start-up fails before the callback can be handled.
fn scrub_callback_params() {
    if let Some(url) = location::current_url().filter(instance_id::callback_params_present) {
        location::replace_url(instance_id::strip_callback_params(&url).as_str());
    }
}

/// A redeemed authorization code: the session, its refresh token, where to go.
pub(crate) struct Redeemed {
    /// The new session.
    pub(crate) session: Session,
    /// The refresh token, with `offline_access`.
    pub(crate) refresh_token: Option<RefreshToken>,
    /// The app path the sign-in started from.
    pub(crate) return_path: String,
}

/// The scopes the token response granted, else the ones requested.
pub(crate) fn granted_scopes(scope: Option<&str>, instance: &Instance) -> Vec<String> {
    scope
        .map(|s| s.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_else(|| instance.config.client.scopes().to_vec())
}

/// Removes every pending sign-in request whose lifetime ([`instance_id::PENDING_LIFETIME_SECS`])
/// is over, or that cannot be read, except the one for `keep` (a state just answered).
fn purge_stale_pending(keep: Option<&str>) {
    let now = clock::now();
    for key in storage::keys_with_prefix(PENDING_PREFIX) {
        if keep.is_some() && key.strip_prefix(PENDING_PREFIX) == keep {
            continue;
        }
        let stale = storage::get(&key)
            .and_then(|json| serde_json::from_str::<PendingRequest>(&json).ok())
            .is_none_or(|pending| pending.is_expired(now));
        if stale {
            storage::remove(&key);
        }
    }
}

/// True when this tab itself sent the request that `state` answers: a pending redirect
/// sign-in or a redirect sign-out (both kept in this tab's sessionStorage).
fn waits_here(state: &str) -> bool {
    let logout = storage::get(LOGOUT_KEY)
        .and_then(|json| serde_json::from_str::<State>(&json).ok())
        .is_some_and(|expected| expected.as_str() == state);
    logout || storage::get(&format!("{PENDING_PREFIX}{state}")).is_some()
}

pub(crate) async fn fetch_jwks(instance: &Instance) -> Result<JwkSet, SignInError> {
    let resp = http::send(&jwks_request(&instance.metadata))
        .await
        .map_err(SignInError::JwksUnreachable)?;
    Ok(parse_jwks(resp.as_core())?)
}
