use super::*;
use crate::pkce::PendingRequest;

fn pending() -> PendingRequest {
    let mut zero = |b: &mut [u8]| b.fill(7);
    PendingRequest::new(&mut zero, 0, "/")
}

fn metadata(iss_supported: bool) -> ProviderMetadata {
    ProviderMetadata {
        issuer: crate::IssuerUrl::new("https://x.my.erp.net/id").unwrap(),
        authorization_endpoint: Url::parse("https://x.my.erp.net/id/a").unwrap(),
        token_endpoint: Url::parse("https://x.my.erp.net/id/t").unwrap(),
        end_session_endpoint: None,
        jwks_uri: Url::parse("https://x.my.erp.net/id/j").unwrap(),
        userinfo_endpoint: None,
        revocation_endpoint: None,
        check_session_iframe: None,
        code_challenge_methods_supported: vec![],
        id_token_signing_alg_values_supported: vec![],
        authorization_response_iss_parameter_supported: iss_supported,
        scopes_supported: vec![],
        response_types_supported: vec![],
    }
}

fn url(s: &str) -> Url {
    Url::parse(&format!("https://spa.example.com/signin-callback{s}")).unwrap()
}

#[test]
fn parses_query_then_fragment() {
    let r = parse_callback(&url("?code=abc&state=s1&iss=https%3A%2F%2Fx")).unwrap();
    let CallbackResponse::Code { code, state, iss } = r else {
        panic!()
    };
    assert_eq!(
        (code.secret(), state.as_deref(), iss.as_deref()),
        ("abc", Some("s1"), Some("https://x"))
    );
    let r = parse_callback(&url("?foo=1#code=frag&state=s2")).unwrap();
    assert!(matches!(&r, CallbackResponse::Code { code, .. } if code.secret() == "frag"));
    assert_eq!(r.state(), Some("s2"));
    let r = parse_callback(&url(
        "?error=access_denied&error_description=User+said+no&state=s",
    ))
    .unwrap();
    let CallbackResponse::Error {
        error,
        error_description,
        ..
    } = r
    else {
        panic!()
    };
    assert_eq!(
        (error.as_str(), error_description.as_deref()),
        ("access_denied", Some("User said no"))
    );
    let r = parse_callback(&url("?code=c&error=server_error&state=s")).unwrap();
    assert!(matches!(r, CallbackResponse::Error { .. }));
}

#[test]
fn parse_failures() {
    assert!(matches!(
        parse_callback(&url("")),
        Err(CallbackError::NotACallback)
    ));
    assert!(matches!(
        parse_callback(&url("?state=x#y=1")),
        Err(CallbackError::NotACallback)
    ));
    let e = parse_callback(&url("?code=a&code=b&state=s")).unwrap_err();
    assert!(matches!(&e, CallbackError::DuplicateParameter { name } if name == "code"));
    assert_eq!(e.code(), "callback_invalid");
    assert!(matches!(
        parse_callback(&url("?code=a&state=1&state=2")),
        Err(CallbackError::DuplicateParameter { .. })
    ));
    // A repeated unknown parameter is ignored: its name (text of the URL, e.g. a phishing
    // line) never reaches an error message before the state check.
    let lure = "Call+support+at+%2B1-555-0100";
    let r = parse_callback(&url(&format!("?code=a&state=s&{lure}=1&{lure}=2")));
    assert!(matches!(r, Ok(CallbackResponse::Code { .. })));
    assert!(matches!(
        parse_callback(&url("?code=&state=1")),
        Err(CallbackError::EmptyParameter { name: "code" })
    ));
    assert!(matches!(
        parse_callback(&url("?error=&state=1")),
        Err(CallbackError::EmptyParameter { name: "error" })
    ));
}

fn run(
    query: &str,
    p: &PendingRequest,
    iss_supported: bool,
) -> Result<AuthorizationCode, CallbackError> {
    validate_callback(parse_callback(&url(query))?, p, &metadata(iss_supported))
}

#[test]
fn validation_order_and_outcomes() {
    let p = pending();
    let st = p.state.as_str().to_owned();
    let iss = "https%3A%2F%2Fx.my.erp.net%2Fid";
    assert_eq!(
        run(&format!("?code=c&state={st}"), &p, false)
            .unwrap()
            .secret(),
        "c"
    );
    assert_eq!(
        run(&format!("?code=c&state={st}&iss={iss}"), &p, true)
            .unwrap()
            .secret(),
        "c"
    );
    let e = run("?code=c", &p, false).unwrap_err();
    assert!(matches!(e, CallbackError::StateMissing));
    assert_eq!(e.code(), "state_mismatch");
    // A wrong state wins over a wrong iss and over an error response.
    let e = run(
        "?error=access_denied&state=nope&iss=https%3A%2F%2Fevil",
        &p,
        true,
    )
    .unwrap_err();
    assert!(matches!(e, CallbackError::StateMismatch));
    let e = run(
        &format!("?code=c&state={st}&iss=https%3A%2F%2Fevil"),
        &p,
        false,
    )
    .unwrap_err();
    assert!(matches!(&e, CallbackError::IssMismatch { found, .. } if found == "https://evil"));
    assert_eq!(e.code(), "iss_mismatch");
    let e = run(&format!("?code=c&state={st}"), &p, true).unwrap_err();
    assert!(matches!(e, CallbackError::IssMissing));
    // An iss mismatch wins over an error response.
    let e = run(
        &format!("?error=access_denied&state={st}&iss=https%3A%2F%2Fevil"),
        &p,
        false,
    )
    .unwrap_err();
    assert!(matches!(e, CallbackError::IssMismatch { .. }));
    let e = run(
        &format!("?error=login_required&error_uri=https%3A%2F%2Fe&state={st}&iss={iss}"),
        &p,
        true,
    )
    .unwrap_err();
    assert!(
        matches!(&e, CallbackError::ProviderError { error, uri: Some(_), .. } if error == "login_required")
    );
    assert_eq!(e.code(), "callback_error");
}

#[test]
fn address_bar_cleaning() {
    assert!(callback_params_present(&url("?code=a")));
    assert!(callback_params_present(&url("#state=a")));
    assert!(callback_params_present(&url("?error=x")));
    assert!(!callback_params_present(&url("?tab=2#top")));
    assert_eq!(
        strip_callback_params(&url("?code=a&state=b&tab=2#iss=x")).as_str(),
        "https://spa.example.com/signin-callback?tab=2"
    );
    assert_eq!(
        strip_callback_params(&url("?code=a&state=b")).as_str(),
        "https://spa.example.com/signin-callback"
    );
}

#[test]
fn code_is_redacted() {
    let r = parse_callback(&url("?code=supersecret&state=s")).unwrap();
    assert!(!format!("{r:?}").contains("supersecret"));
}
