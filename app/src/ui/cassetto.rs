//! The Cassetto: Ricerca of reachable positions, a position's anagrafica and left menu, and the
//! consultation sections.

use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::cassetto::{load_position, search_positions, section_page};
use crate::error::AppError;
use crate::model::{ListQuery, PositionDetail, url_encode};
use crate::sections::Section;

use super::azioni::risorsa;
use super::common::{CampoFile, DataTable, ErrorBox, FilterForm, Pager, date_it};
use super::layout::{Crumb, Page};

use crate::servizi::{Gestione, SERVIZI_POSIZIONE, servizio_offerto, sezione_offerta};

fn query_pairs(map: &leptos_router::params::ParamsMap) -> Vec<(String, String)> {
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
fn posizione_param() -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.try_with(|p| p.get("posizione").unwrap_or_default()).unwrap_or_default()
}

/// The anagrafica of the open position, loaded once for all its pages.
#[derive(Clone, Copy)]
struct DetailResource(Resource<Result<PositionDetail, AppError>>);

/// Loads the position (the server checks access) for the pages under it.
#[component]
pub fn PositionLayout() -> impl IntoView {
    let posizione = posizione_param();
    provide_context(DetailResource(risorsa(posizione, load_position)));
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
                                {crate::servizi::non_offerto(label)}
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
            view! { <PositionFrame title=label><ContestazioniPage/></PositionFrame> }.into_any()
        }
        "importa-dma" => view! { <PositionFrame title=label><ImportaDmaPage/></PositionFrame> }.into_any(),
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
        "invio-tracciati" => view! { <PositionFrame title=label><TracciatiPage/></PositionFrame> }.into_any(),
        "calcolo-sanzioni-eca" => view! { <PositionFrame title=label><SanzioniEcaPage/></PositionFrame> }.into_any(),
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
            let result = section_page(pos.clone(), section, parent, q.clone()).await;
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

