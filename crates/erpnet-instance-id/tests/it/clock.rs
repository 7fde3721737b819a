//! HTTP dates, the bounded clock offset, and ID tokens checked against a wrong device clock.

use erpnet_instance_id::{
    parse_http_date, ClockOffset, ClockOffsetError, IdTokenError, JwtCompactVerifier,
};
use serde_json::json;

use crate::support::*;

/// `NOW` as the Instance ID's `Date` header would say it.
const NOW_HTTP_DATE: &str = "Tue, 23 Dec 2025 12:53:14 GMT";

#[test]
fn rfc_9110_examples_in_all_three_forms() {
    // RFC 9110 5.6.7: the same instant in the preferred and the two obsolete forms.
    for s in [
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
    ] {
        assert_eq!(parse_http_date(s), Some(784_111_777), "{s}");
    }
    assert_eq!(parse_http_date(NOW_HTTP_DATE), Some(NOW));
    assert_eq!(
        parse_http_date("  Tue, 23 Dec 2025 12:53:14 GMT\r\n"),
        Some(NOW)
    );
    assert_eq!(
        parse_http_date("Sun Nov 16 08:49:37 1994"),
        Some(784_111_777 + 10 * 86_400)
    );
}

#[test]
fn calendar_edges() {
    assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
    assert_eq!(
        parse_http_date("Thu, 29 Feb 2024 12:00:00 GMT"),
        Some(1_709_208_000)
    );
    assert!(parse_http_date("Tue, 29 Feb 2000 00:00:00 GMT").is_some());
    assert_eq!(
        parse_http_date("Fri, 31 Dec 9999 23:59:59 GMT"),
        Some(253_402_300_799)
    );
    // A leap second reads as the next minute's first second.
    assert_eq!(
        parse_http_date("Sat, 31 Dec 2016 23:59:60 GMT"),
        parse_http_date("Sun, 01 Jan 2017 00:00:00 GMT")
    );
    // The two-digit year window of the RFC 850 form: 70-99 are 19xx, 00-69 are 20xx.
    assert_eq!(
        parse_http_date("Monday, 01-Jan-07 00:00:00 GMT"),
        Some(1_167_609_600)
    );
    assert_eq!(parse_http_date("Thursday, 01-Jan-70 00:00:00 GMT"), Some(0));
    assert_eq!(
        parse_http_date("Tuesday, 31-Dec-69 00:00:00 GMT"),
        Some(3_155_673_600)
    );
}

#[test]
fn garbage_and_near_misses_are_refused() {
    for s in [
        "",
        "   ",
        "GMT",
        "1766494394",
        "2025-12-23T12:53:14Z",
        "Tue, 23 Dec 2025 12:53:14 UTC",
        "Tue, 23 Dec 2025 12:53:14 +0000",
        "Tue, 23 Dec 2025 12:53:14 gmt",
        "tue, 23 Dec 2025 12:53:14 GMT",
        "Tue, 23 dec 2025 12:53:14 GMT",
        "Tue, 3 Dec 2025 12:53:14 GMT",
        "Tue, 23 Dec 25 12:53:14 GMT",
        "Tue,23 Dec 2025 12:53:14 GMT",
        "Tue, 23 Dec 2025 12:53 GMT",
        "Tue, 23 Dec 2025 12:53:14 GMT extra",
        "Tue, 23 Dec 2025 24:00:00 GMT",
        "Tue, 23 Dec 2025 12:60:00 GMT",
        "Tue, 23 Dec 2025 12:00:61 GMT",
        "Tue, 00 Dec 2025 12:00:00 GMT",
        "Tue, 32 Dec 2025 12:00:00 GMT",
        "Wed, 29 Feb 2023 12:00:00 GMT",
        "Mon, 29 Feb 1900 12:00:00 GMT",
        "Wed, 31 Dec 1969 23:59:59 GMT",
        "Xyz, 23 Dec 2025 12:53:14 GMT",
        "Tue, -3 Dec 2025 12:53:14 GMT",
        "Tue, 23 Dec +025 12:53:14 GMT",
        "Tue, 23 Déc 2025 12:53:14 GMT",
        "Tuesday, 23-Dec-2025 12:53:14 GMT",
        "Tuesday, 23-Dec-25 12:53:14 UTC",
        "Tue Dec 23 12:53:14 25",
        "Tue Dec 23 12:53:14 2025 GMT",
        "Tue Dec  x 12:53:14 2025",
        "Tue, 99 Dec 99999 99:99:99 GMT",
        "Tue, 18446744073709551615 Dec 2025 12:53:14 GMT",
        "Tue, 23 Dec 2025 12:53:14 GMT\u{0}",
        "Tue, 23 Dec 2025 1\u{e9}:53:1 GMT",
    ] {
        assert_eq!(parse_http_date(s), None, "{s:?}");
    }
}

