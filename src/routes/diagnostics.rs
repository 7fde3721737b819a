//! What the app found: for deployers registering the app and checking an instance.

use leptos::prelude::*;

use crate::auth::diagnose::{probe_token_endpoint_cors, signing_key_count, TokenEndpointCors};
use crate::auth::Instance;
use crate::auth::{Auth, Phase};
use crate::browser::webcrypto;
use crate::components::{ErrorPanel, Spinner};

/// Shows the configuration, the derived redirect URIs and everything discovery found.
#[component]
pub fn Diagnostics() -> impl IntoView {
    let auth = Auth::expect();
    let phase = auth.phase();
    let jwks = auth.jwks();
    // Counted once per key set the app holds (again after a rotation refetched them): the key
    // count, or why there is none to use (the text a sign-in's `jwks_failed` would carry).
    let keys = LocalResource::new(move || {
        let known = jwks.get();
        let ready = match phase.get() {
            Phase::Ready(instance) => Some(instance),
            _ => None,
        };
        async move {
            let instance = ready?;
            Some(
                signing_key_count(auth, instance, known)
                    .await
                    .map_err(|e| e.to_string()),
            )
        }
    });
    let offset = auth.clock_offset();
    view! {
        <section class="diagnostics">
            <h1>"Diagnostics"</h1>
            {move || match phase.get() {
                Phase::Starting | Phase::Discovering(_) => view! { <p><Spinner label="Discovering"/>" Discovering the instance…"</p> }.into_any(),
                Phase::Failed(e) => view! { <ErrorPanel error=e/> }.into_any(),
                Phase::Ready(i) => {
                    let m = &i.metadata;
                    let c = &i.config.client;
                    let list = |v: &[String]| if v.is_empty() { "(not advertised)".to_owned() } else { v.join(", ") };
                    let yes_no = |b: bool| if b { "yes" } else { "no" };
                    let s256 = m.code_challenge_methods_supported.iter().any(|x| x == "S256");
                    let rows: Vec<(&str, &str, String)> = vec![
                        ("instance", "Instance URL", c.instance_url().to_string()),
                        ("client-id", "Client ID (ApplicationUri)", c.client_id().to_string()),
                        ("scopes", "Requested scopes", c.scope_string()),
                        ("redirect-uri", "Redirect URI to register (ImpersonateLoginUrl)", c.redirect_uri().to_string()),
                        ("post-logout-uri", "Post-logout redirect URI", c.post_logout_redirect_uri().to_string()),
                        ("sign-in-mode", "Sign-in mode", i.config.sign_in_mode.name().to_owned()),
                        ("discovery-source", "Endpoints from", i.route.to_string()),
                        ("domain-api-status", "Sites not working (auto-discovery)", if i.site_warnings.is_empty() {
                            "none reported".to_owned() } else { i.site_warnings.join("; ") }),
                        ("id-url", "Instance ID", i.id_url.clone()),
                        ("odata-root", "Domain API (OData root)", i.odata_root.clone()),
                        ("issuer", "Issuer", m.issuer.to_string()),
                        ("authorization-endpoint", "Authorization endpoint", m.authorization_endpoint.to_string()),
                        ("token-endpoint", "Token endpoint", m.token_endpoint.to_string()),
                        ("end-session-endpoint", "End-session endpoint", m.end_session_endpoint.as_ref().map_or("(none)".to_owned(), |u| u.to_string())),
                        ("userinfo-endpoint", "Userinfo endpoint (the person's name)", m.userinfo_endpoint.as_ref().map_or("(none)".to_owned(), |u| u.to_string())),
                        ("revocation-endpoint", "Revocation endpoint (refresh tokens at sign-out)", m.revocation_endpoint.as_ref().map_or("(none)".to_owned(), |u| u.to_string())),
                        ("jwks-uri", "JWKS", m.jwks_uri.to_string()),
                        ("algs", "ID token signing algorithms", list(&m.id_token_signing_alg_values_supported)),
                        ("pkce-methods", "PKCE methods", list(&m.code_challenge_methods_supported)),
                        ("s256", "S256 advertised", yes_no(s256).to_owned()),
                        ("iss-param", "RFC 9207 iss advertised", yes_no(m.authorization_response_iss_parameter_supported).to_owned()),
                        ("token-hosts", "Where tokens are sent", token_destinations(&i)),
                        ("webcrypto", "Signature checks (WebCrypto)", if webcrypto::available() { "available".to_owned() } else {
                            "unavailable: sign-in cannot finish; serve the app over https".to_owned() }),
                    ];
                    view! {
                        <table class="facts">
                            <tbody>
                                {rows.into_iter().map(|(id, label, value)| view! {
                                    <tr data-testid=format!("diag-{id}")><th scope="row">{label}</th><td>{value}</td></tr>
                                }).collect_view()}
                                <tr data-testid="diag-clock-offset"><th scope="row">"Device clock"</th>
                                    <td>{move || describe_offset(offset.get().secs())}</td></tr>
                                <tr data-testid="diag-jwks-keys"><th scope="row">"Signing keys"</th>
                                    <td>{move || match keys.get().flatten() {
                                        None => "loading…".to_owned(),
                                        Some(Ok(count)) => count.to_string(),
                                        Some(Err(why)) => format!("unusable: {why}"),
                                    }}</td></tr>
                            </tbody>
                        </table>
                        <CorsCheck instance=i.clone()/>
                    }.into_any()
                }
            }}
        </section>
    }
}

