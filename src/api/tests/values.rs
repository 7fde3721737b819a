//! Values as a person reads them: never raw JSON, whatever the server sends.

use proptest::prelude::*;
use serde_json::{json, Value};

use crate::api::values::{cell, multi_language, query_string, readable_date};
use crate::api::Cell;

fn langs(l: &[&str]) -> Vec<String> {
    l.iter().map(|s| (*s).to_owned()).collect()
}

fn text(v: Value) -> String {
    match cell(&v, &langs(&["en-US"])) {
        Cell::Text(t) => t,
        other => panic!("not text: {other:?}"),
    }
}

#[test]
fn scalars() {
    assert_eq!(cell(&Value::Null, &[]), Cell::Empty);
    assert_eq!(text(json!(true)), "yes");
    assert_eq!(text(json!(false)), "no");
    assert_eq!(text(json!(12.5)), "12.5");
    assert_eq!(text(json!(-3)), "-3");
    assert_eq!(text(json!("plain")), "plain");
    assert_eq!(text(json!("")), "");
}

#[test]
fn dates_read_as_dates_and_anything_else_stays_text() {
    let cases = [
        ("2024-01-05", Some("5 Jan 2024")),
        ("2024-12-31T00:00:00Z", Some("31 Dec 2024")),
        ("2024-12-31T00:00:00", Some("31 Dec 2024")),
        ("2024-02-03T14:30:00Z", Some("3 Feb 2024 14:30 UTC")),
        (
            "2024-02-03T14:30:00.1234567+02:00",
            Some("3 Feb 2024 14:30 +02:00"),
        ),
        ("2024-02-03T14:30+00:00", Some("3 Feb 2024 14:30 UTC")),
        ("2024-02-03T14:30:00", Some("3 Feb 2024 14:30")),
        ("2024-13-01", None),
        ("2024-00-10", None),
        ("2024-01-32", None),
        ("2024-01-05T24:00:00Z", None),
        ("2024-01-05T10:60Z", None),
        ("2024-01-05T10:00:0Z", None),
        ("2024-01-05T10:00:00+0200", None),
        ("2024-01-05 10:00", None),
        ("20240105", None),
        ("2024-1-5", None),
        ("SO-2024-01", None),
        ("２０２４-01-05", None),
        ("", None),
    ];
    for (s, want) in cases {
        assert_eq!(readable_date(s).as_deref(), want, "{s}");
        if want.is_none() {
            assert_eq!(text(json!(s)), s, "kept as written");
        }
    }
}

#[test]
fn multi_language_strings_pick_the_browsers_language_then_english() {
    let v = json!({"EN": "Bolt", "BG": "Болт", "DE": ""});
    let o = v.as_object().unwrap();
    assert_eq!(
        multi_language(o, &langs(&["bg-BG", "en"])).as_deref(),
        Some("Болт")
    );
    assert_eq!(
        multi_language(o, &langs(&["de_DE"])).as_deref(),
        Some("Bolt"),
        "empty DE skipped"
    );
    assert_eq!(multi_language(o, &langs(&[])).as_deref(), Some("Bolt"));
    let only = json!({"RU": "Болт"});
    assert_eq!(
        multi_language(only.as_object().unwrap(), &[]).as_deref(),
        Some("Болт")
    );
    let blank = json!({"EN": null, "BG": ""});
    assert_eq!(
        multi_language(blank.as_object().unwrap(), &[]).as_deref(),
        Some("")
    );
    for not in [
        json!({}),
        json!({"en": "x"}),
        json!({"EN": 1}),
        json!({"Name": "x"}),
        json!({"ENGL": "x"}),
    ] {
        assert_eq!(multi_language(not.as_object().unwrap(), &[]), None, "{not}");
    }
}

#[test]
fn amounts_and_quantities() {
    assert_eq!(text(json!({"Value": 20, "Currency": "BGN"})), "20.00 BGN");
    assert_eq!(
        text(json!({"Value": 1234.567, "Currency": "EUR"})),
        "1234.57 EUR"
    );
    assert_eq!(text(json!({"Value": 3, "Unit": "pcs"})), "3 pcs");
    assert_eq!(text(json!({"Value": 2.5, "Unit": "kg"})), "2.5 kg");
    // A third member: an ordinary object, shown field by field.
    let c = cell(&json!({"Value": 3, "Unit": "pcs", "Note": "x"}), &[]);
    assert!(matches!(c, Cell::Object { .. }), "{c:?}");
}