#[test]
fn offset_from_a_date_header() {
    // The device clock is 10 minutes behind the Instance ID's.
    let o = ClockOffset::from_server_date(NOW_HTTP_DATE, None, NOW - 600).unwrap();
    assert_eq!((o.secs(), o.minutes()), (600, 10));
    assert_eq!(o.apply(NOW - 600), NOW);
    // Ahead; an Age (seconds spent in a cache) moves the server's "now" forward.
    let o = ClockOffset::from_server_date(NOW_HTTP_DATE, Some(" 5 "), NOW + 600).unwrap();
    assert_eq!((o.secs(), o.minutes()), (-595, -10));
    assert_eq!(ClockOffset::default(), ClockOffset::ZERO);
    assert_eq!(ClockOffset::ZERO.apply(NOW), NOW);
}

#[test]
fn offsets_within_the_noise_are_zero() {
    for device in [NOW - 2, NOW - 1, NOW, NOW + 1, NOW + 2] {
        let o = ClockOffset::from_server_date(NOW_HTTP_DATE, None, device).unwrap();
        assert_eq!(o, ClockOffset::ZERO, "{device}");
    }
    assert_eq!(ClockOffset::from_secs(3).unwrap().secs(), 3);
    assert_eq!(ClockOffset::from_secs(-3).unwrap().secs(), -3);
}

#[test]
fn offset_is_bounded_to_a_day_and_refused_beyond() {
    assert_eq!(ClockOffset::from_secs(86_400).unwrap().secs(), 86_400);
    assert_eq!(ClockOffset::from_secs(-86_400).unwrap().secs(), -86_400);
    for secs in [86_401, -86_401, i64::MAX, i64::MIN] {
        let e = ClockOffset::from_secs(secs).unwrap_err();
        assert_eq!(e, ClockOffsetError::OutOfRange { secs });
        assert_eq!(e.code(), "clock_offset_invalid");
    }
    // A Date a year old (a cache replaying a stale answer without Age) is not believed.
    let e = ClockOffset::from_server_date("Mon, 23 Dec 2024 12:53:14 GMT", None, NOW).unwrap_err();
    assert!(matches!(e, ClockOffsetError::OutOfRange { secs } if secs < -86_400));
    // Huge inputs saturate into a refusal, never overflow.
    let e = ClockOffset::from_server_date(NOW_HTTP_DATE, Some("99999999999999999999999"), NOW)
        .unwrap_err();
    assert!(matches!(e, ClockOffsetError::OutOfRange { .. }));
    let e = ClockOffset::from_server_date(NOW_HTTP_DATE, None, u64::MAX).unwrap_err();
    assert!(matches!(e, ClockOffsetError::OutOfRange { .. }));
    assert_eq!(
        ClockOffset::from_secs(86_400).unwrap().apply(u64::MAX),
        u64::MAX
    );
    assert_eq!(ClockOffset::from_secs(-86_400).unwrap().apply(5), 0);
}

#[test]
fn offset_inputs_that_are_not_dates_or_ages() {
    assert!(matches!(
        ClockOffset::from_server_date("yesterday", None, NOW),
        Err(ClockOffsetError::InvalidDate(d)) if d == "yesterday"
    ));
    for age in ["", "-1", "1.5", "abc", "+3"] {
        assert!(
            matches!(
                ClockOffset::from_server_date(NOW_HTTP_DATE, Some(age), NOW),
                Err(ClockOffsetError::InvalidAge(_))
            ),
            "{age:?}"
        );
    }
}

