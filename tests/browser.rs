//! Browser tests (wasm-bindgen-test in headless Chromium): the adapters against real web
//! APIs, and the App mounted in a real DOM with `fetch` replaced by canned answers.
#![cfg(target_arch = "wasm32")]

// The core's shared test support (tests/support/tokens.rs) names the crate by its package name.
extern crate instance_id as erpnet_instance_id;

#[path = "support/tokens.rs"]
#[allow(dead_code)]
mod tokens;

use erpnet_spa::browser::webcrypto::WebCryptoVerifier;
use erpnet_spa::browser::{random::BrowserRandom, storage};
use instance_id::{
    AsyncSignatureVerifier, IdToken, IdTokenError, JwkMaterial, JwkSet, JwsAlgorithm,
    JwtCompactVerifier, RandomSource, SignatureError,
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const ISSUER: &str = "http://127.0.0.1:8400/id";

fn metadata() -> String {
    format!(
        r#"{{"issuer":"{ISSUER}","authorization_endpoint":"{ISSUER}/connect/authorize",
        "token_endpoint":"{ISSUER}/connect/token","end_session_endpoint":"{ISSUER}/connect/endsession",
        "jwks_uri":"{ISSUER}/.well-known/openid-configuration/jwks","response_types_supported":["code"],
        "code_challenge_methods_supported":["S256"],"id_token_signing_alg_values_supported":["RS256","ES256"],
        "authorization_response_iss_parameter_supported":true,"scopes_supported":["openid","profile"]}}"#
    )
}

const CONFIG: &str = r#"{"instance_url":"http://127.0.0.1:8400","client_id":"spa.example.com","scopes":"openid profile read"}"#;

/// Replaces `window.fetch` with canned answers: `(url suffix, status, content type, body)`.
/// Any other URL fails like an unreachable server.
fn stub_fetch(routes: &[(&str, u16, &str, &str)]) {
    let table = serde_json::to_string(routes).expect("routes serialise");
    let install = js_sys::Function::new_with_args(
        "table",
        "const routes = JSON.parse(table);
         window.fetch = async (input) => {
           const url = typeof input === 'string' ? input : input.url;
           for (const [suffix, status, type, body] of routes) {
             if (url.endsWith(suffix)) return new Response(body, { status, headers: { 'content-type': type } });
           }
           throw new TypeError('Failed to fetch');
         };",
    );
    install
        .call1(&JsValue::NULL, &JsValue::from_str(&table))
        .expect("fetch stub installs");
}

/// Mounts the App in a fresh container and waits until `selector` matches (or times out).
async fn mount_and_wait(selector: &str) -> Option<web_sys::Element> {
    let document = web_sys::window()?.document()?;
    let body = document.body()?;
    // The runner reports through its own elements in <body>: only replace our container.
    if let Ok(Some(old)) = document.query_selector("#app-under-test") {
        old.remove();
    }
    let container: web_sys::HtmlElement = document.create_element("div").ok()?.dyn_into().ok()?;
    container.set_id("app-under-test");
    body.append_child(&container).ok()?;
    let handle = leptos::mount::mount_to(container, erpnet_spa::app::App);
    // Unmounting on drop would remove the view before it is checked.
    std::mem::forget(handle);
    for _ in 0..200 {
        leptos::task::tick().await;
        if let Ok(Some(el)) = document.query_selector(&format!("#app-under-test {selector}")) {
            return Some(el);
        }
        erpnet_spa::browser::clock::sleep_ms(10).await;
    }
    None
}

#[wasm_bindgen_test]
fn random_bytes_come_from_the_browser_and_differ() {
    let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
    BrowserRandom.fill(&mut a);
    BrowserRandom.fill(&mut b);
    assert_ne!(a, [0u8; 32], "getRandomValues filled the buffer");
    assert_ne!(a, b, "two draws differ");
}

#[wasm_bindgen_test]
fn session_storage_round_trip() {
    let key = "erpnet.test.round-trip";
    assert!(storage::set(key, "value-1"));
    assert_eq!(storage::get(key).as_deref(), Some("value-1"));
    assert!(storage::keys_with_prefix("erpnet.test.").contains(&key.to_owned()));
    assert_eq!(storage::take(key).as_deref(), Some("value-1"));
    assert_eq!(storage::get(key), None, "take removes the value");
}

