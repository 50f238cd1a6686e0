//! Identity: password hashing (argon2id), TOTP second factor (RFC 6238), server-side sessions.
//! The other way in (SPID and CIE through OpenID Connect, `server::oidc`) ends in `start_session` too, at
//! `Stage::Active` with the provider named, and finds or makes its user with `provider_user`.
//!
//! The parts: `passwords`, `totp` (the second factor), `sessions`, `users`. Callers name them through this module
//! (`identity::check_password`, `identity::SessionUser`, `identity::totp::code_for_step`).

mod passwords;
mod sessions;
pub mod totp;
mod users;

pub use passwords::*;
pub use sessions::*;
pub use totp::{TotpCheck, check_totp, current_code};
pub use users::*;