/// An IdentityServer4-shaped token: `nbf` = `iat`, 300 s lifetime.
fn is4_token() -> erpnet_instance_id::IdToken {
    rs256(&claims_with(
        json!({"iat": NOW, "nbf": NOW, "exp": NOW + 300}),
    ))
}

fn validate_at(
    device_now: u64,
    offset: ClockOffset,
) -> Result<erpnet_instance_id::IdTokenClaims, IdTokenError> {
    let (n, algs, at) = (nonce(), advertised(), access_token());
    let mut e = expectations(&n, &algs, &at);
    e.now = device_now;
    e.clock_offset = offset;
    e.validate(&is4_token(), &default_jwks(), &JwtCompactVerifier)
}

#[test]
fn device_ten_minutes_ahead_fails_then_passes_with_the_offset() {
    let device_now = NOW + 600;
    let e = validate_at(device_now, ClockOffset::ZERO).unwrap_err();
    assert!(
        matches!(e, IdTokenError::Expired { exp, now, iat: Some(NOW) } if exp == NOW + 300 && now == device_now)
    );
    assert_eq!(e.rule(), "exp");
    assert_eq!(e.clock_skew_minutes(), Some(10));
    let offset = ClockOffset::from_server_date(NOW_HTTP_DATE, None, device_now).unwrap();
    assert!(validate_at(device_now, offset).is_ok());
}

#[test]
fn device_ten_minutes_behind_fails_then_passes_with_the_offset() {
    let device_now = NOW - 600;
    let e = validate_at(device_now, ClockOffset::ZERO).unwrap_err();
    assert!(matches!(
        e,
        IdTokenError::NotYetValid {
            nbf: NOW,
            iat: Some(NOW),
            ..
        }
    ));
    assert_eq!(e.clock_skew_minutes(), Some(-10));
    let offset = ClockOffset::from_server_date(NOW_HTTP_DATE, None, device_now).unwrap();
    assert!(validate_at(device_now, offset).is_ok());
    // Without nbf, the same clock fails rule 10 and says the same.
    let t = rs256(&claims_with(json!({"nbf": null})));
    let (n, algs, at) = (nonce(), advertised(), access_token());
    let mut ex = expectations(&n, &algs, &at);
    ex.now = device_now;
    let e = ex
        .validate(&t, &default_jwks(), &JwtCompactVerifier)
        .unwrap_err();
    assert!(matches!(e, IdTokenError::IssuedInFuture { iat: NOW, .. }));
    assert_eq!(e.clock_skew_minutes(), Some(-10));
}

#[test]
fn a_wrong_offset_is_not_a_licence() {
    // The offset is applied, not ignored: a correct device clock with a bogus 10-minute offset
    // fails, and the error reports the time actually used.
    let offset = ClockOffset::from_secs(600).unwrap();
    let e = validate_at(NOW, offset).unwrap_err();
    assert!(matches!(e, IdTokenError::Expired { now, .. } if now == NOW + 600));
}

#[test]
fn skew_is_only_reported_for_time_rules() {
    let (n, algs, at) = (nonce(), advertised(), access_token());
    let e = expectations(&n, &algs, &at);
    let t = rs256(&claims_with(json!({"nonce": "other"})));
    let err = e
        .validate(&t, &default_jwks(), &JwtCompactVerifier)
        .unwrap_err();
    assert_eq!(err.clock_skew_minutes(), None);
    // A time failure without iat cannot say how wrong the clock is.
    let t = rs256(&claims_with(json!({"iat": null, "exp": NOW - 100})));
    let err = e
        .validate(&t, &default_jwks(), &JwtCompactVerifier)
        .unwrap_err();
    assert!(matches!(err, IdTokenError::Expired { iat: None, .. }));
    assert_eq!(err.clock_skew_minutes(), None);
    // A token really issued long ago (iat consistent with the clock) still fails exp; the skew
    // then is its age, which is what `now - iat` honestly measures.
    let t = rs256(&claims_with(
        json!({"iat": NOW - 3600, "nbf": NOW - 3600, "exp": NOW - 3300}),
    ));
    let err = e
        .validate(&t, &default_jwks(), &JwtCompactVerifier)
        .unwrap_err();
    assert_eq!(err.clock_skew_minutes(), Some(60));
}
