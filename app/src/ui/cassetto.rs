//! The Cassetto: Ricerca of reachable positions, a position's anagrafica and left menu, and the
//! consultation sections.

use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::cassetto::{load_position, search_positions, section_page};
use crate::domain::PositionCode;
use crate::error::AppError;
use crate::model::{ListQuery, PositionDetail, url_encode};
use crate::sections::Section;

use super::azioni::risorsa;
use super::common::{DataTable, ErrorBox, FilterForm, Pager, date_it};
use super::layout::{Crumb, Page};

use crate::servizi::{Gestione, SERVIZI_POSIZIONE, servizio_offerto, sezione_offerta};

pub(super) fn query_pairs(map: &leptos_router::params::ParamsMap) -> Vec<(String, String)> {
    map.clone().into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// Which door a position is opened through: the contributor's Cassetto, or the INPS operator's
/// read-only Fascicolo Elettronico del Contribuente. Same pages; the operator's offer no management action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vista {
    Cassetto,
    Operatore,
}

impl Vista {
    fn root(self) -> &'static str {
        match self {
            Vista::Cassetto => "/cassetto",
            Vista::Operatore => "/backoffice/fascicolo",
        }
    }
}

fn vista() -> Vista {
    use_context::<Vista>().unwrap_or(Vista::Cassetto)
}

#[component]
pub fn Ricerca() -> impl IntoView {
    view! { <RicercaPosizioni vista=Vista::Cassetto/> }
}

/// `/backoffice/fascicolo`: an operator's search among the positions of their Sede.
#[component]
pub fn RicercaSede() -> impl IntoView {
    view! { <RicercaPosizioni vista=Vista::Operatore/> }
}

