//! The Domain API explorer: query an entity set with the signed-in user's token, a page at a
//! time.
//!
//! The query, page size and position live in the address bar (see [`crate::api::query`]), so
//! a page can be bookmarked, the form is a plain GET form, "Next page" is a link, and after a
//! re-sign-in (401 or expiry) the person comes back to the same address and the query runs
//! again by itself. Pages already fetched are kept for "Previous page". One request at a
//! time: a new query cancels the one in flight, and so does leaving the page.

use std::collections::HashMap;
use std::sync::Arc;

use erpnet_instance_id::service_root::ServiceRoot;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::client;
use crate::api::page::parse_page;
use crate::api::query::{MAX_PAGE_SIZE, PAGE_SIZES};
use crate::api::values::cell;
use crate::api::{ApiError, Cell, EntitySet, ExplorerQuery, Page};
use crate::auth::{Auth, Phase};
use crate::browser::timing::{mark, measure};
use crate::browser::{abort::Abort, locale};
use crate::components::{ErrorPanel, SignInButton, Spinner};

/// Entity sets offered before (or without) the instance's own list; any name can be typed.
const COMMON_SETS: &[&str] = &[
    "Crm_Customers",
    "Crm_Sales_Customers",
    "Crm_Sales_SalesOrders",
    "General_Contacts_Companies",
    "General_Contacts_Persons",
    "General_Products_Products",
    "Logistics_Inventory_StoreTransactions",
];

/// A page shown, with what its links need.
#[derive(Debug, Clone)]
struct Shown {
    page: Page,
    query: ExplorerQuery,
    /// The page link of page `n - 1`, when this tab fetched it (`Some(None)`: the first page).
    previous: Option<Option<String>>,
    /// The server's next link, checked against the service root.
    next: Option<Result<String, ApiError>>,
}

