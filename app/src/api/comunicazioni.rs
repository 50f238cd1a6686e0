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
    use crate::ssr::authz::{Action, authorize};
    use crate::ssr::comunicazioni::{self, Viewer};
    use crate::ssr::{ctx::RequestCtx, db::now_unix, respond};

    respond(
        async {
            let ctx = RequestCtx::current()?;
            let access = authorize(&ctx, Action::SearchPositions).await?;
            let filtro = ricerca(&query, false).map_err(AppError::invalid)?;
            let user = access.user.user_id;
            let viewer = match filtro.vista {
                Vista::InviateDaMe => Viewer::Author(user),
                Vista::SullaMiaPosizione => Viewer::Titolare(user),
            };
            let mut page = comunicazioni::cerca(ctx.db(), viewer, &filtro, now_unix()).await?;
            page.vista_posizione = access.user.role == crate::model::Role::Datore;
            Ok(page)
        }
        .await,
    )
}

/// One richiesta with its timeline, for its author, the datore of its Ente or an operator of its Sede.
#[server(prefix = "/api", endpoint = "comunicazioni/dettaglio", input = Json)]
pub async fn load_richiesta(id: i64) -> Result<RichiestaDetail, AppError> {
    use crate::ssr::authz::{Action, authorize};
    use crate::ssr::comunicazioni::{self, Viewer};
    use crate::ssr::{ctx::RequestCtx, db::now_unix, respond};

    respond(
        async {
            let ctx = RequestCtx::current()?;
            let access = authorize(&ctx, Action::ReadRichiesta(id)).await?;
            // `authorize` names the position when the reader is the datore of its Ente, not its author.
            let viewer = match (access.sede_id, &access.position) {
                (Some(sede), _) => Viewer::Sede(sede),
                (None, Some(_)) => Viewer::Titolare(access.user.user_id),
                (None, None) => Viewer::Author(access.user.user_id),
            };
            comunicazioni::detail(ctx.db(), id, viewer, now_unix()).await
        }
        .await,
    )
}

/// The quesiti of the operator's Sede; by default those still to answer, the nearest deadline first.
#[server(prefix = "/api", endpoint = "backoffice/quesiti", input = Json)]
pub async fn quesiti_queue(query: ListQuery) -> Result<RichiestePage, AppError> {
    use crate::domain::comunicazioni::ricerca;
    use crate::ssr::authz::{Action, authorize};
    use crate::ssr::comunicazioni::{self, Viewer};
    use crate::ssr::{ctx::RequestCtx, db::now_unix, respond};

    respond(
        async {
            let ctx = RequestCtx::current()?;
            let access = authorize(&ctx, Action::ReviewQuesiti).await?;
            let sede = access.sede_id.ok_or(AppError::Forbidden)?;
            let filtro = ricerca(&query, true).map_err(AppError::invalid)?;
            comunicazioni::cerca(ctx.db(), Viewer::Sede(sede), &filtro, now_unix()).await
        }
        .await,
    )
}

/// `azione`: `in_carico`, `commento`, `accolta` or `non_accolta` (the last two close the quesito).
#[server(prefix = "/api", endpoint = "backoffice/quesiti/azione")]
pub async fn act_on_quesito(id: i64, azione: String, commento: Option<String>) -> Result<(), AppError> {
    use crate::domain::comunicazioni::{Azione, Esito};
    use crate::ssr::authz::{Action, authorize};
    use crate::ssr::{comunicazioni, ctx::RequestCtx, db::now_unix, respond};

    respond(
        async {
            let ctx = RequestCtx::current()?;
            let access = authorize(&ctx, Action::ActOnQuesito(id)).await?;
            let azione = match azione.as_str() {
                "in_carico" => Azione::PrendiInCarico,
                "commento" => Azione::Commenta,
                "accolta" => Azione::Chiudi(Esito::Accolta),
                "non_accolta" => Azione::Chiudi(Esito::NonAccolta),
                _ => return Err(AppError::invalid("Azione sconosciuta.")),
            };
            let sede = access.sede_id.ok_or(AppError::Forbidden)?;
            let commento = commento.unwrap_or_default();
            comunicazioni::agisci(ctx.db(), access.user.user_id, sede, id, azione, &commento, now_unix()).await?;
            leptos_axum::redirect(&format!("/comunicazioni/{id}?esito=aggiornata"));
            Ok(())
        }
        .await,
    )
}