#[test]
fn references_open_the_row_in_the_explorer() {
    let guid = "00000001-0000-0000-0000-000000000001";
    let c = cell(&json!({"@odata.id": format!("Crm_Customers({guid})")}), &[]);
    assert_eq!(
        c,
        Cell::Reference {
            set: "Crm_Customers".to_owned(),
            key: guid.to_owned(),
            query: format!("set=Crm_Customers&filter=Id+eq+{guid}"),
        }
    );
    let c = cell(&json!({"@odata.id": "Things('A''B')"}), &[]);
    assert!(
        matches!(&c, Cell::Reference { query, .. } if query.starts_with("set=Things&filter=")),
        "{c:?}"
    );
    let c = cell(&json!({"@odata.id": "Things(x y)"}), &[]);
    assert!(
        matches!(&c, Cell::Reference { query, .. } if query == "set=Things"),
        "{c:?}"
    );
    // Not `Set(key)`: text, never a link anywhere else.
    for id in ["https://evil.example/X(1)", "../X(1)", "X()", "X(1", "X"] {
        assert_eq!(
            cell(&json!({"@odata.id": id}), &[]),
            Cell::Text(id.to_owned()),
            "{id}"
        );
    }
}

#[test]
fn nested_objects_and_lists_are_summarised() {
    let c = cell(
        &json!({"Name": {"EN": "Acme"}, "Id": 1, "x@odata.type": "#t"}),
        &langs(&["en"]),
    );
    let Cell::Object { summary, fields } = c else {
        panic!()
    };
    assert_eq!(summary, "Acme");
    assert_eq!(fields.len(), 2, "annotations left out");
    let c = cell(&json!([{"LineNo": 1}, {"LineNo": 2}]), &[]);
    let Cell::List { summary, items } = c else {
        panic!()
    };
    assert_eq!(summary, "2 items");
    assert_eq!(items[0].short_text(), "Line 1");
    assert_eq!(cell(&json!([]), &[]).short_text(), "no items");
    assert_eq!(cell(&json!([1]), &[]).short_text(), "1 item");
    assert_eq!(cell(&json!({"a": 1}), &[]).short_text(), "1 field");
    assert_eq!(cell(&json!({"a": 1, "b": 2}), &[]).short_text(), "2 fields");
}

#[test]
fn deep_nesting_stops_at_an_ellipsis() {
    let mut v = json!("leaf");
    for _ in 0..50 {
        v = json!({ "a": v });
    }
    let mut c = cell(&v, &[]);
    let mut depth = 0;
    while let Cell::Object { fields, .. } = c {
        c = fields.into_iter().next().unwrap().1;
        depth += 1;
    }
    assert_eq!(depth, 4);
    assert_eq!(c, Cell::Text("…".to_owned()));
    let deep_list = json!([[[[[1, 2, 3]]]]]);
    assert!(format!("{:?}", cell(&deep_list, &[])).contains("Text(\"3 items\")"));
}

#[test]
fn query_strings_leave_out_empty_values_and_encode_the_rest() {
    assert_eq!(
        query_string(&[("set", "X"), ("filter", ""), ("q", "a b&c=d#e")]),
        "set=X&q=a+b%26c%3Dd%23e"
    );
    assert_eq!(query_string(&[]), "");
}

fn no_raw_json(c: &Cell) -> bool {
    match c {
        Cell::Empty => true,
        Cell::Text(t) => !(t.starts_with('{') && t.ends_with('}')),
        Cell::Reference { .. } => true,
        Cell::Object { fields, .. } => fields.iter().all(|(_, c)| no_raw_json(c)),
        Cell::List { items, .. } => items.iter().all(no_raw_json),
    }
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "[a-zA-Z0-9 -]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map("[A-Za-z@.]{1,10}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn any_value_becomes_a_cell_never_raw_json(v in json_value()) {
        let c = cell(&v, &langs(&["bg-BG", "en"]));
        prop_assert!(no_raw_json(&c), "{c:?}");
    }

    #[test]
    fn any_text_is_a_date_or_kept(s in "\\PC{0,30}|[0-9:T+Z.-]{8,30}") {
        let _ = readable_date(&s);
    }
}
