//! Integration tests with real keys: one binary, several modules (faster to build).

mod support;

mod clock;
mod is4;
mod props;
mod refresh;
mod rules;
mod signature;
