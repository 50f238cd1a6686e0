//! Profiles: the SC65 / SC62 / RA012 requests and the Enti a user represents.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::cassetto::PositionSummary;

record_id!(
    /// The number of a profile request (`profile_requests.id`).
    RichiestaProfiloId
);

/// A profile request as listed to its requester and to the operators of its Sede.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProfileRequestRow {
    pub id: RichiestaProfiloId,
    /// `SC65`, `SC62` or `RA012`.
    pub form: String,
    pub requester_cf: String,
    pub requester_name: String,
    pub ente_cf: String,
    pub ente_name: String,
    pub sede: String,
    /// `in_attesa`, `approvata`, `respinta`.
    pub status: String,
    pub submitted_at: i64,
    pub decided_at: Option<i64>,
    pub reason: Option<String>,
    /// Scope codes (SC65/SC62) or the legacy service code (RA012).
    pub scopes: Vec<String>,
}

/// The `/profilo` page: scopes held (form, scope, source) and requests filed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProfileOverview {
    pub scopes: Vec<(String, String, String)>,
    pub requests: Vec<ProfileRequestRow>,
    /// The end of the transitional period (circular §2.1), shown to users.
    pub cutover: Option<NaiveDate>,
    /// The account has a password (not one made by a SPID/CIE login): the password change applies.
    pub has_password: bool,
    /// The user's codice fiscale is in the Albo of the intermediaries (labour consultants and the like).
    pub in_albo: bool,
    /// The Enti whose legal representative the register names the user: where an SC65 request of theirs can go.
    pub enti_rappresentati: Vec<EnteRappresentato>,
}

/// An Ente as its legal representative sees it before having a profile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct EnteRappresentato {
    pub codice_fiscale: String,
    pub denominazione: String,
    /// `pubblico` or `privato`: which Gestione contributiva scope to ask for.
    pub sector: String,
    /// The Sede that decides the request.
    pub sede: String,
}
/// The legacy entry "Dipendenti pubblici: servizi per amministrazioni, enti e aziende" (circular §2.1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LegacyEntry {
    pub cutover: NaiveDate,
    pub open: bool,
    /// The public-sector positions the user reaches (only while the entry is open).
    pub positions: Vec<PositionSummary>,
}
