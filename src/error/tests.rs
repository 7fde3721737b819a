//! The error codes as a contract: every code has a unique snake_case string, a title, a
//! remedy and its panel; the codes external suites assert are all there; both phases' errors
//! explain themselves through the same [`Explained`].

use std::collections::HashSet;

use erpnet_instance_id::service_root::LinkError;

use super::{ErrorCode, Explained, FetchError, Remedy};
use crate::api::ApiError;
use crate::auth::error::{PopupError, SessionError, SignOutError, StartError};
use crate::auth::AppError;

fn is_snake_case(s: &str) -> bool {
    !s.is_empty()
        && s.split('_').all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && s.starts_with(|c: char| c.is_ascii_lowercase())
}

#[test]
fn every_code_has_a_unique_snake_case_string_that_parses_back() {
    let mut seen = HashSet::new();
    for code in ErrorCode::ALL {
        let s = code.as_str();
        assert!(is_snake_case(s), "{s:?} is not snake_case");
        assert!(seen.insert(s), "{s:?} names two codes");
        assert_eq!(ErrorCode::parse(s), Some(code));
        assert_eq!(code.to_string(), s);
    }
    assert_eq!(seen.len(), ErrorCode::ALL.len());
}

#[test]
fn all_lists_every_code_once() {
    // `ALL` is written by hand: a code missing from it would escape the checks above. Every
    // code's position is distinct and each round-trips, so a duplicate would show here.
    let unique: HashSet<ErrorCode> = ErrorCode::ALL.into_iter().collect();
    assert_eq!(unique.len(), ErrorCode::ALL.len());
}

#[test]
fn unknown_strings_parse_to_nothing() {
    for s in [
        "",
        "Config_Invalid",
        "config-invalid",
        " config_invalid",
        "api",
        "error",
    ] {
        assert_eq!(ErrorCode::parse(s), None, "{s:?}");
    }
}

#[test]
fn the_design_contract_codes_keep_their_strings() {
    // design.md 3.3, the codes added since, and every code the e2e specs assert.
    let contract = [
        "config_invalid",
        "discovery_failed",
        "issuer_mismatch",
        "state_mismatch",
        "callback_error",
        "callback_invalid",
        "iss_mismatch",
        "token_request_failed",
        "token_error",
        "token_response_invalid",
        "jwks_failed",
        "id_token_invalid",
        "popup_blocked",
        "popup_closed",
        "popup_timeout",
        "popup_unreachable",
        "session_expired",
        "logout_state_mismatch",
        "signout_incomplete",
        "storage_unavailable",
        "app_download_failed",
        "api_error",
        "api_forbidden",
        "api_rate_limited",
        "api_unreachable",
        "api_response_invalid",
        "api_link_refused",
        "api_bad_entity_set",
        "api_root_invalid",
    ];
    for s in contract {
        assert!(ErrorCode::parse(s).is_some(), "{s} is not a code any more");
    }
    assert_eq!(contract.len(), ErrorCode::ALL.len());
}

#[test]
fn every_code_has_a_title_and_a_remedy_a_person_can_read() {
    let mut titles = HashSet::new();
    for code in ErrorCode::ALL {
        let title = code.title();
        assert!(!title.trim().is_empty(), "{code}: empty title");
        assert!(!title.ends_with('.'), "{code}: a title is a headline");
        assert!(titles.insert(title), "{code}: title {title:?} shared");
        let advice = code.remedy().advice();
        assert!(
            advice.ends_with('.'),
            "{code}: advice {advice:?} is a sentence"
        );
    }
}

#[test]
fn every_remedy_has_advice() {
    for r in [
        Remedy::Reload,
        Remedy::SignIn,
        Remedy::FixDeployment,
        Remedy::RetrySignOut,
        Remedy::Wait,
        Remedy::CheckConnection,
        Remedy::FixQuery,
        Remedy::Report,
    ] {
        assert!(r.advice().len() > 20, "{r:?}");
    }
}

#[test]
fn domain_api_codes_use_the_api_panel_and_the_rest_the_auth_panel() {
    for code in ErrorCode::ALL {
        let want = if code.as_str().starts_with("api_") {
            "api-error"
        } else {
            "auth-error"
        };
        assert_eq!(code.testid(), want, "{code}");
    }
}

#[test]
fn remedies_of_the_codes_people_act_on() {
    assert_eq!(ErrorCode::ConfigInvalid.remedy(), Remedy::FixDeployment);
    assert_eq!(ErrorCode::IssuerMismatch.remedy(), Remedy::FixDeployment);
    assert_eq!(ErrorCode::DiscoveryFailed.remedy(), Remedy::Reload);
    assert_eq!(ErrorCode::SignoutIncomplete.remedy(), Remedy::RetrySignOut);
    assert_eq!(ErrorCode::SessionExpired.remedy(), Remedy::SignIn);
    assert_eq!(ErrorCode::PopupBlocked.remedy(), Remedy::SignIn);
    assert_eq!(ErrorCode::ApiRateLimited.remedy(), Remedy::Wait);
    assert_eq!(ErrorCode::ApiUnreachable.remedy(), Remedy::CheckConnection);
    assert_eq!(ErrorCode::ApiBadEntitySet.remedy(), Remedy::FixQuery);
}