#[component]
fn RicercaPosizioni(vista: Vista) -> impl IntoView {
    use crate::api::backoffice::search_sede_positions;
    let query = use_query_map();
    let testo = move || query.try_with(|q| q.get("testo").unwrap_or_default()).unwrap_or_default();
    let pagina =
        move || query.try_with(|q| q.get("pagina").map(|p| crate::model::pagina(&p)).unwrap_or(0)).unwrap_or_default();
    let results = risorsa(
        move || (testo(), pagina()),
        move |(t, p)| async move {
            match vista {
                Vista::Cassetto => search_positions(t, p).await,
                Vista::Operatore => search_sede_positions(t, p).await,
            }
        },
    );
    let root = vista.root();
    let (title, heading, intro, crumbs): (&str, &str, &str, Vec<Crumb>) = match vista {
        Vista::Cassetto => (
            "Ricerca posizioni",
            "Ricerca posizioni contributive",
            "Le posizioni a cui ha accesso come datore di lavoro, delegato o intermediario.",
            vec![("Home".into(), Some("/".into())), ("Cassetto".into(), None)],
        ),
        Vista::Operatore => (
            "Fascicolo Elettronico del Contribuente",
            "Fascicolo Elettronico del Contribuente",
            "Le posizioni contributive della sua Sede, in sola consultazione. Ogni apertura è registrata.",
            vec![
                ("Home".into(), Some("/".into())),
                ("Back-office".into(), Some("/backoffice".into())),
                ("Fascicolo Elettronico".into(), None),
            ],
        ),
    };
    view! {
        <Page title=title crumbs>
            <h1>{heading}</h1>
            <p>{intro}</p>
            <form method="get" action=root class="row g-2 align-items-end mb-4" role="search">
                <div class="col-md-8">
                    <label for="testo" class="form-label fw-semibold">"Codice fiscale, denominazione o codice posizione"</label>
                    <input type="text" id="testo" name="testo" class="form-control" value=testo maxlength="64"/>
                </div>
                <div class="col-md-4">
                    <button type="submit" class="btn btn-primary">"Cerca"</button>
                </div>
            </form>
            <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
                {move || Suspend::new(async move {
                    match results.await {
                        Ok(r) => {
                            let total_pages = ((r.total + i64::from(r.page_size) - 1) / i64::from(r.page_size)).max(1) as u32;
                            let mut list_query = ListQuery::default();
                            if !testo().is_empty() {
                                list_query.filters.insert("testo".into(), testo());
                            }
                            view! {
                                <p data-testid="conteggio">{format!("{} posizioni", r.total)}</p>
                                <div class="table-responsive" tabindex="0">
                                    <table class="table table-striped table-hover" data-testid="posizioni">
                                        <caption class="visually-hidden">"Posizioni contributive accessibili"</caption>
                                        <thead><tr>
                                            <th scope="col">"Posizione contributiva"</th>
                                            <th scope="col">"Codice fiscale"</th>
                                            <th scope="col">"Denominazione"</th>
                                            <th scope="col">"Gestione"</th>
                                            <th scope="col">"Sede INPS"</th>
                                            <th scope="col">"Accesso"</th>
                                        </tr></thead>
                                        <tbody>
                                            {r.rows.into_iter().map(|p| view! {
                                                <tr data-posizione=p.code.clone()>
                                                    <td><a href=format!("{root}/{}", p.code)>{p.code.clone()}</a></td>
                                                    <td>{p.ente_cf}</td>
                                                    <td>{p.denominazione}</td>
                                                    <td>{if p.sector == "pubblico" { "Pubblica" } else { "Privata" }}</td>
                                                    <td>{p.sede}</td>
                                                    <td>{match p.access.as_str() {
                                                        "titolare" => "Titolare",
                                                        "delega" => "Delega",
                                                        "sede" => "Sede (sola consultazione)",
                                                        _ => "Subdelega",
                                                    }}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <Pager base=root.to_string() query=list_query total_pages current=r.page/>
                            }.into_any()
                        }
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}

/// Route hooks use `try_with`: a page being torn down by a navigation may read them once more.
pub(super) fn posizione_param() -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.try_with(|p| p.get("posizione").unwrap_or_default()).unwrap_or_default()
}

/// Calls a server function of the position the address names. A malformed code names no position the user
/// reaches: the page says «not found», as for any other, without asking the server (whose functions take a
/// parsed `PositionCode`).
pub(super) async fn per_posizione<T, F>(posizione: String, load: impl FnOnce(PositionCode) -> F) -> Result<T, AppError>
where
    F: std::future::Future<Output = Result<T, AppError>>,
{
    match PositionCode::parse(&posizione) {
        Ok(codice) => load(codice).await,
        Err(_) => Err(AppError::NotFound),
    }
}

/// The anagrafica of the open position, loaded once for all its pages.
#[derive(Clone, Copy)]
struct DetailResource(Resource<Result<PositionDetail, AppError>>);

/// Loads the position (the server checks access) for the pages under it.
#[component]
pub fn PositionLayout() -> impl IntoView {
    let posizione = posizione_param();
    provide_context(DetailResource(risorsa(posizione, |p| per_posizione(p, load_position))));
    // An operator of the Sede reads a position in the Fascicolo Elettronico, read-only, with its banner: the
    // Cassetto's own pages, with their management services, are not for them.
    let utente = (vista() == Vista::Cassetto).then(use_context::<super::layout::UserResource>).flatten();
    let location = leptos_router::hooks::use_location();
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let target = super::layout::indirizzo_attuale(&location).replacen("/cassetto/", "/backoffice/fascicolo/", 1);
                Suspend::new(async move {
                    let utente = match utente {
                        Some(u) => u.0.await.ok().flatten(),
                        None => None,
                    };
                    utente
                        .filter(|u| u.role == crate::model::Role::Operatore)
                        .map(|_| view! { <leptos_router::components::Redirect path=target/> })
                })
            }}
        </Suspense>
        <Outlet/>
    }
}

/// `/backoffice/fascicolo/{posizione}`: the same pages as the Cassetto's, as the operator's view.
#[component]
pub fn OperatorPositionLayout() -> impl IntoView {
    provide_context(Vista::Operatore);
    view! { <PositionLayout/> }
}

/// The page frame of a position: breadcrumbs, the left menu of its services, the content.
#[component]
fn PositionFrame(
    #[prop(into)] title: String,
    #[prop(optional)] extra_crumbs: Vec<Crumb>,
    children: Children,
) -> impl IntoView {
    let code = posizione_param()();
    let vista = vista();
    let base = format!("{}/{code}", vista.root());
    let mut crumbs: Vec<Crumb> = match vista {
        Vista::Cassetto => vec![("Home".into(), Some("/".into())), ("Cassetto".into(), Some("/cassetto".into()))],
        Vista::Operatore => vec![
            ("Home".into(), Some("/".into())),
            ("Back-office".into(), Some("/backoffice".into())),
            ("Fascicolo Elettronico".into(), Some("/backoffice/fascicolo".into())),
        ],
    };
    crumbs.push((format!("Posizione {code}"), Some(base.clone())));
    crumbs.extend(extra_crumbs);
    if crumbs.last().map(|c| &c.0) != Some(&title) {
        crumbs.push((title.clone(), None));
    }
    let detail = use_context::<DetailResource>();
    view! {
        <Page title=title crumbs>
            {(vista == Vista::Operatore).then(|| view! {
                <div class="alert alert-warning" role="note" data-testid="banner-operatore">
                    <strong>"Vista operatore INPS – Fascicolo Elettronico del Contribuente."</strong>
                    " Sola consultazione: i servizi di gestione non sono disponibili. Ogni apertura è registrata."
                </div>
            })}
            <div class="row">
                <div class="col-lg-3 mb-4">
                    // On a phone the services fold behind one button, so the page's content comes first.
                    <details class="menu-richiudibile menu-posizione">
                        <summary class="btn btn-outline-primary w-100" data-testid="apri-menu-posizione">"Servizi della posizione"</summary>
                        <PositionMenu base=base.clone() vista/>
                    </details>
                </div>
                <div class="col-lg-9">
                    {detail.map(|DetailResource(detail)| view! {
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                detail.await.ok().map(|d| view! {
                                    <p class="text-muted mb-1" data-testid="intestazione-posizione">
                                        {format!("{} – C.F. {} – Posizione {}", d.denominazione, d.ente_cf, d.code)}
                                    </p>
                                })
                            })}
                        </Suspense>
                    })}
                    {children()}
                </div>
            </div>
        </Page>
    }
}

/// Where a service of the menu leads. "Com. Bidirezionale" is the context link of the circular: the form
/// of a new richiesta with this position already filled in.
fn service_href(base: &str, slug: &str) -> String {
    match (slug, base.strip_prefix("/cassetto/")) {
        ("comunicazione-bidirezionale", Some(code)) => format!("/comunicazioni/nuova?posizione={code}"),
        _ => format!("{base}/{slug}"),
    }
}

/// Services that only read, so the operator's view offers them too.
const READ_ONLY_SERVICES: &[&str] = &["fascicolo"];

/// The Gestione of the open position, once its anagrafica is loaded; `None` if it is not (not reachable).
async fn gestione_di(detail: Option<DetailResource>) -> Option<Gestione> {
    let DetailResource(detail) = detail?;
    detail.await.ok().map(|d| Gestione::of_sector(&d.sector))
}

/// The left menu: the sections and services that apply to the position's Gestione (a private-sector
/// position is offered none of the Gestione dipendenti pubblici's, `crate::servizi`).
#[component]
fn PositionMenu(base: String, vista: Vista) -> impl IntoView {
    let detail = use_context::<DetailResource>();
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let base = base.clone();
                Suspend::new(async move {
                    // Until known (or for a position not reached, whose pages say so) the whole menu.
                    let gestione = gestione_di(detail).await.unwrap_or(Gestione::Pubblica);
                    view! { <PositionMenuLinks base vista gestione/> }
                })
            }}
        </Suspense>
    }
}

