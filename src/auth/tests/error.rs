//! Sign-in and session errors: each phase's error maps to its stable code, keeps its cause as
//! a source, and explains the Instance ID's own `error` values and a wrong device clock.

use std::error::Error as _;

use erpnet_instance_id::{CallbackError, DiscoveryError, IdTokenError, LogoutError, TokenError};

use crate::auth::error::{SessionError, SignInError, SignOutError, StartError};
use crate::auth::AppError;
use crate::error::{ErrorCode, FetchError};

fn code(e: impl Into<AppError>) -> &'static str {
    e.into().code().as_str()
}

fn provider(error: &str) -> AppError {
    SignInError::Callback(CallbackError::ProviderError {
        error: error.to_owned(),
        description: Some("The user denied the request".to_owned()),
        uri: None,
    })
    .into()
}

fn unreachable() -> FetchError {
    FetchError {
        url: "https://acme.my.erp.net/id/connect/token".to_owned(),
        detail: "Failed to fetch".to_owned(),
        aborted: false,
    }
}

#[test]
fn start_errors() {
    assert_eq!(code(StartError::NoBase), "config_invalid");
    assert_eq!(
        code(StartError::Unreachable(unreachable())),
        "discovery_failed"
    );
    let mismatch = DiscoveryError::IssuerMismatch {
        expected: "https://acme.my.erp.net/id".to_owned(),
        found: "https://evil.example/id".to_owned(),
    };
    assert_eq!(code(StartError::Discovery(mismatch)), "issuer_mismatch");
    let status = DiscoveryError::HttpStatus { status: 503 };
    assert_eq!(code(StartError::Discovery(status)), "discovery_failed");
    assert_eq!(
        code(StartError::Discovery(DiscoveryError::NoIdSite)),
        "discovery_failed"
    );
}

#[test]
fn sign_in_errors() {
    assert_eq!(code(SignInError::NotReady), "discovery_failed");
    assert_eq!(code(SignInError::StorageUnavailable), "storage_unavailable");
    assert_eq!(code(SignInError::UnknownState), "state_mismatch");
    assert_eq!(code(SignInError::Expired), "state_mismatch");
    assert_eq!(
        code(SignInError::TokenUnreachable(unreachable())),
        "token_request_failed"
    );
    assert_eq!(
        code(SignInError::JwksUnreachable(unreachable())),
        "jwks_failed"
    );
    assert_eq!(
        code(SignInError::ValidatorUnavailable),
        "app_download_failed"
    );
    let cases: [(CallbackError, &str); 6] = [
        (CallbackError::StateMissing, "state_mismatch"),
        (CallbackError::StateMismatch, "state_mismatch"),
        (CallbackError::IssMissing, "iss_mismatch"),
        (
            CallbackError::IssMismatch {
                expected: "https://acme.my.erp.net/id".to_owned(),
                found: "https://evil.example/id".to_owned(),
            },
            "iss_mismatch",
        ),
        (CallbackError::NotACallback, "callback_invalid"),
        (
            CallbackError::EmptyParameter { name: "code" },
            "callback_invalid",
        ),
    ];
    for (e, want) in cases {
        assert_eq!(code(SignInError::Callback(e)), want);
    }
    assert_eq!(code(provider("access_denied")), "callback_error");
    let refused = TokenError::Provider {
        status: 400,
        error: "invalid_grant".to_owned(),
        error_description: None,
        error_uri: None,
    };
    assert_eq!(code(SignInError::Token(refused)), "token_error");
    assert_eq!(
        code(SignInError::Token(TokenError::NotAnObject)),
        "token_response_invalid"
    );
    let expired = IdTokenError::Expired {
        exp: 1_000,
        now: 2_000,
        iat: Some(900),
    };
    let e: AppError = SignInError::IdToken(expired).into();
    assert_eq!(e.code(), ErrorCode::IdTokenInvalid);
    assert_eq!(e.rule(), Some("exp"));
}

#[test]
fn session_and_sign_out_errors() {
    assert_eq!(code(SessionError::Expired), "session_expired");
    assert_eq!(
        code(SessionError::RefreshRefused(std::sync::Arc::new(
            SignInError::Token(TokenError::Provider {
                status: 400,
                error: "invalid_grant".to_owned(),
                error_description: None,
                error_uri: None,
            })
        ))),
        "session_expired"
    );
    assert_eq!(
        code(SignOutError::Logout(LogoutError::StateMismatch)),
        "logout_state_mismatch"
    );
    assert_eq!(code(SignOutError::NotConfirmed), "signout_incomplete");
}

#[test]
fn causes_are_kept_as_sources() {
    let e = StartError::Unreachable(unreachable());
    let source = e.source().expect("the fetch error");
    assert!(source.to_string().contains("Failed to fetch"));
    let e = SignOutError::Logout(LogoutError::StateMismatch);
    assert!(e.source().is_some());
    // The app-level error is transparent: its message and source are the phase's.
    let app = AppError::from(SignInError::TokenUnreachable(unreachable()));
    assert!(app.to_string().contains("token endpoint"), "{app}");
}

#[test]
fn the_instance_ids_own_errors_are_explained() {
    let explained = |error: &str| provider(error).explanation().expect("explained");
    assert!(explained("access_denied").contains("cancelled or refused"));
    assert!(explained("login_required").contains("sign in again"));
    assert!(explained("consent_required").contains("approve"));
    assert!(explained("interaction_required").contains("do something"));
    assert!(explained("account_selection_required").contains("choose an account"));
    assert_eq!(
        explained("temporarily_unavailable"),
        explained("server_error")
    );
    // Anything else (e.g. an unregistered client) points at the registration.
    assert!(explained("unauthorized_client").contains("registration"));
    assert!(explained("").contains("registration"));
    assert_eq!(
        provider("access_denied").provider_error(),
        Some("access_denied")
    );
    // Other errors explain nothing beyond their code.
    assert_eq!(
        AppError::from(SignInError::UnknownState).explanation(),
        None
    );
    assert_eq!(
        AppError::from(SignInError::UnknownState).provider_error(),
        None
    );
}

#[test]
fn a_wrong_device_clock_is_explained_in_minutes() {
    let future = |iat: u64, now: u64| -> AppError {
        SignInError::IdToken(IdTokenError::IssuedInFuture { iat, now }).into()
    };
    // The token was issued 10 minutes after the device's "now": the clock is behind.
    let behind = future(10_600, 10_000);
    assert_eq!(behind.clock_skew_minutes(), Some(-10));
    let text = behind.explanation().unwrap();
    assert!(text.contains("10 minutes behind"), "{text}");
    let ahead: AppError = SignInError::IdToken(IdTokenError::Expired {
        exp: 10_000,
        now: 20_000,
        iat: Some(9_700),
    })
    .into();
    assert!(ahead.explanation().unwrap().contains("minutes ahead"));
    assert_eq!(
        AppError::from(SessionError::Expired).clock_skew_minutes(),
        None
    );
}
