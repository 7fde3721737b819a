//! The Domain API's answers read into plain values: a page of an OData collection (with its
//! next link checked against the service root) and the list of entity sets.

use erpnet_instance_id::service_root::ServiceRoot;
use serde_json::{Map, Value};

use super::errors::ApiError;

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

impl Page {
    /// The server's next link as written (the address bar keeps it, and it is resolved again
    /// when followed), once the service root accepts it: `None` on the last page, an error
    /// (no "Next page" link, nothing sent) when it would take the token elsewhere.
    pub fn checked_next_link(&self, root: &ServiceRoot) -> Option<Result<String, ApiError>> {
        let link = self.next_link.as_ref()?;
        Some(
            root.resolve_link(link)
                .map(|_| link.clone())
                .map_err(ApiError::from),
        )
    }
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
            erpnet_instance_id::service_root::is_identifier(name).then(|| EntitySet {
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
