//! Pure domain types for Cassetto.
//!
//! Everything here follows "parse, don't validate": each newtype can only be
//! built through a validating constructor, so holding a value is proof that it
//! is well formed. Deserialization goes through the same constructors, so data
//! coming from the network or the database is re-validated too.
//!
//! The module is free of I/O and async runtimes so that it compiles for
//! `wasm32-unknown-unknown` and can be shared by server and browser code.

pub mod agenda;
pub mod allegati;
pub mod codice_fiscale;
pub mod comunicazioni;
pub mod contestazioni;
pub mod csv;
pub mod dma;
pub mod lista;
pub mod money;
pub mod partita_iva;
pub mod period;
pub mod position_code;
pub mod profili;
pub mod sanzioni;
pub mod testo;
pub mod time;
pub mod tracciati;

pub use codice_fiscale::{CodiceFiscale, CodiceFiscaleError, CodiceFiscaleKind, compute_check_char};
pub use money::{Money, MoneyError};
pub use partita_iva::{PartitaIva, PartitaIvaError};
pub use period::{Period, PeriodError};
pub use position_code::{PositionCode, PositionCodeError, PositionKind};
