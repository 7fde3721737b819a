//! The Domain API's trust boundary: which URLs may carry the access token.
//!
//! The access token is a bearer credential: whoever receives it can act as the user. So the
//! app sends it only to URLs this module accepts, and this module is the one place that
//! decides. [`ServiceRoot`] is parsed once from the discovered OData service root; every
//! Domain API URL the app requests is either built by it ([`ServiceRoot::entity_set_url`],
//! [`ServiceRoot::current_model_url`]) or came from the server and went through
//! [`ServiceRoot::resolve_link`] (`@odata.nextLink`, which ERP.net sends *relative* to the
//! service root). A URL that would leave the root is refused with a [`LinkError`] and never
//! requested.
//!
//! ```
//! use instance_id::service_root::ServiceRoot;
//! let root = ServiceRoot::parse("https://testdb.my.erp.net/api/domain/odata/")?;
//! let next = root.resolve_link("General_Products_Products?$top=1000&$skiptoken=3f25")?;
//! assert_eq!(next.as_str(), "https://testdb.my.erp.net/api/domain/odata/General_Products_Products?$top=1000&$skiptoken=3f25");
//! assert!(root.resolve_link("../../id/connect/userinfo").is_err());
//! assert!(root.resolve_link("https://evil.example/api/domain/odata/X").is_err());
//! # Ok::<(), instance_id::service_root::LinkError>(())
//! ```

use std::fmt;

use url::Url;

use crate::http::is_secure_url;

/// Longest link accepted (characters). Server links are short; a huge one is not a link.
const MAX_LINK_LEN: usize = 8 * 1024;

/// Longest entity set name accepted (OData identifiers are at most 128 characters).
const MAX_IDENTIFIER_LEN: usize = 128;

/// Why a URL may not carry the access token (or a root is unusable). Stable codes via
/// [`LinkError::code`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// The service root itself is not an https (or loopback http) URL without userinfo,
    /// query or fragment.
    #[error("the Domain API root `{0}` is not an https URL (http only on loopback) without user name, query or fragment")]
    InvalidRoot(String),
    /// The entity set is not an OData identifier.
    #[error("`{0}` is not an entity set name (a letter or underscore, then letters, digits and underscores; at most 128)")]
    BadEntitySet(String),
    /// The link is empty, too long, or does not parse as a URL.
    #[error("the link is not a URL the app can follow")]
    Malformed,
    /// Control characters (including tab and newline, which URL parsers silently drop).
    #[error("the link contains control characters")]
    ControlCharacter,
    /// A backslash, which browsers read as a slash in http(s) URLs.
    #[error("the link contains a backslash")]
    Backslash,
    /// `//host/...`: a protocol-relative link names another host.
    #[error("the link is protocol-relative (`//host`) and would name a host of its own")]
    ProtocolRelative,
    /// A user name or password in the link.
    #[error("the link carries a user name or password")]
    UserInfo,
    /// `.` / `..` path segments, literal or percent-encoded, or encoded slashes.
    #[error(
        "the link's path contains dot-segments or encoded separators (`..`, `%2e`, `%2f`, `%5c`)"
    )]
    PathTrick,
    /// Another scheme, host or port than the service root's.
    #[error("the link points to {0}, not to the Domain API's origin")]
    OtherOrigin(String),
    /// Same origin, but not below the service root's path.
    #[error("the link points to `{0}`, outside the Domain API's service root")]
    OutsideRoot(String),
}

impl LinkError {
    /// A stable snake_case code for the UI (`data-error-code`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidRoot(_) => "api_root_invalid",
            Self::BadEntitySet(_) => "api_bad_entity_set",
            _ => "api_link_refused",
        }
    }
}

/// The discovered OData service root: the only place the access token may go.
///
/// Invariants (checked by [`ServiceRoot::parse`]): https, or http on a loopback host; no user
/// name or password; no query or fragment; the path ends with `/`.
#[derive(Clone, PartialEq, Eq)]
pub struct ServiceRoot {
    url: Url,
}

impl fmt::Debug for ServiceRoot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ServiceRoot")
            .field(&self.url.as_str())
            .finish()
    }
}