/// A link of the left menu, marked as the current page when the address is its own (or, unless `esatta`, one
/// of its detail pages: a DMA's workers are within «Denunce DMA»).
#[component]
fn VoceMenu(href: String, label: &'static str, esatta: bool) -> impl IntoView {
    let attuale = super::layout::pagina_attuale(href.clone(), esatta);
    view! {
        <li>
            <a class=move || if attuale.get() { "list-item active" } else { "list-item" } href=href
                aria-current=move || attuale.get().then_some("page")>
                <span>{label}</span>
            </a>
        </li>
    }
}

#[component]
fn PositionMenuLinks(base: String, vista: Vista, gestione: Gestione) -> impl IntoView {
    let groups = ["Servizi di gestione", "Contatti", "Fascicolo"];
    let offered = move |slug: &str| {
        (vista == Vista::Cassetto || READ_ONLY_SERVICES.contains(&slug)) && servizio_offerto(slug, gestione)
    };
    view! {
        <nav class="sidebar-wrapper it-line-right-side" aria-label="Servizi della posizione" data-testid="menu-posizione"
            data-gestione=match gestione { Gestione::Pubblica => "pubblica", Gestione::Privata => "privata" }>
            <div class="sidebar-linklist-wrapper">
                <div class="link-list-wrapper">
                    <h2 class="h6 text-uppercase mt-2">"Posizione"</h2>
                    <ul class="link-list">
                        <VoceMenu href=base.clone() label="Anagrafica" esatta=true/>
                    </ul>
                    <h2 class="h6 text-uppercase mt-3">"Consultazione"</h2>
                    <ul class="link-list">
                        {Section::top_level().filter(|s| sezione_offerta(s.section, gestione)).map(|s| view! {
                            <VoceMenu href=format!("{base}/{}", s.slug) label=s.title esatta=false/>
                        }).collect_view()}
                    </ul>
                    {groups.into_iter().filter(|g| SERVIZI_POSIZIONE.iter().any(|s| s.group == *g && offered(s.slug))).map(|group| view! {
                        <h2 class="h6 text-uppercase mt-3">{group}</h2>
                        <ul class="link-list">
                            {SERVIZI_POSIZIONE.iter().filter(|s| s.group == group && offered(s.slug)).map(|s| view! {
                                <VoceMenu href=service_href(&base, s.slug) label=s.label esatta=false/>
                            }).collect_view()}
                        </ul>
                    }).collect_view()}
                </div>
            </div>
        </nav>
    }
}