/// Tells a deployer whether the token endpoint answers CORS for this origin (the service's
/// probe, [`probe_token_endpoint_cors`], sent only on request).
#[component]
fn CorsCheck(
    /// The instance whose token endpoint to probe.
    instance: std::sync::Arc<Instance>,
) -> impl IntoView {
    let probe = Action::new_local(move |_: &()| {
        let instance = instance.clone();
        async move {
            match probe_token_endpoint_cors(&instance).await {
                TokenEndpointCors::Allowed(status) => format!("yes (the endpoint answered HTTP {status} and the browser let the app read it)"),
                TokenEndpointCors::Blocked => "no: the browser blocked the answer; allow this origin in the Trusted Application's CORS settings".to_owned(),
            }
        }
    });
    let pending = probe.pending();
    view! {
        <p class="cors-check">
            <button type="button" class="secondary" data-testid="cors-check"
                disabled=move || pending.get() on:click=move |_| { probe.dispatch(()); }>
                "Check token endpoint CORS"
            </button>
            " "
            <span data-testid="cors-result" aria-live="polite">
                {move || if pending.get() { "checking…".to_owned() } else { probe.value().get().unwrap_or_default() }}
            </span>
        </p>
    }
}

/// The clock offset (server minus device) as a person reads it.
fn describe_offset(secs: i64) -> String {
    if secs == 0 {
        return "in step with the server (or no readable server time)".to_owned();
    }
    let way = if secs < 0 { "ahead of" } else { "behind" };
    let abs = secs.unsigned_abs();
    let amount = if abs >= 60 {
        format!("{} min", (abs + 30) / 60)
    } else {
        format!("{abs} s")
    };
    format!("{amount} {way} the server's time (corrected for the ID-token time checks)")
}

/// Every URL a token leaves the app for, as the code sends them: codes and refresh tokens to
/// the token endpoint, refresh tokens to the revocation endpoint, the access token below the
/// OData root (and to the model endpoint beside it) and to userinfo.
fn token_destinations(i: &crate::auth::Instance) -> String {
    let m = &i.metadata;
    let mut lines = vec![
        format!("code, refresh token: {}", m.token_endpoint),
        format!(
            "access token: {}… and {}",
            i.odata_root,
            current_model(&i.odata_root)
        ),
    ];
    if let Some(u) = &m.userinfo_endpoint {
        lines.push(format!("access token: {u}"));
    }
    if let Some(u) = &m.revocation_endpoint {
        lines.push(format!("refresh token (sign-out): {u}"));
    }
    lines.join("; ")
}

/// The model endpoint beside the OData root, as `ServiceRoot` allows it.
fn current_model(odata_root: &str) -> String {
    erpnet_instance_id::service_root::ServiceRoot::parse(odata_root)
        .ok()
        .and_then(|r| r.current_model_url())
        .map_or_else(|| "(none)".to_owned(), |u| u.to_string())
}