/// Query form, results table with paging, and explained errors.
#[component]
pub fn Explorer() -> impl IntoView {
    let auth = Auth::expect();
    let session = auth.session();
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(|p| ExplorerQuery::from_params(|k| p.get(k))));
    let root = Memo::new(move |_| match auth.phase().get() {
        Phase::Ready(i) => Some(ServiceRoot::parse(&i.odata_root)),
        _ => None,
    });
    let token = Memo::new(move |_| {
        session.with(|s| s.as_ref().map(|s| s.access_token.secret().to_owned()))
    });
    // Pages fetched for the current query (by URL) and each page number's link.
    let cache = StoredValue::new(HashMap::<String, Page>::new());
    // By page number (a map: `n` comes from the address bar and may be any number).
    let history = StoredValue::new(HashMap::<u32, Option<String>>::new());
    let cached_for = StoredValue::new(String::new());
    let waiting = RwSignal::new(None::<u32>);
    // True while the latest query runs (the table of the last one stays meanwhile).
    let loading = RwSignal::new(false);
    let generation = StoredValue::new(0u64);
    // The request in flight and the query (and token) it is for.
    type Key = (ExplorerQuery, Option<String>);
    let in_flight = StoredValue::new_local(None::<(Key, Abort)>);
    on_cleanup(move || {
        if let Some(Some((_, a))) = in_flight.try_get_value() {
            a.abort();
        }
    });

    // A new query (or token) cancels the one in flight at once: the resource below reads its
    // sources again only once its current future has finished, so cancelling is done here.
    Effect::new(move |_| {
        let now = (query.get(), token.get());
        if let Some(Some((key, a))) = in_flight.try_get_value() {
            if key != now {
                a.abort();
            }
        }
    });

    let results = LocalResource::new(move || {
        let q = query.get();
        let root = root.get();
        let token = token.get();
        let abort = Abort::new();
        in_flight.set_value(abort.clone().map(|a| ((q.clone(), token.clone()), a)));
        waiting.set(None);
        let this = generation.get_value() + 1;
        generation.set_value(this);
        loading.set(true);
        let body = async move {
            let (Some(token), Some(root)) = (token, root) else {
                return None;
            };
            if q.set.is_empty() {
                return None;
            }
            let root = match root {
                Ok(r) => r,
                Err(e) => return Some(Err(ApiError::from(e))),
            };
            let base = q.first_page().to_query_string();
            if cached_for.get_value() != base {
                cached_for.set_value(base);
                cache.update_value(HashMap::clear);
                history.update_value(HashMap::clear);
            }
            let url = match q.url(&root) {
                Ok(u) => u,
                Err(e) => return Some(Err(e)),
            };
            let n = q.n;
            history.update_value(|h| {
                h.insert(n, q.page.clone());
            });
            // Page 1 needs no link; a later page's link is known once this tab has been there.
            let previous = match n {
                0 | 1 => None,
                2 => Some(None),
                _ => history.with_value(|h| h.get(&(n - 1)).cloned()),
            };
            let page = match cache.with_value(|c| c.get(url.as_str()).cloned()) {
                Some(page) => page,
                None => {
                    let abort = abort?;
                    let on_wait = move |w: Option<u32>| waiting.set(w);
                    let body = client::send(&root, &url, &token, &abort, &on_wait).await?;
                    let body = match body {
                        Ok(b) => b,
                        // With a refresh token, a 401 first renews the access token, then
                        // this request goes once more with the new one (cancellable as ever).
                        Err(ApiError::Unauthorized) if auth.refresh_now().await => {
                            let token = auth.session().with_untracked(|s| {
                                s.as_ref().map(|s| s.access_token.secret().to_owned())
                            })?;
                            let retry = Abort::new()?;
                            in_flight
                                .set_value(Some(((q.clone(), Some(token.clone())), retry.clone())));
                            match client::send(&root, &url, &token, &retry, &on_wait).await? {
                                Ok(b) => b,
                                Err(e) => return Some(Err(e)),
                            }
                        }
                        Err(e) => return Some(Err(e)),
                    };
                    mark("explorer:response");
                    let page = match parse_page(&body) {
                        Ok(p) => p,
                        Err(e) => return Some(Err(e)),
                    };
                    cache.update_value(|c| {
                        c.insert(url.to_string(), page.clone());
                    });
                    page
                }
            };
            let next = page.checked_next_link(&root);
            Some(Ok(Shown {
                page,
                query: q,
                previous,
                next,
            }))
        };
        async move {
            let shown = body.await;
            if generation.try_get_value() == Some(this) {
                loading.set(false);
            }
            shown
        }
    });

    // The instance's own entity sets, once per visit, for the picker.
    let model_sets = RwSignal::new(Vec::<EntitySet>::new());
    let model_abort = StoredValue::new_local(None::<Abort>);
    on_cleanup(move || {
        if let Some(Some(a)) = model_abort.try_get_value() {
            a.abort();
        }
    });
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        let (Some(token), Some(Ok(root))) = (token.get(), root.get()) else {
            return false;
        };
        let Some(abort) = Abort::new() else {
            return true;
        };
        model_abort.set_value(Some(abort.clone()));
        spawn_local(async move {
            if let Some(Ok(sets)) = client::entity_sets(&root, &token, &abort).await {
                model_sets.set(sets);
            }
        });
        true
    });

    let field = move |name: &'static str| move || params.with(|p| p.get(name).unwrap_or_default());
    view! {
        <section class="explorer">
            <h1>"Domain API explorer"</h1>
            <Show when=move || session.with(Option::is_some) fallback=move || view! {
                {move || auth.error().get().map(|e| view! { <ErrorPanel error=e/> })}
                <p>"Sign in to query the instance's data with your own permissions."</p>
                <Show when=move || matches!(auth.phase().get(), Phase::Ready(_) | Phase::Discovering(_))><SignInButton/></Show>
            }>
                <Form method="GET" action="">
                    <div class="fields">
                        <label>"Entity set"
                            <input name="set" list="entity-sets" required autocomplete="off"
                                pattern="[A-Za-z_][A-Za-z0-9_]*" prop:value=field("set") data-testid="entity-set"/>
                        </label>
                        <datalist id="entity-sets" data-testid="entity-set-options">
                            {move || set_options(&model_sets.get()).into_iter()
                                .map(|(name, label)| view! { <option value=name>{label}</option> })
                                .collect_view()}
                        </datalist>
                        <label>"$select" <input name="select" placeholder="default,Id" prop:value=field("select") data-testid="select"/></label>
                        <label>"$filter" <input name="filter" placeholder="Active eq true" prop:value=field("filter") data-testid="filter"/></label>
                        <label>"$orderby" <input name="orderby" placeholder="Name desc" prop:value=field("orderby") data-testid="orderby"/></label>
                        <label>"$expand" <input name="expand" placeholder="Lines" prop:value=field("expand") data-testid="expand"/></label>
                        <label>"Rows per page"
                            <input name="top" type="number" min="1" max=MAX_PAGE_SIZE list="page-sizes"
                                prop:value=move || query.with(|q| q.top.to_string()) data-testid="top"/>
                        </label>
                        <datalist id="page-sizes">
                            {PAGE_SIZES.iter().map(|s| view! { <option value=s.to_string()></option> }).collect_view()}
                        </datalist>
                        <label class="inline">
                            <input type="checkbox" name="count" value="true"
                                prop:checked=move || query.with(|q| q.count) data-testid="count"/>
                            "$count"
                        </label>
                        <button type="submit" class="primary" data-testid="run-query">"Run query"</button>
                    </div>
                </Form>
                <p class="status" data-testid="model-status">{move || {
                    let n = model_sets.with(Vec::len);
                    (n > 0).then(|| format!("{n} entity sets from the instance's model; type to search."))
                }}</p>
                <div aria-live="polite">
                    {move || waiting.get().map(|s| view! {
                        <p class="status" data-testid="rate-limited">
                            <Spinner label="Waiting"/>
                            {format!("The Domain API is busy (HTTP 429); trying again in {s} s…")}
                        </p>
                    })}
                    <Show when=move || loading.get() && waiting.get().is_none()>
                        <p class="status" data-testid="loading"><Spinner label="Loading"/>" Loading…"</p>
                    </Show>
                    <Transition fallback=|| ()>
                        {move || results.get().flatten().map(|r| match r {
                            Ok(shown) => view! { <ResultTable shown=shown/> }.into_any(),
                            Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                        })}
                    </Transition>
                </div>
            </Show>
        </section>
    }
}

