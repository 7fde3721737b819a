//! Descriptions of HTTP requests the caller sends and views of the responses it received, with
//! the URL and encoding helpers they share. The core itself never performs I/O.

use std::fmt;

use url::Url;

/// The HTTP method of a described request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
}

impl HttpMethod {
    /// The method as it appears on the wire: `"GET"` or `"POST"`.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
        }
    }
}

/// A request the caller should send (with `fetch` in a browser) and whose response it hands
/// back to the matching `parse_*` function.
///
/// The request never carries cookies or credentials of its own; send it with
/// `credentials: "omit"` unless stated otherwise. Its `Debug` output hides the body, which may
/// hold one-shot secrets (the authorization code, the PKCE verifier, the refresh token), and
/// the value of an `Authorization` header (a bearer access token).
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method.
    pub method: HttpMethod,
    /// The absolute URL.
    pub url: Url,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body, if any (already encoded as the `Content-Type` header says).
    pub body: Option<String>,
}

impl HttpRequest {
    /// A `GET` of `url` that accepts JSON.
    pub(crate) fn get_json(url: Url) -> Self {
        HttpRequest {
            method: HttpMethod::Get,
            url,
            headers: vec![("Accept".to_owned(), "application/json".to_owned())],
            body: None,
        }
    }

    /// The value of the first header named `name` (ASCII case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url.as_str())
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &self.body.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

/// Headers for `Debug`, with the value of `Authorization` hidden.
struct RedactedHeaders<'h>(&'h [(String, String)]);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(name, value)| {
                let shown = if name.eq_ignore_ascii_case("authorization") {
                    "[redacted]"
                } else {
                    value.as_str()
                };
                (name.as_str(), shown)
            }))
            .finish()
    }
}

/// A view of a response the caller received: status, `Content-Type` header and body bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpResponse<'a> {
    /// The HTTP status code.
    pub status: u16,
    /// The `Content-Type` header, if the response had one.
    pub content_type: Option<&'a str>,
    /// The body.
    pub body: &'a [u8],
}

impl<'a> HttpResponse<'a> {
    /// A `200` response with `Content-Type: application/json` and the given body.
    pub fn json(body: &'a [u8]) -> Self {
        HttpResponse {
            status: 200,
            content_type: Some("application/json"),
            body,
        }
    }

    /// Whether the status is in `200..=299`.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Whether the `Content-Type` is JSON: `application/json` or `application/<x>+json`,
    /// parameters such as `charset` allowed, case-insensitive.
    pub fn is_json(&self) -> bool {
        self.content_type.is_some_and(is_json_media_type)
    }
}

fn is_json_media_type(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.strip_prefix("application/") {
        Some("json") => true,
        Some(sub) => sub.len() > "+json".len() && sub.ends_with("+json"),
        None => false,
    }
}

/// Percent-encodes `value` for a query string or a form body: every byte outside the RFC 3986
/// unreserved set becomes `%XX` (so a space is `%20`, which both query and form decoders read as
/// a space).
pub(crate) fn encode_component(value: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in value.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
}

/// `name=value&name=value`, every part percent-encoded.
pub(crate) fn encode_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        encode_component(name, &mut out);
        out.push('=');
        encode_component(value, &mut out);
    }
    out
}

/// `base` with `pairs` appended to its query (any query it already has is kept).
pub(crate) fn with_query_pairs<'a>(
    base: &Url,
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Url {
    let mut url = base.clone();
    let added = encode_pairs(pairs);
    let query = match base.query() {
        Some(q) if !q.is_empty() => format!("{q}&{added}"),
        _ => added,
    };
    url.set_query(Some(&query));
    url
}

/// Whether `url` is acceptable as an endpoint: `https`, or `http` on a loopback host
/// (`localhost`, `127.0.0.1`, `[::1]`), with a host and without credentials.
pub(crate) fn is_secure_url(url: &Url) -> bool {
    if !url.username().is_empty() || url.password().is_some() {
        return false;
    }
    match url.scheme() {
        "https" => url.host().is_some(),
        "http" => is_loopback(url),
        _ => false,
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip == std::net::Ipv4Addr::LOCALHOST,
        Some(url::Host::Ipv6(ip)) => ip == std::net::Ipv6Addr::LOCALHOST,
        None => false,
    }
}

/// Serde for `Url` as a string (the `url` crate's own `serde` feature is not enabled).
pub(crate) mod url_serde {
    use serde::{Deserialize, Deserializer, Serializer};
    use url::Url;

    pub(crate) fn serialize<S: Serializer>(url: &Url, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(url.as_str())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Url, D::Error> {
        let raw = String::deserialize(d)?;
        Url::parse(&raw).map_err(serde::de::Error::custom)
    }

    /// The same for `Option<Url>`.
    pub(crate) mod option {
        use super::*;

        pub(crate) fn serialize<S: Serializer>(url: &Option<Url>, s: S) -> Result<S::Ok, S::Error> {
            match url {
                Some(u) => s.serialize_some(u.as_str()),
                None => s.serialize_none(),
            }
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<Url>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|raw| Url::parse(&raw).map_err(serde::de::Error::custom))
                .transpose()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_media_types() {
        for ok in [
            "application/json",
            "application/json; charset=utf-8",
            "Application/JSON",
            "application/jwk-set+json",
            "application/problem+json;charset=UTF-8",
        ] {
            assert!(is_json_media_type(ok), "{ok}");
        }
        for bad in [
            "text/html",
            "text/json",
            "application/+json",
            "application/jsonp",
            "",
        ] {
            assert!(!is_json_media_type(bad), "{bad}");
        }
    }

    #[test]
    fn encoding_uses_percent_twenty_for_space() {
        assert_eq!(
            encode_pairs([("scope", "openid profile"), ("r", "https://a/b?c=d&e")]),
            "scope=openid%20profile&r=https%3A%2F%2Fa%2Fb%3Fc%3Dd%26e"
        );
    }

    #[test]
    fn query_pairs_keep_existing_query() {
        let base = Url::parse("https://a.example/x?tenant=1").unwrap();
        assert_eq!(
            with_query_pairs(&base, [("a", "b c")]).as_str(),
            "https://a.example/x?tenant=1&a=b%20c"
        );
    }

    #[test]
    fn secure_urls() {
        for ok in [
            "https://x.my.erp.net",
            "http://localhost:8080/",
            "http://127.0.0.1/",
            "http://[::1]:3000/",
        ] {
            assert!(is_secure_url(&Url::parse(ok).unwrap()), "{ok}");
        }
        for bad in [
            "http://x.my.erp.net",
            "http://127.0.0.2/",
            "https://u:p@x.example/",
            "ftp://x.example/",
            "http://localhost.evil.example/",
        ] {
            assert!(!is_secure_url(&Url::parse(bad).unwrap()), "{bad}");
        }
    }

    #[test]
    fn request_debug_hides_body() {
        let mut r = HttpRequest::get_json(Url::parse("https://a.example/").unwrap());
        r.body = Some("code_verifier=secret".into());
        r.headers
            .push(("authorization".into(), "Bearer secret-at".into()));
        let s = format!("{r:?}");
        assert!(!s.contains("secret") && s.contains("[redacted]"));
        assert!(s.contains("authorization") && s.contains("application/json"));
    }
}
