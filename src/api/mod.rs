//! The Domain API (ERP.net's OData service) client: the query in the address bar
//! ([`query`]), requests that carry the token only below the service root ([`client`]),
//! ERP.net's error answers ([`errors`]) and values as a person reads them ([`values`]).

pub mod client;
pub mod errors;
pub mod query;
pub mod values;

pub use client::{EntitySet, Page};
pub use errors::ApiError;
pub use query::ExplorerQuery;
pub use values::Cell;
