//! Browser tests (wasm-bindgen-test in headless Chromium): the adapters against real web
//! APIs, and the App mounted in a real DOM with `fetch` replaced by canned answers.
#![cfg(target_arch = "wasm32")]

#[path = "support/tokens.rs"]
#[allow(dead_code)]
mod tokens;

use erpnet_instance_id::{
    AsyncSignatureVerifier, IdToken, IdTokenError, JwkMaterial, JwkSet, JwsAlgorithm,
    JwtCompactVerifier, RandomSource, SignatureError,
};
use erpnet_spa::browser::popup::{self, Popup};
use erpnet_spa::browser::webcrypto::WebCryptoVerifier;
use erpnet_spa::browser::{random::BrowserRandom, storage};
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
fn typed_storage_round_trip() {
    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Note {
        text: String,
        n: u32,
    }
    let note = || Note {
        text: "line 1\nline 2".to_owned(),
        n: 7,
    };
    let key = "erpnet.test.round-trip";
    assert!(storage::save(key, &note()));
    assert_eq!(storage::get::<Note>(key), Some(note()));
    assert_eq!(
        storage::get::<u32>(key),
        None,
        "another type reads as absent"
    );
    assert!(storage::keys_with_prefix("erpnet.test.").contains(&key.to_owned()));
    assert_eq!(storage::take::<Note>(key), Some(note()));
    assert!(!storage::contains(key), "take removes the value");
    assert_eq!(storage::take::<Note>(key), None, "a one-shot value is gone");

    // Storage is input: text that is not a `T` reads as absent, and `take` still removes it.
    let raw = web_sys::window()
        .and_then(|w| w.session_storage().ok().flatten())
        .expect("sessionStorage");
    raw.set_item(key, "state\nreturn_path").expect("set");
    assert!(storage::contains(key));
    assert_eq!(storage::get::<Note>(key), None);
    assert_eq!(storage::take::<Note>(key), None);
    assert!(
        !storage::contains(key),
        "an unreadable value is removed too"
    );
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
    // The texts come a moment after the panel (a chunk of the split build): wait for them.
    let panel = mount_and_wait("[data-testid=auth-error]:not([aria-busy])")
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
    let popup = Popup::from(popup_window.clone());
    let origin = window.location().origin().expect("origin");
    let good = format!("{origin}/signin-callback?code=c&state=expected-state");

    let accept = |url: &str| {
        url.ends_with("state=expected-state")
            .then(|| url.to_owned())
    };
    let (listener, mut answer) =
        popup::Listener::start(&popup, origin.clone(), accept).expect("listener");

    post_message_event("https://evil.example", &popup_window, &good);
    assert_eq!(answer.try_recv(), Ok(None), "wrong origin is ignored");
    post_message_event(&origin, &other_window, &good);
    assert_eq!(answer.try_recv(), Ok(None), "wrong source is ignored");
    post_message_event(
        &origin,
        &popup_window,
        &good.replace("expected-state", "other-state"),
    );
    assert_eq!(answer.try_recv(), Ok(None), "wrong state is ignored");
    post_message_event(&origin, &popup_window, &good);
    assert_eq!(
        answer.try_recv(),
        Ok(Some(good.clone())),
        "the real answer resolves the wait at once"
    );
    drop(listener);

    let (listener, mut answer) =
        popup::Listener::start(&popup, origin.clone(), accept).expect("listener");
    drop(listener);
    post_message_event(&origin, &popup_window, &good);
    assert!(
        answer.try_recv().is_err(),
        "a dropped listener hears nothing (its wait is cancelled)"
    );
}

/// A popup opened blank inside the click (before discovery ended) is sent on later: it
/// navigates, and the listener still knows it by identity afterwards; once gone it reads as
/// closed.
#[wasm_bindgen_test]
async fn a_blank_popup_navigates_later_and_is_still_recognised() {
    let window = web_sys::window().expect("window");
    let document = window.document().expect("document");
    let origin = window.location().origin().expect("origin");
    // A same-origin frame at about:blank stands in for the blank popup.
    let frame: web_sys::HtmlIFrameElement = document
        .create_element("iframe")
        .expect("iframe")
        .dyn_into()
        .expect("iframe element");
    document
        .body()
        .expect("body")
        .append_child(&frame)
        .expect("append");
    let blank = frame.content_window().expect("frame window");
    let popup = Popup::from(blank.clone());
    assert!(!popup.is_closed(), "an open blank popup is not closed");

    let target = format!("{origin}/?blank-popup-sent-on");
    assert!(popup.navigate(&target), "the opener may navigate its popup");
    let mut arrived = false;
    for _ in 0..200 {
        if blank.location().href().ok().as_deref() == Some(target.as_str()) {
            arrived = true;
            break;
        }
        erpnet_spa::browser::clock::sleep_ms(10).await;
    }
    assert!(arrived, "the popup reached the URL it was sent to");

    let good = format!("{origin}/signin-callback?code=c&state=s-blank");
    let (_listener, mut answer) =
        popup::Listener::start(&popup, origin.clone(), |u: &str| Some(u.to_owned()))
            .expect("listener");
    post_message_event(&origin, &blank, &good);
    assert_eq!(
        answer.try_recv(),
        Ok(Some(good.clone())),
        "the navigated popup is still the source the listener accepts"
    );

    frame.remove();
    assert!(popup.is_closed(), "a popup that is gone reads as closed");
}

/// The oneshot wait resolves as soon as the message arrives, well before a slower timer.
#[wasm_bindgen_test]
async fn a_popup_answer_wins_the_race_against_a_timer() {
    use futures::future::{select, Either};

    let window = web_sys::window().expect("window");
    let origin = window.location().origin().expect("origin");
    let popup = Popup::from(window.clone());
    let url = format!("{origin}/signin-callback?code=c&state=s1");
    let (_listener, answer) =
        popup::Listener::start(&popup, origin.clone(), |u: &str| Some(u.to_owned()))
            .expect("listener");
    let started = erpnet_spa::browser::clock::now_ms();
    // The answer is posted 30 ms from now; the timer would fire after 5 s.
    let (post_url, post_origin) = (url.clone(), origin.clone());
    wasm_bindgen_futures::spawn_local(async move {
        erpnet_spa::browser::clock::sleep_ms(30).await;
        let window = web_sys::window().expect("window");
        post_message_event(&post_origin, &window, &post_url);
    });
    let timer = Box::pin(erpnet_spa::browser::clock::sleep_ms(5000));
    match select(answer, timer).await {
        Either::Left((Ok(got), _)) => assert_eq!(got, url),
        Either::Left((Err(_), _)) => panic!("the wait was cancelled"),
        Either::Right(_) => panic!("the timer won: the answer did not resolve the wait"),
    }
    let waited = erpnet_spa::browser::clock::now_ms() - started;
    // A 200 ms poll would add up to 200 ms; the oneshot adds only scheduling.
    assert!(waited < 180.0, "resolved after {waited} ms");
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
