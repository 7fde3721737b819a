//! The explorer's query: the address bar's parameters, the first page's URL (the entity-set
//! guard: free text never changes the path) and a bookmarked page re-checked like any link.

use erpnet_instance_id::service_root::{LinkError, ServiceRoot};
use proptest::prelude::*;
use url::Url;

use super::{root, ROOT};
use crate::api::query::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use crate::api::{ApiError, ExplorerQuery};
use crate::error::ErrorCode;

fn params<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |k| {
        pairs
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| (*v).to_owned())
    }
}

fn query(set: &str) -> ExplorerQuery {
    ExplorerQuery {
        set: set.to_owned(),
        top: DEFAULT_PAGE_SIZE,
        n: 1,
        ..ExplorerQuery::default()
    }
}

fn pairs(url: &Url) -> Vec<(String, String)> {
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[test]
fn the_first_page_url_carries_every_option_encoded() {
    let q = ExplorerQuery {
        select: "Name,Email".to_owned(),
        filter: "Name eq 'A&B #1' and City eq 'Sofia?'".to_owned(),
        orderby: "Name desc".to_owned(),
        expand: "Lines($select=Qty)".to_owned(),
        top: 25,
        count: true,
        ..query("Crm_Customers")
    };
    let url = q.url(&root()).unwrap();
    assert_eq!(
        url.as_str().split('?').next(),
        Some("https://acme.my.erp.net/api/domain/odata/Crm_Customers")
    );
    assert_eq!(
        pairs(&url),
        [
            ("$top", "25"),
            ("$select", "Name,Email"),
            ("$filter", "Name eq 'A&B #1' and City eq 'Sofia?'"),
            ("$orderby", "Name desc"),
            ("$expand", "Lines($select=Qty)"),
            ("$count", "true"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
    // `&`, `#` and `?` in a value stay inside it.
    assert_eq!(url.fragment(), None);
    assert!(url.query().unwrap().contains("A%26B+%231"), "{url}");
}

#[test]
fn empty_options_are_left_out() {
    let url = query("Crm_Customers").url(&root()).unwrap();
    assert_eq!(
        url.as_str(),
        "https://acme.my.erp.net/api/domain/odata/Crm_Customers?%24top=50"
    );
}

#[test]
fn the_entity_set_guard_refuses_anything_but_an_identifier() {
    let hostile = [
        "",
        "..",
        "../id/connect/token",
        "../../id",
        "Crm/Customers",
        "/Crm_Customers",
        "Crm_Customers/",
        "Crm_Customers?$top=1",
        "Crm_Customers#x",
        "%2e%2e",
        "%2E%2E%2Fid",
        "Crm%2FCustomers",
        "Crm\\Customers",
        "https://evil.example/x",
        "//evil.example/x",
        "Crm_Customers(1)",
        "Crm Customers",
        "Crm_Customers\n",
        "Crm_Customers\t",
        "1Crm",
        "Crm-Customers",
        "Crm.Customers",
        "Ćrm_Customers",
        "Crm_Customers\u{200b}",
    ];
    for set in hostile {
        let e = query(set).url(&root()).unwrap_err();
        assert_eq!(
            e,
            ApiError::Refused(LinkError::BadEntitySet(set.to_owned())),
            "{set:?}"
        );
        assert_eq!(e.code(), ErrorCode::ApiBadEntitySet);
    }
    // At most 128 characters (ERP.net's names are far shorter).
    assert!(query(&"A".repeat(128)).url(&root()).is_ok());
    assert!(query(&"A".repeat(129)).url(&root()).is_err());
}

#[test]
fn identifiers_stay_below_the_root() {
    for set in ["Crm_Customers", "_x", "A", "General_Contacts_Persons", "X9"] {
        let url = query(set).url(&root()).unwrap();
        assert!(url.as_str().starts_with(ROOT), "{url}");
        assert_eq!(url.path(), format!("/api/domain/odata/{set}"));
        assert!(root().allows(&url));
    }
}

#[test]
fn a_bookmarked_page_is_resolved_like_a_server_link() {
    let q = ExplorerQuery {
        page: Some("Crm_Customers?$top=50&$skiptoken=00000050-aaaa".to_owned()),
        n: 2,
        ..query("Crm_Customers")
    };
    assert_eq!(
        q.url(&root()).unwrap().as_str(),
        "https://acme.my.erp.net/api/domain/odata/Crm_Customers?$top=50&$skiptoken=00000050-aaaa"
    );
    // The page link wins over the fields: the server's link is the position.
    let other_set = ExplorerQuery {
        set: "Other".to_owned(),
        ..q.clone()
    };
    assert!(other_set
        .url(&root())
        .unwrap()
        .path()
        .ends_with("/Crm_Customers"));
    for hostile in [
        "https://evil.example/api/domain/odata/X",
        "http://acme.my.erp.net/api/domain/odata/X",
        "https://acme.my.erp.net:8443/api/domain/odata/X",
        "https://acme.my.erp.net/id/connect/userinfo",
        "https://user@acme.my.erp.net/api/domain/odata/X",
        "../../id/connect/token",
        "/id/connect/token",
        "//evil.example/x",
        "%2e%2e/%2e%2e/id",
        "X/%2e%2e/%2e%2e/%2e%2e/id",
        "X%2f..%2f..%2fid",
        "..\\..\\id",
        "javascript:alert(1)",
        "data:text/plain,x",
        "",
    ] {
        let h = ExplorerQuery {
            page: Some(hostile.to_owned()),
            ..q.clone()
        };
        match h.url(&root()) {
            Err(ApiError::Refused(e)) => assert_eq!(
                ApiError::Refused(e).code(),
                ErrorCode::ApiLinkRefused,
                "{hostile:?}"
            ),
            other => panic!("{hostile:?} gave {other:?}"),
        }
    }
}

#[test]
fn the_address_bar_round_trips() {
    let q = ExplorerQuery {
        select: "Name".to_owned(),
        filter: "Name eq 'A&B'".to_owned(),
        top: 25,
        count: true,
        page: Some("Crm_Customers?$skiptoken=x&$top=25".to_owned()),
        n: 3,
        ..query("Crm_Customers")
    };
    let text = q.to_query_string();
    let parsed: Vec<(String, String)> = url::form_urlencoded::parse(text.as_bytes())
        .into_owned()
        .collect();
    let back =
        ExplorerQuery::from_params(|k| parsed.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()));
    assert_eq!(back, q);
    // Without a position, no `page` or `n`.
    assert_eq!(
        q.first_page().to_query_string(),
        "set=Crm_Customers&select=Name&filter=Name+eq+%27A%26B%27&top=25&count=true"
    );
}

#[test]
fn address_bar_numbers_fall_back_to_defaults() {
    let top = |t: &str| ExplorerQuery::from_params(params(&[("set", "X"), ("top", t)])).top;
    assert_eq!(top("25"), 25);
    assert_eq!(top(" 100 "), 100);
    assert_eq!(top("0"), DEFAULT_PAGE_SIZE);
    assert_eq!(top("-1"), DEFAULT_PAGE_SIZE);
    assert_eq!(top("abc"), DEFAULT_PAGE_SIZE);
    assert_eq!(top("99999999999"), DEFAULT_PAGE_SIZE);
    assert_eq!(top("5000"), MAX_PAGE_SIZE);
    let n = |page: Option<&str>, n: &str| {
        let mut p = vec![("set", "X"), ("n", n)];
        if let Some(page) = page {
            p.push(("page", page));
        }
        ExplorerQuery::from_params(params(&p)).n
    };
    assert_eq!(n(None, "7"), 1, "no page link: the first page");
    assert_eq!(n(Some("X?$skiptoken=1"), "7"), 7);
    assert_eq!(n(Some("X?$skiptoken=1"), "1"), 2);
    assert_eq!(n(Some("X?$skiptoken=1"), "x"), 2);
    assert_eq!(n(Some(""), "7"), 1, "an empty page link is none");
    let q = ExplorerQuery::from_params(params(&[("set", "  X  "), ("count", "yes")]));
    assert_eq!(q.set, "X");
    assert!(!q.count);
}

proptest! {
    /// Whatever is typed as the entity set, the URL is refused or stays below the root.
    #[test]
    fn any_entity_set_is_refused_or_below_the_root(set in "\\PC{0,24}|[A-Za-z_./%?#\\\\]{0,12}") {
        let root = ServiceRoot::parse(ROOT).unwrap();
        if let Ok(url) = query(&set).url(&root) {
            prop_assert!(root.allows(&url));
            prop_assert_eq!(url.path(), format!("/api/domain/odata/{set}"));
        }
    }

    /// Whatever stands in the address bar's `page`, the URL is refused or below the root.
    #[test]
    fn any_page_link_is_refused_or_below_the_root(link in "\\PC{0,40}|[a-z:/.%2eEfF?#@\\\\]{0,20}") {
        let root = ServiceRoot::parse(ROOT).unwrap();
        let q = ExplorerQuery { page: Some(link), n: 2, ..query("X") };
        if let Ok(url) = q.url(&root) {
            prop_assert!(root.allows(&url));
        }
    }
}
