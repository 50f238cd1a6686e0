//! Gestione Deleghe: datore -> own employee, intermediary -> Ente (the PEC + OTP flow of circular §2b)
//! and intermediary -> own employee (sub-delega). Every step writes its history row and its audit entry
//! in the same transaction as the change, and the PEC that carries the OTP goes through the outbox in
//! that transaction too.

use rand::Rng;
use sha2::{Digest, Sha256};
use sqlx::{Any, Transaction};

use super::audit::{self, Entry};
use super::db::{Db, iso_date, now_unix, parse_iso_date};
use super::identity;
use super::outbox::{self, Channel, NewMessage};
use super::pdf::DelegaForm;
use crate::domain::codice_fiscale::CodiceFiscale;
use crate::domain::position_code::PositionCode;
use crate::domain::profili::{
    AlboCategory, DICHIARAZIONE_ATTIVAZIONE, ProfileForm, Scope, StatoDelega, TipoDelega, check_delega_period,
    check_delega_services, delega_status_on, evidence_retained_until, expiring_soon, otp, renewal_start,
    subdelega_status,
};
use crate::domain::time::rome_date;
use crate::error::AppError;
use crate::model::{
    DelegaDelegante, DelegaDetail, DelegaEvent, DelegaEvidence, DelegaId, DelegaRow, DelegheOverview, Role,
};

fn new_otp() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..otp::DIGITS).map(|_| char::from(b'0' + rng.gen_range(0..10u8))).collect()
}

/// The OTP is hashed with argon2 over the delega id and the code, so a code is bound to its delega and a
/// leaked table does not give the 10^8 codes away cheaply.
fn otp_material(delega_id: DelegaId, code: &str) -> String {
    format!("delega:{delega_id}:{code}")
}

pub fn form_reference(delega_id: DelegaId, created_on: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("DEL-{}-{delega_id:06}", created_on.year())
}

async fn event(
    tx: &mut Transaction<'static, Any>,
    delega_id: DelegaId,
    actor: Option<i64>,
    kind: &str,
    detail: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO delega_events (delega_id, at, actor_user_id, kind, detail) VALUES ($1, $2, $3, $4, $5)")
        .bind(delega_id)
        .bind(now)
        .bind(actor)
        .bind(kind)
        .bind(detail)
        .execute(&mut **tx)
        .await?;
    audit::append(
        tx,
        Entry {
            actor_user_id: actor,
            action: &format!("delega.{kind}"),
            subject: &format!("delega:{delega_id}"),
            detail,
        },
        now,
    )
    .await?;
    Ok(())
}

/// Gives every intermediary delega without services the Gestione contributiva of its Ente's sector: the data
/// step of migration 0018, for the seeds that create deleghe after migrating.
pub async fn backfill_servizi(conn: &mut sqlx::AnyConnection) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO delega_servizi (delega_id, scope) \
         SELECT d.id, CASE WHEN e.sector = 'pubblico' THEN 'gc_pubblici' ELSE 'gc_privati' END \
         FROM deleghe d JOIN positions p ON p.id = d.position_id JOIN enti e ON e.id = p.ente_id \
         WHERE d.kind = 'intermediario' AND NOT EXISTS (SELECT 1 FROM delega_servizi s WHERE s.delega_id = d.id)",
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// How the caller stands to a delega; `None` if they have nothing to do with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Party {
    /// The datore of the position's Ente (sees and revokes every delega on it).
    pub titolare: bool,
    /// The user who granted it (datore for employees, intermediary for sub-deleghe).
    pub grantor: bool,
    /// The user who holds it.
    pub grantee: bool,
    /// For a sub-delega: the intermediary holding the parent delega.
    pub parent_holder: bool,
}

impl Party {
    pub fn any(self) -> bool {
        self.titolare || self.grantor || self.grantee || self.parent_holder
    }
}

/// kind, grantor, grantee, the Ente's datore, the holder of the parent delega.
type PartyRow = (String, Option<i64>, i64, Option<i64>, Option<i64>);

pub async fn party(db: &Db, user_id: i64, delega_id: DelegaId) -> Result<Option<(Party, TipoDelega)>, AppError> {
    let row: Option<PartyRow> = sqlx::query_as(
        "SELECT d.kind, d.grantor_user_id, d.grantee_user_id, e.datore_user_id, \
                (SELECT p.grantee_user_id FROM deleghe p WHERE p.id = d.parent_id) \
         FROM deleghe d JOIN positions pos ON pos.id = d.position_id JOIN enti e ON e.id = pos.ente_id WHERE d.id = $1",
    )
    .bind(delega_id)
    .fetch_optional(db.pool())
    .await?;
    let Some((kind, grantor, grantee, datore, parent_holder)) = row else { return Ok(None) };
    let party = Party {
        titolare: datore == Some(user_id),
        grantor: grantor == Some(user_id),
        grantee: grantee == user_id,
        parent_holder: parent_holder == Some(user_id),
    };
    Ok(Some((party, TipoDelega::try_from(kind)?)))
}

/// The user with this codice fiscale and role, as the target of a new delega.
async fn user_by_cf(db: &Db, cf: &str, role: Role) -> Result<(i64, Option<i64>), AppError> {
    let cf = CodiceFiscale::parse(cf.trim())
        .map_err(|_| AppError::invalid("Il codice fiscale del dipendente non è valido."))?;
    let row: Option<(i64, String, Option<i64>)> =
        sqlx::query_as("SELECT id, role, employer_user_id FROM users WHERE codice_fiscale = $1")
            .bind(cf.as_str())
            .fetch_optional(db.pool())
            .await?;
    match row {
        Some((id, r, employer)) if r == role.as_str() => Ok((id, employer)),
        _ => Err(AppError::invalid(
            "Il codice fiscale indicato non corrisponde a un dipendente registrato: il dipendente deve prima \
             accedere e chiedere il profilo con il modello SC62.",
        )),
    }
}

