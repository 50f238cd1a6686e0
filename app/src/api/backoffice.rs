//! Back-office of a Sede: the operators' queue of profile requests, and the IDM's enablement of the
//! Sede's operators.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::model::{OperatorRow, ProfileRequestRow, SearchResult};

#[server(prefix = "/api", endpoint = "backoffice/richieste-profilo", input = Json)]
pub async fn profile_request_queue() -> Result<Vec<ProfileRequestRow>, AppError> {
    use crate::ssr::authz::SedeAction;
    use crate::ssr::profili;
    use crate::ssr::serve;

    serve(SedeAction::ReviewProfileRequests, async |ctx, access| Ok(profili::sede_queue(ctx.db(), access.sede).await?))
        .await
}

/// `esito` is `approva` or `respingi`; a rejection needs `motivo`.
#[server(prefix = "/api", endpoint = "backoffice/richieste-profilo/decisione")]
pub async fn decide_profile_request(
    id: crate::model::RichiestaProfiloId,
    esito: String,
    motivo: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::authz::SedeAction;
    use crate::ssr::profili;
    use crate::ssr::serve;

    serve(SedeAction::DecideProfileRequest(id), async |ctx, access| {
        let approve = match esito.as_str() {
            "approva" => true,
            "respingi" => false,
            _ => return Err(AppError::invalid("Scelga se approvare o respingere la richiesta.")),
        };
        profili::decide_request(ctx.db(), access.user.user_id, id, approve, motivo.as_deref().unwrap_or("")).await?;
        leptos_axum::redirect(&format!("/backoffice/richieste-profilo?esito={esito}&richiesta={id}"));
        Ok(())
    })
    .await
}

#[server(prefix = "/api", endpoint = "backoffice/operatori", input = Json)]
pub async fn sede_operators() -> Result<Vec<OperatorRow>, AppError> {
    use crate::ssr::authz::SedeAction;
    use crate::ssr::identity;
    use crate::ssr::serve;

    serve(SedeAction::ManageOperators, async |ctx, access| Ok(identity::operators_of(ctx.db(), access.sede).await?))
        .await
}

/// `abilitato` is `1` to enable, anything else to disable.
#[server(prefix = "/api", endpoint = "backoffice/operatori/abilitazione")]
pub async fn set_operator_enabled(codice_fiscale: String, abilitato: String) -> Result<(), AppError> {
    use crate::ssr::authz::SedeAction;
    use crate::ssr::identity;
    use crate::ssr::serve;

    serve(SedeAction::ToggleOperator(&codice_fiscale), async |ctx, access| {
        let enable = abilitato == "1";
        identity::set_enabled(ctx.db(), access.user.user_id, &codice_fiscale, enable).await?;
        leptos_axum::redirect(&format!(
            "/backoffice/operatori?esito={}",
            if enable { "abilitato" } else { "disabilitato" }
        ));
        Ok(())
    })
    .await
}

/// Lifts the login throttle and the second factor's lock of an operator of the IDM's Sede (audited).
#[server(prefix = "/api", endpoint = "backoffice/operatori/sblocco")]
pub async fn unlock_operator(codice_fiscale: String) -> Result<(), AppError> {
    use crate::ssr::authz::SedeAction;
    use crate::ssr::identity;
    use crate::ssr::serve;

    serve(SedeAction::ToggleOperator(&codice_fiscale), async |ctx, access| {
        identity::unlock_login(ctx.db(), access.user.user_id, &codice_fiscale).await?;
        leptos_axum::redirect("/backoffice/operatori?esito=sbloccato");
        Ok(())
    })
    .await
}

/// Enables (`abilitato` = `1`) or revokes an operator's Fascicolo Elettronico del Contribuente.
#[server(prefix = "/api", endpoint = "backoffice/operatori/fascicolo-elettronico")]
pub async fn set_operator_fascicolo(codice_fiscale: String, abilitato: String) -> Result<(), AppError> {
    use crate::ssr::authz::SedeAction;
    use crate::ssr::identity;
    use crate::ssr::serve;

    serve(SedeAction::ToggleOperator(&codice_fiscale), async |ctx, access| {
        let enable = abilitato == "1";
        identity::set_fascicolo_elettronico(ctx.db(), access.user.user_id, &codice_fiscale, enable).await?;
        leptos_axum::redirect(&format!(
            "/backoffice/operatori?esito={}",
            if enable { "fascicolo-abilitato" } else { "fascicolo-revocato" }
        ));
        Ok(())
    })
    .await
}

/// Operators: the positions of their own Sede, for the Fascicolo Elettronico del Contribuente.
#[server(prefix = "/api", endpoint = "backoffice/fascicolo/ricerca", input = Json)]
pub async fn search_sede_positions(testo: String, pagina: u32) -> Result<SearchResult, AppError> {
    use crate::ssr::authz::SedeAction;
    use crate::ssr::cassetto;
    use crate::ssr::serve;

    serve(SedeAction::SearchPositions, async |ctx, access| {
        let sede = access.sede;
        cassetto::search_positions(ctx.db(), cassetto::Reach::Sede(sede), &testo, pagina).await
    })
    .await
}

/// Admin: replaces the Albo register with the CSV pasted in (`codice_fiscale,categoria,numero,provincia,nominativo`).
#[server(prefix = "/api", endpoint = "admin/albo")]
pub async fn import_albo(csv: String) -> Result<(), AppError> {
    use crate::ssr::authz::UserAction;
    use crate::ssr::profili;
    use crate::ssr::serve;

    serve(UserAction::Administer, async |ctx, access| {
        let n = profili::import_albo(ctx.db(), Some(access.user.user_id), &csv).await.map_err(AppError::invalid)?;
        leptos_axum::redirect(&format!("/admin?esito=albo&righe={n}"));
        Ok(())
    })
    .await
}

/// Admin: the taxonomy of the Comunicazione bidirezionale with its tempi soglia.
#[server(prefix = "/api", endpoint = "admin/tassonomia", input = Json)]
pub async fn load_tassonomia() -> Result<Vec<crate::model::OggettoAdmin>, AppError> {
    use crate::ssr::authz::UserAction;
    use crate::ssr::comunicazioni;
    use crate::ssr::serve;

    serve(UserAction::Administer, async |ctx, _| comunicazioni::tassonomia(ctx.db()).await).await
}

/// Admin: adds an oggetto (no `id`) or changes one; `attivo` is the ticked checkbox.
#[server(prefix = "/api", endpoint = "admin/tassonomia/salva")]
pub async fn save_oggetto(
    id: Option<i64>,
    classe: String,
    oggetto: String,
    soglia: i64,
    attivo: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::authz::UserAction;
    use crate::ssr::comunicazioni::{self, OggettoDaSalvare};
    use crate::ssr::db::now_unix;
    use crate::ssr::serve;

    serve(UserAction::Administer, async |ctx, access| {
        let o = OggettoDaSalvare {
            id,
            classe: &classe,
            oggetto: &oggetto,
            soglia_giorni: soglia,
            attivo: attivo.is_some(),
        };
        let saved = comunicazioni::save_oggetto(ctx.db(), access.user.user_id, o, now_unix()).await?;
        leptos_axum::redirect(&format!("/admin?esito=tassonomia&n={saved}#tassonomia"));
        Ok(())
    })
    .await
}
