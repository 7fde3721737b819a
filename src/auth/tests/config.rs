//! config.json (design.md 3.1): every field's error names the field and shows as
//! `config_invalid`; nothing a deployment writes (or any bytes at all) panics.

use proptest::prelude::*;
use serde_json::{json, Value};

use crate::auth::config::{parse_config, ConfigProblem, SignInMode, DEFAULT_POPUP_TIMEOUT_SECS};
use crate::auth::error::StartError;
use crate::auth::AppError;
use crate::error::ErrorCode;

const BASE: &str = "https://spa.example.com/app/";

fn valid() -> Value {
    json!({
        "instance_url": "https://acme.my.erp.net",
        "client_id": "spa.example.com",
        "scopes": "openid profile read update",
    })
}

fn with(field: &str, value: Value) -> Vec<u8> {
    let mut v = valid();
    v[field] = value;
    v.to_string().into_bytes()
}

fn without(field: &str) -> Vec<u8> {
    let mut v = valid();
    v.as_object_mut().unwrap().remove(field);
    v.to_string().into_bytes()
}

/// The problem, after checking it shows as `config_invalid` and its message names `field`.
fn problem(body: &[u8], field: Option<&str>) -> ConfigProblem {
    let p = parse_config(body, BASE).expect_err("accepted");
    assert_eq!(p.field(), field, "{p}");
    if let Some(f) = field {
        assert!(
            p.to_string().contains(&format!("`{f}`")),
            "{p} does not name {f}"
        );
    }
    let shown = AppError::from(StartError::Config(p));
    assert_eq!(shown.code(), ErrorCode::ConfigInvalid);
    match shown {
        AppError::Start(s) => match std::sync::Arc::try_unwrap(s) {
            Ok(StartError::Config(p)) => p,
            other => panic!("not a config problem: {other:?}"),
        },
        other => panic!("not a start error: {other:?}"),
    }
}

#[test]
fn a_minimal_config_takes_the_defaults_and_derives_the_redirect_uris() {
    let c = parse_config(valid().to_string().as_bytes(), BASE).unwrap();
    assert_eq!(c.sign_in_mode, SignInMode::Auto);
    assert_eq!(c.popup_timeout_secs, DEFAULT_POPUP_TIMEOUT_SECS);
    assert_eq!(
        c.client.redirect_uri().as_str(),
        "https://spa.example.com/app/signin-callback"
    );
    assert_eq!(
        c.client.post_logout_redirect_uri().as_str(),
        "https://spa.example.com/app/"
    );
    assert_eq!(c.client.scope_string(), "openid profile read update");
    assert_eq!(c.raw, valid().to_string());
}

#[test]
fn every_optional_field_is_read() {
    for (mode, want) in [
        ("auto", SignInMode::Auto),
        ("redirect", SignInMode::Redirect),
        ("popup", SignInMode::Popup),
    ] {
        let c = parse_config(&with("sign_in_mode", json!(mode)), BASE).unwrap();
        assert_eq!(c.sign_in_mode, want);
        // The Diagnostics page shows the mode as it is written in config.json.
        assert_eq!(want.name(), mode);
    }
    for secs in [5, 60, 3600] {
        let c = parse_config(&with("popup_timeout_seconds", json!(secs)), BASE).unwrap();
        assert_eq!(c.popup_timeout_secs, secs);
    }
    // `null` means "not set", like a missing field.
    let c = parse_config(&with("sign_in_mode", Value::Null), BASE).unwrap();
    assert_eq!(c.sign_in_mode, SignInMode::Auto);
    let c = parse_config(&with("popup_timeout_seconds", Value::Null), BASE).unwrap();
    assert_eq!(c.popup_timeout_secs, DEFAULT_POPUP_TIMEOUT_SECS);
}

#[test]
fn unknown_fields_are_ignored() {
    let c = parse_config(&with("theme", json!("dark")), BASE);
    assert!(c.is_ok());
}

#[test]
fn a_missing_or_null_required_field_is_named() {
    for field in ["instance_url", "client_id", "scopes"] {
        assert!(matches!(
            problem(&without(field), Some(field)),
            ConfigProblem::Missing(f) if f == field
        ));
        assert!(matches!(
            problem(&with(field, Value::Null), Some(field)),
            ConfigProblem::Missing(f) if f == field
        ));
    }
}

