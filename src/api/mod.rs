//! The Domain API (OData v4) client: builds queries, sends them with the bearer token, and
//! turns answers into rows or explained errors.

use serde_json::{Map, Value};
use url::Url;

use crate::browser::http;

/// A query against one entity set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// The entity set, e.g. `Crm_Customers`.
    pub entity_set: String,
    /// `$select`: comma-separated property names (empty: all).
    pub select: String,
    /// `$filter`: an OData filter expression (empty: none).
    pub filter: String,
    /// `$top`: at most this many rows (None: the server's page size).
    pub top: Option<u32>,
}

/// Why a query is not sent: the entity set is not a plain OData identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an entity set name (letters, digits and underscores only)")]
pub struct BadEntitySet(pub String);

impl Query {
    /// The request URL below `odata_root`. The entity set is checked so free text can never
    /// change the path (e.g. `../` or a full URL).
    pub fn url(&self, odata_root: &str) -> Result<Url, BadEntitySet> {
        let name = self.entity_set.trim();
        let plain = !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit());
        let root = Url::parse(odata_root).map_err(|_| BadEntitySet(name.to_owned()))?;
        if !plain {
            return Err(BadEntitySet(name.to_owned()));
        }
        let mut url = root.join(name).map_err(|_| BadEntitySet(name.to_owned()))?;
        {
            let mut q = url.query_pairs_mut();
            if !self.select.trim().is_empty() {
                q.append_pair("$select", self.select.trim());
            }
            if !self.filter.trim().is_empty() {
                q.append_pair("$filter", self.filter.trim());
            }
            if let Some(top) = self.top {
                q.append_pair("$top", &top.to_string());
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        Ok(url)
    }
}

/// One page of results.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Column names, in first-seen order (OData annotations left out).
    pub columns: Vec<String>,
    /// The rows.
    pub rows: Vec<Map<String, Value>>,
    /// `@odata.nextLink`, when the server has more.
    pub next_link: Option<String>,
}

/// What went wrong with a Domain API request, each with its meaning for a person.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// 401: the token is missing, invalid or expired.
    #[error("the Domain API did not accept the sign-in (HTTP 401); sign in again to continue")]
    Unauthorized,
    /// 403: the token lacks a scope.
    #[error("the Domain API refused access (HTTP 403): the sign-in lacks the scope {}", .scope.as_deref().map_or("needed for this".to_owned(), |s| format!("`{s}`; add it to `scopes` in config.json and sign in again")))]
    Forbidden {
        /// The missing scope, from `WWW-Authenticate`, when the server names it.
        scope: Option<String>,
        /// The server's message, if any.
        message: Option<String>,
    },
    /// The server could not be reached (network or CORS).
    #[error("{0}")]
    Network(String),
    /// The server's OData error body.
    #[error("the Domain API answered HTTP {status}: {message}{}", .code.as_deref().map(|c| format!(" ({c})")).unwrap_or_default())]
    OData {
        /// HTTP status.
        status: u16,
        /// OData error code.
        code: Option<String>,
        /// OData error message.
        message: String,
    },
    /// A 2xx answer that is not an OData collection.
    #[error("the Domain API sent an answer that is not an OData collection: {0}")]
    Invalid(String),
    /// The query itself was refused before sending.
    #[error(transparent)]
    BadQuery(#[from] BadEntitySet),
}

impl ApiError {
    /// True when signing in again can fix it.
    pub fn needs_sign_in(&self) -> bool {
        matches!(self, Self::Unauthorized)
    }
}

/// Sends a GET with the access token and reads one page.
pub async fn get_page(url: &str, access_token: &str) -> Result<Page, ApiError> {
    let auth = format!("Bearer {access_token}");
    let resp = http::fetch(
        "GET",
        url,
        &[("Authorization", &auth), ("Accept", "application/json")],
        None,
    )
    .await
    .map_err(|e| ApiError::Network(e.to_string()))?;
    interpret(resp.status, resp.www_authenticate.as_deref(), &resp.body)
}

/// Turns a Domain API answer into a page or an explained error.
pub fn interpret(
    status: u16,
    www_authenticate: Option<&str>,
    body: &[u8],
) -> Result<Page, ApiError> {
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let odata_message = || {
        let err = json.as_ref()?.get("error")?;
        Some((
            err.get("code").and_then(Value::as_str).map(str::to_owned),
            err.get("message").and_then(Value::as_str)?.to_owned(),
        ))
    };
    match status {
        200..=299 => {}
        401 => return Err(ApiError::Unauthorized),
        403 => {
            return Err(ApiError::Forbidden {
                scope: www_authenticate.and_then(|h| auth_param(h, "scope")),
                message: odata_message().map(|(_, m)| m),
            })
        }
        _ => {
            let (code, message) = odata_message().unwrap_or((
                None,
                String::from_utf8_lossy(body).chars().take(200).collect(),
            ));
            return Err(ApiError::OData {
                status,
                code,
                message,
            });
        }
    }
    let Some(Value::Object(mut obj)) = json else {
        return Err(ApiError::Invalid("not a JSON object".to_owned()));
    };
    let Some(Value::Array(values)) = obj.remove("value") else {
        return Err(ApiError::Invalid("no `value` array".to_owned()));
    };
    let next_link = obj
        .get("@odata.nextLink")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let mut columns: Vec<String> = Vec::new();
    let mut rows = Vec::with_capacity(values.len());
    for v in values {
        let Value::Object(row) = v else {
            return Err(ApiError::Invalid("a row is not an object".to_owned()));
        };
        for k in row.keys() {
            if !k.contains('@') && !columns.contains(k) {
                columns.push(k.clone());
            }
        }
        rows.push(row);
    }
    Ok(Page {
        columns,
        rows,
        next_link,
    })
}

/// One parameter of a `WWW-Authenticate: Bearer a="b", c="d"` header.
fn auth_param(header: &str, name: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (k, v) = part.trim().trim_start_matches("Bearer ").split_once('=')?;
        (k.trim() == name).then(|| v.trim().trim_matches('"').to_owned())
    })
}
