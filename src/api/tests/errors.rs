//! ERP.net's error answers read into [`ApiError`]s (both of its shapes, IdentityServer's
//! bearer challenges, bodies that are not JSON at all), `Retry-After` and the backoff.

use proptest::prelude::*;

use crate::api::errors::{backoff_seconds, parse_error, retry_after_seconds};
use crate::api::ApiError;
use crate::error::ErrorCode;

/// ERP.net's own top-level shape (HTTP 500), as the Domain API sends it.
const ERPNET_500: &[u8] = br#"{"message":"Prohibited duplication in table 'dbo.Gen_Products_Table'.","code":2129,"type":"Aloe.EnterpriseOne.Server.ServerAPI.Exceptions.EnterpriseOneServerException","info":"System.Exception: Prohibited duplication...\r\n   at Aloe.EnterpriseOne.Data.Db.Execute()","messageFormat":"Prohibited duplication in table '{0}'.","parameters":["dbo.Gen_Products_Table"]}"#;

/// The wrapped OData shape with a string code (ASP.NET OData's routing errors).
const ODATA_404: &[u8] = br#"{"error":{"code":"NotFound","message":"Resource not found for the segment 'Crm_NoSuchSet'.","innererror":{"message":"x"}}}"#;

/// IdentityServer4's access-token validation challenge on a 401.
const IS4_401: &str =
    r#"Bearer error="invalid_token", error_description="The access token is expired""#;

