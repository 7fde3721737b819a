//! The Domain API (ERP.net's OData service) client: the query in the address bar
//! ([`query`]), requests that carry the token only below the service root ([`client`], in
//! the browser), the answers read into values ([`page`]), ERP.net's error answers
//! ([`errors`]) and values as a person reads them ([`values`]).

#[cfg(target_arch = "wasm32")]
pub mod client;
pub mod errors;
pub mod page;
pub mod query;
pub mod values;

pub use errors::ApiError;
pub use page::{EntitySet, Page};
pub use query::ExplorerQuery;
pub use values::Cell;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
