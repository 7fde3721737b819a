//! Client configuration: which instance, which client, which scopes, and where the app lives.

use url::Url;

use crate::http::is_secure_url;
use crate::identity::{ClientId, ClientIdError};
use crate::quoted::Quoted;

/// A checked client configuration: the instance, the client, the scopes and where the app lives.
///
/// The redirect URI and the post-logout URI are derived from the app's base URL, never
/// configured separately.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    instance_url: Url,
    /// `instance_url` without its trailing slash, for building `/id`, `/sys/...`.
    instance_base: String,
    client_id: ClientId,
    scopes: Vec<String>,
    redirect_uri: Url,
    post_logout_redirect_uri: Url,
}

/// An invalid configuration value; [`ConfigError::field`] names the field.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// `instance_url` is not an absolute URL.
    #[error("instance_url is not a valid absolute URL: {0}")]
    InstanceUrlInvalid(#[source] url::ParseError),
    /// `instance_url` is not `https` (plain `http` is allowed only for loopback hosts) or has
    /// credentials.
    #[error("instance_url must use https (http only for localhost, 127.0.0.1 or [::1]) and carry no credentials: {url}")]
    InstanceUrlInsecure {
        /// The offending URL.
        url: String,
    },
    /// `instance_url` has a query or a fragment.
    #[error("instance_url must not have a query or a fragment: {url}")]
    InstanceUrlHasQueryOrFragment {
        /// The offending URL.
        url: String,
    },
    /// `client_id` is empty.
    #[error("client_id is empty")]
    ClientIdEmpty,
    /// `client_id` contains whitespace or a control character.
    #[error("client_id must not contain whitespace or control characters")]
    ClientIdInvalidCharacter,
    /// `scopes` does not contain `openid`.
    #[error("scopes must contain \"openid\"")]
    ScopesMissingOpenid,
    /// A scope contains a character RFC 6749 section 3.3 does not allow.
    #[error("scope {} contains a character RFC 6749 does not allow", Quoted(.scope))]
    ScopeInvalid {
        /// The offending scope.
        scope: String,
    },
    /// The app's base URL is not an absolute URL.
    #[error("app base URL is not a valid absolute URL: {0}")]
    AppBaseInvalid(#[source] url::ParseError),
    /// The app's base URL is not `https` (plain `http` only for loopback hosts) or has
    /// credentials.
    #[error("app base URL must use https (http only for localhost, 127.0.0.1 or [::1]): {url}")]
    AppBaseInsecure {
        /// The offending URL.
        url: String,
    },
    /// The app's base URL has a query or a fragment.
    #[error("app base URL must not have a query or a fragment: {url}")]
    AppBaseHasQueryOrFragment {
        /// The offending URL.
        url: String,
    },
}

impl ConfigError {
    /// The configuration field at fault: `"instance_url"`, `"client_id"`, `"scopes"` or
    /// `"app_base"`.
    pub fn field(&self) -> &'static str {
        match self {
            ConfigError::InstanceUrlInvalid(_)
            | ConfigError::InstanceUrlInsecure { .. }
            | ConfigError::InstanceUrlHasQueryOrFragment { .. } => "instance_url",
            ConfigError::ClientIdEmpty | ConfigError::ClientIdInvalidCharacter => "client_id",
            ConfigError::ScopesMissingOpenid | ConfigError::ScopeInvalid { .. } => "scopes",
            ConfigError::AppBaseInvalid(_)
            | ConfigError::AppBaseInsecure { .. }
            | ConfigError::AppBaseHasQueryOrFragment { .. } => "app_base",
        }
    }

    /// The stable error code: always `"config_invalid"`.
    pub fn code(&self) -> &'static str {
        "config_invalid"
    }
}

impl ClientConfig {
    /// Checks and builds a configuration.
    ///
    /// - `instance_url`: absolute `https` URL (`http` only for `localhost`, `127.0.0.1`,
    ///   `[::1]`), without query, fragment or credentials; a trailing slash is tolerated.
    /// - `client_id`: non-empty, no whitespace or control characters.
    /// - `scopes`: space-separated, must contain `openid`; duplicates are dropped, order kept.
    /// - `app_base`: the app's origin plus base path, e.g. `"https://spa.example.com/"` or
    ///   `"http://localhost:8080/sub/"`; same scheme rule as `instance_url`; a missing final
    ///   `/` is added. The redirect URI is `app_base + "signin-callback"`, the post-logout
    ///   redirect URI is `app_base` itself.
    pub fn new(
        instance_url: &str,
        client_id: &str,
        scopes: &str,
        app_base: &str,
    ) -> Result<Self, ConfigError> {
        let instance = Url::parse(instance_url.trim()).map_err(ConfigError::InstanceUrlInvalid)?;
        if !is_secure_url(&instance) {
            return Err(ConfigError::InstanceUrlInsecure {
                url: instance.to_string(),
            });
        }
        if instance.query().is_some() || instance.fragment().is_some() {
            return Err(ConfigError::InstanceUrlHasQueryOrFragment {
                url: instance.to_string(),
            });
        }
        let instance_base = instance.as_str().trim_end_matches('/').to_owned();

        let client_id = ClientId::new(client_id).map_err(|e| match e {
            ClientIdError::Empty => ConfigError::ClientIdEmpty,
            ClientIdError::InvalidCharacter => ConfigError::ClientIdInvalidCharacter,
        })?;

        let mut scope_list: Vec<String> = Vec::new();
        for scope in scopes.split_whitespace() {
            // RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
            if !scope
                .bytes()
                .all(|b| b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b))
            {
                return Err(ConfigError::ScopeInvalid {
                    scope: scope.to_owned(),
                });
            }
            if !scope_list.iter().any(|s| s == scope) {
                scope_list.push(scope.to_owned());
            }
        }
        if !scope_list.iter().any(|s| s == "openid") {
            return Err(ConfigError::ScopesMissingOpenid);
        }

