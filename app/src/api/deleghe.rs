//! Gestione Deleghe: both sides' lists, a delega's history, and every step of the three kinds of delega.
//! Forms post here; success redirects (post/redirect/get), a user error comes back as `AppError::Invalid`
//! (shown by the form, with or without JavaScript).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::model::{DelegaDetail, DelegaId, DelegheOverview};

#[server(prefix = "/api", endpoint = "deleghe", input = Json)]
pub async fn load_deleghe() -> Result<DelegheOverview, AppError> {
    use crate::ssr::authz::UserAction;
    use crate::ssr::deleghe;
    use crate::ssr::serve;

    serve(UserAction::ListDeleghe, async |ctx, access| {
        let u = &access.user;
        deleghe::overview(ctx.db(), u.user_id, &u.codice_fiscale, u.role, ctx.state.settings.today()).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "deleghe/dettaglio", input = Json)]
pub async fn load_delega(id: DelegaId) -> Result<DelegaDetail, AppError> {
    use crate::ssr::authz::DelegaAction;
    use crate::ssr::deleghe;
    use crate::ssr::serve;

    serve(DelegaAction::Read(id), async |ctx, access| {
        let party = access.party;
        deleghe::detail(ctx.db(), id, party, ctx.state.settings.today()).await
    })
    .await
}

/// Datore -> employee on the chosen positions (`posizioni` repeats, one per ticked box).
#[server(prefix = "/api", endpoint = "deleghe/dipendente")]
pub async fn grant_employee_delega(
    codice_fiscale: String,
    posizioni: Option<Vec<crate::domain::PositionCode>>,
) -> Result<(), AppError> {
    use crate::ssr::authz::{PositionAction, UserAction, authorize};
    use crate::ssr::{deleghe, serve};

    // Any user with deleghe reaches the form; each ticked position is then checked as the datore's own.
    serve(UserAction::ListDeleghe, async |ctx, access| {
        let codes = posizioni.unwrap_or_default();
        if codes.is_empty() || codes.len() > 100 {
            return Err(AppError::invalid("Selezioni almeno una posizione."));
        }
        let mut ids = Vec::new();
        for code in &codes {
            ids.push(authorize(&ctx, PositionAction::GrantEmployeeDelega(code)).await?.position.id);
        }
        let n = deleghe::grant_employee(ctx.db(), access.user.user_id, &ids, &codice_fiscale).await?;
        leptos_axum::redirect(&format!("/deleghe?esito=conferita&n={n}"));
        Ok(())
    })
    .await
}

/// Intermediary -> Ente: the request that produces the form and the PEC with the OTP. It names the
/// delegante (the legal representative), the services delegated (`servizi` repeats, one per ticked box)
/// and the period (`dal`, `al`; `al` empty: until revoked). The intermediary types its password again
/// (re-authentication before creating a delega, ASVS V3.7.1).
#[server(prefix = "/api", endpoint = "deleghe/intermediario")]
pub async fn request_intermediary_delega(
    // Typed by the intermediary: parsed by the request's own checks, whose refusal names what is wrong.
    posizione: String,
    codice_fiscale_ente: String,
    codice_fiscale_rappresentante: String,
    nome_rappresentante: String,
    cognome_rappresentante: String,
    servizi: Option<Vec<String>>,
    dal: Option<String>,
    al: Option<String>,
    password: String,
) -> Result<(), AppError> {
    use crate::ssr::authz::UserAction;
    use crate::ssr::deleghe::{self, IntermediaryRequest};
    use crate::ssr::identity;
    use crate::ssr::serve;

    serve(UserAction::RequestIntermediaryDelega, async |ctx, access| {
        let u = &access.user;
        if password.chars().count() > identity::PASSWORD_MAX_CHARS
            || identity::check_password(ctx.db(), &u.codice_fiscale, password).await?.is_none()
        {
            return Err(AppError::invalid("Password non corretta: per inserire una delega occorre confermarla."));
        }
        let servizi = servizi.unwrap_or_default();
        if servizi.len() > 10 {
            return Err(AppError::invalid("Servizio delegato non riconosciuto."));
        }
        let req = IntermediaryRequest {
            position: &posizione,
            ente_cf: &codice_fiscale_ente,
            legal_rep_cf: &codice_fiscale_rappresentante,
            legal_rep_nome: &nome_rappresentante,
            legal_rep_cognome: &cognome_rappresentante,
            services: &servizi,
            from: dal.as_deref().unwrap_or(""),
            until: al.as_deref().unwrap_or(""),
        };
        let today = ctx.state.settings.today();
        let id =
            deleghe::request_intermediary(ctx.db(), u.user_id, &u.codice_fiscale, &u.full_name, req, today).await?;
        leptos_axum::redirect(&format!("/deleghe/{id}?esito=richiesta"));
        Ok(())
    })
    .await
}

/// Renewal of one's own intermediary delega before it ends: a new request (form, PEC, OTP) for the same
/// position and services, from the day after the end, naming the legal representative again and the new end
/// (`al` empty: until revoked). Re-authenticated like a new request.
#[server(prefix = "/api", endpoint = "deleghe/rinnovo")]
pub async fn renew_intermediary_delega(
    id: DelegaId,
    codice_fiscale_rappresentante: String,
    nome_rappresentante: String,
    cognome_rappresentante: String,
    al: Option<String>,
    password: String,
) -> Result<(), AppError> {
    use crate::ssr::authz::DelegaAction;
    use crate::ssr::deleghe::{self, RenewalRequest};
    use crate::ssr::identity;
    use crate::ssr::serve;

    serve(DelegaAction::ActOnOwn(id), async |ctx, access| {
        let u = &access.user;
        if password.chars().count() > identity::PASSWORD_MAX_CHARS
            || identity::check_password(ctx.db(), &u.codice_fiscale, password).await?.is_none()
        {
            return Err(AppError::invalid("Password non corretta: per inserire una delega occorre confermarla."));
        }
        let req = RenewalRequest {
            legal_rep_cf: &codice_fiscale_rappresentante,
            legal_rep_nome: &nome_rappresentante,
            legal_rep_cognome: &cognome_rappresentante,
            until: al.as_deref().unwrap_or(""),
        };
        let today = ctx.state.settings.today();
        let new_id =
            deleghe::request_renewal(ctx.db(), u.user_id, &u.codice_fiscale, &u.full_name, id, req, today).await?;
        leptos_axum::redirect(&format!("/deleghe/{new_id}?esito=rinnovo"));
        Ok(())
    })
    .await
}

#[server(prefix = "/api", endpoint = "deleghe/attiva")]
pub async fn activate_delega(id: DelegaId, otp: String, dichiarazione: Option<String>) -> Result<(), AppError> {
    use crate::ssr::authz::DelegaAction;
    use crate::ssr::deleghe;
    use crate::ssr::serve;

    serve(DelegaAction::ActOnOwn(id), async |ctx, access| {
        let today = ctx.state.settings.today();
        deleghe::activate(ctx.db(), access.user.user_id, id, &otp, dichiarazione.is_some(), today).await?;
        leptos_axum::redirect(&format!("/deleghe/{id}?esito=attivata"));
        Ok(())
    })
    .await
}

#[server(prefix = "/api", endpoint = "deleghe/nuovo-otp")]
pub async fn reissue_delega_otp(id: DelegaId) -> Result<(), AppError> {
    use crate::ssr::authz::DelegaAction;
    use crate::ssr::deleghe;
    use crate::ssr::serve;

    serve(DelegaAction::ActOnOwn(id), async |ctx, access| {
        deleghe::reissue_otp(ctx.db(), access.user.user_id, id, ctx.state.settings.today()).await?;
        leptos_axum::redirect(&format!("/deleghe/{id}?esito=nuovo-otp"));
        Ok(())
    })
    .await
}

#[server(prefix = "/api", endpoint = "deleghe/revoca")]
pub async fn revoke_delega(id: DelegaId) -> Result<(), AppError> {
    use crate::ssr::authz::DelegaAction;
    use crate::ssr::deleghe;
    use crate::ssr::serve;

    serve(DelegaAction::Revoke(id), async |ctx, access| {
        deleghe::revoke(ctx.db(), access.user.user_id, id, ctx.state.settings.today()).await?;
        leptos_axum::redirect(&format!("/deleghe/{id}?esito=revocata"));
        Ok(())
    })
    .await
}

#[server(prefix = "/api", endpoint = "deleghe/subdelega")]
pub async fn grant_subdelega(id: DelegaId, codice_fiscale: String) -> Result<(), AppError> {
    use crate::ssr::authz::DelegaAction;
    use crate::ssr::deleghe;
    use crate::ssr::serve;

    serve(DelegaAction::ActOnOwn(id), async |ctx, access| {
        let today = ctx.state.settings.today();
        let sub = deleghe::grant_subdelega(ctx.db(), access.user.user_id, id, &codice_fiscale, today).await?;
        leptos_axum::redirect(&format!("/deleghe/{sub}?esito=subdelega"));
        Ok(())
    })
    .await
}
