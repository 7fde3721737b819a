//! Refresh tokens (with `offline_access`): the access token is renewed before it expires and
//! after a 401, each one-time refresh token replaced by the next, the refreshed ID token held
//! to OIDC Core 12.2; sign-out revokes the last one. The person's name from userinfo. The
//! grant's answer ([`renew_session`]) and userinfo ([`user_name`]) run in the sign-in chunk
//! (`validate.rs`); the request is built where the one-time token is kept, so a chunk that
//! cannot be loaded loses no token.

use std::future::Future;
use std::sync::Arc;

use erpnet_instance_id::{
    parse_refresh_response, parse_userinfo, refresh_token_request, revocation_request,
    userinfo_request, HttpRequest, RefreshToken, SessionTimes,
};
use leptos::prelude::*;

use crate::auth::error::{SessionError, SignInError};
use crate::auth::jwks::fetch_jwks;
use crate::auth::redeem::granted_scopes;
use crate::auth::validate::{ask_user_name, renew, validate, Against, Validation};
use crate::auth::{Auth, Instance, Session};
use crate::browser::{clock, http};

/// After a refresh that could not reach the Instance ID, how long before the next try.
const RETRY_AFTER_SECS: u64 = 5;
/// How long sign-out waits for the revocation before it leaves for the end-session endpoint.
const REVOKE_WAIT_MS: i32 = 3000;

/// Where refreshing stands.
#[derive(Debug, Clone, Default)]
pub(crate) struct RefreshState {
    /// A refresh request is under way.
    in_flight: bool,
    /// The Instance ID refused the refresh token (or its answer failed validation): why, as an
    /// error value (its text is made only when shown, in the error panel's chunk).
    refused: Option<std::sync::Arc<SignInError>>,
    /// No new try before this time (after a network failure).
    not_before: u64,
}

/// How a refresh failed.
pub(super) enum Failure {
    /// No answer (network, CORS): the refresh token may still be good.
    Unreachable,
    /// Refused or unusable: the refresh token is gone.
    Refused(SignInError),
}

impl Auth {
    /// Whether to renew now: a third of the access token's lifetime left (at least 3 s, at
    /// most 60 s before expiry), a refresh token in hand, and no refusal or retry pause.
    pub(crate) fn should_refresh(&self, times: &SessionTimes, now: u64) -> bool {
        let Some(expires_at) = times.expires_at else {
            return false;
        };
        let lifetime = expires_at.saturating_sub(times.issued_at);
        let lead = (lifetime / 3).clamp(3, 60);
        let due = now.saturating_add(lead) >= expires_at;
        let ready = self
            .refresh_state
            .with_value(|s| !s.in_flight && s.refused.is_none() && now >= s.not_before);
        due && ready && self.refresh_token.with_value(Option::is_some)
    }

    /// True while a refresh request is under way (expiry waits for its answer).
    pub(crate) fn refresh_in_flight(&self) -> bool {
        self.refresh_state.with_value(|s| s.in_flight)
    }

    /// The error to show when the session ends by expiry: says so when a refresh was refused.
    pub(crate) fn expiry_error(&self) -> SessionError {
        match self.refresh_state.with_value(|s| s.refused.clone()) {
            Some(reason) => SessionError::RefreshRefused(reason),
            None => SessionError::Expired,
        }
    }

    /// Renews the access token now with the refresh token, if there is one; true when the
    /// session has a fresh access token afterwards. A refresh already under way is waited for
    /// rather than repeated (a one-time token can be used only once).
    pub async fn refresh_now(&self) -> bool {
        while self.refresh_in_flight() {
            clock::sleep_ms(100).await;
        }
        let Some(instance) = self.instance() else {
            return false;
        };
        let Some(token) = self.refresh_token.try_update_value(Option::take).flatten() else {
            return false;
        };
        self.refresh_state.update_value(|s| s.in_flight = true);
        let request = refresh_token_request(&instance.config.client, &instance.metadata, &token);
        // In the sign-in chunk, loaded since this tab signed in (a session comes only from it).
        let result = renew(*self, instance, request).await;
        let now = clock::now();
        let renewed = match result {
            Ok((session, next)) => {
                // No new token: the Instance ID keeps the old one valid (RFC 6749 6).
                self.refresh_token.set_value(Some(next.unwrap_or(token)));
                self.session.set(Some(session));
                true
            }
            Err(Failure::Unreachable) => {
                self.refresh_token.set_value(Some(token));
                self.refresh_state
                    .update_value(|s| s.not_before = now + RETRY_AFTER_SECS);
                false
            }
            Err(Failure::Refused(e)) => {
                self.refresh_state
                    .update_value(|s| s.refused = Some(std::sync::Arc::new(e)));
                false
            }
        };
        self.refresh_state.update_value(|s| s.in_flight = false);
        renewed
    }