        let mut base = Url::parse(app_base.trim()).map_err(ConfigError::AppBaseInvalid)?;
        if !is_secure_url(&base) {
            return Err(ConfigError::AppBaseInsecure {
                url: base.to_string(),
            });
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err(ConfigError::AppBaseHasQueryOrFragment {
                url: base.to_string(),
            });
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let redirect_uri = base
            .join("signin-callback")
            .map_err(ConfigError::AppBaseInvalid)?;

        Ok(ClientConfig {
            instance_url: instance,
            instance_base,
            client_id,
            scopes: scope_list,
            redirect_uri,
            post_logout_redirect_uri: base,
        })
    }

    /// The instance URL as configured (parsed; `url` always shows at least a `/` path).
    pub fn instance_url(&self) -> &Url {
        &self.instance_url
    }

    /// The instance URL without a trailing slash, e.g. `"https://x.my.erp.net"`.
    pub fn instance_base(&self) -> &str {
        &self.instance_base
    }

    /// The client id (the Trusted Application's `ApplicationUri`).
    pub fn client_id(&self) -> &ClientId {
        &self.client_id
    }

    /// The requested scopes, deduplicated, in configured order.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// The scopes joined by single spaces, as sent in the authorization request.
    pub fn scope_string(&self) -> String {
        self.scopes.join(" ")
    }

    /// The redirect URI: the app base followed by `signin-callback`.
    pub fn redirect_uri(&self) -> &Url {
        &self.redirect_uri
    }

    /// The post-logout redirect URI: the app base itself.
    pub fn post_logout_redirect_uri(&self) -> &Url {
        &self.post_logout_redirect_uri
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(instance: &str, base: &str) -> ClientConfig {
        ClientConfig::new(instance, "spa.example.com", "openid profile", base).unwrap()
    }

    #[test]
    fn derives_redirect_and_logout_uris() {
        let c = ok("https://x.my.erp.net/", "https://spa.example.com/");
        assert_eq!(c.instance_base(), "https://x.my.erp.net");
        assert_eq!(
            c.redirect_uri().as_str(),
            "https://spa.example.com/signin-callback"
        );
        assert_eq!(
            c.post_logout_redirect_uri().as_str(),
            "https://spa.example.com/"
        );
        let c = ok("http://localhost:3000", "http://localhost:8080/sub");
        assert_eq!(
            c.redirect_uri().as_str(),
            "http://localhost:8080/sub/signin-callback"
        );
        assert_eq!(
            c.post_logout_redirect_uri().as_str(),
            "http://localhost:8080/sub/"
        );
        assert_eq!(c.instance_base(), "http://localhost:3000");
        ok("http://127.0.0.1:3000", "http://[::1]:8080/");
    }

    #[test]
    fn scopes_are_deduplicated_and_need_openid() {
        let c = ClientConfig::new(
            "https://x.my.erp.net",
            "spa",
            " openid  read openid update ",
            "https://spa.example.com/",
        )
        .unwrap();
        assert_eq!(c.scopes(), ["openid", "read", "update"]);
        assert_eq!(c.scope_string(), "openid read update");
        let e =
            ClientConfig::new("https://x.my.erp.net", "spa", "profile", "https://a/").unwrap_err();
        assert!(matches!(e, ConfigError::ScopesMissingOpenid));
        assert_eq!((e.field(), e.code()), ("scopes", "config_invalid"));
        let e = ClientConfig::new("https://x.my.erp.net", "spa", "", "https://a/").unwrap_err();
        assert!(matches!(e, ConfigError::ScopesMissingOpenid));
        let e = ClientConfig::new("https://x.my.erp.net", "spa", "openid a\"b", "https://a/")
            .unwrap_err();
        assert!(matches!(e, ConfigError::ScopeInvalid { .. }));
    }

    #[test]
    fn each_field_is_named() {
        let cases: [(&str, &str, &str, &str, &str); 9] = [
            ("x.my.erp.net", "c", "openid", "https://a/", "instance_url"),
            (
                "http://x.my.erp.net",
                "c",
                "openid",
                "https://a/",
                "instance_url",
            ),
            (
                "https://x.my.erp.net/?q=1",
                "c",
                "openid",
                "https://a/",
                "instance_url",
            ),
            (
                "https://x.my.erp.net/#f",
                "c",
                "openid",
                "https://a/",
                "instance_url",
            ),
            (
                "https://u:p@x.my.erp.net/",
                "c",
                "openid",
                "https://a/",
                "instance_url",
            ),
            (
                "https://x.my.erp.net",
                "",
                "openid",
                "https://a/",
                "client_id",
            ),
            (
                "https://x.my.erp.net",
                "a b",
                "openid",
                "https://a/",
                "client_id",
            ),
            (
                "https://x.my.erp.net",
                "c",
                "openid",
                "http://spa.example.com/",
                "app_base",
            ),
            (
                "https://x.my.erp.net",
                "c",
                "openid",
                "/relative/",
                "app_base",
            ),
        ];
        for (i, c, s, b, field) in cases {
            let e = ClientConfig::new(i, c, s, b).unwrap_err();
            assert_eq!(e.field(), field, "{i} {c} {s} {b}: {e}");
        }
        let e = ClientConfig::new("https://x", "c\u{7}", "openid", "https://a/").unwrap_err();
        assert!(matches!(e, ConfigError::ClientIdInvalidCharacter));
        let e = ClientConfig::new("https://x", "c", "openid", "https://a/?x").unwrap_err();
        assert!(matches!(e, ConfigError::AppBaseHasQueryOrFragment { .. }));
    }
}