/// The picker's options: the sets the instance really has (with their display names) once
/// its model is loaded, else the common ones.
fn set_options(model: &[EntitySet]) -> Vec<(String, String)> {
    if model.is_empty() {
        return COMMON_SETS
            .iter()
            .map(|c| ((*c).to_owned(), String::new()))
            .collect();
    }
    model
        .iter()
        .map(|s| (s.name.clone(), s.label.clone().unwrap_or_default()))
        .collect()
}

/// A page of rows as a table, with its paging links.
#[component]
fn ResultTable(
    /// The page and its links.
    shown: Shown,
) -> impl IntoView {
    let auth = Auth::expect();
    let explorer = auth.href("/explorer");
    let langs = locale::languages();
    let Shown {
        page,
        query,
        previous,
        next,
    } = shown;
    let Page {
        columns,
        rows,
        count,
        ..
    } = page;
    let shown_rows = rows.len();
    let href = |q: ExplorerQuery| format!("{explorer}?{}", q.to_query_string());
    let (next_href, next_error) = match next {
        Some(Ok(link)) => (
            Some(href(ExplorerQuery {
                page: Some(link),
                n: query.n.saturating_add(1),
                ..query.clone()
            })),
            None,
        ),
        Some(Err(e)) => (None, Some(e)),
        None => (None, None),
    };
    let prev_href = (query.n >= 2).then(|| match previous {
        Some(link) => (
            href(ExplorerQuery {
                n: if link.is_some() { query.n - 1 } else { 1 },
                page: link,
                ..query.clone()
            }),
            "Previous page",
        ),
        None => (href(query.first_page()), "First page"),
    });
    // Rows are built a batch per animation frame, so a page of 1000 never holds the main
    // thread for long; the first batch shows at once.
    let batches = rows.len().div_ceil(ROW_BATCH).max(1);
    let rows = Arc::new(rows);
    let columns_for_rows = Arc::new(columns.clone());
    let langs = Arc::new(langs);
    let explorer_for_rows = Arc::new(explorer.clone());
    let shown_batches = RwSignal::new(1usize);
    let body = (0..batches)
        .map(|b| {
            let (rows, columns, langs, explorer) = (
                rows.clone(),
                columns_for_rows.clone(),
                langs.clone(),
                explorer_for_rows.clone(),
            );
            view! {
                <Show when=move || b < shown_batches.get()>
                    {
                        let end = rows.len().min((b + 1) * ROW_BATCH);
                        rows[b * ROW_BATCH..end]
                            .iter()
                            .map(|row| {
                                let cells = columns
                                    .iter()
                                    .map(|c| {
                                        let value = row.get(c).unwrap_or(&serde_json::Value::Null);
                                        view! { <td>{render_cell(cell(value, &langs), &explorer)}</td> }
                                    })
                                    .collect_view();
                                view! { <tr>{cells}</tr> }
                            })
                            .collect_view()
                    }
                </Show>
            }
        })
        .collect_view();
    // Response to rows shown (the first batch, then all, painted): scripts/bench reads them.
    request_animation_frame(|| {
        request_animation_frame(|| measure("explorer:first-rows-shown", "explorer:response", false))
    });
    grow(shown_batches, batches);
    let nav = view! {
        <nav class="pager" aria-label="Pages">
            {prev_href.map(|(h, text)| view! { <a href=h data-testid="previous-page" class="button secondary" rel="prev">{text}</a> })}
            <span class="status" data-testid="page-number">{format!("Page {}", query.n)}</span>
            {next_href.map(|h| view! { <a href=h data-testid="next-page" class="button secondary" rel="next">"Next page"</a> })}
        </nav>
    };
    view! {
        <p class="status">
            <span data-testid="row-count">{format!("{shown_rows} rows")}</span>
            {count.map(|c| view! { " " <span data-testid="total-count">{format!("of {c} in all")}</span> })}
        </p>
        {next_error.map(|e| view! { <ErrorPanel error=e/> })}
        <div class="table-scroll">
            <table class="results" data-testid="results">
                <thead><tr>{columns.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view()}</tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
        {nav}
    }
}

