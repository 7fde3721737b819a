//! Is the app framed, and by another site?

use wasm_bindgen::JsValue;

/// True when the app runs inside a frame (`window.self !== window.top`); an exception while
/// asking also counts as framed, as the Instance ID refuses to be framed either way.
pub fn is_framed() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    match window.top() {
        Ok(Some(top)) => !js_sys::Object::is(&JsValue::from(top), &JsValue::from(window)),
        Ok(None) | Err(_) => true,
    }
}

/// True when framed by a page of another site: the browser then keeps this frame's storage
/// and BroadcastChannel apart from a top-level popup of the app, so only `window.opener`
/// links them. Uses `location.ancestorOrigins` where the browser has it.
pub fn is_cross_site_framed() -> bool {
    if !is_framed() {
        return false;
    }
    let Some(window) = web_sys::window() else {
        return true;
    };
    let own = window.location().hostname().unwrap_or_default();
    // `location.ancestorOrigins` (a DOMStringList, not in every browser): the last is the top.
    let top = js_sys::Reflect::get(&window.location(), &JsValue::from_str("ancestorOrigins"))
        .ok()
        .and_then(|list| {
            let len = js_sys::Reflect::get(&list, &JsValue::from_str("length"))
                .ok()?
                .as_f64()?;
            js_sys::Reflect::get(&list, &JsValue::from_f64(len - 1.0))
                .ok()?
                .as_string()
        });
    let Some(top_host) = top
        .and_then(|o| url::Url::parse(&o).ok())
        .and_then(|u| u.host_str().map(str::to_owned))
    else {
        return true;
    };
    site(&own) != site(&top_host)
}

/// The registrable part of a host, approximately: the last two labels of a DNS name, the
/// whole host for an IP address or a single label. Good enough to tell partitioning apart.
fn site(host: &str) -> String {
    if host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') {
        return host.to_owned();
    }
    let labels: Vec<&str> = host.rsplitn(3, '.').collect();
    match labels.as_slice() {
        [tld, name, ..] => format!("{name}.{tld}"),
        _ => host.to_owned(),
    }
}
