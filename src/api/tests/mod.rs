//! Native tests of the Domain API client's pure logic: the query and its entity-set guard,
//! the next link, ERP.net's error answers and the values shown.

mod errors;
mod page;
mod query;
mod values;

use erpnet_instance_id::service_root::ServiceRoot;

/// ERP.net's service root shape, on https.
const ROOT: &str = "https://acme.my.erp.net/api/domain/odata/";

fn root() -> ServiceRoot {
    ServiceRoot::parse(ROOT).expect("a valid root")
}