#[component]
pub fn PositionHome() -> impl IntoView {
    let detail = use_context::<DetailResource>();
    view! {
        <PositionFrame title="Anagrafica della posizione">
            <h1>"Posizione contributiva"</h1>
            {detail.map(|DetailResource(detail)| view! {
                <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
                    {move || Suspend::new(async move {
                        match detail.await {
                            Ok(d) => {
                                let rows = vec![
                                    ("Posizione contributiva", d.code.clone()),
                                    ("Gestione", d.kind.clone()),
                                    ("Denominazione", d.denominazione.clone()),
                                    ("Codice fiscale", d.ente_cf.clone()),
                                    ("Rappresentante legale (C.F.)", d.legal_rep_cf.clone()),
                                    ("Indirizzo", d.address.clone()),
                                    ("PEC", d.pec.clone()),
                                    ("Sede INPS competente", format!("{} ({})", d.sede, d.sede_code)),
                                    ("Descrizione", d.description.clone()),
                                    ("Contratto applicato", d.contract.clone()),
                                    ("Data apertura", date_it(d.opened_on)),
                                    ("Stato", d.status.clone()),
                                ];
                                view! {
                                    <dl class="row" data-testid="anagrafica">
                                        {rows.into_iter().map(|(k, v)| view! {
                                            <dt class="col-sm-4">{k}</dt><dd class="col-sm-8">{v}</dd>
                                        }).collect_view()}
                                    </dl>
                                }.into_any()
                            }
                            Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        }
                    })}
                </Suspense>
            })}
        </PositionFrame>
    }
}

