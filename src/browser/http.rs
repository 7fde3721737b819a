//! HTTP through gloo-net for the core's described requests, as plain values for the core.

use erpnet_instance_id::{HttpMethod, HttpRequest};
use gloo_net::http::{Method, RequestBuilder};
use web_sys::{RequestCredentials, RequestMode};

use super::abort::Abort;

/// What came back from the network, as plain values for the core to judge.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// HTTP status code.
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The `WWW-Authenticate` header, if any (readable when the server exposes it).
    pub www_authenticate: Option<String>,
    /// The `Date` header: always readable from the app's own host; from another origin only
    /// when it lists `Date` in `Access-Control-Expose-Headers`.
    pub date: Option<String>,
    /// The `Age` header (seconds a cache held the response), readable like `Date`.
    pub age: Option<String>,
    /// The `Retry-After` header, if any (readable when the server exposes it).
    pub retry_after: Option<String>,
    /// The whole body.
    pub body: Vec<u8>,
}

impl Fetched {
    /// Borrows this response in the shape the core takes.
    pub fn as_core(&self) -> erpnet_instance_id::HttpResponse<'_> {
        erpnet_instance_id::HttpResponse {
            status: self.status,
            content_type: self.content_type.as_deref(),
            body: &self.body,
        }
    }

    /// Server time minus device time from this response's `Date` (and `Age`), received at
    /// `device_now`; zero when there is no readable `Date` or the estimate is out of bounds.
    pub fn clock_offset(&self, device_now: u64) -> erpnet_instance_id::ClockOffset {
        self.date
            .as_deref()
            .and_then(|d| {
                erpnet_instance_id::ClockOffset::from_server_date(
                    d,
                    self.age.as_deref(),
                    device_now,
                )
                .ok()
            })
            .unwrap_or_default()
    }
}

/// Why no response arrived (plain data, so the error enums that keep it build natively).
pub use crate::error::FetchError;

/// Sends a request described by the core. Never sends cookies: the app authenticates with
/// bearer tokens only.
pub async fn send(req: &HttpRequest) -> Result<Fetched, FetchError> {
    let headers: Vec<(&str, &str)> = req
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let method = match req.method {
        HttpMethod::Get => "GET",
        HttpMethod::Post => "POST",
    };
    fetch(method, req.url.as_str(), &headers, req.body.as_deref()).await
}

/// A plain fetch with the given method, headers and optional body; never sends cookies.
pub async fn fetch(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Result<Fetched, FetchError> {
    fetch_with(method, url, headers, body, RequestCredentials::Omit, None).await
}

/// A GET that `abort` can cancel (the Domain API explorer cancels a query in flight when a
/// new one starts or the page is left); never sends cookies.
pub async fn get_abortable(
    url: &str,
    headers: &[(&str, &str)],
    abort: &Abort,
) -> Result<Fetched, FetchError> {
    fetch_with(
        "GET",
        url,
        headers,
        None,
        RequestCredentials::Omit,
        Some(&abort.signal()),
    )
    .await
}

/// GET of one of the app's own files (config.json) exactly as index.html preloads it
/// (`<link rel="preload" as="fetch" crossorigin>`: mode `cors`, credentials `same-origin`, no
/// extra headers), so the browser hands over the preloaded response instead of fetching
/// again. Same-origin credentials only ever reach the app's own static host.
pub async fn get_preloaded(url: &str) -> Result<Fetched, FetchError> {
    fetch_with("GET", url, &[], None, RequestCredentials::SameOrigin, None).await
}

async fn fetch_with(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
    credentials: RequestCredentials,
    signal: Option<&web_sys::AbortSignal>,
) -> Result<Fetched, FetchError> {
    let fail = |err: gloo_net::Error| FetchError {
        url: url.to_owned(),
        detail: err.to_string(),
        aborted: signal.is_some_and(web_sys::AbortSignal::aborted),
    };
    let method = match method {
        "POST" => Method::POST,
        _ => Method::GET,
    };
    let mut builder = RequestBuilder::new(url)
        .method(method)
        .mode(RequestMode::Cors)
        .credentials(credentials)
        .abort_signal(signal);
    for (k, v) in headers {
        builder = builder.header(k, v);
    }
    let request = match body {
        Some(body) => builder.body(body),
        None => builder.build(),
    }
    .map_err(fail)?;
    let response = request.send().await.map_err(fail)?;
    let body = response.binary().await.map_err(fail)?;
    let header = |name: &str| response.headers().get(name);
    Ok(Fetched {
        status: response.status(),
        content_type: header("content-type"),
        www_authenticate: header("www-authenticate"),
        date: header("date"),
        age: header("age"),
        retry_after: header("retry-after"),
        body,
    })
}
