//! Every sessionStorage key the app uses, in one place, with what it holds. None holds a
//! token: besides public data, only a pending request's one-shot state, nonce and PKCE
//! verifier are kept, from the authorization request until its callback (or its purge).

/// Prefix of pending sign-in requests ([`erpnet_instance_id::PendingRequest`]), keyed by their state.
pub(super) const PENDING_PREFIX: &str = "erpnet.pending.";
/// Flag: this tab was signed in (not a secret: it only says to try `prompt=none`).
pub(super) const SIGNED_IN: &str = "erpnet.signed_in";
/// The state and return path of a silent (`prompt=none`) sign-in, whose failure is quiet.
pub(super) const SILENT: &str = "erpnet.silent";
/// The state sent with a redirect sign-out, checked when the browser comes back.
pub(super) const LOGOUT: &str = "erpnet.logout";
/// Public start-up data carried across a sign-in redirect, so the callback page's only
/// request is the token POST.
pub(super) const INSTANCE: &str = "erpnet.instance";
