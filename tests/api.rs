//! The Domain API client's pure parts: values as a person reads them, ERP.net's error
//! shapes, pages, entity-set lists and the address-bar query. The same tests run on the host
//! (`cargo test`) and in headless Chromium (wasm-bindgen-test), so both builds agree.

use erpnet_instance_id::service_root::{LinkError, ServiceRoot};
use erpnet_spa::api::errors::{backoff_seconds, parse_error, retry_after_seconds};
use erpnet_spa::api::page::{parse_entity_sets, parse_page};
use erpnet_spa::api::values::{cell, multi_language, readable_date};
use erpnet_spa::api::{ApiError, Cell, ExplorerQuery};
use serde_json::json;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::*;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test_configure!(run_in_browser);

fn langs(l: &[&str]) -> Vec<String> {
    l.iter().map(|s| (*s).to_owned()).collect()
}

fn text(v: serde_json::Value, l: &[&str]) -> String {
    match cell(&v, &langs(l)) {
        Cell::Text(t) => t,
        other => panic!("not text: {other:?}"),
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn multi_language_strings_pick_browser_then_english_then_first() {
    let v = json!({"EN": "Acme Trading", "BG": "Акме Трейдинг"});
    assert_eq!(text(v.clone(), &["bg-BG", "en"]), "Акме Трейдинг");
    assert_eq!(text(v.clone(), &["de-DE"]), "Acme Trading");
    assert_eq!(text(v, &[]), "Acme Trading");
    assert_eq!(text(json!({"BG": "Чук", "DE": "Hammer"}), &["fr"]), "Чук");
    assert_eq!(text(json!({"EN": "", "BG": "Чук"}), &["en"]), "Чук");
    assert_eq!(text(json!({"EN": null, "BG": null}), &["en"]), "");
    // Not a language map: an object with other keys stays an object.
    assert!(multi_language(json!({"EN": "x", "Name": "y"}).as_object().unwrap(), &[]).is_none());
    assert!(multi_language(json!({}).as_object().unwrap(), &[]).is_none());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn amounts_quantities_booleans_numbers() {
    assert_eq!(
        text(json!({"Value": 20, "Currency": "BGN"}), &[]),
        "20.00 BGN"
    );
    assert_eq!(
        text(json!({"Value": 1234.5, "Currency": "EUR"}), &[]),
        "1234.50 EUR"
    );
    assert_eq!(text(json!({"Value": 3, "Unit": "pcs"}), &[]), "3 pcs");
    assert_eq!(text(json!({"Value": 2.5, "Unit": "kg"}), &[]), "2.5 kg");
    assert_eq!(text(json!(true), &[]), "yes");
    assert_eq!(text(json!(false), &[]), "no");
    assert_eq!(text(json!(42), &[]), "42");
    assert_eq!(text(json!("plain"), &[]), "plain");
    assert_eq!(cell(&json!(null), &[]), Cell::Empty);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn dates_are_readable() {
    assert_eq!(readable_date("2024-01-05").as_deref(), Some("5 Jan 2024"));
    assert_eq!(
        readable_date("2024-01-05T00:00:00Z").as_deref(),
        Some("5 Jan 2024")
    );
    assert_eq!(
        readable_date("2024-12-31T14:30:15.123Z").as_deref(),
        Some("31 Dec 2024 14:30 UTC")
    );
    assert_eq!(
        readable_date("2024-03-01T08:05:00+02:00").as_deref(),
        Some("1 Mar 2024 08:05 +02:00")
    );
    assert_eq!(
        readable_date("2024-03-01T08:05").as_deref(),
        Some("1 Mar 2024 08:05")
    );
    for no in [
        "2024-13-01",
        "2024-1-05",
        "P-1001",
        "C0001",
        "2024-01-05T",
        "2024-01-05Tab:cd",
        "2024-01-05T25:00:00Z",
        "2024-01-05T10:00:00Q",
        "",
    ] {
        assert_eq!(readable_date(no), None, "{no}");
    }
    assert_eq!(text(json!("1999-05-12T00:00:00Z"), &[]), "12 May 1999");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn references_link_to_the_row() {
    let c = cell(
        &json!({"@odata.id": "General_Contacts_Companies(00000001-f80b-50f7-8bd1-28f4a9b57fa7)"}),
        &[],
    );
    assert_eq!(
        c,
        Cell::Reference {
            set: "General_Contacts_Companies".into(),
            key: "00000001-f80b-50f7-8bd1-28f4a9b57fa7".into(),
            query:
                "set=General_Contacts_Companies&filter=Id+eq+00000001-f80b-50f7-8bd1-28f4a9b57fa7"
                    .into(),
        }
    );
    match cell(&json!({"@odata.id": "Things('a b')"}), &[]) {
        Cell::Reference { key, query, .. } => {
            assert_eq!(key, "a b");
            assert_eq!(query, "set=Things&filter=Id+eq+%27a+b%27");
        }
        other => panic!("{other:?}"),
    }
    // Not `Set(key)`: shown as text, no link.
    assert_eq!(
        cell(&json!({"@odata.id": "https://evil.example/x"}), &[]),
        Cell::Text("https://evil.example/x".into())
    );
    assert_eq!(
        cell(&json!({"@odata.id": "../x(1)"}), &[]),
        Cell::Text("../x(1)".into())
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn nested_objects_and_lists_are_summarised_never_raw_json() {
    let lines = json!([
        {"LineNo": 1, "Quantity": {"Value": 2, "Unit": "pcs"}, "UnitPrice": {"Value": 5, "Currency": "EUR"}},
        {"LineNo": 2, "Quantity": {"Value": 1, "Unit": "kg"}, "Product": {"@odata.id": "General_Products_Products(00000002-aaaa-5aaa-8aaa-aaaaaaaaaaaa)"}}
    ]);
    let Cell::List { summary, items } = cell(&lines, &[]) else {
        panic!()
    };
    assert_eq!(summary, "2 items");
    let Cell::Object { summary, fields } = &items[0] else {
        panic!()
    };
    assert_eq!(summary, "Line 1");
    assert_eq!(
        fields[1],
        ("Quantity".to_owned(), Cell::Text("2 pcs".into()))
    );
    assert_eq!(
        cell(&json!([]), &[]),
        Cell::List {
            summary: "no items".into(),
            items: vec![]
        }
    );
    let expanded = json!({"Number": "C0001", "Party": {"@odata.id": "General_Contacts_Companies(1)"}, "CreditLimit": {"Value": 5000, "Currency": "BGN"}});
    let Cell::Object { summary, fields } = cell(&expanded, &[]) else {
        panic!()
    };
    assert_eq!(summary, "C0001");
    assert_eq!(fields.len(), 3);
    let Cell::Object { summary, .. } = cell(&json!({"a": 1, "b": 2}), &[]) else {
        panic!()
    };
    assert_eq!(summary, "2 fields");
    // Deep nesting ends in an ellipsis rather than recursing forever.
    let deep = json!({"a": {"a": {"a": {"a": {"a": {"a": 1}}}}}});
    let dump = format!("{:?}", cell(&deep, &[]));
    assert!(dump.contains('…'), "{dump}");
    // Nothing anywhere formats as raw JSON.
    for v in [
        lines,
        expanded,
        deep,
        json!({"EN": "x"}),
        json!({"Value": 1, "Currency": "BGN"}),
        json!([[1, [2]], {"x": [{}]}]),
    ] {
        assert_no_raw_json(&cell(&v, &[]));
    }
}

fn assert_no_raw_json(c: &Cell) {
    match c {
        Cell::Empty => {}
        Cell::Text(t) => assert!(!t.contains(['{', '}', '[']) && !t.contains("object"), "{t}"),
        Cell::Reference { set, key, .. } => assert!(!set.contains('{') && !key.contains('{')),
        Cell::Object { summary, fields } => {
            assert!(!summary.contains(['{', '[']), "{summary}");
            fields.iter().for_each(|(_, f)| assert_no_raw_json(f));
        }
        Cell::List { summary, items } => {
            assert!(!summary.contains(['{', '[']), "{summary}");
            items.iter().for_each(assert_no_raw_json);
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn erpnet_error_shapes() {
    // ERP.net's top-level shape (HTTP 500, numeric code).
    let body = br#"{"message":"Prohibited duplication in table 'dbo.Gen_Products_Table'.","code":2129,
        "type":"Aloe.EnterpriseOne.Server.ServerAPI.Exceptions.EnterpriseOneServerException",
        "info":"System.Exception: Prohibited duplication...","messageFormat":"Prohibited duplication in table '{0}'.","parameters":["dbo.Gen_Products_Table"]}"#;
    let e = parse_error(500, None, body);
    assert_eq!(
        e,
        ApiError::Server {
            status: 500,
            code: Some("2129".into()),
            message: "Prohibited duplication in table 'dbo.Gen_Products_Table'.".into(),
            info: Some("System.Exception: Prohibited duplication...".into()),
        }
    );
    assert_eq!(e.code().as_str(), "api_error");
    assert_eq!(
        e.headline(),
        "Prohibited duplication in table 'dbo.Gen_Products_Table'."
    );
    assert_eq!(
        e.detail(),
        "The Domain API refused the query (HTTP 500, code 2129)."
    );
    assert_eq!(
        e.info().as_deref(),
        Some("System.Exception: Prohibited duplication...")
    );
    // The wrapped shape, numeric and string codes.
    let e = parse_error(
        400,
        None,
        br#"{"error":{"code":1302,"message":"Unknown property 'Nope' in $orderby."}}"#,
    );
    assert!(
        matches!(&e, ApiError::Server { status: 400, code: Some(c), message, info: None } if c == "1302" && message.contains("Nope"))
    );
    let e = parse_error(404, None, br#"{"error":{"code":"NotFound","message":"Resource not found for the segment 'X'.","info":"trace"}}"#);
    assert_eq!(e.info().as_deref(), Some("trace"));
    assert_eq!(
        e.detail(),
        "The Domain API refused the query (HTTP 404, code NotFound)."
    );
    // No usable body.
    let e = parse_error(502, None, b"<html>Bad gateway</html>");
    assert_eq!(
        e.headline(),
        "the Domain API answered HTTP 502: <html>Bad gateway</html>"
    );
    assert_eq!(e.detail(), "The Domain API refused the query (HTTP 502).");
    let e = parse_error(500, None, b"");
    assert_eq!(
        e.to_string(),
        "the Domain API answered HTTP 500 without a message"
    );
    // 401, 403 with the scope named.
    assert_eq!(
        parse_error(401, Some(r#"Bearer error="invalid_token""#), b"{}"),
        ApiError::Unauthorized
    );
    assert_eq!(
        ApiError::Unauthorized.headline(),
        "Your sign-in is no longer valid"
    );
    let e = parse_error(
        403,
        Some(r#"Bearer error="insufficient_scope", scope="read""#),
        br#"{"error":{"code":"Forbidden","message":"no"}}"#,
    );
    assert_eq!(e.code().as_str(), "api_forbidden");
    assert!(e.to_string().contains("`read`"), "{e}");
    assert!(parse_error(403, None, b"")
        .to_string()
        .contains("lacks a scope"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn retry_after_and_backoff() {
    assert_eq!(retry_after_seconds(Some("3")), Some(3));
    assert_eq!(retry_after_seconds(Some(" 120 ")), Some(60));
    assert_eq!(
        retry_after_seconds(Some("Wed, 21 Oct 2015 07:28:00 GMT")),
        None
    );
    assert_eq!(retry_after_seconds(Some("-1")), None);
    assert_eq!(retry_after_seconds(None), None);
    assert_eq!(
        [1, 2, 3, 4, 9].map(|a| backoff_seconds(None, a)),
        [1, 2, 4, 8, 8]
    );
    assert_eq!(backoff_seconds(Some(5), 3), 5);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn pages_keep_the_server_order() {
    let body = br#"{"@odata.context":"https://x/api/domain/odata/$metadata#S","@odata.count":25,
        "value":[{"Number":"C1","Name":"a","Party@odata.navigationLink":"x"},{"Number":"C2","Name":"b","Extra":1}],
        "@odata.nextLink":"S?$top=2&$skiptoken=abc"}"#;
    let p = parse_page(body).unwrap();
    assert_eq!(p.columns, ["Number", "Name", "Extra"]);
    assert_eq!(p.rows.len(), 2);
    assert_eq!(p.count, Some(25));
    assert_eq!(p.next_link.as_deref(), Some("S?$top=2&$skiptoken=abc"));
    assert!(matches!(parse_page(b"[]"), Err(ApiError::Invalid(_))));
    assert!(matches!(
        parse_page(br#"{"value":[1]}"#),
        Err(ApiError::Invalid(_))
    ));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn entity_set_lists() {
    let model = br#"[{"Name":"Crm_Sales_Customers","LocalizedName":"Customers"},{"Name":"General_Contacts_Persons"},{"Name":"../bad"}]"#;
    let sets = parse_entity_sets(model).unwrap();
    assert_eq!(
        sets.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["Crm_Sales_Customers", "General_Contacts_Persons"]
    );
    assert_eq!(sets[0].label.as_deref(), Some("Customers"));
    let doc = br#"{"value":[{"name":"A_B","kind":"EntitySet","url":"A_B"},{"name":"F","kind":"FunctionImport"}]}"#;
    assert_eq!(parse_entity_sets(doc).unwrap().len(), 1);
    assert!(parse_entity_sets(b"nope").is_err());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn explorer_query_round_trips_and_pages_stay_below_the_root() {
    let root = ServiceRoot::parse("http://127.0.0.1:8400/api/domain/odata/").unwrap();
    let get = |pairs: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        }
    };
    let q = ExplorerQuery::from_params(get(&[
        ("set", "Crm_Sales_SalesOrders"),
        ("orderby", "DocumentNo desc"),
        ("top", "5000"),
        ("count", "true"),
    ]));
    assert_eq!(q.top, 1000);
    assert_eq!(q.n, 1);
    assert_eq!(
        q.url(&root).unwrap().as_str(),
        "http://127.0.0.1:8400/api/domain/odata/Crm_Sales_SalesOrders?%24top=1000&%24orderby=DocumentNo+desc&%24count=true"
    );
    assert_eq!(
        q.to_query_string(),
        "set=Crm_Sales_SalesOrders&orderby=DocumentNo+desc&top=1000&count=true"
    );
    let d = ExplorerQuery::from_params(get(&[("set", "X"), ("top", "abc")]));
    assert_eq!(d.top, 50);
    let p = ExplorerQuery::from_params(get(&[
        ("set", "X"),
        ("page", "X?$top=50&$skiptoken=00000050-aaaa"),
        ("n", "3"),
    ]));
    assert_eq!(p.n, 3);
    assert_eq!(
        p.url(&root).unwrap().as_str(),
        "http://127.0.0.1:8400/api/domain/odata/X?$top=50&$skiptoken=00000050-aaaa"
    );
    assert_eq!(
        ExplorerQuery::from_params(|k| get(&[("set", "X"), ("page", "x")])(k)).n,
        2
    );
    for hostile in [
        "https://evil.example/x",
        "../../id/connect/token",
        "//evil.example/x",
        "%2e%2e/x",
    ] {
        let h = ExplorerQuery {
            page: Some(hostile.to_owned()),
            n: 2,
            ..p.clone()
        };
        assert!(
            matches!(h.url(&root), Err(ApiError::Refused(_))),
            "{hostile}"
        );
    }
    let bad = ExplorerQuery {
        set: "../id".into(),
        ..d
    };
    assert_eq!(
        bad.url(&root),
        Err(ApiError::Refused(LinkError::BadEntitySet("../id".into())))
    );
    assert_eq!(
        bad.url(&root).unwrap_err().code().as_str(),
        "api_bad_entity_set"
    );
}
