//! Pieces shared by the pages: error boxes, placeholders, the consultation table with its filters,
//! sortable headers, totals and pager.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::ListQuery;
use crate::sections::{ColKind, FilterKind, SectionSpec};

pub use crate::domain::time::date_it;

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
    /// A service each row leads to (`SectionSpec::azione_riga`): the address up to the row's id, and the text.
    #[prop(default = None)]
    azione: Option<(String, &'static str)>,
) -> impl IntoView {
    let (sort_key, sort_desc) = page.sort.clone();
    let con_azione = azione.is_some();
    let colonne = spec.columns.len() + usize::from(con_azione);
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
            let azione = azione.as_ref().map(|(prefix, etichetta)| {
                // The row's first cell (the note's number) makes each link's name its own.
                let di = row.cells.first().map(|c| c.display()).unwrap_or_default();
                let label = format!("{etichetta} della nota {di}");
                view! { <td><a href=format!("{prefix}{}", row.id) aria-label=label data-testid="azione-riga">{*etichetta}</a></td> }
            });
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
                    {azione}
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
                    {con_azione.then(|| view! { <td></td> })}
                </tr>
            </tfoot>
        }
    });
    let empty = page.rows.is_empty();
    view! {
        <p data-testid="conteggio">{format!("{} risultati", page.total_rows)}</p>
        <div class="table-responsive" tabindex="0">
            <table class="table table-striped table-hover" data-testid="tabella">
                <caption class="visually-hidden">{spec.title}</caption>
                <thead><tr>{header}{con_azione.then(|| view! { <th scope="col"><span class="visually-hidden">"Azioni"</span></th> })}</tr></thead>
                <tbody>
                    {rows}
                    {empty.then(|| view! { <tr><td colspan=colonne.to_string()>"Nessun risultato per i filtri scelti."</td></tr> })}
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

/// A file input in the kit's upload style (Bootstrap Italia's `input.upload` with its button-like label and
/// the `upload-file-list` of the files chosen). It stays a real file input named by its label, so it works as
/// a plain form field: without script the page shows the browser's own input (the kit's look needs the list
/// to tell the user what was chosen), and the server checks everything it receives.
///
/// Once hydrated, the files chosen are listed with their size and checked at once against `limiti`, the
/// numbers the server enforces (`domain::allegati::LimitiFile`): a problem is shown beside the field and set
/// as the input's custom validity, so the browser keeps the form from being sent while it stands.
#[component]
pub fn CampoFile(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    limiti: crate::domain::allegati::LimitiFile,
    #[prop(optional)] required: bool,
    /// The help text under the field (its id is `{id}-aiuto`).
    #[prop(optional)]
    aiuto: Option<String>,
) -> impl IntoView {
    use crate::domain::allegati::dimensione;
    let multiple = limiti.max_file > 1;
    let scelti = RwSignal::new(Vec::<(String, u64)>::new());
    let errore = RwSignal::new(None::<String>);
    // The kit's look only where script runs (effects run in the browser, after hydration).
    let kit = RwSignal::new(false);
    Effect::new(move |_| kit.set(true));
    let aiuto_id = format!("{id}-aiuto");
    let errore_id = format!("{id}-errore");
    let con_aiuto = aiuto.is_some();
    let describedby = {
        let (aiuto_id, errore_id) = (aiuto_id.clone(), errore_id.clone());
        move || {
            let ids: Vec<&str> = [con_aiuto.then_some(aiuto_id.as_str()), errore.get().map(|_| errore_id.as_str())]
                .into_iter()
                .flatten()
                .collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let classe_input = move || {
        let base = if kit.get() { "upload" } else { "form-control" };
        if errore.get().is_some() { format!("{base} is-invalid") } else { base.to_string() }
    };
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            let input = event_target::<web_sys::HtmlInputElement>(&ev);
            let files: Vec<(String, u64)> = input
                .files()
                .map(|list| {
                    (0..list.length()).filter_map(|i| list.get(i)).map(|f| (f.name(), f.size() as u64)).collect()
                })
                .unwrap_or_default();
            let errore_scelta = limiti.check_scelta(&files).err().map(|e| e.to_string());
            input.set_custom_validity(errore_scelta.as_deref().unwrap_or(""));
            errore.set(errore_scelta);
            scelti.set(files);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, scelti, errore);
    };
    view! {
        <div class=move || if kit.get() { "mb-1" } else { "d-flex flex-column-reverse" }>
            <input type="file" id=id name=name class=classe_input multiple=multiple accept=limiti.accept()
                required=required aria-describedby=describedby aria-invalid=move || errore.get().map(|_| "true")
                on:change=on_change/>
            <label for=id class=move || if kit.get() { "" } else { "form-label fw-semibold" }>
                {move || kit.get().then(|| view! {
                    <svg class="icon icon-sm" aria-hidden="true" focusable="false">
                        <use href="/vendor/bootstrap-italia/svg/sprites.svg#it-upload"></use>
                    </svg>
                })}
                <span>{label}</span>
            </label>
        </div>
        {aiuto.map(|a| view! { <div id=aiuto_id class="form-text">{a}</div> })}
        {move || errore.get().map(|e| view! {
            <div id=errore_id.clone() class="invalid-feedback d-block" data-testid="errore-file">{e}</div>
        })}
        {move || (!scelti.with(Vec::is_empty)).then(|| view! {
            <ul class="upload-file-list" data-testid="file-scelti" aria-label="File scelti">
                {scelti.get().into_iter().map(|(nome, byte)| view! {
                    <li class="upload-file success" data-testid="file-scelto">
                        <svg class="icon icon-sm" aria-hidden="true" focusable="false">
                            <use href="/vendor/bootstrap-italia/svg/sprites.svg#it-file"></use>
                        </svg>
                        <p>{nome}<span class="upload-file-weight">{dimensione(byte)}</span></p>
                    </li>
                }).collect_view()}
            </ul>
        })}
    }
}
