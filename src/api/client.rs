//! Sends Domain API requests with the access token.
//!
//! Every request goes through [`send`], which first asks the [`ServiceRoot`] whether the URL
//! may carry the token and refuses (no request) when not. Requests go one at a time (ERP.net
//! serves one request per session at a time and answers 429 beyond a short queue), can be
//! cancelled with an `AbortSignal`, and a 429 is retried after `Retry-After` (else a backoff)
//! while the caller shows the wait.

use std::cell::Cell;

use instance_id::service_root::ServiceRoot;
use serde_json::{Map, Value};
use url::Url;

use super::errors::{backoff_seconds, parse_error, retry_after_seconds, ApiError};
use crate::browser::{abort::Abort, clock, http};

/// How many times a request is sent when the server keeps answering 429.
pub const MAX_ATTEMPTS: u32 = 4;

thread_local! {
    /// True while a Domain API request is in flight (the app's one turn).
    static BUSY: Cell<bool> = const { Cell::new(false) };
}

/// The app's one turn at the Domain API; released when dropped.
struct Turn;

impl Drop for Turn {
    fn drop(&mut self) {
        BUSY.with(|b| b.set(false));
    }
}

/// Waits for the turn; `None` when cancelled meanwhile.
async fn take_turn(abort: &Abort) -> Option<Turn> {
    loop {
        if abort.is_aborted() {
            return None;
        }
        if !BUSY.with(|b| b.replace(true)) {
            return Some(Turn);
        }
        clock::sleep_ms(20).await;
    }
}

/// GETs `url` with the access token and returns the 2xx body. `None`: cancelled through
/// `abort` (nothing to show). `on_wait(Some(s))` is called each second of a 429 wait,
/// `on_wait(None)` when it ends.
pub async fn send(
    root: &ServiceRoot,
    url: &Url,
    token: &str,
    abort: &Abort,
    on_wait: &dyn Fn(Option<u32>),
) -> Option<Result<Vec<u8>, ApiError>> {
    // The trust boundary: a URL outside the service root never sees the token.
    if let Err(e) = root.check(url) {
        return Some(Err(e.into()));
    }
    let auth = format!("Bearer {token}");
    let headers = [
        ("Authorization", auth.as_str()),
        ("Accept", "application/json"),
    ];
    let mut attempt = 1;
    loop {
        let turn = take_turn(abort).await?;
        let resp = http::get_abortable(url.as_str(), &headers, &abort.signal()).await;
        drop(turn);
        let resp = match resp {
            Ok(r) => r,
            Err(e) if e.aborted => return None,
            Err(e) => return Some(Err(ApiError::Network(e.to_string()))),
        };
        if (200..300).contains(&resp.status) {
            return Some(Ok(resp.body));
        }
        if resp.status == 429 && attempt < MAX_ATTEMPTS {
            let wait = backoff_seconds(retry_after_seconds(resp.retry_after.as_deref()), attempt);
            for left in (1..=wait).rev() {
                on_wait(Some(left));
                clock::sleep_ms(1000).await;
                if abort.is_aborted() {
                    on_wait(None);
                    return None;
                }
            }
            on_wait(None);
            attempt += 1;
            continue;
        }
        if resp.status == 429 {
            return Some(Err(ApiError::RateLimited { attempts: attempt }));
        }
        return Some(Err(parse_error(
            resp.status,
            resp.www_authenticate.as_deref(),
            &resp.body,
        )));
    }
}

/// One page of results.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Column names in the server's order (first seen), annotations left out.
    pub columns: Vec<String>,
    /// The rows.
    pub rows: Vec<Map<String, Value>>,
    /// `@odata.nextLink` as the server wrote it (relative to the service root on ERP.net).
    pub next_link: Option<String>,
    /// `@odata.count`, when `$count=true` was asked.
    pub count: Option<u64>,
}

/// Reads an OData collection answer.
pub fn parse_page(body: &[u8]) -> Result<Page, ApiError> {
    let Ok(Value::Object(mut obj)) = serde_json::from_slice(body) else {
        return Err(ApiError::Invalid("not a JSON object".to_owned()));
    };
    let Some(Value::Array(values)) = obj.remove("value") else {
        return Err(ApiError::Invalid("no `value` array".to_owned()));
    };
    let next_link = obj
        .get("@odata.nextLink")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let count = obj.get("@odata.count").and_then(Value::as_u64);
    let mut columns: Vec<String> = Vec::new();
    let mut rows = Vec::with_capacity(values.len());
    for v in values {
        let Value::Object(row) = v else {
            return Err(ApiError::Invalid("a row is not an object".to_owned()));
        };
        // Server order, first seen: rows share their keys, so this settles on the first row.
        for k in row.keys() {
            if !k.contains('@') && !columns.iter().any(|c| c == k) {
                columns.push(k.clone());
            }
        }
        rows.push(row);
    }
    Ok(Page {
        columns,
        rows,
        next_link,
        count,
    })
}

/// An entity set the instance has: its name and display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntitySet {
    /// `General_Contacts_Persons`.
    pub name: String,
    /// `Persons`, when the model names it.
    pub label: Option<String>,
}

/// Reads `/api/domain/currentmodel` (a JSON array of `{Name, LocalizedName, ..}`) or the
/// OData service document (`{"value": [{"name", "kind"}]}`); names that are not OData
/// identifiers are dropped.
pub fn parse_entity_sets(body: &[u8]) -> Result<Vec<EntitySet>, ApiError> {
    let json: Value = serde_json::from_slice(body)
        .map_err(|_| ApiError::Invalid("the model is not JSON".to_owned()))?;
    let (items, name_key, label_key) = match &json {
        Value::Array(a) => (a, "Name", Some("LocalizedName")),
        Value::Object(o) => match o.get("value") {
            Some(Value::Array(a)) => (a, "name", None),
            _ => return Err(ApiError::Invalid("no entity set list".to_owned())),
        },
        _ => return Err(ApiError::Invalid("no entity set list".to_owned())),
    };
    let mut sets: Vec<EntitySet> = items
        .iter()
        .filter(|i| {
            i.get("kind")
                .and_then(Value::as_str)
                .is_none_or(|k| k == "EntitySet")
        })
        .filter_map(|i| {
            let name = i.get(name_key)?.as_str()?;
            instance_id::service_root::is_identifier(name).then(|| EntitySet {
                name: name.to_owned(),
                label: label_key
                    .and_then(|k| i.get(k))
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            })
        })
        .collect();
    sets.sort_by(|a, b| a.name.cmp(&b.name));
    sets.dedup_by(|a, b| a.name == b.name);
    Ok(sets)
}

/// The entity sets the instance really has: `currentmodel`, else the service document.
pub async fn entity_sets(
    root: &ServiceRoot,
    token: &str,
    abort: &Abort,
) -> Option<Result<Vec<EntitySet>, ApiError>> {
    let quiet = |_: Option<u32>| {};
    if let Some(model) = root.current_model_url() {
        match send(root, &model, token, abort, &quiet).await? {
            Ok(body) => return Some(parse_entity_sets(&body)),
            Err(ApiError::Unauthorized) => return Some(Err(ApiError::Unauthorized)),
            Err(_) => {}
        }
    }
    let body = send(root, root.as_url(), token, abort, &quiet).await?;
    Some(body.and_then(|b| parse_entity_sets(&b)))
}