    /// Revokes the refresh token at the revocation endpoint (RFC 7009), if there are both;
    /// the token leaves memory at once. Waits at most a few seconds for the answer.
    pub(crate) fn revoke_refresh_token(&self) -> impl Future<Output = ()> {
        let token = self.refresh_token.try_update_value(Option::take).flatten();
        self.refresh_state.set_value(RefreshState::default());
        let request = token.zip(self.instance()).and_then(|(token, instance)| {
            revocation_request(&instance.config.client, &instance.metadata, &token)
        });
        async move {
            if let Some(request) = request {
                let send = Box::pin(http::send(&request));
                let give_up = Box::pin(clock::sleep_ms(REVOKE_WAIT_MS));
                let _ = futures::future::select(send, give_up).await;
            }
        }
    }

    /// Asks the userinfo endpoint for the person's name and shows it (in the sign-in chunk,
    /// [`user_name`]); a chunk that does not come leaves `sub` on screen.
    pub(crate) async fn fetch_user_name(self) {
        let _ = ask_user_name(self).await;
    }
}

/// Sends the refresh grant and makes the session's next state from its answer, the refreshed
/// ID token checked (OIDC Core 12.2) (in the sign-in chunk under `--cfg wasm_split`:
/// [`renew`]); with the next refresh token, if the Instance ID issued one.
pub(super) async fn renew_session(
    auth: Auth,
    instance: Arc<Instance>,
    request: HttpRequest,
) -> Result<(Session, Option<RefreshToken>), Failure> {
    let refused = |e: SignInError| Failure::Refused(e);
    let now = clock::now();
    let resp = http::send(&request)
        .await
        .map_err(|_| Failure::Unreachable)?;
    auth.note_server_date(&resp);
    let answer = parse_refresh_response(resp.as_core()).map_err(|e| refused(e.into()))?;
    let Some(mut session) = auth.session.get_untracked() else {
        return Err(refused(SignInError::NotReady));
    };
    if let Some(id_token) = &answer.id_token {
        let jwks = match auth.jwks.get_untracked() {
            Some(jwks) => jwks,
            None => Arc::new(fetch_jwks(&instance).await.map_err(refused)?),
        };
        let (now, offset) = (clock::now(), auth.clock_offset.get_untracked());
        let claims = auth
            .with_keys(&instance, jwks, |keys| {
                validate(Validation::new(
                    &instance,
                    keys,
                    id_token.clone(),
                    answer.access_token.clone(),
                    now,
                    offset,
                    Against::Refreshed(session.signin_claims.clone()),
                ))
            })
            .await
            .map_err(refused)?;
        session.claims = claims;
    }
    let scopes = answer
        .scope
        .as_deref()
        .map(|s| granted_scopes(Some(s), &instance))
        .unwrap_or_else(|| session.scopes.clone());
    let erpnet_instance_id::RefreshResponse {
        access_token,
        expires_in,
        id_token,
        refresh_token,
        ..
    } = answer;
    session.access_token = access_token;
    if let Some(id_token) = id_token {
        session.id_token = id_token;
    }
    session.scopes = scopes;
    session.times = SessionTimes::new(now, expires_in);
    Ok((session, refresh_token))
}

/// Asks the userinfo endpoint for the person's name and shows it, if the answer is about the
/// signed-in `sub` (anything else is ignored: the ID token's `sub` stays on screen). In the
/// sign-in chunk under `--cfg wasm_split` ([`ask_user_name`]); never an `Err` of its own.
pub(super) async fn user_name(auth: Auth) -> Result<(), SignInError> {
    let Some(instance) = auth.instance() else {
        return Ok(());
    };
    let Some((token, sub)) = auth.session.with_untracked(|s| {
        s.as_ref()
            .map(|s| (s.access_token.clone(), s.claims.sub.clone()))
    }) else {
        return Ok(());
    };
    let Some(request) = userinfo_request(&instance.metadata, &token) else {
        return Ok(());
    };
    let Ok(resp) = http::send(&request).await else {
        return Ok(());
    };
    let Ok(info) = parse_userinfo(resp.as_core(), &sub) else {
        return Ok(());
    };
    let Some(name) = info.display_name().map(str::to_owned) else {
        return Ok(());
    };
    auth.session.update(|s| {
        if let Some(s) = s.as_mut().filter(|s| s.claims.sub == sub) {
            s.user_name = Some(name);
        }
    });
    Ok(())
}
