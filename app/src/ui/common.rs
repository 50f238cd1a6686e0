//! Pieces shared by the pages: error boxes, placeholders, the consultation table with its filters,
//! sortable headers, totals and pager.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::ListQuery;
use crate::sections::{ColKind, FilterKind, SectionSpec};

/// A date as Italians write it: `dd/mm/yyyy`.
pub fn date_it(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

#[component]
pub fn ErrorBox(error: AppError) -> impl IntoView {
    let text = match &error {
        AppError::NotFound => "La risorsa richiesta non esiste o non è tra quelle a cui ha accesso.".to_string(),
        other => other.to_string(),
    };
    view! {
        <div class="alert alert-danger" role="alert" data-testid="errore">
            {text}
        </div>
    }
}

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <h1>"Pagina non trovata"</h1>
        <ErrorBox error=AppError::NotFound/>
        <a href="/">"Torna alla pagina iniziale"</a>
    }
}

/// A service that a later release fills: a clear message, never a broken link.
#[component]
pub fn NotYetNotice(#[prop(into)] title: String) -> impl IntoView {
    view! {
        <h1>{title}</h1>
        <div class="callout note" data-testid="non-disponibile">
            <div class="callout-title">"Servizio non ancora disponibile"</div>
            <p>"Questo servizio sarà attivato in una prossima versione del Cassetto. Nel frattempo può consultare gli altri servizi dal menu."</p>
        </div>
    }
}

/// The filter form of a section: a plain GET form, so it works with and without JavaScript.
#[component]
pub fn FilterForm(spec: &'static SectionSpec, query: ListQuery, action: String) -> impl IntoView {
    let reset = action.clone();
    view! {
        <form method="get" action=action class="mb-4" aria-label="Filtri">
            <div class="row">
                {spec.filters.iter().map(|f| {
                    let id = format!("filtro-{}", f.key);
                    let current = query.filters.get(f.key).cloned().unwrap_or_default();
                    let input = match f.kind {
                        FilterKind::Choice(options) => view! {
                            <select id=id.clone() name=f.key class="form-select">
                                <option value="" selected=current.is_empty()>"Tutti"</option>
                                {options.iter().map(|(value, label)| view! {
                                    <option value=*value selected=current == *value>{*label}</option>
                                }).collect_view()}
                            </select>
                        }.into_any(),
                        kind => {
                            let input_type = match kind {
                                FilterKind::DateFrom | FilterKind::DateTo => "date",
                                FilterKind::PeriodFrom | FilterKind::PeriodTo => "month",
                                _ => "text",
                            };
                            view! { <input id=id.clone() name=f.key type=input_type class="form-control" value=current/> }.into_any()
                        }
                    };
                    view! {
                        <div class="col-md-4 col-lg-3 mb-3">
                            <label for=id class="form-label fw-semibold">{f.label}</label>
                            {input}
                        </div>
                    }
                }).collect_view()}
            </div>
            {query.sort.clone().map(|s| view! { <input type="hidden" name="ordina" value=s/> })}
            {query.sort.is_some().then(|| view! { <input type="hidden" name="dir" value=if query.desc { "desc" } else { "asc" }/> })}
            <button type="submit" class="btn btn-primary btn-sm">"Applica filtri"</button>
            <a class="btn btn-outline-secondary btn-sm ms-2" href=reset>"Azzera"</a>
        </form>
    }
}