/// Datore -> own employee, on one or more of the datore's positions. The delega is created active; it is
/// usable while the employee holds SC62 with the scope the position's sector needs.
pub async fn grant_employee(
    db: &Db,
    datore_id: i64,
    position_ids: &[i64],
    employee_cf: &str,
) -> Result<usize, AppError> {
    if position_ids.is_empty() {
        return Err(AppError::invalid("Selezioni almeno una posizione."));
    }
    let (employee_id, _) = user_by_cf(db, employee_cf, Role::Delegato).await?;
    let now = now_unix();
    let today = iso_date(rome_date(now));
    let mut tx = db.begin_write().await?;
    let mut created = 0;
    for &position_id in position_ids {
        let existing: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM deleghe WHERE kind = 'dipendente' AND position_id = $1 AND grantee_user_id = $2 \
             AND status = 'attiva'",
        )
        .bind(position_id)
        .bind(employee_id)
        .fetch_one(&mut *tx)
        .await?;
        if existing > 0 {
            continue;
        }
        let id: DelegaId = sqlx::query_scalar(
            "INSERT INTO deleghe (kind, position_id, grantor_user_id, grantee_user_id, status, valid_from, created_at) \
             VALUES ('dipendente', $1, $2, $3, 'attiva', $4, $5) RETURNING id",
        )
        .bind(position_id)
        .bind(datore_id)
        .bind(employee_id)
        .bind(&today)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        event(
            &mut tx,
            id,
            Some(datore_id),
            "conferita",
            &format!("al dipendente {}", employee_cf.trim().to_uppercase()),
            now,
        )
        .await?;
        created += 1;
    }
    if created == 0 {
        return Err(AppError::invalid("Il dipendente ha già una delega attiva sulle posizioni selezionate."));
    }
    tx.commit().await?;
    Ok(created)
}

/// The Albo registration of an intermediary, if any: (category, registration, province).
pub async fn albo_of(db: &Db, cf: &str) -> sqlx::Result<Option<(AlboCategory, String, String)>> {
    let row: Option<(String, String, String)> = sqlx::query_as(
        "SELECT category, registration, province FROM albo WHERE codice_fiscale = $1 ORDER BY category LIMIT 1",
    )
    .bind(cf)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.and_then(|(c, r, p)| AlboCategory::parse(&c).map(|c| (c, r, p))))
}

pub struct IntermediaryRequest<'a> {
    pub position: &'a str,
    pub ente_cf: &'a str,
    pub legal_rep_cf: &'a str,
    pub legal_rep_nome: &'a str,
    pub legal_rep_cognome: &'a str,
    /// Scope codes of the services delegated (`domain::profili::Scope::code`).
    pub services: &'a [String],
    /// First day, as typed (empty: today).
    pub from: &'a str,
    /// Last day, as typed (empty: until revoked).
    pub until: &'a str,
}

/// What a renewal asks anew: who signs for the Ente now, and until when. The rest (position, Ente,
/// services) is the renewed delega's; it starts the day after that one ends.
pub struct RenewalRequest<'a> {
    pub legal_rep_cf: &'a str,
    pub legal_rep_nome: &'a str,
    pub legal_rep_cognome: &'a str,
    pub until: &'a str,
}

/// The delegante is a person, the Ente's legal representative: a code of 11 digits is an Ente's or a
/// company's, and is refused with its own message rather than as "not valid".
fn legal_rep_cf(typed: &str) -> Result<CodiceFiscale, AppError> {
    use crate::domain::codice_fiscale::CodiceFiscaleError;
    let typed = typed.trim();
    let not_a_person = || {
        AppError::invalid(
            "Il codice fiscale del legale rappresentante deve essere quello di una persona fisica (16 caratteri): \
             un codice di 11 cifre è di un ente o di una società.",
        )
    };
    // Any 11-digit code, well formed or not, is the code of an Ente or a company: the field wants a person's.
    if typed.len() == 11 && typed.bytes().all(|b| b.is_ascii_digit()) {
        return Err(not_a_person());
    }
    match CodiceFiscale::parse_person(typed) {
        Ok(cf) => Ok(cf),
        Err(CodiceFiscaleError::NotAPerson) => Err(not_a_person()),
        Err(_) => Err(AppError::invalid("Il codice fiscale del legale rappresentante non è valido.")),
    }
}

/// Name and surname of the legal representative, as printed on the form: both required, of reasonable
/// length, letters with the spaces, apostrophes, dots and hyphens of real names.
fn legal_rep_name(nome: &str, cognome: &str) -> Result<(String, String), AppError> {
    let clean = |v: &str| v.split_whitespace().collect::<Vec<_>>().join(" ");
    let (nome, cognome) = (clean(nome), clean(cognome));
    let ok = |v: &str| {
        !v.is_empty()
            && v.chars().count() <= 60
            && v.chars().any(char::is_alphabetic)
            && v.chars().all(|c| c.is_alphabetic() || matches!(c, ' ' | '\'' | '’' | '-' | '.'))
    };
    if !ok(&nome) || !ok(&cognome) {
        return Err(AppError::invalid(
            "Indichi nome e cognome del legale rappresentante (solo lettere, al massimo 60 caratteri ciascuno).",
        ));
    }
    Ok((nome, cognome))
}

/// The delega a renewal continues, checked: the caller's own intermediary delega, active, with an end date
/// not yet passed, and not already renewed.
struct Renewed {
    id: DelegaId,
    position_code: String,
    ente_cf: String,
    services: Vec<String>,
    until: chrono::NaiveDate,
    reference: String,
}

