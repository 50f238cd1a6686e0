//! Who may reach what. Every server function and route calls `authorize` once, at the top, with the
//! action it is about to perform; the answer comes from the session and the grants in the database,
//! never from anything the client sends besides the ids it asks for.

use crate::domain::position_code::PositionCode;
use crate::error::AppError;

use super::ctx::RequestCtx;
use super::identity::{SessionUser, Stage, session_user};

/// What the caller wants to do.
#[derive(Clone, Copy, Debug)]
pub enum Action<'a> {
    /// Anything any logged-in user may do (see their own profile, log out).
    Authenticated,
    /// List the positions the user may reach (the Ricerca of the Cassetto).
    SearchPositions,
    /// Read a position and everything under it (consultation pages, downloads).
    ReadPosition(&'a str),
}

/// A position the caller was found to reach.
#[derive(Clone, Debug)]
pub struct PositionRef {
    pub id: i64,
    pub code: String,
}

/// The answer of a successful check: who the caller is and, for position actions, which position.
#[derive(Clone, Debug)]
pub struct Access {
    pub user: SessionUser,
    pub position: Option<PositionRef>,
}

impl Access {
    pub fn position(&self) -> Result<&PositionRef, AppError> {
        self.position.as_ref().ok_or(AppError::Internal)
    }
}

/// The positions user `$1` reaches, and how: as the Ente's datore, by an active delega (datore ->
/// employee, or Ente -> intermediary), or by an active sub-delega whose parent delega is still active.
/// A revoked delega drops out here, so revocation takes effect at the next request.
pub const REACHABLE_POSITIONS: &str = "\
    SELECT p.id AS position_id, 'titolare' AS via FROM positions p JOIN enti e ON e.id = p.ente_id \
        WHERE e.datore_user_id = $1 \
    UNION ALL \
    SELECT d.position_id, 'delega' FROM deleghe d \
        WHERE d.grantee_user_id = $1 AND d.status = 'attiva' AND d.kind IN ('dipendente', 'intermediario') \
    UNION ALL \
    SELECT d.position_id, 'subdelega' FROM deleghe d JOIN deleghe parent ON parent.id = d.parent_id \
        WHERE d.grantee_user_id = $1 AND d.kind = 'subdelega' AND d.status = 'attiva' AND parent.status = 'attiva'";

pub async fn authorize(ctx: &RequestCtx, action: Action<'_>) -> Result<Access, AppError> {
    let token = ctx.session_token.as_deref().ok_or(AppError::Unauthenticated)?;
    let user = session_user(ctx.db(), token).await?.ok_or(AppError::Unauthenticated)?;
    if user.stage != Stage::Active {
        return Err(AppError::Unauthenticated);
    }
    match action {
        Action::Authenticated => Ok(Access { user, position: None }),
        Action::SearchPositions => {
            if !user.role.uses_cassetto() {
                return Err(AppError::Forbidden);
            }
            Ok(Access { user, position: None })
        }
        Action::ReadPosition(code) => {
            if !user.role.uses_cassetto() {
                return Err(AppError::Forbidden);
            }
            // A malformed code cannot name a reachable position: same answer as a foreign one.
            let code = PositionCode::parse(code).map_err(|_| AppError::NotFound)?;
            let id: Option<i64> = sqlx::query_scalar(&format!(
                "SELECT p.id FROM positions p WHERE p.code = $2 AND p.id IN (SELECT position_id FROM ({REACHABLE_POSITIONS}) r)"
            ))
            .bind(user.user_id)
            .bind(code.as_str())
            .fetch_optional(ctx.db().pool())
            .await?;
            let id = id.ok_or(AppError::NotFound)?;
            Ok(Access { user, position: Some(PositionRef { id, code: code.as_str().to_string() }) })
        }
    }
}
