//! Redeeming an authorization response: the callback checked against its pending request,
//! the code exchanged at the token endpoint, then (in the sign-in chunk, [`finish`]) the
//! answer read, the ID token validated, a session made. Shared by the redirect and popup flows.

use leptos::prelude::*;
use std::sync::Arc;

use erpnet_instance_id::{
    parse_token_response, token_request, validate_callback, CallbackError, CallbackResponse, Nonce,
    PendingRequest, RefreshToken, SessionTimes,
};

use crate::auth::callback_url::CallbackUrl;
use crate::auth::error::SignInError;
use crate::auth::jwks::{fetch_jwks, RawJwks};
use crate::auth::validate::{finish_sign_in, validate, Against, Validation};
use crate::auth::{pending, Auth, Instance, Session};
use crate::browser::{clock, http, location, popup};

/// How long a window whose opener link was cut waits for the app to take its answer on the
/// BroadcastChannel.
const CHANNEL_ACK_MS: i32 = 2000;

/// A redeemed authorization code: the session, its refresh token, where to go.
pub(super) struct Redeemed {
    /// The new session.
    pub(super) session: Session,
    /// The refresh token, with `offline_access`.
    pub(super) refresh_token: Option<RefreshToken>,
    /// The app path the sign-in started from.
    pub(super) return_path: String,
}

impl Auth {
    /// The callback page's part: the address bar cleaned, the pending request taken by the
    /// response's state (or the URL handed to a popup's opener that lost its link).
    pub(super) async fn redeem_callback(
        &self,
        instance: &Arc<Instance>,
        callback: &CallbackUrl,
        response: Result<CallbackResponse, CallbackError>,
    ) -> Result<Redeemed, SignInError> {
        // Drop code and state from the address bar (and so from history) before anything
        // else can fail: the page stays the redirect URI, as registered.
        location::replace_url(instance.config.client.redirect_uri().as_str());
        let response = response?;
        let state = response.state().ok_or(SignInError::UnknownState)?;
        let Some(pending) = pending::take(state) else {
            // Perhaps a popup whose link to the app was cut (COOP): hand the URL over on the
            // BroadcastChannel; if the app takes it, this window is done.
            if popup::forward_by_channel_async(callback.url().as_str(), CHANNEL_ACK_MS).await {
                location::close_window();
            }
            return Err(SignInError::UnknownState);
        };
        self.redeem(instance, response, pending).await
    }

    /// Checks a parsed response against its pending request, redeems the code and validates
    /// the tokens.
    pub(super) async fn redeem(
        &self,
        instance: &Arc<Instance>,
        response: CallbackResponse,
        pending: PendingRequest,
    ) -> Result<Redeemed, SignInError> {
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
        // The answer is read in the sign-in chunk, which the callback page (or the popup
        // flow) fetched beside the token POST: loaded by now, so no request in series.
        finish_sign_in(Answer {
            auth: *self,
            instance: instance.clone(),
            resp,
            jwks,
            nonce,
            return_path,
        })
        .await
    }

    /// Takes a better clock estimate from a response of the Instance ID, when it lets the app
    /// read its `Date` (IdentityServer4 does not expose it to CORS; some proxies do).
    pub(super) fn note_server_date(&self, resp: &http::Fetched) {
        if resp.date.is_some() {
            self.clock_offset.set(resp.clock_offset(clock::now()));
        }
    }
}

/// The scopes the token response granted, else the ones requested.
pub(super) fn granted_scopes(scope: Option<&str>, instance: &Instance) -> Vec<String> {
    scope
        .map(|s| s.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_else(|| instance.config.client.scopes().to_vec())
}

/// The token endpoint's answer to a code and what it is checked against: it crosses the split
/// point into the sign-in chunk by value ([`finish_sign_in`]).
pub(super) struct Answer {
    /// The auth context the keys are kept in.
    pub(super) auth: Auth,
    /// The instance the code came from.
    pub(super) instance: Arc<Instance>,
    /// The token endpoint's response, as fetched.
    pub(super) resp: http::Fetched,
    /// The signing keys, known or fetched beside the POST.
    pub(super) jwks: Result<Arc<RawJwks>, SignInError>,
    /// The nonce sent with the authorization request.
    pub(super) nonce: Nonce,
    /// The app path the sign-in started from.
    pub(super) return_path: String,
}

/// Reads the token response, validates its ID token and makes the session (in the sign-in
/// chunk under `--cfg wasm_split`: [`finish_sign_in`]).
pub(super) async fn finish(answer: Answer) -> Result<Redeemed, SignInError> {
    let Answer {
        auth,
        instance,
        resp,
        jwks,
        nonce,
        return_path,
    } = answer;
    let tokens = parse_token_response(resp.as_core())?;
    let jwks = jwks?;
    if auth.jwks.with_untracked(Option::is_none) {
        auth.jwks.set(Some(jwks.clone()));
    }

    let (now, offset) = (clock::now(), auth.clock_offset.get_untracked());
    let claims = auth
        .with_keys(&instance, jwks, |keys| {
            validate(Validation::new(
                &instance,
                keys,
                tokens.id_token.clone(),
                tokens.access_token.clone(),
                now,
                offset,
                Against::Nonce(nonce.clone()),
            ))
        })
        .await?;
    let scopes = granted_scopes(tokens.scope.as_deref(), &instance);
    let erpnet_instance_id::TokenResponse {
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