async fn renewable(
    db: &Db,
    intermediary_id: i64,
    delega_id: DelegaId,
    today: chrono::NaiveDate,
) -> Result<Renewed, AppError> {
    let row: Option<(String, i64, String, Option<String>, String, String)> = sqlx::query_as(
        "SELECT d.kind, d.grantee_user_id, d.status, d.valid_until, p.code, e.codice_fiscale \
         FROM deleghe d JOIN positions p ON p.id = d.position_id JOIN enti e ON e.id = p.ente_id WHERE d.id = $1",
    )
    .bind(delega_id)
    .fetch_optional(db.pool())
    .await?;
    let (kind, grantee, status, until, position_code, ente_cf) = row.ok_or(AppError::NotFound)?;
    if TipoDelega::try_from(kind)? != TipoDelega::Intermediario || grantee != intermediary_id {
        return Err(AppError::NotFound);
    }
    let until = until.as_deref().map(parse_iso_date).transpose()?;
    let status = StatoDelega::try_from(status)?;
    let Some(until) = until.filter(|_| delega_status_on(status, until, today) == StatoDelega::Attiva) else {
        return Err(AppError::invalid(
            "Si può rinnovare solo una delega attiva con una data di fine non ancora passata.",
        ));
    };
    let open: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM deleghe WHERE renews_id = $1 AND status IN ('in_attesa', 'attiva') \
         AND (valid_until IS NULL OR valid_until >= $2)",
    )
    .bind(delega_id)
    .bind(iso_date(today))
    .fetch_one(db.pool())
    .await?;
    if open > 0 {
        return Err(AppError::invalid("Il rinnovo di questa delega è già stato richiesto."));
    }
    let services: Vec<String> =
        sqlx::query_scalar("SELECT scope FROM delega_servizi WHERE delega_id = $1 ORDER BY scope")
            .bind(delega_id)
            .fetch_all(db.pool())
            .await?;
    // An imported delega has no form of ours: it is named by its number.
    let reference = match stored_form(db, delega_id).await {
        Ok(form) => form.reference,
        Err(_) => format!("n. {delega_id}"),
    };
    Ok(Renewed { id: delega_id, position_code, ente_cf, services, until, reference })
}

/// Step 1-3 of circular §2b: the intermediary's request becomes a pending delega, its form is fixed
/// (and hashed), and the PEC with the OTP is queued to the Ente's PEC address. The request names the
/// delegante (the legal representative), the services delegated and the period.
pub async fn request_intermediary(
    db: &Db,
    intermediary_id: i64,
    intermediary_cf: &str,
    intermediary_name: &str,
    req: IntermediaryRequest<'_>,
    today: chrono::NaiveDate,
) -> Result<DelegaId, AppError> {
    create_request(db, intermediary_id, intermediary_cf, intermediary_name, req, None, today).await
}

/// A renewal before the end: a new request for the same position, Ente and services, from the day after
/// the renewed delega ends, with its own form, PEC and OTP (the Ente consents again).
pub async fn request_renewal(
    db: &Db,
    intermediary_id: i64,
    intermediary_cf: &str,
    intermediary_name: &str,
    delega_id: DelegaId,
    req: RenewalRequest<'_>,
    today: chrono::NaiveDate,
) -> Result<DelegaId, AppError> {
    let renewed = renewable(db, intermediary_id, delega_id, today).await?;
    let from = iso_date(renewal_start(renewed.until));
    let position = renewed.position_code.clone();
    let ente_cf = renewed.ente_cf.clone();
    let services = renewed.services.clone();
    let full = IntermediaryRequest {
        position: &position,
        ente_cf: &ente_cf,
        legal_rep_cf: req.legal_rep_cf,
        legal_rep_nome: req.legal_rep_nome,
        legal_rep_cognome: req.legal_rep_cognome,
        services: &services,
        from: &from,
        until: req.until,
    };
    create_request(db, intermediary_id, intermediary_cf, intermediary_name, full, Some(renewed), today).await
}

async fn create_request(
    db: &Db,
    intermediary_id: i64,
    intermediary_cf: &str,
    intermediary_name: &str,
    req: IntermediaryRequest<'_>,
    renews: Option<Renewed>,
    today: chrono::NaiveDate,
) -> Result<DelegaId, AppError> {
    let Some((category, registration, province)) = albo_of(db, intermediary_cf).await? else {
        return Err(AppError::invalid(
            "Il suo codice fiscale non risulta iscritto in un Albo di consulenti del lavoro, commercialisti ed \
             esperti contabili o avvocati (L. 12/1979).",
        ));
    };
    let code = PositionCode::parse(req.position.trim())
        .map_err(|_| AppError::invalid("Il codice della posizione contributiva non è valido."))?;
    let ente_cf = req.ente_cf.trim().to_uppercase();
    let rep_cf = legal_rep_cf(req.legal_rep_cf)?;
    let (rep_nome, rep_cognome) = legal_rep_name(req.legal_rep_nome, req.legal_rep_cognome)?;
    let period = check_delega_period(req.from, req.until, today).map_err(AppError::invalid)?;
    let found: Option<(i64, String, String, String, String, String)> = sqlx::query_as(
        "SELECT p.id, e.denominazione, e.codice_fiscale, e.pec, e.legal_rep_cf, e.sector FROM positions p \
         JOIN enti e ON e.id = p.ente_id WHERE p.code = $1",
    )
    .bind(code.as_str())
    .fetch_optional(db.pool())
    .await?;
    // One message for every mismatch: the form must not become a way to probe who represents whom.
    let mismatch = || AppError::invalid("I dati dell'Ente non corrispondono alla posizione indicata.");
    let (position_id, denominazione, found_cf, pec, found_rep, sector) = found.ok_or_else(mismatch)?;
    if found_cf != ente_cf || found_rep != rep_cf.as_str() {
        return Err(mismatch());
    }
    let services = check_delega_services(&sector, req.services).map_err(AppError::invalid)?;
    let now = now_unix();
    let mut tx = db.begin_write().await?;
    if renews.is_none() {
        let open: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM deleghe WHERE kind = 'intermediario' AND position_id = $1 AND grantee_user_id = $2 \
             AND status IN ('in_attesa', 'attiva') AND (valid_until IS NULL OR valid_until >= $3)",
        )
        .bind(position_id)
        .bind(intermediary_id)
        .bind(iso_date(today))
        .fetch_one(&mut *tx)
        .await?;
        if open > 0 {
            return Err(AppError::invalid(
                "Esiste già una sua delega attiva o in attesa per questa posizione: se ha una data di fine, ne \
                 chieda il rinnovo dal suo dettaglio.",
            ));
        }
    }
    let delega_id: DelegaId = sqlx::query_scalar(
        "INSERT INTO deleghe (kind, position_id, grantee_user_id, status, valid_from, valid_until, renews_id, created_at) \
         VALUES ('intermediario', $1, $2, 'in_attesa', $3, $4, $5, $6) RETURNING id",
    )
    .bind(position_id)
    .bind(intermediary_id)
    .bind(iso_date(period.from))
    .bind(period.until.map(iso_date))
    .bind(renews.as_ref().map(|r| r.id))
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    for scope in &services {
        sqlx::query("INSERT INTO delega_servizi (delega_id, scope) VALUES ($1, $2)")
            .bind(delega_id)
            .bind(scope.code())
            .execute(&mut *tx)
            .await?;
    }
    let created_on = rome_date(now);
    let form = DelegaForm {
        reference: form_reference(delega_id, created_on),
        position_code: code.as_str().to_string(),
        ente_denominazione: denominazione,
        ente_codice_fiscale: found_cf,
        ente_pec: pec,
        legal_rep_codice_fiscale: rep_cf.as_str().to_string(),
        legal_rep_nome: rep_nome,
        legal_rep_cognome: rep_cognome,
        services: services.iter().map(|s| s.label().to_string()).collect(),
        period: period.describe(),
        renews_reference: renews.as_ref().map(|r| r.reference.clone()),
        intermediary_name: intermediary_name.to_string(),
        intermediary_codice_fiscale: intermediary_cf.to_string(),
        albo_category: category.label().to_string(),
        albo_registration: registration,
        albo_province: province,
        created_on,
    };
    let form_json = serde_json::to_string(&form).map_err(|e| anyhow::anyhow!(e))?;
    let form_sha256 = hex::encode(Sha256::digest(form_json.as_bytes()));
    // With an end date the evidence is kept five years from it (a revocation before then moves it earlier).
    sqlx::query(
        "INSERT INTO delega_evidence (delega_id, form_json, form_sha256, retain_until) VALUES ($1, $2, $3, $4)",
    )
    .bind(delega_id)
    .bind(&form_json)
    .bind(&form_sha256)
    .bind(period.until.map(|u| iso_date(evidence_retained_until(u))))
    .execute(&mut *tx)
    .await?;
    let renewal = renews.as_ref().map(|r| format!("; rinnovo della delega {}", r.reference)).unwrap_or_default();
    event(
        &mut tx,
        delega_id,
        Some(intermediary_id),
        "richiesta",
        &format!(
            "modulo {} (impronta {form_sha256}); servizi: {}; periodo {}{renewal}",
            form.reference,
            form.services.join(", "),
            form.period
        ),
        now,
    )
    .await?;
    if let Some(r) = &renews {
        event(
            &mut tx,
            r.id,
            Some(intermediary_id),
            "rinnovo_richiesto",
            &format!("nuova richiesta {}", form.reference),
            now,
        )
        .await?;
    }
    issue_otp(&mut tx, delega_id, intermediary_id, &form, now).await?;
    tx.commit().await?;
    Ok(delega_id)
}