/// "Note di debito ECA – calcolo sanzioni": a plain GET form (the inputs travel in the URL), and the
/// computation line by line.
#[component]
fn SanzioniEcaPage() -> impl IntoView {
    use crate::api::sanzioni::load_sanzioni_eca;
    let posizione = posizione_param();
    let query = use_query_map();
    let list_query = move || query.try_with(|q| ListQuery::from_params(query_pairs(q))).unwrap_or_default();
    let data = risorsa(move || (posizione(), list_query()), |(p, q)| load_sanzioni_eca(p, q));
    view! {
        <h1 class="h2">"Note di debito ECA – calcolo sanzioni"</h1>
        <p>"Sanzioni civili (art. 116 commi 8–10 L. 388/2000, come modificato dall'art. 30 DL 19/2024) e interessi di mora dopo il raggiungimento del tetto, calcolati sui tassi in vigore giorno per giorno."</p>
        <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
            {move || Suspend::new(async move {
                let q = list_query();
                match data.await {
                    Ok(v) => view! { <SanzioniForm v q/> }.into_any(),
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SanzioniForm(v: crate::model::SanzioniEca, q: ListQuery) -> impl IntoView {
    use crate::domain::sanzioni::{REGIMI, Voce};
    let value = |k: &str| q.filters.get(k).cloned().unwrap_or_default();
    let (nota, regime) = (value("nota"), value("regime"));
    // The calculator is rated once it has computed something (a consultation: one use per day).
    let calcolato = v.calcolo.is_some();
    let pagamento =
        Some(value("pagamento")).filter(|p| !p.is_empty()).unwrap_or_else(|| v.oggi.format("%Y-%m-%d").to_string());
    let result = v.calcolo.map(|c| {
        let lines = c.righe.iter().map(|r| {
            let voce = match r.voce { Voce::Sanzione => "Sanzione", Voce::InteressiMora => "Interessi di mora" };
            view! {
                <tr data-voce=format!("{:?}", r.voce)>
                    <td>{voce}</td><td>{date_it(r.dal)}</td><td>{date_it(r.al)}</td>
                    <td class="text-end">{r.giorni}</td><td class="text-end">{r.tasso.to_string()}</td>
                    <td class="text-end">{r.importo.format_eur()}</td>
                </tr>
            }
        }).collect_view();
        let tetto = c.tetto_raggiunto_il.map(|d| format!("Tetto raggiunto il {}: da allora decorrono gli interessi di mora sul solo contributo.", date_it(d)));
        let avvisi = c.avvisi.iter().map(|a| view! { <div class="alert alert-warning" role="status" data-testid="avviso-sanzioni">{a.clone()}</div> }).collect_view();
        view! {
            <section aria-labelledby="risultato" class="mt-4" data-testid="calcolo-sanzioni">
                <h2 id="risultato" class="h4">"Calcolo"</h2>
                {avvisi}
                <p>"Regime applicato: " <strong data-testid="regime-applicato">{c.regime.label()}</strong></p>
                <div class="table-responsive" tabindex="0">
                    <table class="table table-sm">
                        <thead><tr>
                            <th scope="col">"Voce"</th><th scope="col">"Dal"</th><th scope="col">"Al"</th>
                            <th scope="col" class="text-end">"Giorni"</th><th scope="col" class="text-end">"Tasso annuo"</th>
                            <th scope="col" class="text-end">"Importo"</th>
                        </tr></thead>
                        <tbody>{lines}</tbody>
                    </table>
                </div>
                {tetto.map(|t| view! { <p>{t}</p> })}
                <dl class="row">
                    <dt class="col-sm-5">"Sanzione (massimo " {c.tetto.format_eur()} ")"</dt><dd class="col-sm-7" data-testid="sanzione">{c.sanzione.format_eur()}</dd>
                    <dt class="col-sm-5">"Sanzione dovuta"</dt><dd class="col-sm-7" data-testid="sanzione-dovuta">{c.sanzione_dovuta.format_eur()}</dd>
                    <dt class="col-sm-5">"Interessi di mora"</dt><dd class="col-sm-7" data-testid="interessi">{c.interessi_mora.format_eur()}</dd>
                    <dt class="col-sm-5">"Totale"</dt><dd class="col-sm-7 fw-bold" data-testid="totale-sanzioni">{c.totale.format_eur()}</dd>
                </dl>
                <p class="small">"Gli importi delle righe sono arrotondati al centesimo; i totali sono calcolati sugli importi esatti e arrotondati alla fine. Anno di 365 giorni."</p>
            </section>
        }
    });
    view! {
        <form method="get" data-testid="form-sanzioni">
            <div class="row">
                <div class="col-lg-6 mb-3">
                    <label for="nota" class="form-label fw-semibold">"Nota di debito ECA"</label>
                    <select id="nota" name="nota" class="form-select">
                        <option value="">"Nessuna: indico contributo e scadenza"</option>
                        {v.note.into_iter().map(|n| {
                            let id = n.id.to_string();
                            let selected = id == nota;
                            view! { <option value=id selected=selected>{format!("{} – {} – scadenza {}", n.numero, n.importo.format_eur(), date_it(n.scadenza))}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="col-lg-3 mb-3">
                    <label for="contributo" class="form-label fw-semibold">"Contributo (senza nota)"</label>
                    <input type="text" id="contributo" name="contributo" class="form-control" inputmode="decimal" placeholder="1.234,56" value=value("contributo")/>
                </div>
                <div class="col-lg-3 mb-3">
                    <label for="scadenza" class="form-label fw-semibold">"Scadenza (senza nota)"</label>
                    <input id="scadenza" name="scadenza" type="date" class="form-control" value=value("scadenza")/>
                </div>
            </div>
            <div class="row">
                <div class="col-lg-3 mb-3">
                    <label for="pagamento" class="form-label fw-semibold">"Data del pagamento"</label>
                    <input id="pagamento" name="pagamento" type="date" class="form-control" value=pagamento required/>
                </div>
                <div class="col-lg-9 mb-3">
                    <label for="regime" class="form-label fw-semibold">"Regime"</label>
                    <select id="regime" name="regime" class="form-select">
                        {REGIMI.into_iter().map(|r| {
                            let selected = r.as_str() == regime;
                            view! { <option value=r.as_str() selected=selected>{r.label()}</option> }
                        }).collect_view()}
                    </select>
                </div>
            </div>
            <div class="row">
                <div class="col-lg-3 mb-3">
                    <label for="denuncia" class="form-label fw-semibold">"Data della denuncia spontanea"</label>
                    <input id="denuncia" name="denuncia" type="date" class="form-control" value=value("denuncia") aria-describedby="denuncia-aiuto"/>
                </div>
                <div class="col-lg-9 mb-3 d-flex align-items-end">
                    <p id="denuncia-aiuto" class="small mb-2">"Solo per l'evasione denunciata spontaneamente, prima di contestazioni: la riduzione spetta se la denuncia è presentata entro 12 mesi dalla scadenza e il pagamento avviene entro 30 o 90 giorni dalla denuncia. Altrimenti il calcolo applica il regime previsto e lo segnala."</p>
                </div>
            </div>
            <div class="form-check mb-3">
                <input class="form-check-input" type="checkbox" id="rettifica" name="rettifica" value="1" checked=!value("rettifica").is_empty()/>
                <label class="form-check-label" for="rettifica">"Nota di rettifica pagata entro 30 giorni dalla notifica (sanzioni ridotte del 50 %)"</label>
            </div>
            <button type="submit" class="btn btn-primary">"Calcola"</button>
        </form>
        {v.errore.map(|e| view! { <div class="alert alert-danger mt-3" role="alert" data-testid="errore-modulo">{e}</div> })}
        {result}
        {calcolato.then(|| view! { <super::feedback::FeedbackWidget servizio="calcolo-sanzioni".to_string()/> })}
    }
}

/// "Invio tracciati": the form posts the file (multipart) to the server, which redirects back here with
/// the protocol or the refusal; the list shows every file sent with its receipt.
#[component]
fn TracciatiPage() -> impl IntoView {
    use crate::api::tracciati::load_tracciati;
    use crate::domain::time::format_rome;
    let posizione = posizione_param();
    let query = use_query_map();
    let param = move |k: &str| query.try_with(|q| q.get(k)).flatten();
    let data = risorsa(move || (posizione(), param("protocollo")), |(p, _)| load_tracciati(p));
    view! {
        <h1 class="h2">"Invio tracciati (Circolare INPDAP 38/2000)"</h1>
        {move || param("protocollo").map(|p| view! { <div class="alert alert-success" role="status" data-testid="esito">{format!("Tracciato ricevuto con protocollo {p}.")}</div> })}
        {move || param("protocollo").map(|p| view! {
            <super::feedback::FeedbackWidget servizio="invio-tracciati".to_string() riferimento=Some(p)/>
        })}
        {move || param("errore").map(|e| view! { <div class="alert alert-danger" role="alert" data-testid="errore-modulo">{e}</div> })}
        <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
            {move || Suspend::new(async move {
                let pos = posizione();
                match data.await {
                    Ok(v) => view! {
                        <form method="post" action=format!("/api/tracciati/{}", url_encode(&pos)) enctype="multipart/form-data" class="mb-4" data-testid="form-tracciato">
                            <div class="row align-items-end">
                                <div class="col-lg-5 mb-3">
                                    <label for="tipo-tracciato" class="form-label fw-semibold">"Tipo di tracciato"</label>
                                    <select id="tipo-tracciato" name="tipo" class="form-select">
                                        {v.tipi.into_iter().map(|(codice, descrizione)| view! { <option value=codice>{descrizione}</option> }).collect_view()}
                                    </select>
                                </div>
                                <div class="col-lg-5 mb-3">
                                    <CampoFile id="file-tracciato" name="file" label="File" required=true
                                        limiti=crate::domain::allegati::LimitiFile::TRACCIATO/>
                                </div>
                                <div class="col-lg-2 mb-3">
                                    <button type="submit" class="btn btn-primary">"Invia"</button>
                                </div>
                            </div>
                        </form>
                        <div class="table-responsive" tabindex="0">
                            <table class="table table-sm" data-testid="tracciati">
                                <thead><tr>
                                    <th scope="col">"Protocollo"</th><th scope="col">"Ricevuto il"</th><th scope="col">"File"</th>
                                    <th scope="col" class="text-end">"Byte"</th><th scope="col">"SHA-256"</th><th scope="col">"Stato"</th>
                                    <th scope="col"><span class="visually-hidden">"Ricevuta"</span></th>
                                </tr></thead>
                                <tbody>
                                    {v.tracciati.is_empty().then(|| view! { <tr><td colspan="7">"Nessun tracciato inviato."</td></tr> })}
                                    {v.tracciati.into_iter().map(|t| {
                                        let href = format!("/ricevute/{}/{}", url_encode(&pos), t.id);
                                        view! {
                                            <tr data-testid="tracciato" data-stato=t.stato.clone()>
                                                <td>{t.protocollo.clone()}</td><td>{format_rome(t.ricevuto_at)}</td><td>{t.nome_file.clone()}</td>
                                                <td class="text-end">{t.dimensione}</td><td><code class="text-break">{t.sha256.clone()}</code></td>
                                                <td title=t.esito.clone()>{t.stato.clone()}</td>
                                                <td><a href=href download="">"Ricevuta"<span class="visually-hidden">{format!(" {}", t.protocollo)}</span></a></td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The state of a contestazione, in words.
pub fn stato_contestazione(stato: &str) -> &'static str {
    match stato {
        "presentata" => "In attesa di risposta",
        "accolta" => "Accolta",
        "respinta" => "Respinta",
        _ => "—",
    }
}

/// "Contestazione note di debito": the position's notes, each with its «Contesta» action where the circular
/// allows it (the notes of regolarizzazione; those of sistemazione are for consultation only), the form
/// (reasons and up to three files, posted as multipart to the server, which redirects back here) and the
/// contestazioni filed, with the Sede's answer.
#[component]
fn ContestazioniPage() -> impl IntoView {
    use crate::api::contestazioni::load_contestazioni;
    use crate::domain::money::Money;
    let posizione = posizione_param();
    let query = use_query_map();
    let param = move |k: &str| query.try_with(|q| q.get(k)).flatten();
    let data = risorsa(move || (posizione(), param("protocollo"), param("nota")), |(p, _, _)| load_contestazioni(p));
    view! {
        <h1 class="h2">"Contestazione note di debito"</h1>
        {move || param("protocollo").map(|p| view! { <div class="alert alert-success" role="status" data-testid="esito">{format!("Contestazione presentata con protocollo {p}.")}</div> })}
        {move || param("protocollo").map(|p| view! {
            <super::feedback::FeedbackWidget servizio="contestazione".to_string() riferimento=Some(p)/>
        })}
        {move || param("errore").map(|e| view! { <div class="alert alert-danger" role="alert" data-testid="errore-modulo">{e}</div> })}
        <p>"La contestazione si presenta solo sulle note di debito per regolarizzazioni contributive; le note per sistemazioni contributive sono soltanto consultabili."</p>
        <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
            {move || Suspend::new(async move {
                let pos = posizione();
                let chosen = param("nota");
                match data.await {
                    Ok(v) => {
                        let here = format!("/cassetto/{}/contestazione-note-debito", url_encode(&pos));
                        let contestabili: Vec<_> = v.note.iter().filter(|n| n.contestabile).cloned().collect();
                        let form = if contestabili.is_empty() {
                            view! {
                                <div class="alert alert-info" role="status" data-testid="nessuna-contestabile">
                                    "Questa posizione non ha note di debito per regolarizzazioni contributive: non c'è nulla da contestare."
                                </div>
                            }.into_any()
                        } else {
                            view! {
                                <form method="post" action=format!("/api/contestazioni/{}", url_encode(&pos)) enctype="multipart/form-data" class="mb-4" id="form-contestazione" data-testid="form-contestazione">
                                    <div class="mb-3">
                                        <label for="nota-contestata" class="form-label fw-semibold">"Nota di debito"</label>
                                        <select id="nota-contestata" name="nota" class="form-select">
                                            {contestabili.into_iter().map(|n| {
                                                let selected = chosen.as_deref() == Some(n.id.to_string().as_str());
                                                view! {
                                                    <option value=n.id.to_string() selected=selected>{format!("{} – residuo {}", n.numero, Money::from_cents(n.residuo_cents).format_eur())}</option>
                                                }
                                            }).collect_view()}
                                        </select>
                                    </div>
                                    <div class="mb-3">
                                        <label for="motivi" class="form-label fw-semibold">"Motivi della contestazione"</label>
                                        <textarea id="motivi" name="motivi" class="form-control" rows="4" maxlength="4000" required></textarea>
                                    </div>
                                    <div class="mb-3">
                                        <CampoFile id="allegati-contestazione" name="allegati" label="Allegati (facoltativi, fino a 3)"
                                            limiti=crate::domain::allegati::LimitiFile::ALLEGATI/>
                                    </div>
                                    <button type="submit" class="btn btn-primary">"Presenta la contestazione"</button>
                                </form>
                            }.into_any()
                        };
                        view! {
                            <h2 class="h4">"Note di debito della posizione"</h2>
                            <div class="table-responsive" tabindex="0">
                                <table class="table table-sm" data-testid="note-contestazione">
                                    <thead><tr>
                                        <th scope="col">"Numero"</th><th scope="col">"Tipo"</th><th scope="col">"Residuo"</th><th scope="col">"Contestazione"</th>
                                    </tr></thead>
                                    <tbody>
                                        {v.note.is_empty().then(|| view! { <tr><td colspan="4">"Nessuna nota di debito."</td></tr> })}
                                        {v.note.into_iter().map(|n| {
                                            let action = if n.contestabile {
                                                let href = format!("{here}?nota={}#form-contestazione", n.id);
                                                let label = format!("Contesta la nota {}", n.numero);
                                                view! { <a class="btn btn-sm btn-outline-primary" href=href aria-label=label data-testid="contesta">"Contesta"</a> }.into_any()
                                            } else {
                                                view! { <span data-testid="non-contestabile">"Non contestabile: solo consultazione"</span> }.into_any()
                                            };
                                            view! {
                                                <tr data-testid="nota-debito" data-id=n.id.to_string() data-tipo=n.tipo.clone() data-numero=n.numero.clone()>
                                                    <td>{n.numero.clone()}</td><td>{n.tipo.clone()}</td>
                                                    <td>{Money::from_cents(n.residuo_cents).format_eur()}</td><td>{action}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            {form}
                            <h2 class="h4">"Contestazioni presentate"</h2>
                            <div class="table-responsive" tabindex="0">
                                <table class="table table-sm" data-testid="contestazioni">
                                    <thead><tr>
                                        <th scope="col">"Protocollo"</th><th scope="col">"Nota"</th><th scope="col">"Presentata il"</th>
                                        <th scope="col">"Motivi"</th><th scope="col">"Allegati"</th><th scope="col">"Stato"</th><th scope="col">"Risposta della Sede"</th>
                                    </tr></thead>
                                    <tbody>
                                        {v.contestazioni.is_empty().then(|| view! { <tr><td colspan="7">"Nessuna contestazione."</td></tr> })}
                                        {v.contestazioni.into_iter().map(|c| view! { <ContestazioneCells c/> }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// One contestazione as a table row (the user's page and the Sede's list).
#[component]
pub fn ContestazioneCells(c: crate::model::ContestazioneRow) -> impl IntoView {
    use crate::domain::time::format_rome;
    let files = (!c.allegati.is_empty()).then(|| {
        let href = format!("/contestazioni/{}/allegati.zip", c.id);
        view! { <a href=href download="">{format!("{} (zip)", c.allegati.join(", "))}</a> }
    });
    view! {
        <tr data-testid="contestazione" data-stato=c.stato.clone()>
            <td>{c.protocollo.clone()}</td><td>{c.nota.clone()}</td><td>{format_rome(c.presentata_at)}</td>
            <td class="testo-richiesta">{c.motivi.clone()}</td><td>{files}</td>
            <td>{stato_contestazione(&c.stato)}</td><td class="testo-richiesta">{c.risposta.clone()}</td>
        </tr>
    }
}

/// "Invio denuncia DMA": the upload of a ListaPosPA file (posted to the server, which redirects back with
/// the import's id or the refusal) and the outcome: accepted, with a link to the DMA pages, or refused with
/// its per-record problems, also as CSV.
/// A declaration's month as people write it (03/2026), or a dash when the file never said.
fn mese(periodo: Option<crate::domain::period::Period>) -> String {
    periodo.map(|p| p.to_string()).unwrap_or_else(|| "periodo non indicato".to_string())
}

#[component]
fn ImportaDmaPage() -> impl IntoView {
    use crate::api::dma::{load_importazione, load_sostituzione};
    use crate::domain::time::format_rome;
    let posizione = posizione_param();
    let query = use_query_map();
    let param = move |k: &str| query.try_with(|q| q.get(k)).flatten();
    let importazione = move || param("importazione").and_then(|v| v.parse::<i64>().ok());
    let data = risorsa(
        move || (posizione(), importazione()),
        |(p, id)| async move {
            match id {
                Some(id) => load_importazione(p, id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    // A month already declared: the server sent the user back naming the declaration in force, which the
    // same form replaces once the confirmation is ticked and the file chosen again.
    let sostituzione = move || param("sostituzione").and_then(|v| v.parse::<i64>().ok());
    let in_vigore = risorsa(
        move || (posizione(), sostituzione()),
        |(p, id)| async move {
            match id {
                Some(id) => load_sostituzione(p, id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <h1 class="h2">"Invio denuncia DMA (UniEmens ListaPosPA)"</h1>
        <p>"Il file XML della denuncia mensile (DenunceMensili → Azienda → ListaPosPA) viene controllato lavoratore per lavoratore: se è corretto è acquisito; se ha solo avvisi è acquisito e accettato con errori, con l'elenco degli avvisi; se ha anche un solo errore bloccante è scartato con l'elenco dei problemi."</p>
        {move || param("errore").map(|e| view! { <div class="alert alert-danger" role="alert" data-testid="errore-modulo">{e}</div> })}
        <form method="post" action=move || format!("/api/dma/{}", url_encode(&posizione())) enctype="multipart/form-data" class="mb-4" data-testid="form-dma">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match in_vigore.await {
                        Ok(Some(d)) => view! {
                            <div class="alert alert-warning" role="alert" data-testid="avviso-sostituzione">
                                <p>{d.avviso()}</p>
                                <div class="form-check">
                                    <input class="form-check-input" type="checkbox" id="conferma-sostituzione" name="sostituisce"
                                        value=d.id.to_string() required/>
                                    <label class="form-check-label" for="conferma-sostituzione">
                                        {format!("Confermo: la nuova denuncia sostituisce quella del periodo {} (protocollo {}).", d.periodo, d.protocollo)}
                                    </label>
                                </div>
                                <p class="mb-0 mt-2">"Per confermare selezioni di nuovo il file qui sotto: il browser non conserva il file scelto in precedenza."</p>
                            </div>
                        }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
            <div class="row align-items-end">
                <div class="col-lg-8 mb-3">
                    <CampoFile id="file-dma" name="file" label="File ListaPosPA (XML)" required=true
                        limiti=crate::domain::allegati::LimitiFile::DMA/>
                </div>
                <div class="col-lg-4 mb-3">
                    <button type="submit" class="btn btn-primary">"Invia la denuncia"</button>
                </div>
            </div>
        </form>
        <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
            {move || Suspend::new(async move {
                let pos = posizione();
                match data.await {
                    Ok(None) => view! { <span></span> }.into_any(),
                    Ok(Some(i)) if i.accettata && i.avvisi == 0 => view! {
                        <div class="alert alert-success" role="status" data-testid="esito">
                            {format!("Denuncia di {} acquisita il {}: {} lavoratori.", mese(i.periodo), format_rome(i.at), i.lavoratori)}
                            " " <a href=format!("/cassetto/{}/dma", url_encode(&pos))>"Vedi le denunce trasmesse"</a>
                        </div>
                    }.into_any(),
                    Ok(Some(i)) => {
                        let csv = format!("/esporta-errori/{}/{}", url_encode(&pos), i.id);
                        let bloccanti = i.numero_errori - i.avvisi;
                        // Only the first problems are kept: the rest are counted.
                        let oltre = i.numero_errori - i.errori.len() as i64;
                        let accettata = i.accettata;
                        let oltre = (oltre > 0).then(|| view! {
                            <p data-testid="errori-oltre">{if accettata {
                                format!("… e altri {oltre} avvisi non elencati: li trova tutti nel dettaglio per lavoratore della denuncia.")
                            } else {
                                format!("… e altri {oltre} problemi non elencati: corregga quelli indicati e invii di nuovo il file.")
                            }}</p>
                        });
                        let esito = if accettata {
                            view! {
                                <div class="alert alert-warning" role="status" data-testid="esito" data-esito="accettata con errori">
                                    {format!(
                                        "Denuncia di {} acquisita il {}: {} lavoratori. Esito: accettata con errori ({bloccanti} errori bloccanti, {} avvisi).",
                                        mese(i.periodo), format_rome(i.at), i.lavoratori, i.avvisi
                                    )}
                                    " " <a href=format!("/cassetto/{}/dma", url_encode(&pos))>"Vedi le denunce trasmesse"</a>
                                </div>
                            }.into_any()
                        } else {
                            view! {
                                <div class="alert alert-danger" role="alert" data-testid="scartata" data-esito="scartata">
                                    {format!(
                                        "Denuncia di {} scartata: {} problemi ({bloccanti} errori bloccanti, {} avvisi).",
                                        mese(i.periodo), i.numero_errori, i.avvisi
                                    )}
                                </div>
                            }.into_any()
                        };
                        view! {
                            {esito}
                            <a class="btn btn-outline-primary btn-sm mb-3" href=csv download="">"Scarica l'elenco (CSV)"</a>
                            <div class="table-responsive" tabindex="0">
                                <table class="table table-sm" data-testid="errori-dma">
                                    <thead><tr>
                                        <th scope="col">"Codice fiscale"</th><th scope="col">"Periodo"</th><th scope="col">"Elemento"</th>
                                        <th scope="col">"Codice"</th><th scope="col">"Gravità"</th><th scope="col">"Descrizione"</th>
                                    </tr></thead>
                                    <tbody>
                                        {i.errori.into_iter().map(|e| {
                                            let codice = e.codice.clone();
                                            let gravita = if e.avviso { "Avviso" } else { "Bloccante" };
                                            view! {
                                                <tr data-codice=codice data-gravita=gravita><td>{e.codice_fiscale}</td><td>{e.periodo}</td><td>{e.elemento}</td><td>{e.codice}</td><td>{gravita}</td><td>{e.descrizione}</td></tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            {oltre}
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
        {move || importazione().map(|id| view! {
            <super::feedback::FeedbackWidget servizio="dma-invio".to_string() riferimento=Some(id.to_string())/>
        })}
    }
}
