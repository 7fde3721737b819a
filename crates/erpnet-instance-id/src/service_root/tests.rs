use super::*;
use proptest::prelude::*;

const ROOT: &str = "https://testdb.my.erp.net/api/domain/odata/";

fn root() -> ServiceRoot {
    ServiceRoot::parse(ROOT).expect("root")
}

#[test]
fn roots() {
    assert_eq!(root().as_str(), ROOT);
    let no_slash = ServiceRoot::parse("https://testdb.my.erp.net/api/domain/odata").unwrap();
    assert_eq!(no_slash.as_str(), ROOT);
    assert!(ServiceRoot::parse("http://127.0.0.1:8400/api/domain/odata/").is_ok());
    assert!(ServiceRoot::parse("http://[::1]:8400/api/domain/odata/").is_ok());
    for bad in [
        "http://testdb.my.erp.net/api/domain/odata/",
        "https://user:pw@testdb.my.erp.net/api/domain/odata/",
        "https://testdb.my.erp.net/api/domain/odata/?x=1",
        "https://testdb.my.erp.net/api/domain/odata/#f",
        "ftp://testdb.my.erp.net/odata/",
        "javascript:alert(1)",
        "/api/domain/odata/",
        "",
        "https://testdb.my.erp.net/api/%2e%2e/odata/",
        "https://testdb.my.erp.net/api\\domain/odata/",
    ] {
        let e = ServiceRoot::parse(bad).unwrap_err();
        assert_eq!(e.code(), "api_root_invalid", "{bad}");
    }
}

#[test]
fn entity_set_urls() {
    let r = root();
    let u = r
        .entity_set_url(
            "General_Contacts_Persons",
            &[
                ("$top", "50"),
                ("$select", ""),
                ("$filter", "Name eq 'a&b'"),
            ],
        )
        .unwrap();
    assert_eq!(
        u.as_str(),
        "https://testdb.my.erp.net/api/domain/odata/General_Contacts_Persons?%24top=50&%24filter=Name+eq+%27a%26b%27"
    );
    assert_eq!(
        r.entity_set_url("_X1", &[]).unwrap().as_str(),
        format!("{ROOT}_X1")
    );
    for bad in [
        "",
        "1Set",
        "../id",
        "Set/x",
        "Set?x",
        "Set(1)",
        "https://evil.example/",
        "Crm Customers",
        "Ünicode",
        &"A".repeat(129),
    ] {
        assert_eq!(
            r.entity_set_url(bad, &[]).unwrap_err(),
            LinkError::BadEntitySet(bad.to_owned()),
            "{bad}"
        );
    }
}

#[test]
fn relative_and_absolute_links_below_the_root() {
    let r = root();
    for (link, want) in [
        (
            "General_Products_Products?$top=1000&$select=Id&$count=true&$skiptoken=3f253c9a-5936-e311-81cb-00155d001f00",
            "https://testdb.my.erp.net/api/domain/odata/General_Products_Products?$top=1000&$select=Id&$count=true&$skiptoken=3f253c9a-5936-e311-81cb-00155d001f00",
        ),
        (
            "Crm_Sales_SalesOrders?$top=50&$orderby=Number&$skip=50",
            "https://testdb.my.erp.net/api/domain/odata/Crm_Sales_SalesOrders?$top=50&$orderby=Number&$skip=50",
        ),
        (
            "https://testdb.my.erp.net/api/domain/odata/X?$skiptoken=a%2Fb",
            "https://testdb.my.erp.net/api/domain/odata/X?$skiptoken=a%2Fb",
        ),
        (
            "HTTPS://TESTDB.my.erp.net:443/api/domain/odata/X",
            "https://testdb.my.erp.net/api/domain/odata/X",
        ),
        (
            "/api/domain/odata/X?$top=5",
            "https://testdb.my.erp.net/api/domain/odata/X?$top=5",
        ),
        (
            "General_Contacts_Parties(3f253c9a-5936-e311-81cb-00155d001f00)",
            "https://testdb.my.erp.net/api/domain/odata/General_Contacts_Parties(3f253c9a-5936-e311-81cb-00155d001f00)",
        ),
        ("X?$filter=Name eq 'a b'", "https://testdb.my.erp.net/api/domain/odata/X?$filter=Name%20eq%20%27a%20b%27"),
        ("X#frag", "https://testdb.my.erp.net/api/domain/odata/X"),
    ] {
        assert_eq!(r.resolve_link(link).map(|u| u.to_string()), Ok(want.to_owned()), "{link}");
    }
}

