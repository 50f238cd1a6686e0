//! Profile requests (SC65, SC62, RA012), their decision by an operator of the competent Sede, the
//! scopes users hold, and the import of enablements granted before the cut-over.

use anyhow::Context;
use sqlx::{Any, Transaction};

use super::audit::{self, Entry};
use super::db::{Db, now_unix};
use crate::domain::codice_fiscale::CodiceFiscale;
use crate::domain::partita_iva::PartitaIva;
use crate::domain::profile::{ProfileForm, RequestContent, Scope, check_request};
use crate::error::AppError;
use crate::model::{ProfileOverview, ProfileRequestRow, Role};

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
) -> Result<i64, AppError> {
    let (user_id, user_cf, role) = (user.user_id, user.codice_fiscale.as_str(), user.role);
    let content = check_request(form, scopes, legacy).map_err(AppError::invalid)?;
    let allowed = match form {
        ProfileForm::Sc65 => role == Role::Datore,
        ProfileForm::Sc62 => matches!(role, Role::Delegato | Role::Subdelegato),
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
    let id: i64 = sqlx::query_scalar(
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
    request_id: i64,
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
    request_id: Option<i64>,
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

/// Imports enablements granted before the cut-over (CSV lines `codice_fiscale,form,scope`), so those
/// users keep them without a new request. All or nothing: one bad line imports nothing.
pub async fn import_enablements(db: &Db, csv: &str) -> anyhow::Result<usize> {
    let now = now_unix();
    let mut rows = Vec::new();
    for (n, line) in csv.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let [cf, form, scope] = fields[..] else {
            anyhow::bail!("riga {}: attesi tre campi (codice_fiscale,modello,ambito)", n + 1);
        };
        if n == 0 && cf.eq_ignore_ascii_case("codice_fiscale") {
            continue;
        }
        let cf = CodiceFiscale::parse(cf).map_err(|e| anyhow::anyhow!("riga {}: {e}", n + 1))?;
        let form = ProfileForm::parse(form).with_context(|| format!("riga {}: modello sconosciuto", n + 1))?;
        let valid_scope = Scope::parse(scope).is_some()
            || crate::domain::profile::LegacyService::parse(scope).is_some() && form == ProfileForm::Ra012;
        anyhow::ensure!(valid_scope, "riga {}: ambito sconosciuto", n + 1);
        rows.push((cf.as_str().to_string(), form.code(), scope.to_string()));
    }
    let mut tx = db.begin_write().await?;
    for (cf, form, scope) in &rows {
        let user_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE codice_fiscale = $1")
            .bind(cf)
            .fetch_optional(&mut *tx)
            .await?
            .with_context(|| format!("utente {cf} non registrato"))?;
        grant_scope(&mut tx, user_id, form, scope, "importazione", None, now).await?;
        audit::append(
            &mut tx,
            Entry {
                actor_user_id: None,
                action: "profilo.importato",
                subject: &format!("utente:{cf}"),
                detail: &format!("{form} {scope}"),
            },
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(rows.len())
}

#[derive(sqlx::FromRow)]
struct RequestRow {
    id: i64,
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
    Ok(ProfileOverview { scopes, requests: requests.into_iter().map(to_row).collect(), cutover: None })
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
pub async fn request_sede(db: &Db, request_id: i64) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT sede_id FROM profile_requests WHERE id = $1")
        .bind(request_id)
        .fetch_optional(db.pool())
        .await
}

/// Replaces the Albo register with `csv` (`codice_fiscale,categoria,numero,provincia,nominativo`, an
/// optional header line). All or nothing: the first bad line is named and nothing changes.
pub async fn import_albo(db: &Db, admin: Option<i64>, csv: &str) -> Result<usize, String> {
    use crate::domain::profile::AlboCategory;
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