impl fmt::Display for ServiceRoot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.url.as_str())
    }
}

impl ServiceRoot {
    /// Parses and checks a service root, e.g. `https://x.my.erp.net/api/domain/odata/`. A
    /// missing trailing slash is added (discovery may omit it).
    pub fn parse(root: &str) -> Result<Self, LinkError> {
        let invalid = || LinkError::InvalidRoot(root.to_owned());
        // Checked on the raw text: the URL parser silently resolves `%2e%2e` and `..`.
        if has_control(root) || root.contains('\\') || path_has_trick(root) {
            return Err(invalid());
        }
        let mut url = Url::parse(root).map_err(|_| invalid())?;
        if !is_secure_url(&url) || url.query().is_some() || url.fragment().is_some() {
            return Err(invalid());
        }
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        if path_has_trick(url.path()) {
            return Err(invalid());
        }
        Ok(Self { url })
    }

    /// The root as a URL.
    pub fn as_url(&self) -> &Url {
        &self.url
    }

    /// The root as text (always ends with `/`).
    pub fn as_str(&self) -> &str {
        self.url.as_str()
    }

    /// `<root><name>?<query>` for an entity set. `name` must be an OData identifier, so free
    /// text can never change the path; pairs with an empty value are left out.
    pub fn entity_set_url(&self, name: &str, query: &[(&str, &str)]) -> Result<Url, LinkError> {
        if !is_identifier(name) {
            return Err(LinkError::BadEntitySet(name.to_owned()));
        }
        let mut url = self
            .url
            .join(name)
            .map_err(|_| LinkError::BadEntitySet(name.to_owned()))?;
        let pairs: Vec<_> = query.iter().filter(|(_, v)| !v.is_empty()).collect();
        if !pairs.is_empty() {
            let mut q = url.query_pairs_mut();
            for (k, v) in pairs {
                q.append_pair(k, v);
            }
        }
        self.check(&url)?;
        Ok(url)
    }

    /// ERP.net's authenticated model endpoint, `/api/domain/currentmodel`, the sibling of an
    /// OData root ending in `/domain/odata/`. It is the one URL outside the root that may
    /// carry the token (it lists the entity sets the instance really has). `None` for any
    /// other root shape.
    pub fn current_model_url(&self) -> Option<Url> {
        let parent = self.url.path().strip_suffix("/domain/odata/")?;
        let mut url = self.url.clone();
        url.set_path(&format!("{parent}/domain/currentmodel"));
        Some(url)
    }

    /// Resolves a server link (`@odata.nextLink`, `@odata.id`) against the root: relative
    /// links as ERP.net sends them, absolute ones only when they lie below the root. Anything
    /// else is refused; the caller then makes no request.
    pub fn resolve_link(&self, link: &str) -> Result<Url, LinkError> {
        if link.is_empty() || link.len() > MAX_LINK_LEN {
            return Err(LinkError::Malformed);
        }
        if has_control(link) {
            return Err(LinkError::ControlCharacter);
        }
        if link.contains('\\') {
            return Err(LinkError::Backslash);
        }
        if link.starts_with("//") {
            return Err(LinkError::ProtocolRelative);
        }
        // The path part (before `?` or `#`): the query is opaque (a $skiptoken may hold %2F).
        let path_part = link.split(['?', '#']).next().unwrap_or_default();
        if path_part.contains(' ') {
            return Err(LinkError::Malformed);
        }
        if has_scheme(link) {
            // Absolute: userinfo is refused before anything else looks at the host.
            let authority = path_part
                .split_once("//")
                .map(|(_, rest)| rest.split('/').next().unwrap_or_default())
                .unwrap_or_default();
            if authority.contains('@') {
                return Err(LinkError::UserInfo);
            }
        }
        if path_has_trick(path_part) {
            return Err(LinkError::PathTrick);
        }
        let mut url = self.url.join(link).map_err(|_| LinkError::Malformed)?;
        url.set_fragment(None);
        self.check(&url)?;
        Ok(url)
    }