#[test]
fn erpnet_server_errors_keep_message_code_and_info() {
    let e = parse_error(500, None, ERPNET_500);
    let ApiError::Server {
        status,
        code,
        message,
        info,
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(*status, 500);
    assert_eq!(code.as_deref(), Some("2129"));
    assert_eq!(
        message,
        "Prohibited duplication in table 'dbo.Gen_Products_Table'."
    );
    assert!(info.as_deref().unwrap().contains("Db.Execute"));
    assert_eq!(e.code(), ErrorCode::ApiError);
    assert_eq!(e.headline(), *message);
    assert_eq!(e.status(), Some(500));
}

#[test]
fn the_wrapped_shape_and_string_codes() {
    let e = parse_error(404, None, ODATA_404);
    assert_eq!(
        e,
        ApiError::Server {
            status: 404,
            code: Some("NotFound".to_owned()),
            message: "Resource not found for the segment 'Crm_NoSuchSet'.".to_owned(),
            info: None,
        }
    );
    // `{"error": "text"}` is not the wrapped shape: the top level is read (and has no message).
    let e = parse_error(400, None, br#"{"error":"invalid_request","message":"top"}"#);
    assert!(
        matches!(&e, ApiError::Server { message, .. } if message == "top"),
        "{e:?}"
    );
}

#[test]
fn blank_or_odd_members_are_ignored() {
    let e = parse_error(
        500,
        None,
        br#"{"message":"   ","code":true,"info":{"a":1}}"#,
    );
    let ApiError::Server {
        code,
        message,
        info,
        ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(code, &None);
    assert_eq!(info, &None);
    assert!(
        message.starts_with("the Domain API answered HTTP 500: {"),
        "{message}"
    );
}

#[test]
fn bodies_without_json_say_what_came_back_briefly() {
    let html = format!("<html>{}</html>", "x".repeat(1000));
    let e = parse_error(502, None, html.as_bytes());
    let ApiError::Server { message, .. } = &e else {
        panic!("{e:?}")
    };
    assert!(message.starts_with("the Domain API answered HTTP 502: <html>xxx"));
    assert!(
        message.chars().count() < 260,
        "the body is cut at 200 characters"
    );
    let e = parse_error(503, None, b"   \n");
    assert_eq!(
        e.to_string(),
        "the Domain API answered HTTP 503 without a message"
    );
    let e = parse_error(500, None, b"\xff\xfe\x00garbage");
    assert!(e.to_string().contains("garbage"));
}

#[test]
fn a_401_is_a_session_failure_whatever_the_body() {
    for body in [&b""[..], b"{}", ERPNET_500, b"\x00\x01"] {
        let e = parse_error(401, Some(IS4_401), body);
        assert_eq!(e, ApiError::Unauthorized);
        assert_eq!(e.code(), ErrorCode::SessionExpired);
        assert!(e.needs_sign_in());
        assert_eq!(e.status(), Some(401));
    }
    assert_eq!(parse_error(401, None, b""), ApiError::Unauthorized);
}

#[test]
fn a_403_names_the_missing_scope_from_the_challenge() {
    let e = parse_error(
        403,
        Some(r#"Bearer error="insufficient_scope", scope="read""#),
        br#"{"error":{"code":"Forbidden","message":"no"}}"#,
    );
    assert_eq!(
        e,
        ApiError::Forbidden {
            scope: Some("read".to_owned()),
            message: Some("no".to_owned()),
        }
    );
    assert_eq!(e.code(), ErrorCode::ApiForbidden);
    assert!(e.to_string().contains("`read`"), "{e}");
    assert!(e.to_string().contains("config.json"), "{e}");
    // Without a scope: the server's message, else a plain sentence.
    let e = parse_error(
        403,
        Some("Bearer"),
        br#"{"message":"Access denied to Crm"}"#,
    );
    assert!(e.to_string().ends_with("Access denied to Crm"), "{e}");
    assert!(parse_error(403, None, b"")
        .to_string()
        .contains("lacks a scope"));
    assert!(!parse_error(403, None, b"").needs_sign_in());
}

#[test]
fn rate_limits_network_and_invalid_answers_have_their_codes() {
    let limited = ApiError::RateLimited { attempts: 4 };
    assert_eq!(limited.code(), ErrorCode::ApiRateLimited);
    assert!(limited.to_string().contains("tried 4 times"));
    assert_eq!(limited.status(), Some(429));
    let net =
        ApiError::Network("https://x could not be reached (Failed to fetch); ... (CORS)".into());
    assert_eq!(net.code(), ErrorCode::ApiUnreachable);
    assert_eq!(net.status(), None);
    assert_eq!(net.headline(), "Cannot reach the Domain API");
    assert!(net.detail().contains("CORS"));
    let invalid = ApiError::Invalid("no `value` array".into());
    assert_eq!(invalid.code(), ErrorCode::ApiResponseInvalid);
    assert!(invalid.detail().contains("no `value` array"));
}

#[test]
fn retry_after_takes_delay_seconds_only_capped_at_a_minute() {
    assert_eq!(retry_after_seconds(Some("0")), Some(0));
    assert_eq!(retry_after_seconds(Some("3")), Some(3));
    assert_eq!(retry_after_seconds(Some(" 7\t")), Some(7));
    assert_eq!(retry_after_seconds(Some("60")), Some(60));
    assert_eq!(retry_after_seconds(Some("61")), Some(60));
    assert_eq!(retry_after_seconds(Some("4294967295")), Some(60));
    assert_eq!(retry_after_seconds(Some("99999999999999999999")), Some(60));
    // An HTTP date is not trusted against the device clock; other text is no header.
    for h in [
        "Wed, 21 Oct 2015 07:28:00 GMT",
        "-1",
        "+3",
        "1.5",
        "3s",
        "",
        "1 2",
        "٣",
    ] {
        assert_eq!(retry_after_seconds(Some(h)), None, "{h:?}");
    }
    assert_eq!(retry_after_seconds(None), None);
}

#[test]
fn backoff_doubles_to_eight_seconds_unless_the_server_says() {
    assert_eq!(
        [0, 1, 2, 3, 4, 5, 100, u32::MAX].map(|a| backoff_seconds(None, a)),
        [1, 1, 2, 4, 8, 8, 8, 8]
    );
    assert_eq!(backoff_seconds(Some(0), 4), 0);
    assert_eq!(backoff_seconds(Some(30), 1), 30);
}

proptest! {
    /// Any status and bytes give an error for a person, never a panic; 401 and 403 keep their
    /// meaning whatever the body says.
    #[test]
    fn any_answer_is_read_without_panicking(
        status in 100u16..600,
        challenge in proptest::option::of("\\PC{0,60}"),
        body in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let e = parse_error(status, challenge.as_deref(), &body);
        prop_assert!(!e.to_string().is_empty());
        prop_assert!(!e.headline().is_empty());
        match status {
            401 => prop_assert_eq!(e.code(), ErrorCode::SessionExpired),
            403 => prop_assert_eq!(e.code(), ErrorCode::ApiForbidden),
            _ => prop_assert_eq!(e.status(), Some(status)),
        }
    }

    /// JSON bodies of either shape with any member types.
    #[test]
    fn any_json_error_body_is_read(
        message in proptest::option::of("\\PC{0,30}"),
        code in proptest::option::of(any::<i64>()),
        wrapped in any::<bool>(),
    ) {
        let inner = serde_json::json!({"message": message, "code": code});
        let body = if wrapped { serde_json::json!({"error": inner}) } else { inner };
        let e = parse_error(500, None, body.to_string().as_bytes());
        let ApiError::Server { code: c, message: m, .. } = e else { panic!("not a server error") };
        prop_assert_eq!(c, code.map(|c| c.to_string()));
        if let Some(msg) = message.filter(|m| !m.trim().is_empty()) {
            prop_assert_eq!(m, msg);
        }
    }

    #[test]
    fn any_retry_after_is_at_most_a_minute(h in "\\PC{0,12}") {
        if let Some(s) = retry_after_seconds(Some(&h)) {
            prop_assert!(s <= 60);
        }
    }
}
