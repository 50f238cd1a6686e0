//! Accounts: INPS staff and enabled checks, the operators of a Sede and what an IDM changes on them, the
//! accounts made by the SPID/CIE login, and the administrator's `cassetto user add`.

use anyhow::Context;

use super::passwords::{check_password_policy, hash_password};
use crate::model::Role;
use crate::ssr::db::{Db, now_unix};

/// Whether the account is one of the INPS staff (operatore, IDM, administrator).
pub async fn is_inps_staff(db: &Db, user_id: i64) -> anyhow::Result<bool> {
    let role: String =
        sqlx::query_scalar("SELECT role FROM users WHERE id = $1").bind(user_id).fetch_one(db.pool()).await?;
    Ok(Role::parse(&role).is_some_and(Role::is_inps_staff))
}

/// Whether the account may log in (the IDM of a Sede can disable its operators).
pub async fn is_enabled(db: &Db, user_id: i64) -> anyhow::Result<bool> {
    let enabled: i64 =
        sqlx::query_scalar("SELECT enabled FROM users WHERE id = $1").bind(user_id).fetch_one(db.pool()).await?;
    Ok(enabled == 1)
}

/// The operators of a Sede, for its IDM.
pub async fn operators_of(db: &Db, sede_id: i64) -> sqlx::Result<Vec<crate::model::OperatorRow>> {
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT codice_fiscale, full_name, enabled, fascicolo_elettronico FROM users \
         WHERE role = 'operatore' AND sede_id = $1 ORDER BY full_name",
    )
    .bind(sede_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(codice_fiscale, full_name, enabled, fascicolo)| crate::model::OperatorRow {
            codice_fiscale,
            full_name,
            enabled: enabled == 1,
            fascicolo_elettronico: fascicolo == 1,
        })
        .collect())
}

/// Enables or disables an account (the caller checked it is an operator of the IDM's Sede). Disabling
/// ends the account's sessions at once.
pub async fn set_enabled(db: &Db, actor: i64, codice_fiscale: &str, enabled: bool) -> anyhow::Result<()> {
    let cf = codice_fiscale.trim().to_uppercase();
    let mut tx = db.begin_write().await?;
    let user_id: i64 = sqlx::query_scalar("UPDATE users SET enabled = $1 WHERE codice_fiscale = $2 RETURNING id")
        .bind(i64::from(enabled))
        .bind(&cf)
        .fetch_one(&mut *tx)
        .await?;
    if !enabled {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
    }
    let action = if enabled { "utente.abilitato" } else { "utente.disabilitato" };
    audit_and_commit(tx, actor, action, &cf).await
}

