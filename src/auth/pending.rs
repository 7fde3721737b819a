//! Pending sign-in requests of redirect flows (state, nonce, PKCE verifier, return path), kept
//! in this tab's sessionStorage across the navigation, keyed by their state, taken once by the
//! callback, and purged once stale (like oidc-client-ts's `clearStaleState`).

use erpnet_instance_id::PendingRequest;

use crate::auth::storage_keys::PENDING_PREFIX;
use crate::browser::{clock, storage};

fn key(state: &str) -> String {
    format!("{PENDING_PREFIX}{state}")
}

/// Keeps `pending` for its callback; false when storage is unavailable or full.
pub(super) fn save(pending: &PendingRequest) -> bool {
    storage::save(&key(pending.state.as_str()), pending)
}

/// The request that `state` answers, removed: a replayed or reloaded callback finds nothing
/// and never redeems a code twice.
pub(super) fn take(state: &str) -> Option<PendingRequest> {
    storage::take(&key(state))
}

/// True when this tab keeps a request under `state` (readable or not).
pub(super) fn exists(state: &str) -> bool {
    storage::contains(&key(state))
}

/// Removes every pending request whose lifetime ([`erpnet_instance_id::PENDING_LIFETIME_SECS`]) is
/// over, or that cannot be read, except the one for `keep` (a state just answered, so its
/// callback can say "expired" rather than "unknown").
pub(super) fn purge_stale(keep: Option<&str>) {
    let now = clock::now();
    for key in storage::keys_with_prefix(PENDING_PREFIX) {
        if keep.is_some() && key.strip_prefix(PENDING_PREFIX) == keep {
            continue;
        }
        let stale =
            storage::get::<PendingRequest>(&key).is_none_or(|pending| pending.is_expired(now));
        if stale {
            storage::remove(&key);
        }
    }
}
