//! The server's start-up pieces, as a library so integration tests build the same router.

pub mod allegati;
pub mod boundary;
pub mod config;
pub mod dma;
pub mod oidc;
pub mod responses;
pub mod shell;
pub mod startup;
pub mod tracciati;
pub mod uploads;
pub mod valori;
