//! A page of an OData collection and its next link: relative links as ERP.net writes them are
//! followed; absolute ones only below the service root; anything else is refused before any
//! request, so the token never leaves the root.

use erpnet_instance_id::service_root::{LinkError, ServiceRoot};
use proptest::prelude::*;
use serde_json::json;

use super::{root, ROOT};
use crate::api::page::{parse_entity_sets, parse_page};
use crate::api::{ApiError, Page};
use crate::error::ErrorCode;

fn page_with_next(link: Option<&str>) -> Page {
    let mut body = json!({"value": [{"Name": "a"}]});
    if let Some(l) = link {
        body["@odata.nextLink"] = json!(l);
    }
    parse_page(body.to_string().as_bytes()).unwrap()
}

fn next(link: &str) -> Result<String, ApiError> {
    page_with_next(Some(link))
        .checked_next_link(&root())
        .expect("a next link")
}

#[test]
fn the_last_page_has_no_next_link() {
    assert_eq!(page_with_next(None).checked_next_link(&root()), None);
    // A non-string nextLink is no link.
    let p = parse_page(br#"{"value":[],"@odata.nextLink":42}"#).unwrap();
    assert_eq!(p.checked_next_link(&root()), None);
}

#[test]
fn relative_and_absolute_links_below_the_root_are_kept_as_written() {
    for link in [
        "Crm_Customers?$top=10&$skiptoken=00000010-aaaa",
        "Crm_Customers?$skiptoken=a%2Fb%2Fc",
        "https://acme.my.erp.net/api/domain/odata/Crm_Customers?$skip=10",
        "https://acme.my.erp.net:443/api/domain/odata/Crm_Customers?$skip=10",
        "HTTPS://ACME.MY.ERP.NET/api/domain/odata/Crm_Customers",
        "/api/domain/odata/Crm_Customers?$skip=10",
        "Crm_Customers?$skip=10#frag",
    ] {
        assert_eq!(next(link).as_deref(), Ok(link), "{link}");
        let url = root().resolve_link(link).unwrap();
        assert!(url.as_str().starts_with(ROOT), "{url}");
        assert_eq!(url.fragment(), None, "the fragment is dropped");
    }
}

#[test]
fn links_that_would_take_the_token_elsewhere_are_refused() {
    type IsExpected = fn(&LinkError) -> bool;
    let cases: [(&str, IsExpected); 17] = [
        ("https://evil.example/api/domain/odata/X", |e| {
            matches!(e, LinkError::OtherOrigin(_))
        }),
        ("http://acme.my.erp.net/api/domain/odata/X", |e| {
            matches!(e, LinkError::OtherOrigin(_))
        }),
        ("https://acme.my.erp.net:8443/api/domain/odata/X", |e| {
            matches!(e, LinkError::OtherOrigin(_))
        }),
        (
            "https://acme.my.erp.net.evil.example/api/domain/odata/X",
            |e| matches!(e, LinkError::OtherOrigin(_)),
        ),
        ("ftp://acme.my.erp.net/api/domain/odata/X", |e| {
            matches!(e, LinkError::OtherOrigin(_))
        }),
        ("https://acme.my.erp.net/id/connect/userinfo", |e| {
            matches!(e, LinkError::OutsideRoot(_))
        }),
        ("/id/connect/token", |e| {
            matches!(e, LinkError::OutsideRoot(_))
        }),
        ("/api/domain/odataX/Crm", |e| {
            matches!(e, LinkError::OutsideRoot(_))
        }),
        ("//evil.example/x", |e| {
            matches!(e, LinkError::ProtocolRelative)
        }),
        ("https://user:pw@acme.my.erp.net/api/domain/odata/X", |e| {
            matches!(e, LinkError::UserInfo)
        }),
        (
            "https://user@evil.example@acme.my.erp.net/api/domain/odata/X",
            |e| matches!(e, LinkError::UserInfo),
        ),
        ("../../id/connect/token", |e| {
            matches!(e, LinkError::PathTrick)
        }),
        ("%2e%2e/%2e%2e/id", |e| matches!(e, LinkError::PathTrick)),
        // Even a harmless dot-segment: the link is refused rather than normalised.
        ("./Crm_Customers?$skip=10", |e| {
            matches!(e, LinkError::PathTrick)
        }),
        ("X%2F..%2Fid", |e| matches!(e, LinkError::PathTrick)),
        ("..\\id", |e| matches!(e, LinkError::Backslash)),
        ("X?$skip=1\n", |e| matches!(e, LinkError::ControlCharacter)),
    ];
    for (link, want) in cases {
        match next(link) {
            Err(ApiError::Refused(e)) => {
                assert!(want(&e), "{link:?} refused as {e:?}");
                assert_eq!(ApiError::Refused(e).code(), ErrorCode::ApiLinkRefused);
            }
            other => panic!("{link:?} gave {other:?}"),
        }
    }
    for link in ["", "X Y", &"X".repeat(10_000)] {
        assert!(matches!(next(link), Err(ApiError::Refused(_))), "{link:?}");
    }
}

#[test]
fn a_loopback_root_on_http_accepts_only_its_own_port() {
    let root = ServiceRoot::parse("http://127.0.0.1:8400/api/domain/odata").unwrap();
    assert_eq!(root.as_str(), "http://127.0.0.1:8400/api/domain/odata/");
    let p = page_with_next(Some("http://127.0.0.1:8400/api/domain/odata/X?$skip=5"));
    assert!(matches!(p.checked_next_link(&root), Some(Ok(_))));
    let p = page_with_next(Some("http://127.0.0.1:8413/api/domain/odata/X?$skip=5"));
    assert!(matches!(
        p.checked_next_link(&root),
        Some(Err(ApiError::Refused(LinkError::OtherOrigin(_))))
    ));
    let p = page_with_next(Some("http://localhost:8400/api/domain/odata/X"));
    assert!(
        matches!(p.checked_next_link(&root), Some(Err(_))),
        "another host name"
    );
}

#[test]
fn roots_that_may_not_carry_the_token_are_refused() {
    for r in [
        "http://acme.my.erp.net/api/domain/odata/",
        "https://user@acme.my.erp.net/api/domain/odata/",
        "https://acme.my.erp.net/api/domain/odata/?x=1",
        "https://acme.my.erp.net/api/domain/odata/#x",
        "https://acme.my.erp.net/api/../id/",
        "not a url",
    ] {
        let e = ApiError::from(ServiceRoot::parse(r).unwrap_err());
        assert_eq!(e.code(), ErrorCode::ApiRootInvalid, "{r}");
    }
}

#[test]
fn pages_read_columns_rows_count_and_link() {
    let body =
        br##"{"@odata.count":"12","value":[{"B":1,"A":2,"A@odata.type":"#x"},{"C":null,"A":3}]}"##;
    let p = parse_page(body).unwrap();
    assert_eq!(p.columns, ["B", "A", "C"]);
    assert_eq!(p.rows.len(), 2);
    assert_eq!(p.count, None, "a count that is not a number is ignored");
    assert_eq!(p.next_link, None);
    let empty = parse_page(br#"{"value":[]}"#).unwrap();
    assert!(empty.columns.is_empty() && empty.rows.is_empty());
}

#[test]
fn answers_that_are_not_collections_are_invalid() {
    for body in [
        &b""[..],
        b"null",
        b"[]",
        b"{}",
        b"{\"value\":{}}",
        b"{\"value\":[1,2]}",
        b"{\"value\":[[]]}",
        b"<html>login</html>",
        b"\xff\xfe",
    ] {
        let e = parse_page(body).unwrap_err();
        assert!(matches!(e, ApiError::Invalid(_)), "{body:?}");
        assert_eq!(e.code(), ErrorCode::ApiResponseInvalid);
    }
}

#[test]
fn entity_set_lists_keep_only_identifiers_sorted_once() {
    let model = br#"[{"Name":"B_Set","LocalizedName":"Bees"},{"Name":"A_Set"},{"Name":"B_Set"},
        {"Name":"../x"},{"Name":"a/b"},{"Name":7},{"LocalizedName":"no name"}]"#;
    let sets = parse_entity_sets(model).unwrap();
    let names: Vec<&str> = sets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["A_Set", "B_Set"]);
    assert_eq!(sets[1].label.as_deref(), Some("Bees"));
    let doc = br#"{"value":[{"name":"S","kind":"EntitySet"},{"name":"T"},{"name":"F","kind":"FunctionImport"},{"name":"G","kind":"Singleton"}]}"#;
    let names: Vec<String> = parse_entity_sets(doc)
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["S", "T"]);
    for bad in [&b"nope"[..], b"{}", b"{\"value\":1}", b"42"] {
        assert!(matches!(parse_entity_sets(bad), Err(ApiError::Invalid(_))));
    }
}

proptest! {
    #[test]
    fn any_bytes_give_a_page_or_invalid(body in proptest::collection::vec(any::<u8>(), 0..200)) {
        match parse_page(&body) {
            Ok(_) => {}
            Err(e) => prop_assert!(matches!(e, ApiError::Invalid(_))),
        }
        let _ = parse_entity_sets(&body);
    }

    /// Any next link is refused, or kept as written and resolved below the root.
    #[test]
    fn any_next_link_is_refused_or_below_the_root(link in "\\PC{0,60}|[a-zA-Z0-9:/.%?#@\\\\-]{0,30}") {
        let root = ServiceRoot::parse(ROOT).unwrap();
        let p = page_with_next(Some(&link));
        match p.checked_next_link(&root) {
            Some(Ok(kept)) => {
                prop_assert_eq!(&kept, &link);
                prop_assert!(root.allows(&root.resolve_link(&link).unwrap()));
            }
            Some(Err(e)) => prop_assert!(matches!(e, ApiError::Refused(_))),
            None => prop_assert!(false, "the link was lost"),
        }
    }
}
