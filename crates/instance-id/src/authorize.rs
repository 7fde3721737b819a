//! The authorization request URL (OIDC Core 3.1.2.1 with PKCE).

use url::Url;

use crate::config::ClientConfig;
use crate::discovery::ProviderMetadata;
use crate::http::with_query_pairs;
use crate::pkce::PendingRequest;

/// Optional authorization request parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorizeOptions {
    /// `prompt`, e.g. `"none"` (silent restore) or `"login"`.
    pub prompt: Option<String>,
    /// `login_hint`.
    pub login_hint: Option<String>,
    /// `ui_locales`, space-separated BCP 47 tags.
    pub ui_locales: Option<String>,
    /// `max_age` in seconds. Pass the same value to the ID token checks
    /// ([`crate::IdTokenExpectations::max_age`]) so `auth_time` is verified.
    pub max_age: Option<u64>,
}

/// The URL to send the browser to: the provider's authorization endpoint (keeping any query it
/// has) with `client_id`, `redirect_uri`, `response_type=code`, `scope`, `state`, `nonce`,
/// `code_challenge`, `code_challenge_method=S256`, then the options that are set. Every value
/// is percent-encoded (spaces as `%20`).
pub fn authorization_url(
    config: &ClientConfig,
    metadata: &ProviderMetadata,
    pending: &PendingRequest,
    options: &AuthorizeOptions,
) -> Url {
    let scope = config.scope_string();
    let challenge = pending.verifier.challenge();
    let max_age = options.max_age.map(|m| m.to_string());
    let mut pairs: Vec<(&str, &str)> = vec![
        ("client_id", config.client_id()),
        ("redirect_uri", config.redirect_uri().as_str()),
        ("response_type", "code"),
        ("scope", &scope),
        ("state", pending.state.as_str()),
        ("nonce", pending.nonce.as_str()),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ];
    let optional = [
        ("prompt", options.prompt.as_deref()),
        ("login_hint", options.login_hint.as_deref()),
        ("ui_locales", options.ui_locales.as_deref()),
        ("max_age", max_age.as_deref()),
    ];
    pairs.extend(
        optional
            .into_iter()
            .filter_map(|(name, value)| value.map(|v| (name, v))),
    );
    with_query_pairs(&metadata.authorization_endpoint, pairs)
}

/// The one check every return path goes through before the app navigates to it after a
/// flow (redirect, silent restore, popup, sign-out, 401 re-sign-in). `path` is an app path
/// below the base path the app is served under (the app puts the base in front): it must start
/// with a single `/`, carry no scheme or authority, no backslash, no control character, no
/// `//` or `/\` prefix and no `.`/`..` segment, also once percent-decoded (repeatedly, so
/// `%2F%2F`, `%5C`, `%2e%2e` and `%252F` are refused), stay on the same origin when resolved,
/// and not be the callback page. Anything else becomes `"/"`.
pub fn sanitize_return_path(path: &str) -> String {
    if acceptable_return_path(path) {
        path.to_owned()
    } else {
        "/".to_owned()
    }
}

/// How many rounds of percent-decoding are looked through (`%25` nesting).
const DECODE_ROUNDS: usize = 4;
/// The callback page: never a place to come back to.
const CALLBACK_PATH: &str = "/signin-callback";

fn acceptable_return_path(path: &str) -> bool {
    if !safe_path_text(path) || !same_origin_when_resolved(path) {
        return false;
    }
    // The path part (before `?` or `#`) is looked at through every layer of encoding: a
    // server or router that decodes it once more must still see a plain app path.
    let path_part = path.split(['?', '#']).next().unwrap_or_default();
    let mut decoded = path_part.to_owned();
    for _ in 0..DECODE_ROUNDS {
        let next = percent_decode(&decoded);
        if !safe_path_text(&next)
            || next
                .split('/')
                .any(|segment| segment == "." || segment == "..")
            || next.contains("//")
        {
            return false;
        }
        if next == decoded {
            break;
        }
        decoded = next;
    }
    // Still encoded after every round: too deep to be an honest path.
    if percent_decode(&decoded) != decoded {
        return false;
    }
    !(decoded == CALLBACK_PATH || decoded.starts_with(&format!("{CALLBACK_PATH}/")))
}

/// A single leading `/`, no backslash anywhere, no control character (and no other whitespace
/// that a URL parser strips), nothing that reads as a scheme.
fn safe_path_text(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path
            .chars()
            .any(|c| c.is_control() || (c.is_whitespace() && c != ' '))
}

