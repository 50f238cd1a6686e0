//! Profile requests (SC65, SC62, RA012), their decision by an operator of the competent Sede, the
//! scopes users hold, and the import of enablements granted before the cut-over.

use sqlx::{Any, Transaction};

use super::audit::{self, Entry};
use super::db::{Db, now_unix};
use crate::domain::codice_fiscale::CodiceFiscale;
use crate::domain::partita_iva::PartitaIva;
use crate::domain::profili::{ProfileForm, RequestContent, Scope, check_request};
use crate::error::AppError;
use crate::model::{ProfileOverview, ProfileRequestRow, RichiestaProfiloId, Role};

/// Whether `user_id` holds `scope` through form `form` (SC62 for employees, SC65 for employers).
pub async fn holds_scope(db: &Db, user_id: i64, form: ProfileForm, scope: Scope) -> sqlx::Result<bool> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM profile_scopes WHERE user_id = $1 AND form = $2 AND scope = $3")
            .bind(user_id)
            .bind(form.code())
            .bind(scope.code())
            .fetch_one(db.pool())
            .await?;
    Ok(n > 0)
}

/// Files a request for the caller. The Ente is named by its codice fiscale; the request goes to its
/// Sede. SC65 is for the Ente's legal representative, SC62 for employees (of the Ente or of an
/// intermediary), RA012 for anyone working with the Cassetto.
pub async fn submit_request(
    db: &Db,
    user: &super::identity::SessionUser,
    form: ProfileForm,
    ente_cf: &str,
    scopes: &[String],
    legacy: Option<&str>,
) -> Result<RichiestaProfiloId, AppError> {
    let (user_id, user_cf, role) = (user.user_id, user.codice_fiscale.as_str(), user.role);
    let content = check_request(form, scopes, legacy).map_err(AppError::invalid)?;
    let allowed = match form {
        // A newcomer (`nessuno`, arrived through SPID or CIE) asks for the profile that gives them a role.
        ProfileForm::Sc65 => matches!(role, Role::Datore | Role::Nessuno),
        ProfileForm::Sc62 => matches!(role, Role::Delegato | Role::Subdelegato | Role::Nessuno),
        ProfileForm::Ra012 => role.uses_cassetto(),
    };
    if !allowed {
        return Err(AppError::invalid(match form {
            ProfileForm::Sc65 => "Il modello SC65 è riservato al datore di lavoro o rappresentante legale.",
            _ => "Il modello SC62 è riservato ai dipendenti delegati e ai dipendenti degli intermediari.",
        }));
    }
    let ente_cf = ente_cf.trim().to_uppercase();
    if PartitaIva::parse(&ente_cf).is_err() && CodiceFiscale::parse(&ente_cf).is_err() {
        return Err(AppError::invalid("Il codice fiscale dell'Ente non è valido."));
    }
    let ente: Option<(i64, i64, String, Option<i64>)> =
        sqlx::query_as("SELECT id, sede_id, legal_rep_cf, datore_user_id FROM enti WHERE codice_fiscale = $1")
            .bind(&ente_cf)
            .fetch_optional(db.pool())
            .await?;
    let Some((ente_id, sede_id, legal_rep_cf, datore)) = ente else {
        return Err(AppError::invalid("Nessun Ente risulta con il codice fiscale indicato."));
    };
    if form == ProfileForm::Sc65 && legal_rep_cf != user_cf && datore != Some(user_id) {
        return Err(AppError::invalid("Non risulta legale rappresentante dell'Ente indicato."));
    }
    let now = now_unix();
    let mut tx = db.begin_write().await?;
    let pending: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM profile_requests WHERE user_id = $1 AND form = $2 AND ente_id = $3 AND status = 'in_attesa'",
    )
    .bind(user_id)
    .bind(form.code())
    .bind(ente_id)
    .fetch_one(&mut *tx)
    .await?;
    if pending > 0 {
        return Err(AppError::invalid("Ha già una richiesta in attesa con questo modello per lo stesso Ente."));
    }
    let legacy_code = match &content {
        RequestContent::Legacy(s) => Some(s.code().to_string()),
        RequestContent::Scopes(_) => None,
    };
    let id: RichiestaProfiloId = sqlx::query_scalar(
        "INSERT INTO profile_requests (user_id, form, ente_id, sede_id, legacy_service, status, submitted_at) \
         VALUES ($1, $2, $3, $4, $5, 'in_attesa', $6) RETURNING id",
    )
    .bind(user_id)
    .bind(form.code())
    .bind(ente_id)
    .bind(sede_id)
    .bind(legacy_code)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let scope_codes: Vec<&str> = match &content {
        RequestContent::Scopes(s) => s.iter().map(|s| s.code()).collect(),
        RequestContent::Legacy(s) => vec![s.code()],
    };
    for code in &scope_codes {
        sqlx::query("INSERT INTO profile_request_scopes (request_id, scope) VALUES ($1, $2)")
            .bind(id)
            .bind(*code)
            .execute(&mut *tx)
            .await?;
    }
    let detail = format!("{} per l'Ente {ente_cf}: {}", form.code(), scope_codes.join(", "));
    audit::append(
        &mut tx,
        Entry {
            actor_user_id: Some(user_id),
            action: "profilo.richiesta",
            subject: &format!("richiesta:{id}"),
            detail: &detail,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// An operator's decision. The caller has already checked that the request belongs to the operator's
/// Sede; here the request must still be pending (two operators cannot both decide it).
pub async fn decide_request(
    db: &Db,
    operator_id: i64,
    request_id: RichiestaProfiloId,
    approve: bool,
    reason: &str,
) -> Result<(), AppError> {
    let reason = reason.trim();
    if !approve && reason.is_empty() {
        return Err(AppError::invalid("Indichi il motivo del rifiuto."));
    }
    if reason.chars().count() > 500 {
        return Err(AppError::invalid("Il motivo può contenere al massimo 500 caratteri."));
    }
    let now = now_unix();
    let mut tx = db.begin_write().await?;
    let decided = sqlx::query(
        "UPDATE profile_requests SET status = $1, decided_at = $2, decided_by = $3, reason = $4 \
         WHERE id = $5 AND status = 'in_attesa'",
    )
    .bind(if approve { "approvata" } else { "respinta" })
    .bind(now)
    .bind(operator_id)
    .bind(reason)
    .bind(request_id)
    .execute(&mut *tx)
    .await?;
    if decided.rows_affected() != 1 {
        return Err(AppError::invalid("La richiesta è già stata decisa."));
    }
    let (user_id, form, ente_id): (i64, String, i64) =
        sqlx::query_as("SELECT user_id, form, ente_id FROM profile_requests WHERE id = $1")
            .bind(request_id)
            .fetch_one(&mut *tx)
            .await?;
    if approve {
        let scopes: Vec<String> = sqlx::query_scalar("SELECT scope FROM profile_request_scopes WHERE request_id = $1")
            .bind(request_id)
            .fetch_all(&mut *tx)
            .await?;
        for scope in scopes {
            grant_scope(&mut tx, user_id, &form, &scope, "richiesta", Some(request_id), now).await?;
        }
        // A newcomer without a profile takes the role the approved form gives: datore for SC65, delegated
        // employee for SC62. Any other role stays as it is.
        let role = match ProfileForm::parse(&form) {
            Some(ProfileForm::Sc65) => Some(Role::Datore),
            Some(ProfileForm::Sc62) => Some(Role::Delegato),
            _ => None,
        };
        if let Some(role) = role {
            sqlx::query("UPDATE users SET role = $1 WHERE id = $2 AND role = 'nessuno'")
                .bind(role.as_str())
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        // An approved SC65 makes the requester the Ente's employer in the Cassetto, for the scopes approved
        // for that Ente only: SC65 with "Malattia – attestati" alone does not open the Ente's Cassetto
        // (`authz::reachable_positions` reads `ente_scopes`).
        if form == ProfileForm::Sc65.code() {
            sqlx::query("UPDATE enti SET datore_user_id = $1 WHERE id = $2")
                .bind(user_id)
                .bind(ente_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO ente_scopes (ente_id, user_id, scope, source, request_id, granted_at) \
                 SELECT $1, $2, scope, 'richiesta', $3, $4 FROM profile_request_scopes r WHERE r.request_id = $3 \
                 AND NOT EXISTS (SELECT 1 FROM ente_scopes x WHERE x.ente_id = $1 AND x.user_id = $2 AND x.scope = r.scope)",
            )
            .bind(ente_id)
            .bind(user_id)
            .bind(request_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
    }
    audit::append(
        &mut tx,
        Entry {
            actor_user_id: Some(operator_id),
            action: if approve { "profilo.approvata" } else { "profilo.respinta" },
            subject: &format!("richiesta:{request_id}"),
            detail: reason,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Gives every Ente's datore the SC65 scopes for that Ente when they have none recorded there yet: their SC65
/// scopes as a user (recorded before scopes were per Ente), or, without any, the Gestione contributiva of the
/// Ente's sector. The data step of migration 0014, for the seeds that create datori after migrating.
pub async fn backfill_ente_scopes(conn: &mut sqlx::AnyConnection) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO ente_scopes (ente_id, user_id, scope, source, request_id, granted_at) \
         SELECT e.id, e.datore_user_id, s.scope, s.source, s.request_id, s.granted_at \
         FROM enti e JOIN profile_scopes s ON s.user_id = e.datore_user_id AND s.form = 'SC65' \
         WHERE s.scope IN ('gc_privati','gc_pubblici','malattia_attestati','malattia_visita') \
         AND NOT EXISTS (SELECT 1 FROM ente_scopes x WHERE x.ente_id = e.id AND x.user_id = e.datore_user_id)",
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO ente_scopes (ente_id, user_id, scope, source, request_id, granted_at) \
         SELECT e.id, e.datore_user_id, CASE WHEN e.sector = 'pubblico' THEN 'gc_pubblici' ELSE 'gc_privati' END, \
             'importazione', NULL, 0 \
         FROM enti e WHERE e.datore_user_id IS NOT NULL \
         AND NOT EXISTS (SELECT 1 FROM profile_scopes s WHERE s.user_id = e.datore_user_id AND s.form = 'SC65') \
         AND NOT EXISTS (SELECT 1 FROM ente_scopes x WHERE x.ente_id = e.id AND x.user_id = e.datore_user_id)",
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn grant_scope(
    tx: &mut Transaction<'static, Any>,
    user_id: i64,
    form: &str,
    scope: &str,
    source: &str,
    request_id: Option<RichiestaProfiloId>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM profile_scopes WHERE user_id = $1 AND form = $2 AND scope = $3")
        .bind(user_id)
        .bind(form)
        .bind(scope)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO profile_scopes (user_id, form, scope, source, request_id, granted_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(user_id)
    .bind(form)
    .bind(scope)
    .bind(source)
    .bind(request_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The CSV files of `cassetto import-profiles`: enablements granted before the cut-over, which the circular
/// (§2a, §2b: those already enabled "non dovranno ripetere le operazioni di accreditamento") keeps without a
/// new request, a new SC65, nor a new PEC + OTP. Each is optional; each pairs its text with the name the
/// report calls it by.
#[derive(Clone, Copy, Debug, Default)]
pub struct ImportFiles<'a> {
    /// `codice_fiscale,modello,ambito`: the scopes a user holds (SC65, SC62, RA012).
    pub profili: Option<(&'a str, &'a str)>,
    /// `codice_fiscale_ente,codice_fiscale_datore,ambito`: the datore of an Ente (its legal representative
    /// in the Cassetto) with a scope of SC65 for that Ente; one line per scope.
    pub enti: Option<(&'a str, &'a str)>,
    /// `tipo,posizione,codice_fiscale_delegato,dal,al,servizi`: deleghe in force, `tipo` `intermediario` or
    /// `dipendente`; `al` empty until revoked; `servizi` (intermediary only) scope codes separated by `;`.
    pub deleghe: Option<(&'a str, &'a str)>,
}

/// The data lines of a CSV file, numbered from 1 as an editor shows them: blank lines and a first line that
/// starts with the header's first column are skipped.
fn data_lines<'a>(text: &'a str, header: &str) -> Vec<(usize, Vec<&'a str>)> {
    text.lines()
        .enumerate()
        .filter(|(n, l)| !l.trim().is_empty() && (*n != 0 || !l.trim().to_lowercase().starts_with(header)))
        .map(|(n, l)| (n + 1, l.split(',').map(str::trim).collect()))
        .collect()
}

/// A person's codice fiscale for the import: 16 characters, valid.
fn person_cf(text: &str) -> Result<String, String> {
    use crate::domain::codice_fiscale::CodiceFiscaleError;
    match CodiceFiscale::parse_person(text) {
        Ok(cf) => Ok(cf.as_str().to_string()),
        Err(CodiceFiscaleError::NotAPerson) => {
            Err(format!("il codice fiscale {text} è di un ente, non di una persona fisica"))
        }
        Err(e) => Err(format!("codice fiscale {text:?} non valido: {e}")),
    }
}

/// An Ente's codice fiscale: 11 digits, or a person's 16 characters (a sole trader).
fn ente_cf(text: &str) -> Result<String, String> {
    let upper = text.to_uppercase();
    if PartitaIva::parse(&upper).is_ok() || CodiceFiscale::parse(&upper).is_ok() {
        Ok(upper)
    } else {
        Err(format!("codice fiscale dell'Ente {text:?} non valido"))
    }
}

async fn user_with_role(
    tx: &mut Transaction<'static, Any>,
    cf: &str,
    role: &str,
    what: &str,
) -> Result<i64, ImportError> {
    let found: Option<(i64, String)> = sqlx::query_as("SELECT id, role FROM users WHERE codice_fiscale = $1")
        .bind(cf)
        .fetch_optional(&mut **tx)
        .await?;
    match found {
        Some((id, r)) if r == role => Ok(id),
        Some((_, r)) => Err(ImportError::Line(format!("l'utente {cf} è registrato come {r}, non come {what}"))),
        None => Err(ImportError::Line(format!(
            "l'utente {cf} non è registrato: lo si crei prima con `cassetto user add` (ruolo {role})"
        ))),
    }
}

/// A line refused (its message) or a database failure (the whole import stops).
enum ImportError {
    Line(String),
    Db(sqlx::Error),
}

impl From<sqlx::Error> for ImportError {
    fn from(e: sqlx::Error) -> Self {
        ImportError::Db(e)
    }
}

/// Imports the enablements of `files`, validated whole: every line of every file is checked, each line
/// is reported (imported, already present, or refused with its reason), and only if no line is refused is
/// anything written, in one transaction. Running the same files again changes nothing: what is already
/// there is reported as such. `Ok(Ok(report))` when imported, `Ok(Err(report))` when refused.
pub async fn import_enablements(
    db: &Db,
    files: ImportFiles<'_>,
    today: chrono::NaiveDate,
) -> anyhow::Result<Result<Vec<String>, Vec<String>>> {
    let now = now_unix();
    // Per line: where, and what it was (its description and whether it is new) or why it was refused.
    let mut lines: Vec<(String, Result<Checked, String>)> = Vec::new();
    let mut tx = db.begin_write().await?;
    let outcome = |lines: &mut Vec<(String, Result<Checked, String>)>,
                   file: &str,
                   n: usize,
                   r: Result<Checked, ImportError>| match r {
        Ok(checked) => {
            lines.push((format!("{file} riga {n}"), Ok(checked)));
            Ok(())
        }
        Err(ImportError::Line(why)) => {
            lines.push((format!("{file} riga {n}"), Err(why)));
            Ok(())
        }
        Err(ImportError::Db(e)) => Err(e),
    };
    if let Some((file, text)) = files.profili {
        for (n, fields) in data_lines(text, "codice_fiscale") {
            let r = import_profile_line(&mut tx, &fields, now).await;
            outcome(&mut lines, file, n, r)?;
        }
    }
    if let Some((file, text)) = files.enti {
        for (n, fields) in data_lines(text, "codice_fiscale_ente") {
            let r = import_ente_line(&mut tx, &fields, now).await;
            outcome(&mut lines, file, n, r)?;
        }
    }
    if let Some((file, text)) = files.deleghe {
        for (n, fields) in data_lines(text, "tipo") {
            let r = import_delega_line(&mut tx, &fields, today, now).await;
            outcome(&mut lines, file, n, r)?;
        }
    }
    let refused = lines.is_empty() || lines.iter().any(|(_, r)| r.is_err());
    let mut report: Vec<String> = lines
        .into_iter()
        .map(|(at, r)| match r {
            Ok(Checked { what, new: false }) => format!("{at}: {what}: già presente"),
            Ok(Checked { what, new: true }) if refused => format!("{at}: {what}: corretta, non importata"),
            Ok(Checked { what, new: true }) => format!("{at}: {what}: importata"),
            Err(why) => format!("{at}: ERRORE: {why}"),
        })
        .collect();
    if report.is_empty() {
        report.push("nessuna riga da importare".to_string());
    }
    if refused {
        tx.rollback().await?;
        return Ok(Err(report));
    }
    tx.commit().await?;
    Ok(Ok(report))
}

/// A line that passed: what it names, and whether it adds something (`false`: already there).
struct Checked {
    what: String,
    new: bool,
}

async fn import_profile_line(
    tx: &mut Transaction<'static, Any>,
    fields: &[&str],
    now: i64,
) -> Result<Checked, ImportError> {
    let line = |m: &str| ImportError::Line(m.to_string());
    let [cf, form, scope] = fields[..] else {
        return Err(line("attesi tre campi (codice_fiscale,modello,ambito)"));
    };
    let cf = CodiceFiscale::parse(cf).map_err(|e| ImportError::Line(format!("codice fiscale non valido: {e}")))?;
    let form = ProfileForm::parse(form).ok_or_else(|| line("modello sconosciuto (SC65, SC62, RA012)"))?;
    let valid_scope = match form {
        ProfileForm::Ra012 => crate::domain::profili::LegacyService::parse(scope).is_some(),
        _ => Scope::parse(scope).is_some(),
    };
    if !valid_scope {
        return Err(line("ambito sconosciuto per il modello indicato"));
    }
    let user_id: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE codice_fiscale = $1")
        .bind(cf.as_str())
        .fetch_optional(&mut **tx)
        .await?;
    let user_id = user_id.ok_or_else(|| {
        ImportError::Line(format!(
            "l'utente {} non è registrato: lo si crei prima con `cassetto user add`",
            cf.as_str()
        ))
    })?;
    let held: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM profile_scopes WHERE user_id = $1 AND form = $2 AND scope = $3")
            .bind(user_id)
            .bind(form.code())
            .bind(scope)
            .fetch_one(&mut **tx)
            .await?;
    let what = format!("abilitazione {} {} {scope}", cf.as_str(), form.code());
    if held > 0 {
        return Ok(Checked { what, new: false });
    }
    grant_scope(tx, user_id, form.code(), scope, "importazione", None, now).await?;
    let entry = Entry {
        actor_user_id: None,
        action: "profilo.importato",
        subject: &format!("utente:{}", cf.as_str()),
        detail: &format!("{} {scope}", form.code()),
    };
    audit::append(tx, entry, now).await?;
    Ok(Checked { what, new: true })
}

async fn import_ente_line(
    tx: &mut Transaction<'static, Any>,
    fields: &[&str],
    now: i64,
) -> Result<Checked, ImportError> {
    let [ente, datore, scope] = fields[..] else {
        return Err(ImportError::Line(
            "attesi tre campi (codice_fiscale_ente,codice_fiscale_datore,ambito)".to_string(),
        ));
    };
    let ente = ente_cf(ente).map_err(ImportError::Line)?;
    let datore = person_cf(datore).map_err(ImportError::Line)?;
    let scope = Scope::parse(scope).ok_or_else(|| {
        ImportError::Line(format!(
            "ambito {scope:?} sconosciuto (gc_privati, gc_pubblici, malattia_attestati, malattia_visita)"
        ))
    })?;
    let found: Option<(i64, Option<i64>)> =
        sqlx::query_as("SELECT id, datore_user_id FROM enti WHERE codice_fiscale = $1")
            .bind(&ente)
            .fetch_optional(&mut **tx)
            .await?;
    let (ente_id, current) =
        found.ok_or_else(|| ImportError::Line(format!("nessun Ente con codice fiscale {ente}")))?;
    let user_id = user_with_role(tx, &datore, "datore", "datore di lavoro").await?;
    if current.is_some_and(|c| c != user_id) {
        return Err(ImportError::Line(format!(
            "l'Ente {ente} è già collegato a un altro datore di lavoro: il collegamento non si sostituisce con \
             un'importazione"
        )));
    }
    let held: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM ente_scopes WHERE ente_id = $1 AND user_id = $2 AND scope = $3")
            .bind(ente_id)
            .bind(user_id)
            .bind(scope.code())
            .fetch_one(&mut **tx)
            .await?;
    let what = format!("abilitazione del datore {datore} per l'Ente {ente} ({})", scope.code());
    if current == Some(user_id) && held > 0 {
        return Ok(Checked { what, new: false });
    }
    sqlx::query("UPDATE enti SET datore_user_id = $1 WHERE id = $2")
        .bind(user_id)
        .bind(ente_id)
        .execute(&mut **tx)
        .await?;
    if held == 0 {
        sqlx::query(
            "INSERT INTO ente_scopes (ente_id, user_id, scope, source, request_id, granted_at) \
             VALUES ($1, $2, $3, 'importazione', NULL, $4)",
        )
        .bind(ente_id)
        .bind(user_id)
        .bind(scope.code())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    // The profile shows the scope too, as held from before the cut-over (a scope held by request stays so).
    let profile: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM profile_scopes WHERE user_id = $1 AND form = 'SC65' AND scope = $2")
            .bind(user_id)
            .bind(scope.code())
            .fetch_one(&mut **tx)
            .await?;
    if profile == 0 {
        grant_scope(tx, user_id, "SC65", scope.code(), "importazione", None, now).await?;
    }
    let entry = Entry {
        actor_user_id: None,
        action: "ente.datore_importato",
        subject: &format!("ente:{ente}"),
        detail: &format!("datore {datore}, ambito {}", scope.code()),
    };
    audit::append(tx, entry, now).await?;
    Ok(Checked { what, new: true })
}

async fn import_delega_line(
    tx: &mut Transaction<'static, Any>,
    fields: &[&str],
    today: chrono::NaiveDate,
    now: i64,
) -> Result<Checked, ImportError> {
    use crate::domain::position_code::PositionCode;
    use crate::domain::profili::{DelegaPeriod, check_delega_services, parse_form_date};
    let line = |m: String| ImportError::Line(m);
    let [kind, position, grantee, from, until, services] = fields[..] else {
        return Err(line("attesi sei campi (tipo,posizione,codice_fiscale_delegato,dal,al,servizi)".to_string()));
    };
    if !matches!(kind, "intermediario" | "dipendente") {
        return Err(line(format!("tipo {kind:?} non ammesso (intermediario, dipendente)")));
    }
    let code = PositionCode::parse(position).map_err(|_| line(format!("posizione {position:?} non valida")))?;
    let grantee = person_cf(grantee).map_err(ImportError::Line)?;
    let from = parse_form_date(from)
        .ok_or_else(|| line(format!("data di inizio {from:?} non valida (AAAA-MM-GG o GG/MM/AAAA)")))?;
    let until = match until {
        "" => None,
        u => Some(parse_form_date(u).ok_or_else(|| line(format!("data di fine {u:?} non valida")))?),
    };
    if let Some(u) = until {
        if u < from {
            return Err(line("la data di fine precede quella di inizio".to_string()));
        }
        if u < today {
            return Err(line(format!("la delega è già scaduta il {}: non si importa", u.format("%d/%m/%Y"))));
        }
    }
    let period = DelegaPeriod { from, until };
    let found: Option<(i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT p.id, e.sector, e.datore_user_id FROM positions p JOIN enti e ON e.id = p.ente_id WHERE p.code = $1",
    )
    .bind(code.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    let (position_id, sector, datore) =
        found.ok_or_else(|| line(format!("nessuna posizione con codice {}", code.as_str())))?;
    let (grantee_id, grantor, scopes) = if kind == "intermediario" {
        let id = user_with_role(tx, &grantee, "intermediario", "intermediario").await?;
        let in_albo: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM albo WHERE codice_fiscale = $1")
            .bind(&grantee)
            .fetch_one(&mut **tx)
            .await?;
        if in_albo == 0 {
            return Err(line(format!("l'intermediario {grantee} non risulta nell'Albo (cassetto import-albo)")));
        }
        let codes: Vec<String> =
            services.split(';').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect();
        let scopes = check_delega_services(&sector, &codes).map_err(|m| line(m.to_string()))?;
        (id, None, scopes)
    } else {
        if !services.is_empty() {
            return Err(line(
                "per una delega a un dipendente non si indicano servizi: vale il profilo SC62 del dipendente"
                    .to_string(),
            ));
        }
        let id = user_with_role(tx, &grantee, "delegato", "dipendente delegato").await?;
        let Some(datore) = datore else {
            return Err(line(format!(
                "l'Ente della posizione {} non ha un datore di lavoro nel Cassetto: lo si importi prima (--enti)",
                code.as_str()
            )));
        };
        (id, Some(datore), Vec::new())
    };
    let present: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM deleghe WHERE kind = $1 AND position_id = $2 AND grantee_user_id = $3 \
         AND status = 'attiva' AND (valid_until IS NULL OR valid_until >= $4)",
    )
    .bind(kind)
    .bind(position_id)
    .bind(grantee_id)
    .bind(super::db::iso_date(today))
    .fetch_one(&mut **tx)
    .await?;
    let what = format!("delega {kind} di {grantee} sulla posizione {}, {}", code.as_str(), period.describe());
    if present > 0 {
        return Ok(Checked { what, new: false });
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO deleghe (kind, position_id, grantor_user_id, grantee_user_id, status, valid_from, valid_until, \
         origin, created_at) VALUES ($1, $2, $3, $4, 'attiva', $5, $6, 'importazione', $7) RETURNING id",
    )
    .bind(kind)
    .bind(position_id)
    .bind(grantor)
    .bind(grantee_id)
    .bind(super::db::iso_date(from))
    .bind(until.map(super::db::iso_date))
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    for scope in &scopes {
        sqlx::query("INSERT INTO delega_servizi (delega_id, scope) VALUES ($1, $2)")
            .bind(id)
            .bind(scope.code())
            .execute(&mut **tx)
            .await?;
    }
    let services_text = scopes.iter().map(|s| s.label()).collect::<Vec<_>>().join(", ");
    let detail = format!(
        "abilitazione precedente al Cassetto (circolare 34/2023 §2: non si ripete l'accreditamento); periodo {}{}",
        period.describe(),
        if services_text.is_empty() { String::new() } else { format!("; servizi: {services_text}") }
    );
    sqlx::query(
        "INSERT INTO delega_events (delega_id, at, actor_user_id, kind, detail) VALUES ($1, $2, NULL, 'importata', $3)",
    )
    .bind(id)
    .bind(now)
    .bind(&detail)
    .execute(&mut **tx)
    .await?;
    let entry =
        Entry { actor_user_id: None, action: "delega.importata", subject: &format!("delega:{id}"), detail: &detail };
    audit::append(tx, entry, now).await?;
    Ok(Checked { what, new: true })
}

#[derive(sqlx::FromRow)]
struct RequestRow {
    id: RichiestaProfiloId,
    form: String,
    requester_cf: String,
    requester_name: String,
    ente_cf: String,
    ente_name: String,
    sede: String,
    status: String,
    submitted_at: i64,
    decided_at: Option<i64>,
    reason: Option<String>,
    scopes: String,
}

const REQUEST_SELECT: &str = "\
    SELECT r.id, r.form, u.codice_fiscale AS requester_cf, u.full_name AS requester_name, \
           e.codice_fiscale AS ente_cf, e.denominazione AS ente_name, s.name AS sede, r.status, r.submitted_at, \
           r.decided_at, r.reason, \
           COALESCE((SELECT STRING_AGG(x.scope, ',') FROM (SELECT scope FROM profile_request_scopes \
                     WHERE request_id = r.id ORDER BY scope) x), '') AS scopes \
    FROM profile_requests r JOIN users u ON u.id = r.user_id JOIN enti e ON e.id = r.ente_id \
    JOIN sedi s ON s.id = r.sede_id";

fn to_row(r: RequestRow) -> ProfileRequestRow {
    ProfileRequestRow {
        id: r.id,
        form: r.form,
        requester_cf: r.requester_cf,
        requester_name: r.requester_name,
        ente_cf: r.ente_cf,
        ente_name: r.ente_name,
        sede: r.sede,
        status: r.status,
        submitted_at: r.submitted_at,
        decided_at: r.decided_at,
        reason: r.reason,
        scopes: r.scopes.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect(),
    }
}

/// `STRING_AGG` is PostgreSQL's name; SQLite calls it `GROUP_CONCAT`.
fn request_select(db: &Db) -> String {
    match db.backend() {
        super::db::Backend::Postgres => REQUEST_SELECT.to_string(),
        super::db::Backend::Sqlite => REQUEST_SELECT.replace("STRING_AGG(", "GROUP_CONCAT("),
    }
}

/// The caller's own profile: scopes held and requests filed.
pub async fn overview(db: &Db, user_id: i64) -> sqlx::Result<ProfileOverview> {
    let scopes: Vec<(String, String, String)> =
        sqlx::query_as("SELECT form, scope, source FROM profile_scopes WHERE user_id = $1 ORDER BY form, scope")
            .bind(user_id)
            .fetch_all(db.pool())
            .await?;
    let requests: Vec<RequestRow> =
        sqlx::query_as(&format!("{} WHERE r.user_id = $1 ORDER BY r.id DESC", request_select(db)))
            .bind(user_id)
            .fetch_all(db.pool())
            .await?;
    let (has_password, in_albo): (i64, i64) = sqlx::query_as(
        "SELECT CASE WHEN u.password_hash <> '' THEN 1 ELSE 0 END, \
         CASE WHEN EXISTS (SELECT 1 FROM albo a WHERE a.codice_fiscale = u.codice_fiscale) THEN 1 ELSE 0 END \
         FROM users u WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_one(db.pool())
    .await?;
    let enti_rappresentati: Vec<crate::model::EnteRappresentato> = sqlx::query_as(
        "SELECT e.codice_fiscale, e.denominazione, e.sector, s.name AS sede FROM enti e \
         JOIN users u ON u.codice_fiscale = e.legal_rep_cf JOIN sedi s ON s.id = e.sede_id \
         WHERE u.id = $1 ORDER BY e.denominazione LIMIT 50",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    Ok(ProfileOverview {
        scopes,
        requests: requests.into_iter().map(to_row).collect(),
        cutover: None,
        has_password: has_password == 1,
        in_albo: in_albo == 1,
        enti_rappresentati,
    })
}

/// A user without a profile whose codice fiscale is in the Albo becomes an intermediary, who then asks the
/// Enti for deleghe (PEC + OTP, circular §2b). Only from `nessuno`: no other role is ever changed this way.
pub async fn become_intermediary(db: &Db, user: &super::identity::SessionUser) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let changed = sqlx::query(
        "UPDATE users SET role = 'intermediario' WHERE id = $1 AND role = 'nessuno' \
         AND EXISTS (SELECT 1 FROM albo a WHERE a.codice_fiscale = users.codice_fiscale)",
    )
    .bind(user.user_id)
    .execute(&mut *tx)
    .await?;
    if changed.rows_affected() != 1 {
        return Err(AppError::invalid(
            "Il profilo di intermediario si attiva solo per chi risulta nell'Albo degli intermediari e non ha \
             ancora un profilo.",
        ));
    }
    super::identity::audit_and_commit(tx, user.user_id, "utente.profilo_intermediario", &user.codice_fiscale).await?;
    Ok(())
}

/// The requests of a Sede: pending first, then the latest decided.
pub async fn sede_queue(db: &Db, sede_id: i64) -> sqlx::Result<Vec<ProfileRequestRow>> {
    let rows: Vec<RequestRow> = sqlx::query_as(&format!(
        "{} WHERE r.sede_id = $1 ORDER BY CASE WHEN r.status = 'in_attesa' THEN 0 ELSE 1 END, r.id DESC LIMIT 200",
        request_select(db)
    ))
    .bind(sede_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(to_row).collect())
}

/// The Sede a request was routed to (for the operator's access check).
pub async fn request_sede(db: &Db, request_id: RichiestaProfiloId) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT sede_id FROM profile_requests WHERE id = $1")
        .bind(request_id)
        .fetch_optional(db.pool())
        .await
}

/// Replaces the Albo register with `csv` (`codice_fiscale,categoria,numero,provincia,nominativo`, an
/// optional header line). All or nothing: the first bad line is named and nothing changes.
pub async fn import_albo(db: &Db, admin: Option<i64>, csv: &str) -> Result<usize, String> {
    use crate::domain::profili::AlboCategory;
    let mut rows = Vec::new();
    for (n, line) in csv.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || (n == 0 && line.to_lowercase().starts_with("codice_fiscale")) {
            continue;
        }
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        let [cf, category, number, province, name] = f[..] else {
            return Err(format!("Riga {}: attesi 5 campi separati da virgola.", n + 1));
        };
        let cf = CodiceFiscale::parse(cf).map_err(|_| format!("Riga {}: codice fiscale non valido.", n + 1))?;
        let category = AlboCategory::parse(category).ok_or_else(|| {
            format!("Riga {}: categoria non ammessa (consulente_lavoro, commercialista, avvocato).", n + 1)
        })?;
        let province_ok = province.len() == 2 && province.bytes().all(|b| b.is_ascii_alphabetic());
        if number.is_empty() || number.len() > 20 || !province_ok || name.is_empty() || name.len() > 200 {
            return Err(format!("Riga {}: numero, provincia (2 lettere) o nominativo non validi.", n + 1));
        }
        rows.push((
            cf.as_str().to_string(),
            category.code(),
            number.to_string(),
            province.to_uppercase(),
            name.to_string(),
        ));
    }
    if rows.is_empty() {
        return Err("Il file non contiene iscritti.".into());
    }
    let result: anyhow::Result<()> = async {
        let now = now_unix();
        let mut tx = db.begin_write().await?;
        sqlx::query("DELETE FROM albo").execute(&mut *tx).await?;
        for (cf, category, number, province, name) in &rows {
            sqlx::query(
                "INSERT INTO albo (codice_fiscale, category, registration, province, full_name, imported_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (codice_fiscale, category) DO UPDATE SET \
                 registration = excluded.registration, province = excluded.province, full_name = excluded.full_name",
            )
            .bind(cf)
            .bind(*category)
            .bind(number)
            .bind(province)
            .bind(name)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        let detail = format!("{} iscritti", rows.len());
        audit::append(
            &mut tx,
            Entry { actor_user_id: admin, action: "albo.importato", subject: "albo", detail: &detail },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
    .await;
    result.map_err(|e| {
        tracing::error!(error = ?e, "albo import");
        "Importazione non riuscita per un errore interno.".to_string()
    })?;
    Ok(rows.len())
}
