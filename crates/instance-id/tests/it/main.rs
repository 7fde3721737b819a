//! Integration tests with real keys: one binary, several modules (faster to build).

mod support;

mod props;
mod rules;
mod signature;