/// What a sub-path of a position shows. Only a change of kind re-creates the page: moving between
/// sections keeps one `SectionView` whose data follows the URL, so no torn-down page reads stale state.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SubPage {
    Sections,
    Service(&'static str),
    /// A management service, asked for in the operator's read-only view.
    NotForOperator(&'static str),
    NotFound,
}

/// `/cassetto/{posizione}/{sezione}`: a consultation section or a service of the position's menu.
#[component]
pub fn PositionSubPage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.try_with(|p| p.get("sezione").unwrap_or_default()).unwrap_or_default());
    let vista = vista();
    let kind = Memo::new(move |_| {
        let slug = slug.get();
        if Section::from_slug(&slug).is_some() {
            SubPage::Sections
        } else if let Some(label) = crate::servizi::servizio_posizione(&slug).map(|s| s.label) {
            if vista == Vista::Operatore && !READ_ONLY_SERVICES.contains(&slug.as_str()) {
                SubPage::NotForOperator(label)
            } else {
                SubPage::Service(label)
            }
        } else {
            SubPage::NotFound
        }
    });
    let section = Signal::derive(move || Section::from_slug(&slug.get()).unwrap_or(Section::Versamenti));
    move || match kind.get() {
        SubPage::Sections => view! { <SectionView section parent=Signal::derive(|| None)/> }.into_any(),
        SubPage::Service(label) => view! { <ServicePage slug=slug.get() label vista/> }.into_any(),
        SubPage::NotForOperator(label) => view! {
            <PositionFrame title=label>
                <h1 class="h2">{label}</h1>
                <div class="alert alert-info" role="status" data-testid="non-disponibile">
                    "Servizio di gestione: non è disponibile nella vista operatore, che è di sola consultazione."
                </div>
            </PositionFrame>
        }
        .into_any(),
        SubPage::NotFound => {
            view! { <PositionFrame title="Pagina non trovata"><super::common::NotFoundPage/></PositionFrame> }
                .into_any()
        }
    }
}

/// A service of the menu, if it applies to the open position; otherwise, in the position's frame, the Italian
/// refusal (a private-sector position and a service of the Gestione dipendenti pubblici). The server
/// functions behind each page refuse the same way (`PositionRef::offre_servizio`).
#[component]
fn ServicePage(slug: String, label: &'static str, vista: Vista) -> impl IntoView {
    let slug = StoredValue::new(slug);
    let detail = use_context::<DetailResource>();
    view! {
        <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
            {move || Suspend::new(async move {
                match gestione_di(detail).await {
                    Some(g) if !slug.with_value(|s| servizio_offerto(s, g)) => view! {
                        <PositionFrame title=label>
                            <h1 class="h2">{label}</h1>
                            <div class="alert alert-info" role="status" data-testid="non-offerto">
                                {crate::servizi::NonOfferto(label.to_string()).to_string()}
                            </div>
                        </PositionFrame>
                    }
                    .into_any(),
                    _ => service_view(&slug.get_value(), label, vista),
                }
            })}
        </Suspense>
    }
}

