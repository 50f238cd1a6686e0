//! The integration tests, one binary, one module per area (or per concern that spans areas: the role matrix,
//! hostile input, limits, secrets). Each test runs against the real router (or the real `cassetto` binary) on a
//! fresh database, on SQLite and, when `CASSETTO_TEST_POSTGRES` names a server, on PostgreSQL too
//! (`both_backends!`); without one, the PostgreSQL halves are compiled as ignored, never counted as passed.

#[macro_use]
mod common;

mod accesso;
mod agenda;
mod authz;
mod avvisi;
mod cli;
mod deleghe;
mod demo;
mod dma_corpus;
mod fascicolo;
mod feedback;
mod hostile;
mod input;
mod limits;
mod matrix;
mod oidc;
mod outbox;
mod router;
mod schema;
mod secrets;
mod servizi;
