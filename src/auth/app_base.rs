//! The app's own address (origin + base path), parsed once from `<base href>` and passed
//! around as a type: links, the router's base, return paths and the app's own files all
//! derive from it.

use erpnet_instance_id::sanitize_return_path;
use url::Url;

/// The app's origin + base path, e.g. `http://localhost:8080/` or
/// `https://cdn.example.com/app/` (always ending in `/`, no query or fragment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppBase {
    url: Url,
}

impl AppBase {
    /// Parses the document's base URL; `None` when it is not an absolute URL.
    pub fn parse(base_uri: &str) -> Option<Self> {
        let mut url = Url::parse(base_uri).ok()?;
        if url.cannot_be_a_base() {
            return None;
        }
        url.set_query(None);
        url.set_fragment(None);
        let path = url.path().to_owned();
        if !path.ends_with('/') {
            // `<base href="/app">` means the directory "/app/".
            url.set_path(&format!("{path}/"));
        }
        Some(Self { url })
    }

    /// The base as text, e.g. `https://cdn.example.com/app/` (what the core's
    /// `ClientConfig` derives the redirect URIs from).
    pub fn as_str(&self) -> &str {
        self.url.as_str()
    }

    /// The app's origin (`scheme://host:port`): the only origin a popup may answer from.
    pub fn origin(&self) -> String {
        self.url.origin().ascii_serialization()
    }

    /// The base path without its final `/` (`""` at the root, `"/app"` below it): the
    /// router's base.
    pub fn path_prefix(&self) -> &str {
        self.url.path().trim_end_matches('/')
    }

    /// A link to an app path (`/explorer`) below the base path. The path goes through
    /// [`sanitize_return_path`] (the one check for every navigation after a flow): anything
    /// but a plain app path becomes the start page.
    pub fn href(&self, app_path: &str) -> String {
        format!("{}{}", self.path_prefix(), sanitize_return_path(app_path))
    }

    /// The app path (below the base) and query of `url`, for coming back to it.
    pub fn app_path(&self, url: &Url) -> String {
        let rest = url
            .path()
            .strip_prefix(self.path_prefix())
            .filter(|r| !r.is_empty())
            .unwrap_or("/");
        match url.query() {
            Some(q) => format!("{rest}?{q}"),
            None => rest.to_owned(),
        }
    }

    /// The absolute URL of a file or page right below the base (`config.json`,
    /// `signin-callback`).
    pub fn file(&self, name: &str) -> String {
        format!("{}{name}", self.url)
    }
}