fn service_view(slug: &str, label: &'static str, vista: Vista) -> AnyView {
    match slug {
        "contestazione-note-debito" => {
            view! { <PositionFrame title=label><super::contestazioni::ContestazioniPage/></PositionFrame> }.into_any()
        }
        "importa-dma" => view! { <PositionFrame title=label><super::dma::ImportaDmaPage/></PositionFrame> }.into_any(),
        "compilazione-dma" => {
            let posizione = Signal::derive(posizione_param());
            view! { <PositionFrame title=label><super::dma::CompilazioneDmaPage posizione/></PositionFrame> }.into_any()
        }
        "fascicolo" => {
            let codice = posizione_param()();
            let href = format!("/cassetto/{}/fascicolo.pdf", url_encode(&codice));
            let nome_file = format!("fascicolo-{codice}.pdf");
            // The rating follows the print: the PDF downloads beside the page, whose widget waits for its use.
            let stampato = RwSignal::new(false);
            // Typesetting takes seconds: in the browser the PDF is fetched by the page, which says so meanwhile
            // (without JavaScript the link downloads it and the browser shows its own progress).
            let stampa = super::scarica::Scaricamento::new();
            let on_click = {
                let (href, nome_file) = (href.clone(), nome_file.clone());
                move |ev: leptos::ev::MouseEvent| {
                    stampato.set(true);
                    stampa.avvia(ev, &href, &nome_file);
                }
            };
            view! {
                <PositionFrame title=label>
                    <h1 class="h2">"Fascicolo aziendale"</h1>
                    <p>"Il fascicolo raccoglie in un unico documento PDF l'anagrafica della posizione, la Sede competente, le deleghe in vigore e tutte le sezioni di consultazione con i loro totali, alla data e all'ora della stampa. Ogni stampa è registrata."</p>
                    <a class="btn btn-primary" class:disabled=move || stampa.in_corso() href=href rel="external" download=nome_file
                        data-testid="stampa-fascicolo" aria-disabled=move || stampa.in_corso().then_some("true")
                        on:click=on_click>"Stampa fascicolo aziendale (PDF)"</a>
                    <super::scarica::Avanzamento stato=stampa attesa="Preparazione del fascicolo in corso: può richiedere alcuni secondi…"/>
                    {move || (stampato.get() && vista == Vista::Cassetto).then(|| view! {
                        <super::feedback::FeedbackWidget servizio="fascicolo-stampa".to_string() attendi=true/>
                    })}
                </PositionFrame>
            }
            .into_any()
        }
        "invio-tracciati" => {
            view! { <PositionFrame title=label><super::tracciati::TracciatiPage/></PositionFrame> }.into_any()
        }
        "calcolo-sanzioni-eca" => {
            view! { <PositionFrame title=label><super::sanzioni::SanzioniEcaPage/></PositionFrame> }.into_any()
        }
        // The menu links this service straight to the form (`service_href`); an address typed by hand gets there too.
        "comunicazione-bidirezionale" => {
            let path = format!("/comunicazioni/nuova?posizione={}", url_encode(&posizione_param()()));
            view! { <leptos_router::components::Redirect path/> }.into_any()
        }
        _ => view! { <PositionFrame title="Pagina non trovata"><super::common::NotFoundPage/></PositionFrame> }
            .into_any(),
    }
}

/// `/cassetto/{posizione}/{sezione}/{id}`: the children of a row (instalments of a piano, workers of a DMA).
#[component]
pub fn PositionSubDetail() -> impl IntoView {
    let params = use_params_map();
    let route = Memo::new(move |_| {
        params
            .try_with(|p| {
                let child = p.get("sezione").and_then(|s| Section::from_slug(&s)).and_then(|s| s.spec().detail);
                (child, p.get("id").and_then(|i| i.parse::<i64>().ok()))
            })
            .unwrap_or((None, None))
    });
    let found = Memo::new(move |_| matches!(route.get(), (Some(_), Some(_))));
    let section = Signal::derive(move || route.get().0.unwrap_or(Section::RatePiano));
    let parent = Signal::derive(move || route.get().1);
    move || {
        if found.get() {
            view! { <SectionView section parent/> }.into_any()
        } else {
            view! { <PositionFrame title="Pagina non trovata"><super::common::NotFoundPage/></PositionFrame> }
                .into_any()
        }
    }
}

/// The context link of a consultation page: a new richiesta on this position, about this page's
/// (classe, oggetto) of the Comunicazione bidirezionale.
fn richiesta_href(posizione: &str, (classe, oggetto): (&str, &str)) -> String {
    format!(
        "/comunicazioni/nuova?posizione={}&classe={}&oggetto={}",
        url_encode(posizione),
        url_encode(classe),
        url_encode(oggetto)
    )
}

