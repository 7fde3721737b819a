//! Domain API values as a person reads them.
//!
//! ERP.net rows are not flat: multi-language strings come as `{"EN": "..", "BG": ".."}`,
//! amounts as `{"Value": 20, "Currency": "BGN"}`, quantities as `{"Value": 3, "Unit": "pcs"}`,
//! references as `{"@odata.id": "General_Contacts_Parties(<guid>)"}`; expanded references
//! and child lists are nested objects and arrays. [`cell`] turns each into a [`Cell`], never
//! into raw JSON.

use serde_json::{Map, Value};

/// How deep nested objects and lists are shown before "…".
const MAX_DEPTH: usize = 4;

/// One formatted value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// `null` or missing.
    Empty,
    /// Plain text.
    Text(String),
    /// A reference: the set and key, and the explorer query that opens that row.
    Reference {
        /// The referenced entity set.
        set: String,
        /// Its key, as the server wrote it.
        key: String,
        /// Explorer query string (`set=..&filter=..`) that shows the row.
        query: String,
    },
    /// A nested object (an expanded reference): a summary and its fields.
    Object {
        /// One line naming the object.
        summary: String,
        /// Its fields, in the server's order.
        fields: Vec<(String, Cell)>,
    },
    /// A list (a child collection): a summary and its items.
    List {
        /// "3 items".
        summary: String,
        /// The items.
        items: Vec<Cell>,
    },
}

impl Cell {
    /// The text of a simple cell (empty for nested ones): what a short summary shows.
    pub fn short_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Reference { set, key, .. } => format!("{set} {key}"),
            Cell::Object { summary, .. } | Cell::List { summary, .. } => summary.clone(),
        }
    }
}

/// Formats `value`; `langs` are the browser's languages in order (e.g. `["bg-BG", "en"]`).
pub fn cell(value: &Value, langs: &[String]) -> Cell {
    cell_at(value, langs, 0)
}

fn cell_at(value: &Value, langs: &[String], depth: usize) -> Cell {
    match value {
        Value::Null => Cell::Empty,
        Value::Bool(b) => Cell::Text(if *b { "yes" } else { "no" }.to_owned()),
        Value::Number(n) => Cell::Text(n.to_string()),
        Value::String(s) => Cell::Text(readable_date(s).unwrap_or_else(|| s.clone())),
        Value::Object(o) => {
            if let Some(c) = special_object(o, langs) {
                return c;
            }
            if depth >= MAX_DEPTH {
                return Cell::Text("…".to_owned());
            }
            let fields: Vec<(String, Cell)> = o
                .iter()
                .filter(|(k, _)| !k.contains('@'))
                .map(|(k, v)| (k.clone(), cell_at(v, langs, depth + 1)))
                .collect();
            Cell::Object {
                summary: object_summary(o, &fields, langs),
                fields,
            }
        }
        Value::Array(items) => {
            if depth >= MAX_DEPTH {
                return Cell::Text(format!("{} items", items.len()));
            }
            let summary = match items.len() {
                0 => "no items".to_owned(),
                1 => "1 item".to_owned(),
                n => format!("{n} items"),
            };
            Cell::List {
                summary,
                items: items.iter().map(|v| cell_at(v, langs, depth + 1)).collect(),
            }
        }
    }
}

/// The ERP.net value objects: multi-language strings, amounts, quantities, references.
fn special_object(o: &Map<String, Value>, langs: &[String]) -> Option<Cell> {
    if let Some(Value::String(id)) = o.get("@odata.id") {
        return Some(reference(id));
    }
    if let Some(text) = multi_language(o, langs) {
        return Some(Cell::Text(text));
    }
    let value = o.get("Value").and_then(Value::as_f64);
    if let (Some(v), Some(Value::String(cur)), 2) = (value, o.get("Currency"), o.len()) {
        return Some(Cell::Text(format!("{v:.2} {cur}")));
    }
    if let (Some(_), Some(Value::String(unit)), 2) = (value, o.get("Unit"), o.len()) {
        let n = o.get("Value").map(Value::to_string).unwrap_or_default();
        return Some(Cell::Text(format!("{n} {unit}")));
    }
    None
}

