//! Gestione Deleghe: both sides' lists, a delega's history, and every step of the three kinds of delega.
//! Forms post here; success redirects (post/redirect/get), a user error comes back as `AppError::Invalid`
//! (shown by the form, with or without JavaScript).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::model::{DelegaDetail, DelegheOverview};

#[server(prefix = "/api", endpoint = "deleghe", input = Json)]
pub async fn load_deleghe() -> Result<DelegheOverview, AppError> {
    use crate::ssr::authz::{Action, authorize};
    use crate::ssr::{ctx::RequestCtx, deleghe, respond};

    respond(
        async {
            let ctx = RequestCtx::current()?;
            let access = authorize(&ctx, Action::ListDeleghe).await?;
            let u = &access.user;
            deleghe::overview(ctx.db(), u.user_id, &u.codice_fiscale, u.role).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "deleghe/dettaglio", input = Json)]
pub async fn load_delega(id: i64) -> Result<DelegaDetail, AppError> {
    use crate::ssr::authz::{Action, authorize};
    use crate::ssr::{ctx::RequestCtx, deleghe, respond};

    respond(
        async {
            let ctx = RequestCtx::current()?;
            let access = authorize(&ctx, Action::ReadDelega(id)).await?;
            deleghe::detail(ctx.db(), id, access.party.ok_or(AppError::Internal)?).await
        }
        .await,
    )
}

/// Datore -> employee on the chosen positions (`posizioni` repeats, one per ticked box).
#[server(prefix = "/api", endpoint = "deleghe/dipendente")]
pub async fn grant_employee_delega(codice_fiscale: String, posizioni: Option<Vec<String>>) -> Result<(), AppError> {
    use crate::ssr::authz::{Action, authorize};
    use crate::ssr::{ctx::RequestCtx, deleghe, respond};

    respond(
        async {
            let ctx = RequestCtx::current()?;
            let codes = posizioni.unwrap_or_default();
            if codes.is_empty() || codes.len() > 100 {
                // Checked before authorizing each position: there is nothing to authorize yet.
                authorize(&ctx, Action::ListDeleghe).await?;
                return Err(AppError::invalid("Selezioni almeno una posizione."));
            }
            let mut ids = Vec::new();
            let mut datore = None;
            for code in &codes {
                let access = authorize(&ctx, Action::GrantEmployeeDelega(code)).await?;
                ids.push(access.position()?.id);
                datore = Some(access.user.user_id);
            }
            let datore = datore.ok_or(AppError::Internal)?;
            let n = deleghe::grant_employee(ctx.db(), datore, &ids, &codice_fiscale).await?;
            leptos_axum::redirect(&format!("/deleghe?esito=conferita&n={n}"));
            Ok(())
        }
        .await,
    )
}

/// Intermediary -> Ente: the request that produces the form and the PEC with the OTP. The intermediary
/// types its password again (re-authentication before creating a delega, ASVS V3.7.1).
#[server(prefix = "/api", endpoint = "deleghe/intermediario")]
pub async fn request_intermediary_delega(
    posizione: String,
    codice_fiscale_ente: String,
    codice_fiscale_rappresentante: String,
    password: String,
) -> Result<(), AppError> {
    use crate::ssr::authz::{Action, authorize};
    use crate::ssr::deleghe::{self, IntermediaryRequest};
    use crate::ssr::{ctx::RequestCtx, identity, respond};

    respond(
        async {
            let ctx = RequestCtx::current()?;
            let access = authorize(&ctx, Action::RequestIntermediaryDelega).await?;
            let u = &access.user;
            if password.chars().count() > identity::PASSWORD_MAX_CHARS
                || identity::check_password(ctx.db(), &u.codice_fiscale, password).await?.is_none()
            {
                return Err(AppError::invalid("Password non corretta: per inserire una delega occorre confermarla."));
            }
            let req = IntermediaryRequest {
                position: &posizione,
                ente_cf: &codice_fiscale_ente,
                legal_rep_cf: &codice_fiscale_rappresentante,
            };
            let id = deleghe::request_intermediary(ctx.db(), u.user_id, &u.codice_fiscale, &u.full_name, req).await?;
            leptos_axum::redirect(&format!("/deleghe/{id}?esito=richiesta"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "deleghe/attiva")]
pub async fn activate_delega(id: i64, otp: String, dichiarazione: Option<String>) -> Result<(), AppError> {
    use crate::ssr::authz::{Action, authorize};
    use crate::ssr::{ctx::RequestCtx, deleghe, respond};

    respond(
        async {
            let ctx = RequestCtx::current()?;
            let access = authorize(&ctx, Action::ActOnOwnDelega(id)).await?;
            deleghe::activate(ctx.db(), access.user.user_id, id, &otp, dichiarazione.is_some()).await?;
            leptos_axum::redirect(&format!("/deleghe/{id}?esito=attivata"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "deleghe/nuovo-otp")]
pub async fn reissue_delega_otp(id: i64) -> Result<(), AppError> {
    use crate::ssr::authz::{Action, authorize};
    use crate::ssr::{ctx::RequestCtx, deleghe, respond};

    respond(
        async {
            let ctx = RequestCtx::current()?;
            let access = authorize(&ctx, Action::ActOnOwnDelega(id)).await?;
            deleghe::reissue_otp(ctx.db(), access.user.user_id, id).await?;
            leptos_axum::redirect(&format!("/deleghe/{id}?esito=nuovo-otp"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "deleghe/revoca")]
pub async fn revoke_delega(id: i64) -> Result<(), AppError> {
    use crate::ssr::authz::{Action, authorize};
    use crate::ssr::{ctx::RequestCtx, deleghe, respond};

    respond(
        async {
            let ctx = RequestCtx::current()?;
            let access = authorize(&ctx, Action::RevokeDelega(id)).await?;
            deleghe::revoke(ctx.db(), access.user.user_id, id).await?;
            leptos_axum::redirect(&format!("/deleghe/{id}?esito=revocata"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "deleghe/subdelega")]
pub async fn grant_subdelega(id: i64, codice_fiscale: String) -> Result<(), AppError> {
    use crate::ssr::authz::{Action, authorize};
    use crate::ssr::{ctx::RequestCtx, deleghe, respond};

    respond(
        async {
            let ctx = RequestCtx::current()?;
            let access = authorize(&ctx, Action::ActOnOwnDelega(id)).await?;
            let sub = deleghe::grant_subdelega(ctx.db(), access.user.user_id, id, &codice_fiscale).await?;
            leptos_axum::redirect(&format!("/deleghe/{sub}?esito=subdelega"));
            Ok(())
        }
        .await,
    )
}