/// Draws a new OTP for a pending delega, replacing any earlier one, and queues the PEC that carries it.
async fn issue_otp(
    tx: &mut Transaction<'static, Any>,
    delega_id: DelegaId,
    actor: i64,
    form: &DelegaForm,
    now: i64,
) -> Result<(), AppError> {
    let code = new_otp();
    let hash = identity::hash_password(otp_material(delega_id, &code)).await?;
    // The letter holds the code's placeholder; the code itself waits in `secret` until sent.
    let notice = super::avvisi::delega_otp(form);
    let outbox_id = outbox::enqueue(
        tx,
        NewMessage {
            channel: Channel::Pec,
            recipient: &form.ente_pec,
            subject: &notice.subject,
            body: &notice.text,
            html: Some(&notice.html),
            calendar: None,
            secret: Some(&code),
            delega_id: Some(delega_id.0),
            richiesta_id: None,
        },
        now,
    )
    .await?;
    sqlx::query(
        "UPDATE delega_evidence SET otp_hash = $1, otp_issued_at = $2, otp_expires_at = $3, otp_failed_attempts = 0, \
         outbox_id = $4 WHERE delega_id = $5",
    )
    .bind(hash)
    .bind(now)
    .bind(now + otp::VALID_SECONDS)
    .bind(outbox_id)
    .bind(delega_id)
    .execute(&mut **tx)
    .await?;
    event(tx, delega_id, Some(actor), "otp_inviato", &format!("PEC a {}", form.ente_pec), now).await?;
    Ok(())
}

async fn stored_form(db: &Db, delega_id: DelegaId) -> Result<DelegaForm, AppError> {
    let json: Option<String> = sqlx::query_scalar("SELECT form_json FROM delega_evidence WHERE delega_id = $1")
        .bind(delega_id)
        .fetch_optional(db.pool())
        .await?;
    let json = json.ok_or(AppError::NotFound)?;
    serde_json::from_str(&json).map_err(|e| AppError::from(anyhow::anyhow!(e)))
}

/// The printable form of an intermediary delega, as fixed when it was requested.
pub async fn form_pdf(db: &Db, delega_id: DelegaId) -> Result<(String, Vec<u8>), AppError> {
    let form = stored_form(db, delega_id).await?;
    let reference = form.reference.clone();
    // CPU-bound: on the typesetting pool, off the async workers.
    let pdf = super::pdf::typeset(move || super::pdf::delega_form_pdf(&form)).await?;
    Ok((reference, pdf))
}

fn period_over() -> AppError {
    AppError::invalid("Il periodo della delega è terminato: la delega è scaduta e non può più essere attivata.")
}