    /// The decision itself: may `url` carry the access token? True only for URLs on the
    /// root's scheme, host and port, without userinfo, whose path lies below the root's (or
    /// is exactly [`ServiceRoot::current_model_url`]).
    pub fn check(&self, url: &Url) -> Result<(), LinkError> {
        if !url.username().is_empty() || url.password().is_some() {
            return Err(LinkError::UserInfo);
        }
        let same_origin = url.scheme() == self.url.scheme()
            && url.host_str() == self.url.host_str()
            && url.port_or_known_default() == self.url.port_or_known_default();
        if !same_origin {
            return Err(LinkError::OtherOrigin(url.origin().ascii_serialization()));
        }
        if path_has_trick(url.path()) {
            return Err(LinkError::PathTrick);
        }
        let below = url.path().starts_with(self.url.path());
        let model = self
            .current_model_url()
            .is_some_and(|m| m.path() == url.path());
        if !(below || model) {
            return Err(LinkError::OutsideRoot(url.path().to_owned()));
        }
        Ok(())
    }

    /// True when [`ServiceRoot::check`] accepts `url`.
    pub fn allows(&self, url: &Url) -> bool {
        self.check(url).is_ok()
    }
}

/// An OData simple identifier in ASCII: a letter or `_`, then letters, digits and `_`.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= MAX_IDENTIFIER_LEN
}

fn has_control(s: &str) -> bool {
    s.chars().any(|c| c.is_control())
}

/// `scheme:` at the start (RFC 3986 3.1), which makes a link absolute.
fn has_scheme(link: &str) -> bool {
    let Some((scheme, _)) = link.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !scheme.contains(['/', '?', '#'])
}

