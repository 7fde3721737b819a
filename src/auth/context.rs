//! The auth context: the `Auth` handle every page reads, its reactive state, and the few
//! operations shared by every flow (leaving start-up, which sign-in mode, becoming signed in).

use std::sync::Arc;

use erpnet_instance_id::{ClockOffset, IdToken, RefreshToken};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::auth::app_base::AppBase;
use crate::auth::config::{AppConfig, SignInMode};
use crate::auth::jwks::RawJwks;
use crate::auth::refresh::RefreshState;
use crate::auth::{storage_keys as keys, AppError, Instance, Session};
use crate::browser::{clock, frame, location, storage, task};

/// Where start-up stands.
#[derive(Debug, Clone)]
pub enum Phase {
    /// Loading config.json and discovering the instance.
    Starting,
    /// config.json is loaded and the person is plainly signed out (no callback, no session to
    /// restore): the sign-in button shows while discovery finishes, and a click waits for it.
    Discovering(Arc<AppConfig>),
    /// Discovery succeeded; sign-in can start.
    Ready(Arc<Instance>),
    /// Start-up failed; the app cannot sign anyone in.
    Failed(AppError),
}

/// The auth context, provided once by `<App/>`; every page reads it with [`Auth::expect`].
#[derive(Debug, Clone, Copy)]
pub struct Auth {
    pub(super) phase: RwSignal<Phase>,
    pub(super) session: RwSignal<Option<Session>>,
    pub(super) busy: RwSignal<bool>,
    pub(super) error: RwSignal<Option<AppError>>,
    pub(super) jwks: RwSignal<Option<Arc<RawJwks>>>,
    /// Parsed once from `<base href>`; `None` only when the document has no usable base.
    pub(super) app_base: StoredValue<Option<AppBase>>,
    /// The ID token of the session just signed out of, kept in memory as the `id_token_hint`
    /// of a retried sign-out (the Instance ID sends the browser back only with a valid hint).
    pub(super) last_id_token: StoredValue<Option<IdToken>>,
    /// The session's refresh token (with `offline_access`): memory only, replaced on every
    /// use (the Instance ID's are one-time), never in a signal, storage or message.
    pub(super) refresh_token: StoredValue<Option<RefreshToken>>,
    /// Where refreshing stands (in flight; refused and why).
    pub(super) refresh_state: StoredValue<RefreshState>,
    /// Instance ID time minus device time, for the ID-token time rules.
    pub(super) clock_offset: RwSignal<ClockOffset>,
    /// What start-up made of the callback page's answer, once it has: the app path to go
    /// to, or why sign-in failed ([`Auth::callback_outcome`]).
    pub(super) callback_outcome: RwSignal<Option<Result<String, AppError>>>,
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
            app_base: StoredValue::new(location::base_uri().and_then(|b| AppBase::parse(&b))),
            last_id_token: StoredValue::new(None),
            refresh_token: StoredValue::new(None),
            refresh_state: StoredValue::new(Default::default()),
            clock_offset: RwSignal::new(ClockOffset::ZERO),
            callback_outcome: RwSignal::new(None),
        };
        provide_context(auth);
        // Now, before `<App/>` builds its views: on a callback, the token POST leaves from
        // start-up's first steps, and the page is built while it is under way.
        task::spawn_now(auth.start(), spawn_local);
        auth.watch_expiry();
        auth
    }

    /// Leaves [`Phase::Starting`] for `next` (start-up's only way out of it), or moves on from
    /// [`Phase::Discovering`]. The page pre-rendered in index.html goes first, in this task
    /// (the app's own page renders in its microtasks, before the next paint), and a click its
    /// button took is handed over ([`Auth::take_over_shell`]).
    pub(super) fn enter(&self, next: Phase) {
        if matches!(self.phase.get_untracked(), Phase::Starting) {
            self.take_over_shell(&next);
        }
        self.phase.set(next);
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

    /// The callback page's outcome, once start-up has redeemed its answer: the app path the
    /// sign-in started from, or why it failed. On any other page start-up leaves it `None`.
    pub fn callback_outcome(&self) -> ReadSignal<Option<Result<String, AppError>>> {
        self.callback_outcome.read_only()
    }

    /// Instance ID time minus device time, as estimated (zero when unknown).
    pub fn clock_offset(&self) -> ReadSignal<ClockOffset> {
        self.clock_offset.read_only()
    }

    /// The instance's signing keys, once fetched (as fetched: [`RawJwks::parse`] gives them).
    pub fn jwks(&self) -> ReadSignal<Option<Arc<RawJwks>>> {
        self.jwks.read_only()
    }

    /// The app's origin + base path, when the document has one.
    pub fn app_base(&self) -> Option<AppBase> {
        self.app_base.get_value()
    }

    /// The base path the router works below (`""` at the root, `"/sub"` below it).
    pub fn router_base(&self) -> String {
        self.app_base
            .with_value(|b| b.as_ref().map(|b| b.path_prefix().to_owned()))
            .unwrap_or_default()
    }

    /// The app's origin: the only one a popup may answer from (empty without a base).
    pub(super) fn origin(&self) -> String {
        self.app_base
            .with_value(|b| b.as_ref().map(AppBase::origin))
            .unwrap_or_default()
    }

    /// The app path (and query) of the address bar itself, to come back to after a flow.
    /// Read from the address bar, not the router: the router's copy may still hold a
    /// callback's `code` and `state` that were wiped with replaceState.
    pub(super) fn path_here(&self) -> String {
        location::current_url()
            .zip(self.app_base())
            .map(|(url, base)| base.app_path(&url))
            .unwrap_or_else(|| "/".to_owned())
    }

    /// A link to an app path (`/explorer`) below the base path the app is served under
    /// ([`AppBase::href`]: anything but a plain app path becomes the start page).
    pub fn href(&self, path: &str) -> String {
        self.app_base.with_value(|b| match b {
            Some(b) => b.href(path),
            None => erpnet_instance_id::sanitize_return_path(path),
        })
    }

    /// The instance, when start-up succeeded.
    pub fn instance(&self) -> Option<Arc<Instance>> {
        match self.phase.get_untracked() {
            Phase::Ready(instance) => Some(instance),
            _ => None,
        }
    }

    /// Popup or redirect, from `sign_in_mode`. The Instance ID refuses to be framed, so a
    /// framed app always uses the popup, even when `redirect` was configured.
    pub(super) fn uses_popup(&self, config: &AppConfig) -> bool {
        match config.sign_in_mode {
            SignInMode::Popup => true,
            SignInMode::Auto | SignInMode::Redirect => frame::is_framed(),
        }
    }

    /// Makes `session` the current one, keeps its refresh token in memory, and asks the
    /// userinfo endpoint for the person's name when the ID token has none (off the
    /// callback's critical path: the `sub` shows first, the name a moment later).
    pub(super) fn signed_in(&self, session: Session, refresh_token: Option<RefreshToken>) {
        storage::save(keys::SIGNED_IN, &true);
        self.error.set(None);
        let wants_name = session.claims.name.is_none();
        self.session.set(Some(session));
        self.refresh_token.set_value(refresh_token);
        self.refresh_state.set_value(Default::default());
        if wants_name {
            let auth = *self;
            spawn_local(async move {
                // From the next task: the views take the session first (they render in this
                // task's microtasks, the callback page's navigation included), so `sub` shows
                // at once and no request stands between the token answer and the screen.
                clock::sleep_ms(0).await;
                auth.fetch_user_name().await;
            });
        }
    }
}