/// The table of a section page: sortable headers, rows, totals of the filtered set, pager.
#[component]
pub fn DataTable(
    spec: &'static SectionSpec,
    page: crate::model::TablePage,
    query: ListQuery,
    /// Base path of the page, for sort and pager links.
    base: String,
    /// Base path of the detail page of a row, when the section has one.
    detail_base: Option<String>,
) -> impl IntoView {
    let (sort_key, sort_desc) = page.sort.clone();
    let total_pages = page.page_count();
    let current = page.page;
    let totals = page.totals.clone();
    let has_totals = !totals.is_empty();
    let header = spec
        .columns
        .iter()
        .map(|c| {
            let active = c.key == sort_key;
            let next_desc =
                if active { !sort_desc } else { matches!(c.kind, ColKind::Date | ColKind::Period | ColKind::Money) };
            let href = format!("{base}{}", query.to_query_string(Some(c.key), next_desc, 0));
            let aria_sort = if active { if sort_desc { "descending" } else { "ascending" } } else { "none" };
            let marker = if active { if sort_desc { " ▼" } else { " ▲" } } else { "" };
            let numeric = matches!(c.kind, ColKind::Money | ColKind::Int);
            view! {
                <th scope="col" aria-sort=aria_sort class:text-end=numeric>
                    <a href=href data-sort=c.key>{format!("{}{marker}", c.label)}</a>
                </th>
            }
        })
        .collect_view();
    let rows = page
        .rows
        .iter()
        .map(|row| {
            let link = detail_base.as_ref().map(|b| format!("{b}/{}", row.id));
            view! {
                <tr>
                    {row.cells.iter().enumerate().map(|(i, cell)| {
                        let text = cell.display();
                        let numeric = cell.is_numeric();
                        match (&link, i) {
                            (Some(href), 0) => view! { <td><a href=href.clone()>{text}</a></td> }.into_any(),
                            _ => view! { <td class:text-end=numeric>{text}</td> }.into_any(),
                        }
                    }).collect_view()}
                </tr>
            }
        })
        .collect_view();
    let footer = has_totals.then(|| {
        view! {
            <tfoot>
                <tr class="fw-bold" data-testid="totali">
                    {spec.columns.iter().enumerate().map(|(i, c)| {
                        // No empty text nodes: the server writes none, so hydration would find none.
                        let text = totals.iter().find(|(k, _)| k == c.key).map(|(_, m)| m.to_string())
                            .or_else(|| (i == 0).then(|| "Totale".to_string()));
                        view! { <td class:text-end=c.total data-total=c.key>{text}</td> }
                    }).collect_view()}
                </tr>
            </tfoot>
        }
    });
    let empty = page.rows.is_empty();
    view! {
        <p data-testid="conteggio">{format!("{} risultati", page.total_rows)}</p>
        <div class="table-responsive">
            <table class="table table-striped table-hover" data-testid="tabella">
                <caption class="visually-hidden">{spec.title}</caption>
                <thead><tr>{header}</tr></thead>
                <tbody>
                    {rows}
                    {empty.then(|| view! { <tr><td colspan=spec.columns.len().to_string()>"Nessun risultato per i filtri scelti."</td></tr> })}
                </tbody>
                {footer}
            </table>
        </div>
        <Pager base query total_pages current/>
    }
}

#[component]
pub fn Pager(base: String, query: ListQuery, total_pages: u32, current: u32) -> impl IntoView {
    let link = move |page: u32| format!("{base}{}", query.to_query_string(query.sort.as_deref(), query.desc, page));
    let prev = (current > 0).then(|| link(current - 1));
    let next = (current.saturating_add(1) < total_pages).then(|| link(current + 1));
    view! {
        <nav class="pagination-wrapper" aria-label="Paginazione">
            <ul class="pagination">
                <li class="page-item" class:disabled=prev.is_none()>
                    {match prev.clone() {
                        Some(href) => view! { <a class="page-link" href=href rel="prev">"Precedente"</a> }.into_any(),
                        None => view! { <span class="page-link">"Precedente"</span> }.into_any(),
                    }}
                </li>
                <li class="page-item active">
                    <span class="page-link" aria-current="page" data-testid="pagina">{format!("Pagina {} di {}", u64::from(current) + 1, total_pages)}</span>
                </li>
                <li class="page-item" class:disabled=next.is_none()>
                    {match next.clone() {
                        Some(href) => view! { <a class="page-link" href=href rel="next">"Successiva"</a> }.into_any(),
                        None => view! { <span class="page-link">"Successiva"</span> }.into_any(),
                    }}
                </li>
            </ul>
        </nav>
    }
}
