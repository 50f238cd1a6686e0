//! Types shared by the server functions and the pages (compiled for the browser too), one module per area;
//! every type is re-exported here, so callers name them `crate::model::X`.

pub use crate::domain::lista::{ListQuery, pagina, url_encode};

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
