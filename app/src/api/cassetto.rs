//! The Cassetto's consultation: Ricerca, anagrafica and the sections of a position.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::model::{ListQuery, PositionDetail, SearchResult, TablePage};
use crate::sections::Section;

#[server(prefix = "/api", endpoint = "cassetto/ricerca", input = Json)]
pub async fn search_positions(testo: String, pagina: u32) -> Result<SearchResult, AppError> {
    use crate::ssr::authz::UserAction;
    use crate::ssr::cassetto;
    use crate::ssr::serve;

    serve(UserAction::SearchPositions, async |ctx, access| {
        cassetto::search_positions(
            ctx.db(),
            cassetto::Reach::User(access.user.user_id, ctx.state.settings.today()),
            &testo,
            pagina,
        )
        .await
    })
    .await
}

#[server(prefix = "/api", endpoint = "cassetto/posizione", input = Json)]
pub async fn load_position(posizione: crate::domain::PositionCode) -> Result<PositionDetail, AppError> {
    use crate::ssr::authz::PositionAction;
    use crate::ssr::cassetto;
    use crate::ssr::serve;

    serve(PositionAction::Read(&posizione), async |ctx, access| {
        cassetto::position_detail(ctx.db(), access.position.id).await
    })
    .await
}

/// A page of a section, with the label of its parent record for child sections.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SectionView {
    pub table: TablePage,
    pub parent_label: Option<String>,
}

#[server(prefix = "/api", endpoint = "cassetto/sezione", input = Json)]
pub async fn section_page(
    posizione: crate::domain::PositionCode,
    section: Section,
    parent: Option<i64>,
    query: ListQuery,
) -> Result<SectionView, AppError> {
    use crate::ssr::authz::PositionAction;
    use crate::ssr::cassetto::{self, Window};
    use crate::ssr::serve;

    serve(PositionAction::Read(&posizione), async |ctx, access| {
        // The sections of the Gestione dipendenti pubblici are not a private-sector position's.
        access.position.offre_sezione(section)?;
        let position_id = access.position.id;
        let spec = section.spec();
        let checked = spec.check(&query).map_err(AppError::invalid)?;
        let table =
            cassetto::list_section(ctx.db(), position_id, spec, parent, &checked, Window::Page(query.page)).await?;
        let parent_label = match (section.parent(), parent) {
            (Some(p), Some(id)) => Some(cassetto::parent_label(ctx.db(), position_id, p, id).await?),
            _ => None,
        };
        Ok(SectionView { table, parent_label })
    })
    .await
}
