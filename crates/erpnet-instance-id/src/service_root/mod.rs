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
//! use erpnet_instance_id::service_root::ServiceRoot;
//! let root = ServiceRoot::parse("https://testdb.my.erp.net/api/domain/odata/")?;
//! let next = root.resolve_link("General_Products_Products?$top=1000&$skiptoken=3f25")?;
//! assert_eq!(next.as_str(), "https://testdb.my.erp.net/api/domain/odata/General_Products_Products?$top=1000&$skiptoken=3f25");
//! assert!(root.resolve_link("../../id/connect/userinfo").is_err());
//! assert!(root.resolve_link("https://evil.example/api/domain/odata/X").is_err());
//! # Ok::<(), erpnet_instance_id::service_root::LinkError>(())
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
mod tests;