/// Records a change to the account `cf` (an IDM's, or the user's own) in the audit log and commits it with the
/// change.
pub(in crate::ssr) async fn audit_and_commit(
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    actor: i64,
    action: &str,
    cf: &str,
) -> anyhow::Result<()> {
    crate::ssr::audit::append(
        &mut tx,
        crate::ssr::audit::Entry { actor_user_id: Some(actor), action, subject: &format!("utente:{cf}"), detail: "" },
        now_unix(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The IDM's unlock of an account (the caller checked it is an operator of the IDM's Sede): the login throttle's
/// counters for the account, from every address, and its second factor's counter start again. Audited.
pub async fn unlock_login(db: &Db, actor: i64, codice_fiscale: &str) -> anyhow::Result<()> {
    let cf = codice_fiscale.trim().to_uppercase();
    let mut tx = db.begin_write().await?;
    crate::ssr::throttle::unlock_account(&mut tx, &cf).await?;
    sqlx::query("UPDATE users SET totp_failures = 0, totp_locked_until = 0 WHERE codice_fiscale = $1")
        .bind(&cf)
        .execute(&mut *tx)
        .await?;
    audit_and_commit(tx, actor, "utente.accesso_sbloccato", &cf).await
}

/// Enables or disables an operator for the Fascicolo Elettronico (the caller checked it is an operator of
/// the IDM's Sede). Takes effect at the operator's next request: `authorize` reads the flag every time.
pub async fn set_fascicolo_elettronico(db: &Db, actor: i64, codice_fiscale: &str, enabled: bool) -> anyhow::Result<()> {
    let cf = codice_fiscale.trim().to_uppercase();
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE users SET fascicolo_elettronico = $1 WHERE codice_fiscale = $2")
        .bind(i64::from(enabled))
        .bind(&cf)
        .execute(&mut *tx)
        .await?;
    let action =
        if enabled { "utente.fascicolo_elettronico.abilitato" } else { "utente.fascicolo_elettronico.revocato" };
    audit_and_commit(tx, actor, action, &cf).await
}

/// What a provider login found for a codice fiscale.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProviderUser {
    /// An enabled account that may enter this way: its id, its role, and whether this login made it.
    Enter { user_id: i64, role: Role, created: bool },
    /// An account of the INPS staff: their roles never come from a provider login.
    InpsStaff(i64),
    /// A disabled account.
    Disabled(i64),
}

/// The account of `codice_fiscale` for a SPID/CIE login, made when missing: role `nessuno`, no password, no
/// second factor (the provider's level 2 already is two-factor), the name and e-mail the provider gave. Two
/// concurrent first logins of one person make one account (the insert does nothing on a conflict).
pub async fn provider_user(
    db: &Db,
    codice_fiscale: &str,
    full_name: &str,
    email: Option<&str>,
) -> anyhow::Result<ProviderUser> {
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO users (codice_fiscale, full_name, role, email, password_hash, totp_secret, created_at) \
         VALUES ($1, $2, 'nessuno', $3, '', '', $4) ON CONFLICT (codice_fiscale) DO NOTHING RETURNING id",
    )
    .bind(codice_fiscale)
    .bind(full_name)
    .bind(email)
    .bind(now_unix())
    .fetch_optional(db.pool())
    .await?;
    if let Some(user_id) = inserted {
        return Ok(ProviderUser::Enter { user_id, role: Role::Nessuno, created: true });
    }
    let (user_id, role, enabled): (i64, String, i64) =
        sqlx::query_as("SELECT id, role, enabled FROM users WHERE codice_fiscale = $1")
            .bind(codice_fiscale)
            .fetch_one(db.pool())
            .await?;
    let role = Role::parse(&role).context("role stored in users")?;
    Ok(if role.is_inps_staff() {
        ProviderUser::InpsStaff(user_id)
    } else if enabled != 1 {
        ProviderUser::Disabled(user_id)
    } else {
        ProviderUser::Enter { user_id, role, created: false }
    })
}

/// Creates a user (the `user add` command and the demo seed).
pub async fn add_user(db: &Db, new: &NewUser<'_>) -> anyhow::Result<i64> {
    check_password_policy(new.password).map_err(|m| anyhow::anyhow!(m))?;
    let hash = hash_password(new.password.to_string()).await?;
    // The sealed secret is bound to the user's id, known only once the row exists: both in one transaction.
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (codice_fiscale, full_name, role, email, sede_id, employer_user_id, password_hash, totp_secret, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(new.codice_fiscale)
    .bind(new.full_name)
    .bind(new.role.as_str())
    .bind(new.email)
    .bind(new.sede_id)
    .bind(new.employer_user_id)
    .bind(hash)
    .bind("")
    .bind(now_unix())
    .fetch_one(&mut *tx)
    .await
    .with_context(|| format!("inserting user {}", new.codice_fiscale))?;
    sqlx::query("UPDATE users SET totp_secret = $1 WHERE id = $2")
        .bind(crate::ssr::secrets::seal_totp(id, new.totp_secret)?)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

pub struct NewUser<'a> {
    pub codice_fiscale: &'a str,
    pub full_name: &'a str,
    pub role: Role,
    pub email: Option<&'a str>,
    pub sede_id: Option<i64>,
    pub employer_user_id: Option<i64>,
    pub password: &'a str,
    pub totp_secret: &'a [u8],
}
