//! Where the app may go back to after a flow: the one check on a return path.

use url::Url;

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
