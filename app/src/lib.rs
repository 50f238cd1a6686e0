//! Cassetto: shared types, server functions and pages of the web app. Compiled twice: with `ssr`
//! into the server, with `hydrate` into the browser's WebAssembly.

pub mod api;
pub mod domain;
pub mod error;
pub mod feedback;
pub mod guida;
pub mod model;
pub mod sections;
pub mod servizi;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod ui;

pub use ui::App;
