//! The app's base, parsed once: links, app paths, origin and the app's own files derive from
//! it, and a link is never anything but a plain app path.

use crate::auth::AppBase;

#[test]
fn the_app_base_is_parsed_once_into_links_paths_and_origin() {
    let sub = AppBase::parse("https://cdn.example.com/sub?x=1#top").expect("a base");
    assert_eq!(
        sub.as_str(),
        "https://cdn.example.com/sub/",
        "a directory, no query"
    );
    assert_eq!(sub.origin(), "https://cdn.example.com");
    assert_eq!(sub.path_prefix(), "/sub");
    assert_eq!(
        sub.file("config.json"),
        "https://cdn.example.com/sub/config.json"
    );
    assert_eq!(sub.href("/"), "/sub/");
    assert_eq!(sub.href("/explorer?q=1"), "/sub/explorer?q=1");
    assert_eq!(
        sub.href("//evil.example/x"),
        "/sub/",
        "not an app path: the start page"
    );
    let here = url::Url::parse("https://cdn.example.com/sub/explorer?set=Customers").unwrap();
    assert_eq!(sub.app_path(&here), "/explorer?set=Customers");
    let top = url::Url::parse("https://cdn.example.com/sub/").unwrap();
    assert_eq!(sub.app_path(&top), "/");

    let root = AppBase::parse("http://localhost:8080/").expect("a base");
    assert_eq!(root.path_prefix(), "");
    assert_eq!(root.href("/diagnostics"), "/diagnostics");
    assert_eq!(AppBase::parse("not a url"), None);
    assert_eq!(AppBase::parse("data:text/plain,x"), None, "not a base URL");
}
