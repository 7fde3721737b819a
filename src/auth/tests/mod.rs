//! Native tests of the sign-in side's plain values: config.json and the errors' codes.

mod config;
mod error;