/// A new OTP for a pending delega (the old one dies): after expiry, lock-out, or a lost PEC.
pub async fn reissue_otp(
    db: &Db,
    intermediary_id: i64,
    delega_id: DelegaId,
    today: chrono::NaiveDate,
) -> Result<(), AppError> {
    let not_pending = || AppError::invalid("La delega non è in attesa di attivazione.");
    let row: Option<(String, Option<String>)> = sqlx::query_as("SELECT status, valid_until FROM deleghe WHERE id = $1")
        .bind(delega_id)
        .fetch_optional(db.pool())
        .await?;
    let Some((status, until)) = row else { return Err(not_pending()) };
    let until = until.as_deref().map(parse_iso_date).transpose()?;
    match delega_status_on(StatoDelega::try_from(status)?, until, today) {
        StatoDelega::InAttesa => {}
        StatoDelega::Scaduta => return Err(period_over()),
        _ => return Err(not_pending()),
    }
    let form = stored_form(db, delega_id).await?;
    let now = now_unix();
    let mut tx = db.begin_write().await?;
    // Checked again under the write lock: a revocation may have come in between.
    let status: Option<String> =
        sqlx::query_scalar("SELECT status FROM deleghe WHERE id = $1").bind(delega_id).fetch_optional(&mut *tx).await?;
    if status.as_deref() != Some("in_attesa") {
        return Err(not_pending());
    }
    issue_otp(&mut tx, delega_id, intermediary_id, &form, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Step 4: the intermediary enters the OTP and declares that the delegante signed. A wrong code counts
/// against the code; at the limit the code dies and a new one must be asked for.
pub async fn activate(
    db: &Db,
    intermediary_id: i64,
    delega_id: DelegaId,
    typed: &str,
    declared: bool,
    today: chrono::NaiveDate,
) -> Result<(), AppError> {
    if !declared {
        return Err(AppError::invalid(
            "Per attivare la delega occorre dichiarare che il delegante ha sottoscritto il modulo.",
        ));
    }
    let now = now_unix();
    // status, valid_from, valid_until, otp_hash, otp_expires_at, otp_failed_attempts
    type Evidence = (String, String, Option<String>, Option<String>, Option<i64>, i64);
    let row: Option<Evidence> = sqlx::query_as(
        "SELECT d.status, d.valid_from, d.valid_until, e.otp_hash, e.otp_expires_at, e.otp_failed_attempts \
         FROM deleghe d JOIN delega_evidence e ON e.delega_id = d.id WHERE d.id = $1",
    )
    .bind(delega_id)
    .fetch_optional(db.pool())
    .await?;
    let (status, valid_from, until, hash, expires, failed) = row.ok_or(AppError::NotFound)?;
    let until = until.as_deref().map(parse_iso_date).transpose()?;
    match delega_status_on(StatoDelega::try_from(status)?, until, today) {
        StatoDelega::InAttesa => {}
        StatoDelega::Scaduta => return Err(period_over()),
        _ => return Err(AppError::invalid("La delega non è in attesa di attivazione.")),
    }
    // Active from its stated first day, or from today if that has passed while the OTP went round.
    let valid_from = parse_iso_date(&valid_from)?.max(today);
    let dead = || AppError::invalid("Il codice OTP non è più valido (già usato o bloccato): ne richieda uno nuovo.");
    let Some(hash) = hash else { return Err(dead()) };
    if failed >= otp::MAX_FAILED_ATTEMPTS {
        return Err(dead());
    }
    if expires.is_none_or(|e| now >= e) {
        return Err(AppError::invalid(format!(
            "Il codice OTP è scaduto (vale {} ore dall'invio): ne richieda uno nuovo.",
            otp::VALID_SECONDS / 3600
        )));
    }
    let right = match otp::normalise(typed) {
        Some(code) => identity::verify_password(Some(hash.clone()), otp_material(delega_id, &code)).await?,
        None => false,
    };
    let mut tx = db.begin_write().await?;
    if !right {
        // Conditional on the same hash: a code replaced meanwhile is not charged for this attempt.
        sqlx::query(
            "UPDATE delega_evidence SET otp_failed_attempts = otp_failed_attempts + 1, \
             otp_hash = CASE WHEN otp_failed_attempts + 1 >= $1 THEN NULL ELSE otp_hash END \
             WHERE delega_id = $2 AND otp_hash = $3",
        )
        .bind(otp::MAX_FAILED_ATTEMPTS)
        .bind(delega_id)
        .bind(&hash)
        .execute(&mut *tx)
        .await?;
        let left = otp::MAX_FAILED_ATTEMPTS - failed - 1;
        let detail = format!("codice errato, tentativi rimasti {left}");
        event(&mut tx, delega_id, Some(intermediary_id), "otp_errato", &detail, now).await?;
        tx.commit().await?;
        return Err(if left > 0 {
            AppError::invalid(format!("Codice OTP errato. Tentativi rimasti: {left}."))
        } else {
            AppError::invalid("Codice OTP errato. Il codice è ora bloccato: ne richieda uno nuovo.")
        });
    }
    // Single use: the hash is cleared in the same statement that checks it is still the one verified.
    let used = sqlx::query(
        "UPDATE delega_evidence SET otp_hash = NULL, declared_at = $1, activated_at = $1 \
         WHERE delega_id = $2 AND otp_hash = $3",
    )
    .bind(now)
    .bind(delega_id)
    .bind(&hash)
    .execute(&mut *tx)
    .await?;
    if used.rows_affected() != 1 {
        return Err(dead());
    }
    sqlx::query("UPDATE deleghe SET status = 'attiva', valid_from = $1 WHERE id = $2")
        .bind(iso_date(valid_from))
        .bind(delega_id)
        .execute(&mut *tx)
        .await?;
    // The declaration is recorded as the intermediary made it: the circular's whole text.
    event(
        &mut tx,
        delega_id,
        Some(intermediary_id),
        "attivata",
        &format!("OTP verificato. Dichiarazione dell'intermediario: «{DICHIARAZIONE_ATTIVAZIONE}»"),
        now,
    )
    .await?;
    continue_subdeleghe(&mut tx, delega_id, intermediary_id, valid_from, now).await?;
    super::feedback::record_uso(&mut tx, intermediary_id, "delega-attivazione", &delega_id.to_string(), now).await?;
    tx.commit().await?;
    Ok(())
}

/// When a renewal is activated, the sub-deleghe in force under the delega it renews continue under the
/// renewal from its first day: the intermediary's employees keep working across the change without being
/// sub-delegated again (each sub-delega still needs its own SC62, checked at every request).
async fn continue_subdeleghe(
    tx: &mut Transaction<'static, Any>,
    renewal_id: DelegaId,
    actor: i64,
    from: chrono::NaiveDate,
    now: i64,
) -> Result<(), AppError> {
    let subs: Vec<(i64, i64, Option<i64>, i64)> = sqlx::query_as(
        "SELECT s.id, s.position_id, s.grantor_user_id, s.grantee_user_id FROM deleghe s \
         JOIN deleghe r ON r.renews_id = s.parent_id WHERE r.id = $1 AND s.kind = 'subdelega' AND s.status = 'attiva'",
    )
    .bind(renewal_id)
    .fetch_all(&mut **tx)
    .await?;
    for (sub, position_id, grantor, grantee) in subs {
        let id: DelegaId = sqlx::query_scalar(
            "INSERT INTO deleghe (kind, position_id, grantor_user_id, grantee_user_id, parent_id, status, valid_from, created_at) \
             VALUES ('subdelega', $1, $2, $3, $4, 'attiva', $5, $6) RETURNING id",
        )
        .bind(position_id)
        .bind(grantor)
        .bind(grantee)
        .bind(renewal_id)
        .bind(iso_date(from))
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
        let detail = format!("subdelega della delega {renewal_id}: prosegue la subdelega {sub} con il rinnovo");
        event(tx, id, Some(actor), "conferita", &detail, now).await?;
    }
    Ok(())
}

/// Revocation by any side with the right to it (checked by the caller). Takes effect at the next
/// request; the sub-deleghe under a revoked delega end with it.
pub async fn revoke(db: &Db, actor_id: i64, delega_id: DelegaId, today: chrono::NaiveDate) -> Result<(), AppError> {
    let now = now_unix();
    let mut tx = db.begin_write().await?;
    // A delega already past its end is scaduta: there is nothing left to revoke.
    let ended = sqlx::query(
        "UPDATE deleghe SET status = 'revocata', revoked_on = $1, ended_at = $2, ended_by = $3 \
         WHERE id = $4 AND status IN ('in_attesa', 'attiva') AND (valid_until IS NULL OR valid_until >= $1)",
    )
    .bind(iso_date(today))
    .bind(now)
    .bind(actor_id)
    .bind(delega_id)
    .execute(&mut *tx)
    .await?;
    if ended.rows_affected() != 1 {
        return Err(AppError::invalid("La delega è già revocata o scaduta."));
    }
    sqlx::query("UPDATE delega_evidence SET otp_hash = NULL, retain_until = $1 WHERE delega_id = $2")
        .bind(iso_date(evidence_retained_until(today)))
        .bind(delega_id)
        .execute(&mut *tx)
        .await?;
    event(&mut tx, delega_id, Some(actor_id), "revocata", "", now).await?;
    // Its sub-deleghe end with it, and so does a renewal asked for it: the Ente that revokes does not want
    // the intermediary to come back by a renewal it consented to earlier.
    let subs: Vec<DelegaId> = sqlx::query_scalar(
        "SELECT id FROM deleghe WHERE (parent_id = $1 OR renews_id = $1) AND status IN ('in_attesa', 'attiva')",
    )
    .bind(delega_id)
    .fetch_all(&mut *tx)
    .await?;
    for sub in subs {
        sqlx::query(
            "UPDATE deleghe SET status = 'revocata', revoked_on = $1, ended_at = $2, ended_by = $3 WHERE id = $4",
        )
        .bind(iso_date(today))
        .bind(now)
        .bind(actor_id)
        .bind(sub)
        .execute(&mut *tx)
        .await?;
        event(&mut tx, sub, Some(actor_id), "revocata", &format!("con la delega {delega_id}"), now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Intermediary -> own employee, on one of its active deleghe. The employee must hold SC62 with
/// *Gestione contributiva dipendenti pubblici* (circular §2b, last paragraphs).
pub async fn grant_subdelega(
    db: &Db,
    intermediary_id: i64,
    delega_id: DelegaId,
    employee_cf: &str,
    today: chrono::NaiveDate,
) -> Result<DelegaId, AppError> {
    let (employee_id, employer) = user_by_cf(db, employee_cf, Role::Subdelegato).await?;
    if employer != Some(intermediary_id) {
        return Err(AppError::invalid("Il codice fiscale indicato non è di un suo dipendente."));
    }
    if !super::profili::holds_scope(db, employee_id, ProfileForm::Sc62, Scope::DipendentiPubblici).await? {
        return Err(AppError::invalid(
            "Il dipendente non ha il profilo SC62 con l'ambito «Gestione contributiva dipendenti pubblici».",
        ));
    }
    let now = now_unix();
    let mut tx = db.begin_write().await?;
    let parent: Option<(i64, String, Option<String>)> =
        sqlx::query_as("SELECT position_id, status, valid_until FROM deleghe WHERE id = $1 AND kind = 'intermediario'")
            .bind(delega_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((position_id, status, until)) = parent else { return Err(AppError::NotFound) };
    let until = until.as_deref().map(parse_iso_date).transpose()?;
    if delega_status_on(StatoDelega::try_from(status)?, until, today) != StatoDelega::Attiva {
        return Err(AppError::invalid("Si possono subdelegare solo deleghe attive."));
    }
    let existing: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM deleghe WHERE parent_id = $1 AND grantee_user_id = $2 AND status = 'attiva'",
    )
    .bind(delega_id)
    .bind(employee_id)
    .fetch_one(&mut *tx)
    .await?;
    if existing > 0 {
        return Err(AppError::invalid("Il dipendente ha già una subdelega attiva su questa delega."));
    }
    let id: DelegaId = sqlx::query_scalar(
        "INSERT INTO deleghe (kind, position_id, grantor_user_id, grantee_user_id, parent_id, status, valid_from, created_at) \
         VALUES ('subdelega', $1, $2, $3, $4, 'attiva', $5, $6) RETURNING id",
    )
    .bind(position_id)
    .bind(intermediary_id)
    .bind(employee_id)
    .bind(delega_id)
    .bind(iso_date(rome_date(now)))
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    event(&mut tx, id, Some(intermediary_id), "conferita", &format!("subdelega della delega {delega_id}"), now).await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct Row {
    id: DelegaId,
    #[sqlx(try_from = "String")]
    kind: TipoDelega,
    position_code: String,
    sector: String,
    ente_name: String,
    grantor_name: Option<String>,
    grantee_id: i64,
    grantee_cf: String,
    grantee_name: String,
    #[sqlx(try_from = "String")]
    status: StatoDelega,
    valid_from: String,
    valid_until: Option<String>,
    revoked_on: Option<String>,
    parent_id: Option<DelegaId>,
    parent_status: Option<String>,
    parent_valid_until: Option<String>,
    renews_id: Option<DelegaId>,
    renewal_id: Option<DelegaId>,
    origin: String,
    pec_status: Option<String>,
    pec_failed: i64,
}

const ROW_SELECT: &str = "\
    SELECT d.id, d.kind, p.code AS position_code, e.sector, e.denominazione AS ente_name, \
           g.full_name AS grantor_name, u.id AS grantee_id, u.codice_fiscale AS grantee_cf, \
           u.full_name AS grantee_name, d.status, d.valid_from, d.valid_until, d.revoked_on, d.parent_id, \
           pd.status AS parent_status, pd.valid_until AS parent_valid_until, d.renews_id, \
           (SELECT MAX(r.id) FROM deleghe r WHERE r.renews_id = d.id AND r.status IN ('in_attesa', 'attiva')) \
             AS renewal_id, \
           d.origin, o.status AS pec_status, \
           (SELECT COUNT(*) FROM pec_receipts r WHERE r.outbox_id = o.id \
              AND r.kind IN ('errore_consegna', 'non_accettazione')) AS pec_failed \
    FROM deleghe d JOIN positions p ON p.id = d.position_id JOIN enti e ON e.id = p.ente_id \
    JOIN users u ON u.id = d.grantee_user_id LEFT JOIN users g ON g.id = d.grantor_user_id \
    LEFT JOIN deleghe pd ON pd.id = d.parent_id \
    LEFT JOIN delega_evidence ev ON ev.delega_id = d.id LEFT JOIN outbox o ON o.id = ev.outbox_id";

async fn to_rows(db: &Db, rows: Vec<Row>, today: chrono::NaiveDate) -> Result<Vec<DelegaRow>, AppError> {
    // The services of every listed delega in one query (the ids are integers from the database).
    let mut services: std::collections::HashMap<DelegaId, Vec<String>> = std::collections::HashMap::new();
    if !rows.is_empty() {
        let ids: Vec<String> = rows.iter().map(|r| r.id.to_string()).collect();
        let listed: Vec<(DelegaId, String)> = sqlx::query_as(&format!(
            "SELECT delega_id, scope FROM delega_servizi WHERE delega_id IN ({}) ORDER BY delega_id, scope",
            ids.join(",")
        ))
        .fetch_all(db.pool())
        .await?;
        for (id, scope) in listed {
            services.entry(id).or_default().push(scope);
        }
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let usable = match r.kind {
            TipoDelega::Dipendente => {
                super::profili::holds_scope(db, r.grantee_id, ProfileForm::Sc62, Scope::for_sector(&r.sector)).await?
            }
            TipoDelega::Subdelega => {
                super::profili::holds_scope(db, r.grantee_id, ProfileForm::Sc62, Scope::DipendentiPubblici).await?
            }
            _ => true,
        };
        let pec_state = r.pec_status.map(|s| {
            if r.pec_failed > 0 {
                "mancata_consegna".to_string()
            } else if s == "inviato" {
                "consegnata".to_string()
            } else {
                s
            }
        });
        let valid_until = r.valid_until.as_deref().map(parse_iso_date).transpose()?;
        let mut status = delega_status_on(r.status, valid_until, today);
        if let Some(parent) = r.parent_status {
            let parent_until = r.parent_valid_until.as_deref().map(parse_iso_date).transpose()?;
            status = subdelega_status(status, delega_status_on(StatoDelega::try_from(parent)?, parent_until, today));
        }
        let expiring = status == StatoDelega::Attiva && expiring_soon(valid_until, today);
        out.push(DelegaRow {
            id: r.id,
            kind: r.kind,
            position_code: r.position_code,
            ente_name: r.ente_name,
            grantor_name: r.grantor_name,
            grantee_cf: r.grantee_cf,
            grantee_name: r.grantee_name,
            status,
            valid_from: parse_iso_date(&r.valid_from)?,
            valid_until,
            revoked_on: r.revoked_on.as_deref().map(parse_iso_date).transpose()?,
            usable,
            pec_state,
            parent_id: r.parent_id,
            services: services.remove(&r.id).unwrap_or_default(),
            imported: r.origin == "importazione",
            renews_id: r.renews_id,
            renewal_id: r.renewal_id,
            expiring,
        });
    }
    Ok(out)
}

async fn rows_where(
    db: &Db,
    condition: &str,
    user_id: i64,
    today: chrono::NaiveDate,
) -> Result<Vec<DelegaRow>, AppError> {
    let rows: Vec<Row> = sqlx::query_as(&format!("{ROW_SELECT} WHERE {condition} ORDER BY d.id DESC LIMIT 500"))
        .bind(user_id)
        .fetch_all(db.pool())
        .await?;
    to_rows(db, rows, today).await
}

pub async fn overview(
    db: &Db,
    user_id: i64,
    user_cf: &str,
    role: Role,
    today: chrono::NaiveDate,
) -> Result<DelegheOverview, AppError> {
    let on_my_positions = if role == Role::Datore {
        rows_where(db, "e.datore_user_id = $1 AND d.kind IN ('dipendente', 'intermediario')", user_id, today).await?
    } else {
        Vec::new()
    };
    let held = rows_where(db, "d.grantee_user_id = $1", user_id, today).await?;
    // The intermediary's deleghe that end within the notice, soonest first, so a renewal can go round in time.
    let mut expiring: Vec<DelegaRow> =
        held.iter().filter(|d| d.kind == TipoDelega::Intermediario && d.expiring).cloned().collect();
    expiring.sort_by_key(|d| (d.valid_until, d.id));
    let granted_sub = if role == Role::Intermediario {
        rows_where(db, "d.kind = 'subdelega' AND d.grantor_user_id = $1", user_id, today).await?
    } else {
        Vec::new()
    };
    let own_positions = if role == Role::Datore {
        sqlx::query_as(
            "SELECT p.code, e.denominazione FROM positions p JOIN enti e ON e.id = p.ente_id \
             WHERE e.datore_user_id = $1 ORDER BY e.denominazione, p.code",
        )
        .bind(user_id)
        .fetch_all(db.pool())
        .await?
    } else {
        Vec::new()
    };
    let (albo, employees) = if role == Role::Intermediario {
        let albo = albo_of(db, user_cf).await?.map(|(c, reg, prov)| format!("{} n. {reg} ({prov})", c.label()));
        let employees = sqlx::query_as(
            "SELECT codice_fiscale, full_name FROM users WHERE employer_user_id = $1 AND role = 'subdelegato' \
             ORDER BY full_name",
        )
        .bind(user_id)
        .fetch_all(db.pool())
        .await?;
        (albo, employees)
    } else {
        (None, Vec::new())
    };
    Ok(DelegheOverview { role, on_my_positions, held, expiring, granted_sub, own_positions, albo, employees })
}

/// A delega with its history and evidence, for a caller already known to be a party to it.
pub async fn detail(
    db: &Db,
    delega_id: DelegaId,
    party: Party,
    today: chrono::NaiveDate,
) -> Result<DelegaDetail, AppError> {
    let rows: Vec<Row> =
        sqlx::query_as(&format!("{ROW_SELECT} WHERE d.id = $1")).bind(delega_id).fetch_all(db.pool()).await?;
    let delega = to_rows(db, rows, today).await?.pop().ok_or(AppError::NotFound)?;
    let events: Vec<(i64, Option<String>, String, String)> = sqlx::query_as(
        "SELECT ev.at, u.full_name, ev.kind, ev.detail FROM delega_events ev LEFT JOIN users u ON u.id = ev.actor_user_id \
         WHERE ev.delega_id = $1 ORDER BY ev.id",
    )
    .bind(delega_id)
    .fetch_all(db.pool())
    .await?;
    let events = events.into_iter().map(|(at, actor, kind, detail)| DelegaEvent { at, actor, kind, detail }).collect();
    let now = now_unix();
    #[derive(sqlx::FromRow)]
    struct Ev {
        form_sha256: String,
        otp_hash: Option<String>,
        otp_expires_at: Option<i64>,
        otp_failed_attempts: i64,
        declared_at: Option<i64>,
        activated_at: Option<i64>,
        retain_until: Option<String>,
        recipient: Option<String>,
        message_id: Option<String>,
        status: Option<String>,
    }
    let ev: Option<Ev> = sqlx::query_as(
        "SELECT e.form_sha256, e.otp_hash, e.otp_expires_at, e.otp_failed_attempts, e.declared_at, \
                e.activated_at, e.retain_until, o.recipient, o.message_id, o.status \
         FROM delega_evidence e LEFT JOIN outbox o ON o.id = e.outbox_id WHERE e.delega_id = $1",
    )
    .bind(delega_id)
    .fetch_optional(db.pool())
    .await?;
    let evidence = match ev {
        None => None,
        Some(ev) => {
            // The receipts of every PEC sent for this delega (each new OTP is a new PEC): all are evidence.
            let receipts: Vec<(String, String, i64, String)> = sqlx::query_as(
                "SELECT r.kind, r.recipient, r.at, r.detail FROM pec_receipts r JOIN outbox o ON o.id = r.outbox_id \
                 WHERE o.delega_id = $1 ORDER BY r.id",
            )
            .bind(delega_id)
            .fetch_all(db.pool())
            .await?;
            Some(DelegaEvidence {
                form_sha256: ev.form_sha256,
                pec_recipient: ev.recipient,
                pec_message_id: ev.message_id,
                pec_status: ev.status,
                receipts,
                otp_expires_at: ev.otp_expires_at,
                otp_failed_attempts: ev.otp_failed_attempts,
                otp_outstanding: ev.otp_hash.is_some() && ev.otp_expires_at.is_some_and(|e| now < e),
                declared_at: ev.declared_at,
                activated_at: ev.activated_at,
                retain_until: ev.retain_until.as_deref().map(parse_iso_date).transpose()?,
            })
        }
    };
    let open = matches!(delega.status, StatoDelega::InAttesa | StatoDelega::Attiva);
    let can_revoke = open && may_revoke(delega.kind, party);
    let intermediario = delega.kind == TipoDelega::Intermediario;
    let can_activate = intermediario && delega.status == StatoDelega::InAttesa && party.grantee;
    // A delega with an end date can be renewed by its intermediary until that end, once.
    let can_renew = intermediario
        && delega.status == StatoDelega::Attiva
        && delega.valid_until.is_some()
        && delega.renewal_id.is_none()
        && party.grantee;
    let delegante = match stored_form(db, delega_id).await {
        Ok(form) => Some(DelegaDelegante {
            codice_fiscale: form.legal_rep_codice_fiscale,
            nome: form.legal_rep_nome,
            cognome: form.legal_rep_cognome,
            period: form.period,
        }),
        Err(AppError::NotFound) => None,
        Err(e) => return Err(e),
    };
    Ok(DelegaDetail { delega, events, evidence, can_revoke, can_activate, can_renew, delegante })
}

/// Who may revoke: the Ente's datore any delega on its positions; the intermediary its own delega;
/// the grantor (datore or intermediary) what it granted; the intermediary a sub-delega under its delega.
pub fn may_revoke(kind: TipoDelega, party: Party) -> bool {
    match kind {
        TipoDelega::Dipendente => party.titolare || party.grantor,
        TipoDelega::Intermediario => party.titolare || party.grantee,
        TipoDelega::Subdelega => party.grantor || party.parent_holder,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn otp_codes_have_the_right_shape_and_vary() {
        let a = new_otp();
        assert_eq!(a.len(), otp::DIGITS);
        assert!(a.bytes().all(|b| b.is_ascii_digit()));
        let distinct: std::collections::HashSet<String> = (0..50).map(|_| new_otp()).collect();
        assert!(distinct.len() > 45, "50 draws gave only {} distinct codes", distinct.len());
    }

    #[test]
    fn revocation_rights_follow_the_side() {
        let none = Party { titolare: false, grantor: false, grantee: false, parent_holder: false };
        assert!(may_revoke(TipoDelega::Dipendente, Party { titolare: true, ..none }));
        assert!(!may_revoke(TipoDelega::Dipendente, Party { grantee: true, ..none }));
        assert!(may_revoke(TipoDelega::Intermediario, Party { grantee: true, ..none }));
        assert!(may_revoke(TipoDelega::Intermediario, Party { titolare: true, ..none }));
        assert!(may_revoke(TipoDelega::Subdelega, Party { parent_holder: true, ..none }));
        assert!(!may_revoke(TipoDelega::Subdelega, Party { grantee: true, ..none }));
        assert!(!may_revoke(TipoDelega::Subdelega, Party { titolare: true, ..none }));
    }
}
