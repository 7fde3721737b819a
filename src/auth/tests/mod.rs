//! Native tests of the sign-in side's plain values: config.json, the app base and the
//! errors' codes, the JWKS prefetch's bookkeeping.

mod app_base;
mod config;
mod error;
mod in_flight;