/// `{"EN": "..", "BG": ".."}`: every key a 2–3 letter upper-case language code with a string
/// (or null) value. Picks the browser's language, then English, then the first non-empty.
pub fn multi_language(o: &Map<String, Value>, langs: &[String]) -> Option<String> {
    let is_code = |k: &str| (2..=3).contains(&k.len()) && k.chars().all(|c| c.is_ascii_uppercase());
    if o.is_empty()
        || !o
            .iter()
            .all(|(k, v)| is_code(k) && (v.is_string() || v.is_null()))
    {
        return None;
    }
    let get = |code: &str| {
        o.get(code)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    langs
        .iter()
        .filter_map(|l| {
            let primary = l.split(['-', '_']).next().unwrap_or_default();
            get(&primary.to_ascii_uppercase())
        })
        .next()
        .or_else(|| get("EN"))
        .or_else(|| o.values().filter_map(Value::as_str).find(|s| !s.is_empty()))
        .map(str::to_owned)
        .or(Some(String::new()))
}

/// `Set(key)` → a reference cell; anything else stays text.
fn reference(id: &str) -> Cell {
    let parsed = id.strip_suffix(')').and_then(|s| s.split_once('('));
    match parsed {
        Some((set, key))
            if erpnet_instance_id::service_root::is_identifier(set) && !key.is_empty() =>
        {
            let literal = key_literal(key);
            Cell::Reference {
                set: set.to_owned(),
                key: key.trim_matches('\'').to_owned(),
                query: literal
                    .map(|lit| query_string(&[("set", set), ("filter", &format!("Id eq {lit}"))]))
                    .unwrap_or_else(|| query_string(&[("set", set)])),
            }
        }
        _ => Cell::Text(id.to_owned()),
    }
}

/// A key as an OData literal for `Id eq ..`: a GUID, a number or a quoted string.
fn key_literal(key: &str) -> Option<String> {
    let guid = key.len() == 36
        && key.chars().enumerate().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
    if guid || (!key.is_empty() && key.chars().all(|c| c.is_ascii_digit())) {
        return Some(key.to_owned());
    }
    let inner = key.strip_prefix('\'')?.strip_suffix('\'')?;
    Some(format!("'{inner}'"))
}

/// `k=v&k=v`, form-encoded.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().filter(|(_, v)| !v.is_empty()))
        .finish()
}

/// A one-line name for a nested object: its Name/Number/DocumentNo, else its field count.
fn object_summary(o: &Map<String, Value>, fields: &[(String, Cell)], langs: &[String]) -> String {
    for key in [
        "Name",
        "DocumentNo",
        "Number",
        "PartNumber",
        "Code",
        "LineNo",
    ] {
        if let Some(v) = o.get(key) {
            let text = cell(v, langs).short_text();
            if !text.is_empty() {
                return if key == "LineNo" {
                    format!("Line {text}")
                } else {
                    text
                };
            }
        }
    }
    match fields.len() {
        1 => "1 field".to_owned(),
        n => format!("{n} fields"),
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `2024-01-05` → `5 Jan 2024`; `2024-01-05T14:30:00Z` → `5 Jan 2024 14:30 UTC`; midnight
/// UTC (how ERP.net sends plain dates) → the date alone. `None` when not an ISO date.
pub fn readable_date(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let date = format!("{day} {} {year}", MONTHS[month as usize - 1]);
    if b.len() == 10 {
        return Some(date);
    }
    if b[10] != b'T' || b.len() < 16 || b[13] != b':' {
        return None;
    }
    let (hour, minute) = (digits(11..13)?, digits(14..16)?);
    let mut rest = &s[16..];
    if let Some(r) = rest.strip_prefix(':') {
        let secs_len = r
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(r.len());
        if secs_len < 2 {
            return None;
        }
        rest = &r[secs_len..];
    }
    let zone = match rest {
        "Z" | "+00:00" => "UTC".to_owned(),
        "" => String::new(),
        z if z.len() == 6
            && (z.starts_with('+') || z.starts_with('-'))
            && z.as_bytes()[3] == b':' =>
        {
            z.to_owned()
        }
        _ => return None,
    };
    if hour > 23 || minute > 59 {
        return None;
    }
    if hour == 0 && minute == 0 && (zone == "UTC" || zone.is_empty()) {
        return Some(date);
    }
    Some(
        format!("{date} {hour:02}:{minute:02} {zone}")
            .trim_end()
            .to_owned(),
    )
}
