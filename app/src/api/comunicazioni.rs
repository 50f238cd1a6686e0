//! Comunicazione bidirezionale 2.0: the user's richieste and the quesiti of a Sede's back-office.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::model::{ListQuery, RichiestaDetail, RichiestePage};

/// The user's richieste, filtered, sorted and paged as `query` says (see `domain::comunicazioni::ricerca`):
/// those they sent («Inviate da me») or, for a datore, those on the positions of their Enti whoever sent them
/// («Sulla mia posizione»; for anyone else that list is empty, as they hold no position).
#[server(prefix = "/api", endpoint = "comunicazioni", input = Json)]
pub async fn load_comunicazioni(query: ListQuery) -> Result<RichiestePage, AppError> {
    use crate::domain::comunicazioni::{Vista, ricerca};
    use crate::ssr::authz::UserAction;
    use crate::ssr::comunicazioni::{self, Viewer};
    use crate::ssr::db::now_unix;
    use crate::ssr::serve;

    serve(UserAction::SearchPositions, async |ctx, access| {
        let filtro = ricerca(&query, false).map_err(AppError::invalid)?;
        let user = access.user.user_id;
        let viewer = match filtro.vista {
            Vista::InviateDaMe => Viewer::Author(user),
            Vista::SullaMiaPosizione => Viewer::Titolare(user),
        };
        let mut page = comunicazioni::search(ctx.db(), viewer, &filtro, now_unix()).await?;
        page.vista_posizione = access.user.role == crate::model::Role::Datore;
        Ok(page)
    })
    .await
}

/// One richiesta with its timeline, for its author, the datore of its Ente or an operator of its Sede.
#[server(prefix = "/api", endpoint = "comunicazioni/dettaglio", input = Json)]
pub async fn load_richiesta(id: crate::model::RichiestaId) -> Result<RichiestaDetail, AppError> {
    use crate::ssr::authz::ReadRichiesta;
    use crate::ssr::comunicazioni::{self};
    use crate::ssr::db::now_unix;
    use crate::ssr::serve;

    serve(ReadRichiesta(id), async |ctx, access| comunicazioni::detail(ctx.db(), id, access.viewer, now_unix()).await)
        .await
}

/// The quesiti of the operator's Sede; by default those still to answer, the nearest deadline first.
#[server(prefix = "/api", endpoint = "backoffice/quesiti", input = Json)]
pub async fn quesiti_queue(query: ListQuery) -> Result<RichiestePage, AppError> {
    use crate::domain::comunicazioni::ricerca;
    use crate::ssr::authz::SedeAction;
    use crate::ssr::comunicazioni::{self, Viewer};
    use crate::ssr::db::now_unix;
    use crate::ssr::serve;

    serve(SedeAction::ReviewQuesiti, async |ctx, access| {
        let sede = access.sede;
        let filtro = ricerca(&query, true).map_err(AppError::invalid)?;
        comunicazioni::search(ctx.db(), Viewer::Sede(sede), &filtro, now_unix()).await
    })
    .await
}

/// `azione`: `in_carico`, `commento`, `accolta` or `non_accolta` (the last two close the quesito).
#[server(prefix = "/api", endpoint = "backoffice/quesiti/azione")]
pub async fn act_on_quesito(
    id: crate::model::RichiestaId,
    azione: String,
    commento: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::comunicazioni::{Azione, Esito};
    use crate::ssr::authz::SedeAction;
    use crate::ssr::serve;
    use crate::ssr::{comunicazioni, db::now_unix};

    serve(SedeAction::ActOnQuesito(id), async |ctx, access| {
        let azione = match azione.as_str() {
            "in_carico" => Azione::PrendiInCarico,
            "commento" => Azione::Commenta,
            "accolta" => Azione::Chiudi(Esito::Accolta),
            "non_accolta" => Azione::Chiudi(Esito::NonAccolta),
            _ => return Err(AppError::invalid("Azione sconosciuta.")),
        };
        let sede = access.sede;
        let commento = commento.unwrap_or_default();
        comunicazioni::act(ctx.db(), access.user.user_id, sede, id, azione, &commento, now_unix()).await?;
        leptos_axum::redirect(&format!("/comunicazioni/{id}?esito=aggiornata"));
        Ok(())
    })
    .await
}
