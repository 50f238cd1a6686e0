//! Downloads of consultation sections as CSV: the same authorization and the same query as the pages.

use std::collections::BTreeMap;

use crate::error::AppError;
use crate::model::ListQuery;
use crate::sections::Section;

use super::{self as cassetto, Window};
use crate::ssr::authz::PositionGrant;
use crate::ssr::ctx::RequestCtx;

/// Most rows in one download (ten years of a large position fit).
pub const MAX_EXPORT_ROWS: u32 = 20_000;

/// The CSV of section `slug` of the position the caller may read (`PositionAction::Read`, checked by the
/// route), with the filters of `params` (`padre` names the parent record of a child section). Returns the file
/// name and the body.
pub async fn section_csv(
    ctx: &RequestCtx,
    access: &PositionGrant,
    slug: &str,
    mut params: BTreeMap<String, String>,
) -> Result<(String, String), AppError> {
    let position = &access.position;
    let parent = params.remove("padre").map(|p| p.parse::<i64>().map_err(|_| AppError::NotFound)).transpose()?;
    let section = match (Section::from_slug(slug), parent) {
        (Some(s), None) => s,
        (Some(s), Some(_)) => s.spec().detail.ok_or(AppError::NotFound)?,
        (None, _) => return Err(AppError::NotFound),
    };
    position.offre_sezione(section)?;
    let spec = section.spec();
    let query = ListQuery::from_params(params);
    let checked = spec.check(&query).map_err(AppError::invalid)?;
    let page = cassetto::list_section(
        ctx.db(),
        position.id,
        spec,
        parent,
        &checked,
        Window::All { max_rows: MAX_EXPORT_ROWS },
    )
    .await?;
    let name = match parent {
        Some(id) => format!("{}-{}-{id}.csv", position.code, spec.slug),
        None => format!("{}-{}.csv", position.code, spec.slug),
    };
    Ok((name, cassetto::to_csv(spec, &page)))
}
