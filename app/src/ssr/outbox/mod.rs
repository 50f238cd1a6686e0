//! The notification outbox (docs/security.md, Durability): a message is written in the same transaction as the change
//! that causes it (`enqueue`) and delivered later by a worker (`deliver_due`, `spawn_worker`) over SMTP, or over the SMS gateway
//! adapter (`sms`).
//!
//! - A row is claimed with a conditional UPDATE and a lease before it is sent, so several server processes can run
//!   workers over one database and each message goes out once. Its Message-ID is fixed at enqueue time, so a retry
//!   after an unclear failure (connection lost after DATA) carries the same Message-ID.
//! - A transient failure (no connection, timeout, 4xx) is retried with exponential backoff ([`retry_delay`]); a
//!   permanent one (5xx to MAIL, RCPT or DATA) or [`MAX_ATTEMPTS`] transient ones end in `fallito`. Errors before MAIL
//!   (greeting, EHLO, STARTTLS, AUTH) are about the connection or our settings, not the message: always transient.
//! - A notice is stored as written by `super::avvisi`: plain text, and for e-mail and PEC an HTML alternative and
//!   optionally a calendar file (`appuntamento.ics`). Values known only when sending are placeholders filled in
//!   every part, each with its part's escaping (`Fill`): [`SECRET`], [`SITE`] (the public address,
//!   `MailSettings::public_url`) and [`SENDER`].
//! - `secret` (the delega OTP) is put into the parts ([`SECRET`]) only in memory while sending, and erased from the
//!   row once the message is sent or has failed for good. It never reaches the logs. A message whose code is dead
//!   before it could be sent (expired after 72 hours, replaced, used or locked) is not sent with it: the sweep
//!   ([`sweep_dead_secrets`]) erases the code and marks the message `fallito`. The sweep runs before every delivery
//!   pass and, when no mail server is configured (messages then wait indefinitely), on its own timer.
//! - PEC receipts (docs/domain.md §7). In development they are derived from the SMTP dialogue: message taken by the server
//!   → `accettazione` + `avvenuta_consegna` per accepted recipient; a recipient refused with 5xx → `errore_consegna`
//!   for it; the submission refused as a whole → `non_accettazione`. Receipts that arrive as e-mail from a real PEC
//!   provider are recorded by [`ingest_receipt_eml`].
//!
//! The parts: `queue` (writing and reading rows), `smtp` (the SMTP sender), `sms` (the SMS gateway adapter),
//! `worker` (delivery passes and their loops), `pec` (receipts that arrive as e-mail).

mod pec;
mod queue;
pub mod sms;
mod smtp;
mod worker;

pub use pec::ingest_receipt_eml;
pub use queue::{
    Channel, DEAD_SECRET, Delivery, LEASE_SECS, MAX_ATTEMPTS, NewMessage, SECRET, SENDER, SITE, delivery_of, enqueue,
    retry_delay, sweep_dead_secrets,
};
pub use smtp::MailSettings;
pub use worker::{deliver_due, spawn_sweeper, spawn_worker};
