//! Helpers shared by the engine's integration tests: the synthetic card
//! numbers and fixture builders (`src/test_support.rs`, the one generator of
//! the workspace, also used by the unit tests) and packet captures.

#[path = "../../src/test_support.rs"]
mod generated;
pub use generated::*;

pub mod capture;