/// Dot-segments (`.`, `..`), literal or percent-encoded, and encoded `/`, `\` or NUL-range
/// bytes in a path: none of them appear in a link a server means honestly.
fn path_has_trick(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    if ["%2e", "%2f", "%5c", "%00"]
        .iter()
        .any(|e| lower.contains(e))
    {
        return true;
    }
    lower.split('/').any(|seg| seg == "." || seg == "..")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ROOT: &str = "https://testdb.my.erp.net/api/domain/odata/";

    fn root() -> ServiceRoot {
        ServiceRoot::parse(ROOT).expect("root")
    }

    #[test]
    fn roots() {
        assert_eq!(root().as_str(), ROOT);
        let no_slash = ServiceRoot::parse("https://testdb.my.erp.net/api/domain/odata").unwrap();
        assert_eq!(no_slash.as_str(), ROOT);
        assert!(ServiceRoot::parse("http://127.0.0.1:8400/api/domain/odata/").is_ok());
        assert!(ServiceRoot::parse("http://[::1]:8400/api/domain/odata/").is_ok());
        for bad in [
            "http://testdb.my.erp.net/api/domain/odata/",
            "https://user:pw@testdb.my.erp.net/api/domain/odata/",
            "https://testdb.my.erp.net/api/domain/odata/?x=1",
            "https://testdb.my.erp.net/api/domain/odata/#f",
            "ftp://testdb.my.erp.net/odata/",
            "javascript:alert(1)",
            "/api/domain/odata/",
            "",
            "https://testdb.my.erp.net/api/%2e%2e/odata/",
            "https://testdb.my.erp.net/api\\domain/odata/",
        ] {
            let e = ServiceRoot::parse(bad).unwrap_err();
            assert_eq!(e.code(), "api_root_invalid", "{bad}");
        }
    }

    #[test]
    fn entity_set_urls() {
        let r = root();
        let u = r
            .entity_set_url(
                "General_Contacts_Persons",
                &[
                    ("$top", "50"),
                    ("$select", ""),
                    ("$filter", "Name eq 'a&b'"),
                ],
            )
            .unwrap();
        assert_eq!(
            u.as_str(),
            "https://testdb.my.erp.net/api/domain/odata/General_Contacts_Persons?%24top=50&%24filter=Name+eq+%27a%26b%27"
        );
        assert_eq!(
            r.entity_set_url("_X1", &[]).unwrap().as_str(),
            format!("{ROOT}_X1")
        );
        for bad in [
            "",
            "1Set",
            "../id",
            "Set/x",
            "Set?x",
            "Set(1)",
            "https://evil.example/",
            "Crm Customers",
            "Ünicode",
            &"A".repeat(129),
        ] {
            assert_eq!(
                r.entity_set_url(bad, &[]).unwrap_err(),
                LinkError::BadEntitySet(bad.to_owned()),
                "{bad}"
            );
        }
    }

    #[test]
    fn relative_and_absolute_links_below_the_root() {
        let r = root();
        for (link, want) in [
            (
                "General_Products_Products?$top=1000&$select=Id&$count=true&$skiptoken=3f253c9a-5936-e311-81cb-00155d001f00",
                "https://testdb.my.erp.net/api/domain/odata/General_Products_Products?$top=1000&$select=Id&$count=true&$skiptoken=3f253c9a-5936-e311-81cb-00155d001f00",
            ),
            (
                "Crm_Sales_SalesOrders?$top=50&$orderby=Number&$skip=50",
                "https://testdb.my.erp.net/api/domain/odata/Crm_Sales_SalesOrders?$top=50&$orderby=Number&$skip=50",
            ),
            (
                "https://testdb.my.erp.net/api/domain/odata/X?$skiptoken=a%2Fb",
                "https://testdb.my.erp.net/api/domain/odata/X?$skiptoken=a%2Fb",
            ),
            (
                "HTTPS://TESTDB.my.erp.net:443/api/domain/odata/X",
                "https://testdb.my.erp.net/api/domain/odata/X",
            ),
            (
                "/api/domain/odata/X?$top=5",
                "https://testdb.my.erp.net/api/domain/odata/X?$top=5",
            ),
            (
                "General_Contacts_Parties(3f253c9a-5936-e311-81cb-00155d001f00)",
                "https://testdb.my.erp.net/api/domain/odata/General_Contacts_Parties(3f253c9a-5936-e311-81cb-00155d001f00)",
            ),
            ("X?$filter=Name eq 'a b'", "https://testdb.my.erp.net/api/domain/odata/X?$filter=Name%20eq%20%27a%20b%27"),
            ("X#frag", "https://testdb.my.erp.net/api/domain/odata/X"),
        ] {
            assert_eq!(r.resolve_link(link).map(|u| u.to_string()), Ok(want.to_owned()), "{link}");
        }
    }

    /// Hostile links: each is refused with the reason given.
    #[test]
    fn hostile_links_are_refused() {
        use LinkError::*;
        let r = root();
        let other = |o: &str| OtherOrigin(o.to_owned());
        let outside = |p: &str| OutsideRoot(p.to_owned());
        let cases: &[(&str, LinkError)] = &[
            ("", Malformed),
            ("../../id/connect/userinfo", PathTrick),
            ("../currentmodel/../../x", PathTrick),
            ("X/../../../id", PathTrick),
            ("./X", PathTrick),
            ("%2e%2e/%2e%2e/id", PathTrick),
            ("%2E%2E/x", PathTrick),
            (".%2e/x", PathTrick),
            ("X%2f..%2fY", PathTrick),
            ("X%2F..%2F..%2Fid", PathTrick),
            ("X%5c..%5cid", PathTrick),
            ("X%00", PathTrick),
            (
                "https://testdb.my.erp.net/api/domain/odata/%2e%2e/x",
                PathTrick,
            ),
            ("X\\..\\..\\id", Backslash),
            ("\\\\evil.example/x", Backslash),
            ("/\\evil.example/x", Backslash),
            ("//evil.example/api/domain/odata/X", ProtocolRelative),
            ("///evil.example/x", ProtocolRelative),
            ("X\n?$top=1", ControlCharacter),
            ("ht\ttps://evil.example/", ControlCharacter),
            ("X\u{7f}", ControlCharacter),
            ("\u{0}X", ControlCharacter),
            (
                "https://user@testdb.my.erp.net/api/domain/odata/X",
                UserInfo,
            ),
            (
                "https://user:pw@testdb.my.erp.net/api/domain/odata/X",
                UserInfo,
            ),
            (
                "https://testdb.my.erp.net@evil.example/api/domain/odata/X",
                UserInfo,
            ),
            (
                "https://evil.example/api/domain/odata/X",
                other("https://evil.example"),
            ),
            (
                "http://testdb.my.erp.net/api/domain/odata/X",
                other("http://testdb.my.erp.net"),
            ),
            (
                "https://testdb.my.erp.net:8443/api/domain/odata/X",
                other("https://testdb.my.erp.net:8443"),
            ),
            (
                "https://testdb.my.erp.net.evil.example/api/domain/odata/X",
                other("https://testdb.my.erp.net.evil.example"),
            ),
            ("javascript:alert(1)", other("null")),
            ("data:text/html,x", other("null")),
            ("mailto:a@b.c", other("null")),
            (
                "https://testdb.my.erp.net/id/connect/userinfo",
                outside("/id/connect/userinfo"),
            ),
            (
                "https://testdb.my.erp.net/api/domain/odataX/Y",
                outside("/api/domain/odataX/Y"),
            ),
            (
                "https://testdb.my.erp.net/api/domain/odata",
                outside("/api/domain/odata"),
            ),
            ("/id/connect/token", outside("/id/connect/token")),
            (
                "/api/domain/standardmodel",
                outside("/api/domain/standardmodel"),
            ),
            ("X Y?$top=1", Malformed),
        ];
        for (link, want) in cases {
            assert_eq!(r.resolve_link(link).as_ref(), Err(want), "{link:?}");
            assert_eq!(want.code(), "api_link_refused");
        }
        let long = format!("X?$skiptoken={}", "a".repeat(MAX_LINK_LEN));
        assert_eq!(r.resolve_link(&long), Err(Malformed));
    }

    #[test]
    fn current_model_is_the_one_sibling() {
        let r = root();
        let m = r.current_model_url().unwrap();
        assert_eq!(
            m.as_str(),
            "https://testdb.my.erp.net/api/domain/currentmodel"
        );
        assert!(r.allows(&m));
        assert!(
            !r.allows(&Url::parse("https://testdb.my.erp.net/api/domain/standardmodel").unwrap())
        );
        assert!(
            !r.allows(&Url::parse("https://testdb.my.erp.net/api/domain/currentmodelX").unwrap())
        );
        let other = ServiceRoot::parse("https://h.example/odata/").unwrap();
        assert_eq!(other.current_model_url(), None);
        assert_eq!(format!("{r:?}"), format!("ServiceRoot({ROOT:?})"));
    }

    fn hostile_piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("..".to_owned()),
            Just(".".to_owned()),
            Just("/".to_owned()),
            Just("//".to_owned()),
            Just("\\".to_owned()),
            Just("%2e".to_owned()),
            Just("%2F".to_owned()),
            Just("%5c".to_owned()),
            Just("@".to_owned()),
            Just(":".to_owned()),
            Just("?".to_owned()),
            Just("#".to_owned()),
            Just("https://".to_owned()),
            Just("http://".to_owned()),
            Just("evil.example".to_owned()),
            Just("testdb.my.erp.net".to_owned()),
            Just(":8443".to_owned()),
            Just("api/domain/odata/".to_owned()),
            Just("X".to_owned()),
            Just("\t".to_owned()),
            "[a-zA-Z0-9_$=&%().-]{0,6}",
        ]
    }

    proptest! {
        /// Whatever the link, an accepted URL starts with the root (or is the model URL).
        #[test]
        fn every_accepted_url_starts_with_the_root(pieces in proptest::collection::vec(hostile_piece(), 0..8)) {
            let r = root();
            let link = pieces.concat();
            if let Ok(url) = r.resolve_link(&link) {
                prop_assert!(url.as_str().starts_with(ROOT), "{} -> {}", link, url);
                prop_assert!(r.allows(&url));
            }
        }

        /// Arbitrary text too.
        #[test]
        fn arbitrary_text(link in "\\PC{0,40}") {
            let r = root();
            if let Ok(url) = r.resolve_link(&link) {
                prop_assert!(url.as_str().starts_with(ROOT), "{} -> {}", link, url);
            }
        }
    }
}