#[test]
fn a_required_field_of_another_type_is_named() {
    for field in ["instance_url", "client_id", "scopes"] {
        for v in [json!(1), json!(true), json!(["openid"]), json!({"a": 1})] {
            assert!(matches!(
                problem(&with(field, v), Some(field)),
                ConfigProblem::NotString(f) if f == field
            ));
        }
    }
}

#[test]
fn a_bad_sign_in_mode_is_named_with_what_was_written() {
    for v in [
        json!("Popup"),
        json!(""),
        json!("iframe"),
        json!(1),
        json!(false),
    ] {
        let p = problem(&with("sign_in_mode", v.clone()), Some("sign_in_mode"));
        assert!(matches!(p, ConfigProblem::SignInMode(_)), "{v}");
    }
    let p = problem(&with("sign_in_mode", json!("iframe")), Some("sign_in_mode"));
    assert!(p.to_string().contains("\"iframe\""), "{p}");
}

#[test]
fn a_popup_timeout_out_of_range_or_not_whole_is_named() {
    for v in [
        json!(0),
        json!(4),
        json!(3601),
        json!(-5),
        json!(60.5),
        json!("60"),
        json!(true),
    ] {
        let p = problem(
            &with("popup_timeout_seconds", v.clone()),
            Some("popup_timeout_seconds"),
        );
        assert!(matches!(p, ConfigProblem::PopupTimeout), "{v}");
    }
}

#[test]
fn values_the_core_refuses_are_named_by_their_field() {
    let cases = [
        ("instance_url", json!("not a url")),
        ("instance_url", json!("http://acme.my.erp.net")),
        ("instance_url", json!("https://acme.my.erp.net/?x=1")),
        ("instance_url", json!("https://acme.my.erp.net/#top")),
        ("instance_url", json!("https://user:pw@acme.my.erp.net")),
        ("client_id", json!("")),
        ("client_id", json!("spa example")),
        ("scopes", json!("profile read")),
        ("scopes", json!("")),
        ("scopes", json!("openid re\"ad")),
    ];
    for (field, v) in cases {
        let p = problem(&with(field, v.clone()), Some(field));
        assert!(matches!(p, ConfigProblem::Invalid(_)), "{field}: {v}");
    }
}

#[test]
fn loopback_instances_may_use_http() {
    for url in [
        "http://localhost:8400",
        "http://127.0.0.1:8400",
        "http://[::1]:8400",
    ] {
        assert!(
            parse_config(&with("instance_url", json!(url)), BASE).is_ok(),
            "{url}"
        );
    }
}

#[test]
fn not_json_or_not_an_object_has_no_field() {
    assert!(matches!(problem(b"", None), ConfigProblem::Json(_)));
    assert!(matches!(
        problem(b"<html>404</html>", None),
        ConfigProblem::Json(_)
    ));
    assert!(matches!(
        problem(b"{\"instance_url\": ", None),
        ConfigProblem::Json(_)
    ));
    for body in ["[]", "\"config\"", "null", "42"] {
        assert!(matches!(
            problem(body.as_bytes(), None),
            ConfigProblem::NotObject
        ));
    }
}

#[test]
fn loading_failures_are_config_invalid_too() {
    for p in [
        ConfigProblem::Unreachable("Failed to fetch".to_owned()),
        ConfigProblem::Status(404),
    ] {
        assert_eq!(p.field(), None);
        assert!(p.to_string().starts_with("config.json could not be loaded"));
        assert_eq!(
            AppError::from(StartError::Config(p)).code(),
            ErrorCode::ConfigInvalid
        );
    }
    assert_eq!(
        AppError::from(StartError::NoBase).code(),
        ErrorCode::ConfigInvalid
    );
}

proptest! {
    #[test]
    fn any_bytes_give_a_config_or_a_problem(body in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = parse_config(&body, BASE);
    }

    #[test]
    fn any_string_in_any_field_gives_a_config_or_a_named_problem(
        field in prop::sample::select(vec!["instance_url", "client_id", "scopes", "sign_in_mode"]),
        value in "\\PC{0,40}",
    ) {
        if let Err(p) = parse_config(&with(field, json!(value)), BASE) {
            prop_assert_eq!(p.field(), Some(field));
        }
    }
}
