//! The explorer's query as it lives in the address bar, and the first page's URL.
//!
//! Keys: `set`, `select`, `filter`, `orderby`, `expand`, `top` (the page size), `count`
//! (`true`), and the position: `page` (the server's `@odata.nextLink` for that page, as the
//! server wrote it) and `n` (the page number). A bookmarked page is re-resolved through the
//! [`ServiceRoot`] like any server link, so an edited address bar cannot send the token
//! elsewhere.

use erpnet_instance_id::service_root::ServiceRoot;
use url::Url;

use super::errors::ApiError;
use super::values::query_string;

/// Page sizes offered; any size from 1 to [`MAX_PAGE_SIZE`] can be typed.
pub const PAGE_SIZES: &[u32] = &[25, 50, 100, 500];
/// The page size when none is given.
pub const DEFAULT_PAGE_SIZE: u32 = 50;
/// ERP.net's recommended maximum page size.
pub const MAX_PAGE_SIZE: u32 = 1000;

/// A query against one entity set, plus the page shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExplorerQuery {
    /// The entity set, e.g. `General_Contacts_Persons`.
    pub set: String,
    /// `$select` (empty: ERP.net's default columns).
    pub select: String,
    /// `$filter`.
    pub filter: String,
    /// `$orderby`.
    pub orderby: String,
    /// `$expand`.
    pub expand: String,
    /// `$top`: the page size, 1 to 1000.
    pub top: u32,
    /// `$count=true`.
    pub count: bool,
    /// The page after the first: the server's nextLink for it.
    pub page: Option<String>,
    /// The page number (1 for the first).
    pub n: u32,
}

impl ExplorerQuery {
    /// Reads the address bar's parameters (`get(name)`); bad numbers fall back to defaults.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        let text = |k: &str| get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
        let top = get("top")
            .and_then(|t| t.trim().parse::<u32>().ok())
            .filter(|t| *t > 0)
            .map_or(DEFAULT_PAGE_SIZE, |t| t.min(MAX_PAGE_SIZE));
        let page = get("page").filter(|p| !p.is_empty());
        let n = if page.is_some() {
            get("n")
                .and_then(|n| n.parse::<u32>().ok())
                .filter(|n| *n >= 2)
                .unwrap_or(2)
        } else {
            1
        };
        Self {
            set: text("set"),
            select: text("select"),
            filter: text("filter"),
            orderby: text("orderby"),
            expand: text("expand"),
            top,
            count: get("count").is_some_and(|c| c == "true"),
            page,
            n,
        }
    }

    /// The same query without a position (the first page).
    pub fn first_page(&self) -> Self {
        Self {
            page: None,
            n: 1,
            ..self.clone()
        }
    }

    /// The query string for the address bar (`set=..&top=..`), without the leading `?`.
    pub fn to_query_string(&self) -> String {
        let top = self.top.to_string();
        let n = self.n.to_string();
        let mut pairs: Vec<(&str, &str)> = vec![
            ("set", &self.set),
            ("select", &self.select),
            ("filter", &self.filter),
            ("orderby", &self.orderby),
            ("expand", &self.expand),
            ("top", &top),
        ];
        if self.count {
            pairs.push(("count", "true"));
        }
        if let Some(p) = &self.page {
            pairs.push(("page", p));
            pairs.push(("n", &n));
        }
        query_string(&pairs)
    }

    /// The URL of the page shown: the first page built from the fields, a later one
    /// resolved from the server's link. Either way checked against the service root.
    pub fn url(&self, root: &ServiceRoot) -> Result<Url, ApiError> {
        if let Some(link) = &self.page {
            return Ok(root.resolve_link(link)?);
        }
        let top = self.top.to_string();
        let count = if self.count { "true" } else { "" };
        Ok(root.entity_set_url(
            &self.set,
            &[
                ("$top", &top),
                ("$select", &self.select),
                ("$filter", &self.filter),
                ("$orderby", &self.orderby),
                ("$expand", &self.expand),
                ("$count", count),
            ],
        )?)
    }
}