#[wasm_bindgen_test]
async fn fetch_adapter_reports_status_type_and_body() {
    stub_fetch(&[("/hello", 418, "application/json", r#"{"a":1}"#)]);
    let ok = erpnet_spa::browser::http::fetch("GET", "http://127.0.0.1:9/hello", &[], None)
        .await
        .expect("a response");
    assert_eq!(ok.status, 418);
    assert_eq!(ok.content_type.as_deref(), Some("application/json"));
    assert_eq!(ok.body, br#"{"a":1}"#);
    let err = erpnet_spa::browser::http::fetch("GET", "http://127.0.0.1:9/nowhere", &[], None)
        .await
        .expect_err("unreachable");
    assert!(err.to_string().contains("could not be reached"), "{err}");
}

#[wasm_bindgen_test]
async fn app_mounts_discovers_and_shows_the_sign_in_button() {
    let meta = metadata();
    stub_fetch(&[
        ("/config.json", 200, "application/json", CONFIG),
        ("/sys/auto-discovery", 404, "text/plain", "not here"),
        (
            "/id/.well-known/openid-configuration",
            200,
            "application/json",
            &meta,
        ),
        ("/jwks", 200, "application/json", r#"{"keys":[]}"#),
    ]);
    let button = mount_and_wait("[data-testid=sign-in]")
        .await
        .expect("sign-in button appears");
    assert_eq!(button.text_content().unwrap_or_default().trim(), "Sign in");
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("document");
    assert!(document
        .query_selector("[data-testid=auth-error]")
        .ok()
        .flatten()
        .is_none());
}

#[wasm_bindgen_test]
async fn a_config_without_client_id_is_named() {
    stub_fetch(&[(
        "/config.json",
        200,
        "application/json",
        r#"{"instance_url":"http://127.0.0.1:8400","scopes":"openid"}"#,
    )]);
    let panel = mount_and_wait("[data-testid=auth-error]")
        .await
        .expect("error panel");
    assert_eq!(
        panel.get_attribute("data-error-code").as_deref(),
        Some("config_invalid")
    );
    assert!(panel
        .text_content()
        .unwrap_or_default()
        .contains("client_id"));
}

#[wasm_bindgen_test]
async fn an_issuer_that_differs_is_refused() {
    let meta = metadata().replace(
        &format!(r#""issuer":"{ISSUER}""#),
        r#""issuer":"http://127.0.0.1:8400/id/""#,
    );
    stub_fetch(&[
        ("/config.json", 200, "application/json", CONFIG),
        (
            "/id/.well-known/openid-configuration",
            200,
            "application/json",
            &meta,
        ),
    ]);
    let panel = mount_and_wait("[data-testid=auth-error]")
        .await
        .expect("error panel");
    assert_eq!(
        panel.get_attribute("data-error-code").as_deref(),
        Some("issuer_mismatch")
    );
}

/// Sends a synthetic `message` event to this window with the given origin, source and data.
fn post_message_event(origin: &str, source: &web_sys::Window, data: &str) {
    let init = web_sys::MessageEventInit::new();
    init.set_data(&JsValue::from_str(data));
    init.set_origin(origin);
    init.set_source(Some(source.unchecked_ref()));
    let event = web_sys::MessageEvent::new_with_event_init_dict("message", &init).expect("event");
    web_sys::window()
        .expect("window")
        .dispatch_event(&event)
        .expect("dispatch");
}

#[wasm_bindgen_test]
async fn popup_messages_are_filtered_by_origin_source_and_state() {
    use std::cell::RefCell;
    use std::rc::Rc;

    let window = web_sys::window().expect("window");
    let document = window.document().expect("document");
    // Stand-ins for the popup and for some other window: two same-origin frames.
    let frame = |id: &str| -> web_sys::Window {
        let f: web_sys::HtmlIFrameElement = document
            .create_element("iframe")
            .expect("iframe")
            .dyn_into()
            .expect("iframe element");
        f.set_id(id);
        document
            .body()
            .expect("body")
            .append_child(&f)
            .expect("append");
        f.content_window().expect("frame window")
    };
    let popup_window = frame("fake-popup");
    let other_window = frame("other-window");
    let origin = window.location().origin().expect("origin");
    let good = format!("{origin}/signin-callback?code=c&state=expected-state");

    let received = Rc::new(RefCell::new(None::<String>));
    let accept: Rc<dyn Fn(&str) -> bool> =
        Rc::new(|url: &str| url.ends_with("state=expected-state"));
    let listener = erpnet_spa::browser::popup::Listener::start(
        popup_window.clone(),
        origin.clone(),
        accept,
        received.clone(),
    )
    .expect("listener");

    post_message_event("https://evil.example", &popup_window, &good);
    assert_eq!(*received.borrow(), None, "wrong origin is ignored");
    post_message_event(&origin, &other_window, &good);
    assert_eq!(*received.borrow(), None, "wrong source is ignored");
    post_message_event(
        &origin,
        &popup_window,
        &good.replace("expected-state", "other-state"),
    );
    assert_eq!(*received.borrow(), None, "wrong state is ignored");
    post_message_event(&origin, &popup_window, &good);
    assert_eq!(
        received.borrow().as_deref(),
        Some(good.as_str()),
        "the real answer is taken"
    );

    drop(listener);
    *received.borrow_mut() = None;
    post_message_event(&origin, &popup_window, &good);
    assert_eq!(*received.borrow(), None, "a dropped listener hears nothing");
}

#[wasm_bindgen_test]
fn the_test_page_is_not_framed() {
    assert!(!erpnet_spa::browser::frame::is_framed());
    assert!(!erpnet_spa::browser::frame::is_cross_site_framed());
}

/// Validates with WebCrypto and with the pure-Rust verifier; both must decide alike.
async fn validate_both(token: &IdToken, jwks: &JwkSet) -> Result<String, IdTokenError> {
    let (nonce, algs, access) = (
        tokens::nonce(),
        tokens::advertised(),
        tokens::access_token(),
    );
    let expected = tokens::expectations(&nonce, &algs, &access);
    let web = expected
        .validate_async(token, jwks, &WebCryptoVerifier)
        .await;
    let rust = expected
        .validate_async(token, jwks, &JwtCompactVerifier)
        .await;
    match (&web, &rust) {
        (Ok(a), Ok(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}")),
        (Err(a), Err(b)) => assert_eq!(a.rule(), b.rule(), "{a} / {b}"),
        _ => panic!("WebCrypto said {web:?}, jwt-compact said {rust:?}"),
    }
    web.map(|claims| claims.sub)
}

fn all_tokens() -> [(&'static str, IdToken); 3] {
    [
        ("RS256", tokens::rs256_token()),
        ("PS256", tokens::ps256_token()),
        ("ES256", tokens::es256_token()),
    ]
}

#[wasm_bindgen_test]
async fn webcrypto_verifies_rs256_ps256_and_es256() {
    for (alg, token) in all_tokens() {
        let sub = validate_both(&token, &tokens::jwks()).await;
        assert_eq!(sub.as_deref().ok(), Some("admin"), "{alg}: {sub:?}");
    }
}

#[wasm_bindgen_test]
async fn webcrypto_refuses_tampered_tokens() {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    for (alg, token) in all_tokens() {
        let parts: Vec<&str> = token.secret().split('.').collect();
        // One bit of the signature flipped.
        let mut sig = URL_SAFE_NO_PAD.decode(parts[2]).expect("signature");
        sig[7] ^= 0x01;
        let flipped = IdToken::new(format!("{}.{}.{}", parts[0], parts[1], tokens::b64(&sig)));
        // The payload edited, the signature kept.
        let payload = String::from_utf8(URL_SAFE_NO_PAD.decode(parts[1]).expect("payload"))
            .expect("utf-8")
            .replace("\"admin\"", "\"root\"");
        let edited = IdToken::new(format!(
            "{}.{}.{}",
            parts[0],
            tokens::b64(payload),
            parts[2]
        ));
        for bad in [flipped, edited] {
            let err = validate_both(&bad, &tokens::jwks()).await.unwrap_err();
            assert!(
                matches!(err, IdTokenError::Signature(SignatureError::Invalid)),
                "{alg}: {err:?}"
            );
        }
    }
}

#[wasm_bindgen_test]
async fn webcrypto_never_sees_a_weak_key_and_reports_a_bad_one() {
    let swap = |kid: &str, material: JwkMaterial| {
        let mut set = tokens::jwks();
        for key in &mut set.keys {
            if key.kid.as_deref() == Some(kid) {
                key.material = material.clone();
            }
        }
        set
    };
    // A validly signed token under a 1024-bit key: WebCrypto alone accepts the signature...
    let weak = tokens::jwks_of(vec![tokens::public_jwk(
        tokens::RSA_WEAK,
        Some("rsa-a"),
        serde_json::json!({"use": "sig"}),
    )]);
    let token = IdToken::new(tokens::sign(
        &serde_json::json!({"alg": "RS256", "kid": "rsa-a"}),
        &tokens::good_claims(),
        tokens::Signer::Rs256(&tokens::keys().rsa_weak),
    ));
    let (input, sig) = token.secret().rsplit_once('.').expect("three parts");
    let sig = {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(sig)
            .expect("signature")
    };
    WebCryptoVerifier
        .verify_async(JwsAlgorithm::Rs256, &weak.keys[0], input.as_bytes(), &sig)
        .await
        .expect("WebCrypto verifies a 1024-bit RSA signature");
    // ...but the core refuses the key before any verifier runs.
    let err = validate_both(&token, &weak).await.unwrap_err();
    assert!(
        matches!(
            err,
            IdTokenError::Signature(SignatureError::WeakKey { bits: 1024 })
        ),
        "{err:?}"
    );
    // A P-256 "key" that is not a point on the curve: WebCrypto's importKey refuses it.
    let off_curve = swap(
        "ec-a",
        JwkMaterial::EcP256 {
            x: vec![1; 32],
            y: vec![2; 32],
        },
    );
    let (nonce, algs, access) = (
        tokens::nonce(),
        tokens::advertised(),
        tokens::access_token(),
    );
    let expected = tokens::expectations(&nonce, &algs, &access);
    let err = expected
        .validate_async(&tokens::es256_token(), &off_curve, &WebCryptoVerifier)
        .await
        .unwrap_err();
    assert!(
        matches!(err, IdTokenError::Signature(SignatureError::KeyRejected(_))),
        "{err:?}"
    );
    assert_eq!(err.rule(), "signature");
}