/// Rows built per animation frame.
const ROW_BATCH: usize = 100;

/// Shows one more batch of rows each animation frame; after the last is painted, measures
/// `explorer:rows-shown`.
fn grow(shown: RwSignal<usize>, batches: usize) {
    request_animation_frame(move || match shown.try_get_untracked() {
        Some(n) if n < batches => {
            shown.set(n + 1);
            grow(shown, batches);
        }
        Some(_) => {
            request_animation_frame(|| measure("explorer:rows-shown", "explorer:response", true))
        }
        None => {}
    });
}

/// A formatted value as DOM: text, a link for a reference, `<details>` for nested values.
fn render_cell(c: Cell, explorer: &str) -> AnyView {
    match c {
        Cell::Empty => ().into_any(),
        Cell::Text(t) => t.into_any(),
        Cell::Reference { set, key, query } => {
            let title = format!("{set}({key})");
            view! {
            <a class="ref" href=format!("{explorer}?{query}") title=title>
                <span class="ref-set">{set}</span>" "<span class="ref-key">{key}</span>
            </a>
            }
            .into_any()
        }
        Cell::Object { summary, fields } => view! {
            <details><summary>{summary}</summary>
                <dl>{fields.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{render_cell(v, explorer)}</dd> }).collect_view()}</dl>
            </details>
        }
        .into_any(),
        Cell::List { summary, items } if items.is_empty() => summary.into_any(),
        Cell::List { summary, items } => view! {
            <details><summary>{summary}</summary>
                <ol>{items.into_iter().map(|v| view! { <li>{render_cell(v, explorer)}</li> }).collect_view()}</ol>
            </details>
        }
        .into_any(),
    }
}