#[component]
fn SectionView(section: Signal<Section>, parent: Signal<Option<i64>>) -> impl IntoView {
    let posizione = posizione_param();
    let vista = vista();
    let query = use_query_map();
    let list_query = move || query.try_with(|q| ListQuery::from_params(query_pairs(q))).unwrap_or_default();
    // The answer carries the request it answers, so the page is drawn from one consistent state.
    let data = risorsa(
        move || (posizione(), section.get(), parent.get(), list_query()),
        |(pos, section, parent, q)| async move {
            let result = per_posizione(pos.clone(), |c| section_page(c, section, parent, q.clone())).await;
            (pos, section, parent, q, result)
        },
    );
    view! {
        <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
            {move || Suspend::new(async move {
                let (pos, section, parent, q, result) = data.await;
                let spec = section.spec();
                let parent_spec = section.parent().map(Section::spec);
                let base_position = format!("{}/{pos}", vista.root());
                let (base, extra_crumbs, detail_base) = match (parent_spec, parent) {
                    (Some(ps), Some(id)) => (
                        format!("{base_position}/{}/{id}", ps.slug),
                        vec![(ps.title.to_string(), Some(format!("{base_position}/{}", ps.slug)))],
                        None,
                    ),
                    _ => (
                        format!("{base_position}/{}", spec.slug),
                        vec![],
                        spec.detail.map(|_| format!("{base_position}/{}", spec.slug)),
                    ),
                };
                // Each row opens its service prefilled for it (an ECA note, its sanction calculation); a
                // management service, so not in the operator's read-only view.
                let azione = spec.azione_riga.as_ref().filter(|_| vista == Vista::Cassetto).map(|a| {
                    (format!("{base_position}/{}?{}=", a.servizio, a.param), a.etichetta)
                });
                // A detail page downloads as its parent's slug with `padre` (`ssr::cassetto::export::section_csv`).
                let csv = format!(
                    "/esporta/{}/{}{}",
                    url_encode(&pos),
                    parent_spec.filter(|_| parent.is_some()).map_or(spec.slug, |ps| ps.slug),
                    {
                        let mut qs = q.to_query_string(q.sort.as_deref(), q.desc, 0);
                        if let Some(id) = parent {
                            qs.push_str(if qs.is_empty() { "?" } else { "&" });
                            qs.push_str(&format!("padre={id}"));
                        }
                        qs
                    }
                );
                match result {
                    Ok(view_data) => {
                        let title = match &view_data.parent_label {
                            Some(label) => format!("{} – {label}", spec.title),
                            None => spec.title.to_string(),
                        };
                        view! {
                            <PositionFrame title=title.clone() extra_crumbs>
                                <h1 class="h2">{title}</h1>
                                <p>{spec.intro}</p>
                                <FilterForm spec query=q.clone() action=base.clone()/>
                                <a class="btn btn-outline-primary btn-sm mb-3 me-2" href=csv download="">"Scarica CSV"</a>
                                {(vista == Vista::Cassetto).then(|| view! {
                                    <a class="btn btn-outline-primary btn-sm mb-3" href=richiesta_href(&pos, spec.argomento) data-testid="scrivi-sede">
                                        "Scrivi alla Sede su questo argomento"
                                    </a>
                                })}
                                <DataTable spec page=view_data.table query=q base detail_base azione=azione.clone()/>
                                {(vista == Vista::Cassetto).then(|| view! {
                                    <super::feedback::FeedbackWidget servizio=crate::feedback::servizio_di_sezione(section).to_string()/>
                                })}
                            </PositionFrame>
                        }.into_any()
                    }
                    Err(e) => view! {
                        <PositionFrame title=spec.title extra_crumbs>
                            <h1 class="h2">{spec.title}</h1>
                            <FilterForm spec query=q action=base/>
                            <ErrorBox error=e/>
                        </PositionFrame>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
