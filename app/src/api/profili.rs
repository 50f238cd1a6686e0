//! The caller's profile and the SC65 / SC62 / RA012 requests; the legacy entry of the transitional period.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::model::{LegacyEntry, ProfileOverview};

#[server(prefix = "/api", endpoint = "profilo", input = Json)]
pub async fn load_profile() -> Result<ProfileOverview, AppError> {
    use crate::ssr::authz::UserAction;
    use crate::ssr::profili;
    use crate::ssr::serve;

    serve(UserAction::Authenticated, async |ctx, access| {
        let mut overview = profili::overview(ctx.db(), access.user.user_id).await?;
        overview.cutover = Some(ctx.state.settings.cutover);
        Ok(overview)
    })
    .await
}

/// A new request. `ambiti` repeats (one per ticked scope); `servizio` is the RA012 service.
#[server(prefix = "/api", endpoint = "profilo/richiesta")]
pub async fn submit_profile_request(
    modello: String,
    codice_fiscale_ente: String,
    ambiti: Option<Vec<String>>,
    servizio: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::profili::ProfileForm;
    use crate::ssr::authz::UserAction;
    use crate::ssr::profili;
    use crate::ssr::serve;

    serve(UserAction::FileProfileRequest, async |ctx, access| {
        let form =
            ProfileForm::parse(&modello).ok_or_else(|| AppError::invalid("Modello di richiesta sconosciuto."))?;
        let scopes = ambiti.unwrap_or_default();
        if scopes.len() > 8 {
            return Err(AppError::invalid("Troppi ambiti selezionati."));
        }
        let id = profili::submit_request(
            ctx.db(),
            &access.user,
            form,
            &codice_fiscale_ente,
            &scopes,
            servizio.as_deref().filter(|s| !s.is_empty()),
        )
        .await?;
        leptos_axum::redirect(&format!("/profilo?esito=inviata&richiesta={id}"));
        Ok(())
    })
    .await
}

/// A newcomer in the Albo takes the intermediary's profile (`/benvenuto`), then asks the Enti for deleghe.
#[server(prefix = "/api", endpoint = "profilo/intermediario")]
pub async fn become_intermediary() -> Result<(), AppError> {
    use crate::ssr::authz::UserAction;
    use crate::ssr::profili;
    use crate::ssr::serve;

    serve(UserAction::BecomeIntermediary, async |ctx, access| {
        profili::become_intermediary(ctx.db(), &access.user).await?;
        leptos_axum::redirect("/deleghe");
        Ok(())
    })
    .await
}

/// Changes the caller's password (`/profilo`): the current one is required, the new one must meet the policy and
/// be typed twice; every other session of the account ends, this one is rotated, an e-mail notice is queued.
#[server(prefix = "/api", endpoint = "profilo/password")]
pub async fn change_password(
    password_attuale: String,
    nuova_password: String,
    conferma_password: String,
) -> Result<(), AppError> {
    use crate::ssr::authz::UserAction;
    use crate::ssr::ctx::set_cookie;
    use crate::ssr::identity;
    use crate::ssr::serve;

    serve(UserAction::Authenticated, async |ctx, access| {
        let token = ctx.session_token.as_deref().ok_or(AppError::Unauthenticated)?;
        if nuova_password != conferma_password {
            return Err(AppError::invalid("La conferma non coincide con la nuova password."));
        }
        match identity::change_password(ctx.db(), &access.user, token, ctx.client, password_attuale, nuova_password)
            .await?
        {
            Ok(token) => {
                set_cookie(&ctx.state.session_cookie(&token));
                leptos_axum::redirect("/profilo?esito=password-modificata");
                Ok(())
            }
            Err(refused) => Err(AppError::invalid(refused.message())),
        }
    })
    .await
}

/// "Dipendenti pubblici: servizi per amministrazioni, enti e aziende": open until the cut-over, then
/// it only points to the Cassetto.
#[server(prefix = "/api", endpoint = "dipendenti-pubblici", input = Json)]
pub async fn load_legacy_entry() -> Result<LegacyEntry, AppError> {
    use crate::domain::profili::legacy_entry_open;
    use crate::ssr::authz::UserAction;
    use crate::ssr::cassetto;
    use crate::ssr::serve;

    serve(UserAction::SearchPositions, async |ctx, access| {
        let settings = &ctx.state.settings;
        let open = legacy_entry_open(settings.today(), settings.cutover);
        let positions = if open {
            cassetto::search_positions(
                ctx.db(),
                cassetto::Reach::User(access.user.user_id, ctx.state.settings.today()),
                "",
                0,
            )
            .await?
            .rows
            .into_iter()
            .filter(|p| p.sector == "pubblico")
            .collect()
        } else {
            Vec::new()
        };
        Ok(LegacyEntry { cutover: settings.cutover, open, positions })
    })
    .await
}