/// Hostile links: each is refused with the reason given.
#[test]
fn hostile_links_are_refused() {
    use LinkError::*;
    let r = root();
    let other = |o: &str| OtherOrigin(o.to_owned());
    let outside = |p: &str| OutsideRoot(p.to_owned());
    let cases: &[(&str, LinkError)] = &[
        ("", Malformed),
        ("../../id/connect/userinfo", PathTrick),
        ("../currentmodel/../../x", PathTrick),
        ("X/../../../id", PathTrick),
        ("./X", PathTrick),
        ("%2e%2e/%2e%2e/id", PathTrick),
        ("%2E%2E/x", PathTrick),
        (".%2e/x", PathTrick),
        ("X%2f..%2fY", PathTrick),
        ("X%2F..%2F..%2Fid", PathTrick),
        ("X%5c..%5cid", PathTrick),
        ("X%00", PathTrick),
        (
            "https://testdb.my.erp.net/api/domain/odata/%2e%2e/x",
            PathTrick,
        ),
        ("X\\..\\..\\id", Backslash),
        ("\\\\evil.example/x", Backslash),
        ("/\\evil.example/x", Backslash),
        ("//evil.example/api/domain/odata/X", ProtocolRelative),
        ("///evil.example/x", ProtocolRelative),
        ("X\n?$top=1", ControlCharacter),
        ("ht\ttps://evil.example/", ControlCharacter),
        ("X\u{7f}", ControlCharacter),
        ("\u{0}X", ControlCharacter),
        (
            "https://user@testdb.my.erp.net/api/domain/odata/X",
            UserInfo,
        ),
        (
            "https://user:pw@testdb.my.erp.net/api/domain/odata/X",
            UserInfo,
        ),
        (
            "https://testdb.my.erp.net@evil.example/api/domain/odata/X",
            UserInfo,
        ),
        (
            "https://evil.example/api/domain/odata/X",
            other("https://evil.example"),
        ),
        (
            "http://testdb.my.erp.net/api/domain/odata/X",
            other("http://testdb.my.erp.net"),
        ),
        (
            "https://testdb.my.erp.net:8443/api/domain/odata/X",
            other("https://testdb.my.erp.net:8443"),
        ),
        (
            "https://testdb.my.erp.net.evil.example/api/domain/odata/X",
            other("https://testdb.my.erp.net.evil.example"),
        ),
        ("javascript:alert(1)", other("null")),
        ("data:text/html,x", other("null")),
        ("mailto:a@b.c", other("null")),
        (
            "https://testdb.my.erp.net/id/connect/userinfo",
            outside("/id/connect/userinfo"),
        ),
        (
            "https://testdb.my.erp.net/api/domain/odataX/Y",
            outside("/api/domain/odataX/Y"),
        ),
        (
            "https://testdb.my.erp.net/api/domain/odata",
            outside("/api/domain/odata"),
        ),
        ("/id/connect/token", outside("/id/connect/token")),
        (
            "/api/domain/standardmodel",
            outside("/api/domain/standardmodel"),
        ),
        ("X Y?$top=1", Malformed),
    ];
    for (link, want) in cases {
        assert_eq!(r.resolve_link(link).as_ref(), Err(want), "{link:?}");
        assert_eq!(want.code(), "api_link_refused");
    }
    let long = format!("X?$skiptoken={}", "a".repeat(MAX_LINK_LEN));
    assert_eq!(r.resolve_link(&long), Err(Malformed));
}

#[test]
fn current_model_is_the_one_sibling() {
    let r = root();
    let m = r.current_model_url().unwrap();
    assert_eq!(
        m.as_str(),
        "https://testdb.my.erp.net/api/domain/currentmodel"
    );
    assert!(r.allows(&m));
    assert!(!r.allows(&Url::parse("https://testdb.my.erp.net/api/domain/standardmodel").unwrap()));
    assert!(!r.allows(&Url::parse("https://testdb.my.erp.net/api/domain/currentmodelX").unwrap()));
    let other = ServiceRoot::parse("https://h.example/odata/").unwrap();
    assert_eq!(other.current_model_url(), None);
    assert_eq!(format!("{r:?}"), format!("ServiceRoot({ROOT:?})"));
}

fn hostile_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("..".to_owned()),
        Just(".".to_owned()),
        Just("/".to_owned()),
        Just("//".to_owned()),
        Just("\\".to_owned()),
        Just("%2e".to_owned()),
        Just("%2F".to_owned()),
        Just("%5c".to_owned()),
        Just("@".to_owned()),
        Just(":".to_owned()),
        Just("?".to_owned()),
        Just("#".to_owned()),
        Just("https://".to_owned()),
        Just("http://".to_owned()),
        Just("evil.example".to_owned()),
        Just("testdb.my.erp.net".to_owned()),
        Just(":8443".to_owned()),
        Just("api/domain/odata/".to_owned()),
        Just("X".to_owned()),
        Just("\t".to_owned()),
        "[a-zA-Z0-9_$=&%().-]{0,6}",
    ]
}

proptest! {
    /// Whatever the link, an accepted URL starts with the root (or is the model URL).
    #[test]
    fn every_accepted_url_starts_with_the_root(pieces in proptest::collection::vec(hostile_piece(), 0..8)) {
        let r = root();
        let link = pieces.concat();
        if let Ok(url) = r.resolve_link(&link) {
            prop_assert!(url.as_str().starts_with(ROOT), "{} -> {}", link, url);
            prop_assert!(r.allows(&url));
        }
    }

    /// Arbitrary text too.
    #[test]
    fn arbitrary_text(link in "\\PC{0,40}") {
        let r = root();
        if let Ok(url) = r.resolve_link(&link) {
            prop_assert!(url.as_str().starts_with(ROOT), "{} -> {}", link, url);
        }
    }
}
