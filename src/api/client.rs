//! Sends Domain API requests with the access token.
//!
//! Every request goes through [`send`], which first asks the [`ServiceRoot`] whether the URL
//! may carry the token and refuses (no request) when not. Requests go one at a time (ERP.net
//! serves one request per session at a time and answers 429 beyond a short queue), can be
//! cancelled with an `AbortSignal`, and a 429 is retried after `Retry-After` (else a backoff)
//! while the caller shows the wait.

use std::cell::Cell;

use erpnet_instance_id::service_root::ServiceRoot;
use url::Url;

use super::errors::{backoff_seconds, parse_error, retry_after_seconds, ApiError};
use super::page::parse_entity_sets;
use super::EntitySet;
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
        let resp = http::get_abortable(url.as_str(), &headers, abort).await;
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
