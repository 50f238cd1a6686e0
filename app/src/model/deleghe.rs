//! Gestione Deleghe: the lists of both sides and a delega's history and evidence.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::accesso::Role;
use crate::domain::profili::{StatoDelega, TipoDelega};

record_id!(
    /// The number of a delega (`deleghe.id`), as in `/deleghe/{id}`.
    DelegaId
);

/// One delega as listed on `/deleghe`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DelegaRow {
    pub id: DelegaId,
    pub kind: TipoDelega,
    pub position_code: String,
    pub ente_name: String,
    pub grantor_name: Option<String>,
    pub grantee_cf: String,
    pub grantee_name: String,
    /// As on the day it is listed (`delega_status_on`, `subdelega_status`).
    pub status: StatoDelega,
    pub valid_from: NaiveDate,
    /// Last day in force; `None` until revoked.
    pub valid_until: Option<NaiveDate>,
    pub revoked_on: Option<NaiveDate>,
    /// For deleghe to employees: whether the grantee holds the profile scope the position needs.
    pub usable: bool,
    /// For intermediary deleghe: the state of the PEC that carried the OTP.
    pub pec_state: Option<String>,
    pub parent_id: Option<DelegaId>,
    /// For intermediary deleghe: the services delegated (scope codes, `domain::profili::Scope::code`).
    pub services: Vec<String>,
    /// Imported from the enablements before the cut-over (no form, PEC nor OTP of this Cassetto).
    pub imported: bool,
    /// For a renewal: the delega it continues.
    pub renews_id: Option<DelegaId>,
    /// A renewal asked for this delega and not ended.
    pub renewal_id: Option<DelegaId>,
    /// Active and ending within the notice (`domain::profili::EXPIRY_NOTICE_DAYS`).
    pub expiring: bool,
}

/// Everything `/deleghe` shows to the caller, by the side they stand on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DelegheOverview {
    pub role: Role,
    /// Deleghe on the positions the caller holds as datore.
    pub on_my_positions: Vec<DelegaRow>,
    /// Deleghe the caller holds (as employee, intermediary or sub-delegated employee).
    pub held: Vec<DelegaRow>,
    /// Of `held`, the intermediary deleghe ending within the notice, soonest first.
    pub expiring: Vec<DelegaRow>,
    /// Sub-deleghe the caller (an intermediary) granted to its employees.
    pub granted_sub: Vec<DelegaRow>,
    /// The datore's own positions, for the new-delega form: (code, Ente).
    pub own_positions: Vec<(String, String)>,
    /// The intermediary's registration in an Albo (label), if any.
    pub albo: Option<String>,
    /// The intermediary's employees: (codice fiscale, name).
    pub employees: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DelegaEvent {
    pub at: i64,
    pub actor: Option<String>,
    pub kind: String,
    pub detail: String,
}

/// The evidence of an intermediary delega (circular §2b).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DelegaEvidence {
    pub form_sha256: String,
    pub pec_recipient: Option<String>,
    pub pec_message_id: Option<String>,
    pub pec_status: Option<String>,
    /// PEC receipts: (kind, recipient, instant, detail).
    pub receipts: Vec<(String, String, i64, String)>,
    pub otp_expires_at: Option<i64>,
    pub otp_failed_attempts: i64,
    /// Whether a usable OTP is outstanding (not used, not expired, not locked).
    pub otp_outstanding: bool,
    pub declared_at: Option<i64>,
    pub activated_at: Option<i64>,
    pub retain_until: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DelegaDetail {
    pub delega: DelegaRow,
    pub events: Vec<DelegaEvent>,
    pub evidence: Option<DelegaEvidence>,
    pub can_revoke: bool,
    /// The caller is the intermediary that may enter the OTP (or ask for a new one).
    pub can_activate: bool,
    /// The caller is the intermediary that may ask for its renewal (active, with an end, not yet renewed).
    pub can_renew: bool,
    /// The delegante as named on the form (intermediary deleghe made in the Cassetto).
    pub delegante: Option<DelegaDelegante>,
}

/// The delegante of an intermediary delega and the period, as fixed on its form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DelegaDelegante {
    pub codice_fiscale: String,
    pub nome: String,
    pub cognome: String,
    /// The period in words, as printed ("dal … al …" or "dal … fino a revoca").
    pub period: String,
}