fn fetch_error() -> FetchError {
    FetchError {
        url: "https://acme.my.erp.net/id/.well-known/openid-configuration".to_owned(),
        detail: "Failed to fetch".to_owned(),
        aborted: false,
    }
}

#[test]
fn a_fetch_error_says_where_and_mentions_cors() {
    let text = fetch_error().to_string();
    assert!(text.starts_with("https://acme.my.erp.net/id/"), "{text}");
    assert!(
        text.contains("Failed to fetch") && text.contains("CORS"),
        "{text}"
    );
}

#[test]
fn an_app_error_explains_itself_in_the_auth_panel() {
    let e: AppError = StartError::Unreachable(fetch_error()).into();
    let x = Explained::from(e.clone());
    assert_eq!(x.code, ErrorCode::DiscoveryFailed);
    assert_eq!(x.testid(), "auth-error");
    assert_eq!(x.title, ErrorCode::DiscoveryFailed.title());
    assert_eq!(x.detail, e.to_string());
    assert!(x.detail.contains("Failed to fetch"));
    assert_eq!(x.remedy(), Remedy::Reload);
    assert_eq!((x.status, x.rule, x.sign_in_here), (None, None, false));
}

#[test]
fn a_rejected_token_is_a_session_failure_offering_sign_in_in_the_panel() {
    let x = Explained::from(ApiError::Unauthorized);
    assert_eq!(x.code, ErrorCode::SessionExpired);
    assert_eq!(x.testid(), "auth-error");
    assert_eq!(x.status, Some(401));
    assert!(x.sign_in_here);
    // The same code from the session's own expiry: same title, the page has its own button.
    let expired = Explained::from(AppError::from(SessionError::Expired));
    assert_eq!(expired.code, ErrorCode::SessionExpired);
    assert_eq!(expired.title, x.title);
    assert!(!expired.sign_in_here);
}

#[test]
fn a_domain_api_error_answer_is_headed_by_the_servers_message() {
    let x = Explained::from(ApiError::Server {
        status: 500,
        code: Some("1101".to_owned()),
        message: "Could not find a property named 'Nope'.".to_owned(),
        info: Some("QueryException".to_owned()),
    });
    assert_eq!(x.testid(), "api-error");
    assert_eq!(x.code.as_str(), "api_error");
    assert_eq!(x.title, "Could not find a property named 'Nope'.");
    assert_eq!(
        x.detail,
        "The Domain API refused the query (HTTP 500, code 1101)."
    );
    assert_eq!(x.info.as_deref(), Some("QueryException"));
    assert_eq!(x.status, Some(500));
    assert!(!x.sign_in_here);
}

#[test]
fn a_refused_link_explains_the_service_root_and_sends_nothing() {
    let x = Explained::from(ApiError::from(LinkError::OtherOrigin(
        "https://evil.example".to_owned(),
    )));
    assert_eq!(x.code.as_str(), "api_link_refused");
    assert_eq!(x.testid(), "api-error");
    assert_eq!(x.title, "A link from the server was refused");
    assert!(x.detail.starts_with("no request was sent"), "{}", x.detail);
    assert!(x
        .info
        .as_deref()
        .unwrap_or_default()
        .contains("service root"));
    let bad = Explained::from(ApiError::from(LinkError::BadEntitySet("a/b".to_owned())));
    assert_eq!(bad.code.as_str(), "api_bad_entity_set");
    assert_eq!(bad.info, None);
    let root = Explained::from(ApiError::from(LinkError::InvalidRoot("ftp://x".to_owned())));
    assert_eq!(root.code.as_str(), "api_root_invalid");
    assert_eq!(root.info, None);
}

#[test]
fn popup_and_sign_out_errors_keep_their_codes() {
    let code = |e: AppError| e.code().as_str();
    assert_eq!(code(PopupError::Blocked.into()), "popup_blocked");
    assert_eq!(code(PopupError::Closed.into()), "popup_closed");
    assert_eq!(code(PopupError::Timeout.into()), "popup_timeout");
    assert_eq!(code(PopupError::Unreachable.into()), "popup_unreachable");
    assert_eq!(code(SignOutError::NoEndpoint.into()), "signout_incomplete");
    assert_eq!(
        code(SignOutError::PopupBlocked.into()),
        "signout_incomplete"
    );
    assert_eq!(
        code(SignOutError::NotConfirmed.into()),
        "signout_incomplete"
    );
}
