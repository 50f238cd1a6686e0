//! Types shared by the server functions and the pages (compiled for the browser too), one module per area;
//! every type is re-exported here, so callers name them `crate::model::X`.

pub use crate::domain::lista::{ListQuery, pagina, url_encode};

/// Declares the number of a stored record as a type of its own, so that the id of one kind of record is never
/// passed where another is expected. On the wire and in the database it stays the plain number.
macro_rules! record_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

mod accesso;
mod agenda;
mod backoffice;
mod cassetto;
mod comunicazioni;
mod contestazioni;
mod deleghe;
mod dma;
mod profili;
mod sanzioni;
mod tracciati;

pub use accesso::*;
pub use agenda::*;
pub use backoffice::*;
pub use cassetto::*;
pub use comunicazioni::*;
pub use contestazioni::*;
pub use deleghe::*;
pub use dma::*;
pub use profili::*;
pub use sanzioni::*;
pub use tracciati::*;