/// One round of percent-decoding (`%XX` to its byte; anything else kept), read as UTF-8 with
/// invalid sequences replaced. Local: the crate keeps its dependency list short.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied(),
            bytes.get(i + 2).copied(),
        ) {
            (b'%', Some(h), Some(l)) if hex(h).is_some() && hex(l).is_some() => {
                let value = hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0);
                out.push(value as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn same_origin_when_resolved(path: &str) -> bool {
    const BASE: &str = "https://app.invalid/";
    match Url::parse(BASE).and_then(|b| b.join(path)) {
        Ok(u) => u.scheme() == "https" && u.host_str() == Some("app.invalid") && u.port().is_none(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn metadata() -> ProviderMetadata {
        ProviderMetadata {
            issuer: "https://x.my.erp.net/id".into(),
            authorization_endpoint: Url::parse("https://x.my.erp.net/id/connect/authorize")
                .unwrap(),
            token_endpoint: Url::parse("https://x.my.erp.net/id/connect/token").unwrap(),
            end_session_endpoint: None,
            jwks_uri: Url::parse("https://x.my.erp.net/id/jwks").unwrap(),
            userinfo_endpoint: None,
            revocation_endpoint: None,
            check_session_iframe: None,
            code_challenge_methods_supported: vec!["S256".into()],
            id_token_signing_alg_values_supported: vec!["RS256".into()],
            authorization_response_iss_parameter_supported: false,
            scopes_supported: vec![],
            response_types_supported: vec![],
        }
    }

    #[test]
    fn url_has_every_parameter_encoded() {
        let config = ClientConfig::new(
            "https://x.my.erp.net",
            "spa.example.com",
            "openid profile read update",
            "https://spa.example.com/",
        )
        .unwrap();
        let mut zero = |b: &mut [u8]| b.fill(0);
        let pending = PendingRequest::new(&mut zero, 0, "/x");
        let url = authorization_url(&config, &metadata(), &pending, &AuthorizeOptions::default());
        let s = url.as_str();
        assert!(s.starts_with("https://x.my.erp.net/id/connect/authorize?client_id=spa.example.com&redirect_uri=https%3A%2F%2Fspa.example.com%2Fsignin-callback&response_type=code&scope=openid%20profile%20read%20update&state="), "{s}");
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("state"), Some(pending.state.as_str()));
        assert_eq!(get("nonce"), Some(pending.nonce.as_str()));
        assert_eq!(
            get("code_challenge"),
            Some(pending.verifier.challenge().as_str())
        );
        assert_eq!(get("code_challenge_method"), Some("S256"));
        assert_eq!(get("scope"), Some("openid profile read update"));
        assert_eq!(get("prompt"), None);
        assert_eq!(pairs.len(), 8);

        let options = AuthorizeOptions {
            prompt: Some("none".into()),
            login_hint: Some("a b&c=d@x".into()),
            ui_locales: Some("bg en".into()),
            max_age: Some(300),
        };
        let url = authorization_url(&config, &metadata(), &pending, &options);
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert_eq!(pairs.len(), 12);
        assert_eq!(pairs[8], ("prompt".into(), "none".into()));
        assert_eq!(pairs[9], ("login_hint".into(), "a b&c=d@x".into()));
        assert_eq!(pairs[10], ("ui_locales".into(), "bg en".into()));
        assert_eq!(pairs[11], ("max_age".into(), "300".into()));
        assert!(url.as_str().contains("login_hint=a%20b%26c%3Dd%40x"));
    }

    #[test]
    fn return_paths() {
        for ok in [
            "/",
            "/explorer",
            "/explorer?x=1#top",
            "/explorer?set=Crm_Customers&filter=Name%20eq%20%27a%2Fb%27",
            "/diagnostics",
            "/a/b",
            "/a%20b",
            "/signin-callbacks",
            // An `@` in a path is no authority once the app's origin is in front.
            "/@evil.example",
        ] {
            assert_eq!(sanitize_return_path(ok), ok);
        }
    }

    #[test]
    fn hostile_return_paths_become_root() {
        for bad in [
            "",
            "explorer",
            " /x",
            "//evil.example/x",
            "///evil.example/x",
            "/\\evil.example",
            "\\\\evil.example",
            "\\/evil.example",
            "/\\/evil.example",
            "https://evil.example/",
            "http:evil.example",
            "javascript:alert(1)",
            "data:text/html,x",
            "/\tx",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/\u{0}",
            "/\u{7f}",
            "/\u{85}x",
            "/\u{2028}x",
            "/%2F%2Fevil.example/x",
            "/%2f/evil.example",
            "/%2F",
            "/%5Cevil.example",
            "/%5cevil.example",
            "/a/%2e%2e/%2e%2e/x",
            "/%2E%2E/x",
            "/./x",
            "/a/../x",
            "/a/./x",
            "/%252F%252Fevil.example",
            "/%25252F%25252Fevil.example",
            "/%2525252F%2525252Fevil.example",
            "/%00",
            "/%0a/evil.example",
            "/%09x",
            "/a//b",
            "/a/b%2F%2Fc",
            "/signin-callback",
            "/signin-callback?code=x&state=y",
            "/signin-callback/",
            "/%73ignin-callback",
        ] {
            assert_eq!(sanitize_return_path(bad), "/", "{bad:?}");
        }
    }
}
