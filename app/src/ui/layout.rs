//! The frame of every page: header with the user and role, breadcrumbs, footer; the login guard.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Outlet, Redirect};
use leptos_router::hooks::use_location;
use leptos_router::location::Location;

use crate::api::auth::{Logout, whoami};
use crate::error::AppError;
use crate::model::{CurrentUser, url_encode};

/// A breadcrumb: label and, except for the current page, a link.
pub type Crumb = (String, Option<String>);

/// The logged-in user, loaded once by `Protected` and read by the header of every page under it.
#[derive(Clone, Copy)]
pub struct UserResource(pub Resource<Result<Option<CurrentUser>, AppError>>);

impl UserResource {
    /// Asks the server who is signed in (once per page that needs it).
    pub fn load() -> Self {
        UserResource(Resource::new(|| (), |_| whoami()))
    }
}

/// The services of the main navigation, by role: the Cassetto's users, the administrator, the Sede's staff.
fn voci_principali(role: crate::model::Role) -> &'static [(&'static str, &'static str)] {
    match role {
        r if r.uses_cassetto() => &[
            ("/cassetto", "Cassetto"),
            ("/deleghe", "Deleghe"),
            ("/comunicazioni", "Comunicazioni"),
            ("/agenda", "Agenda"),
            ("/profilo", "Profilo"),
        ],
        crate::model::Role::Admin => &[("/admin", "Amministrazione")],
        crate::model::Role::Nessuno => &[("/benvenuto", "Benvenuto"), ("/profilo", "Profilo")],
        _ => &[("/backoffice", "Back-office")],
    }
}

/// An icon of the kit's sprite, for decoration only (the text beside it says what it means).
#[component]
pub fn Icona(nome: &'static str, #[prop(optional)] classe: &'static str) -> impl IntoView {
    view! {
        <svg class=format!("icon {classe}") aria-hidden="true" focusable="false">
            <use href=format!("/vendor/bootstrap-italia/svg/sprites.svg#{nome}")></use>
        </svg>
    }
}

/// The slim bar's right zone: who is signed in and «Esci», or «Accedi».
#[component]
fn UserBox(user: Resource<Result<Option<CurrentUser>, AppError>>) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let signed_in = move |u: CurrentUser| {
        view! {
            <span class="text-white me-3 utente" data-testid="utente">
                <strong>{u.full_name}</strong>
                <span class="d-none d-md-inline">" – "</span>
                <span class="d-none d-md-inline" data-testid="ruolo">{u.role.label()}</span>
            </span>
            <ActionForm action=logout attr:class="d-inline">
                <button type="submit" class="btn btn-sm btn-outline-light" data-testid="esci">"Esci"</button>
            </ActionForm>
        }
    };
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match user.await.ok().flatten() {
                    Some(u) => signed_in(u).into_any(),
                    None => view! {
                        <a class="btn btn-sm btn-outline-light" href="/accesso" data-testid="accedi">"Accedi"</a>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The navbar of the services a signed-in user may open. On small screens it folds behind «Menu»: a
/// `<details>`, so it opens with and without JavaScript; from `lg` up the style keeps it always open.
/// Whether a menu's link is the current page: the address is its own or, unless `esatta`, one of the pages
/// under it (a DMA's workers are within «Denunce DMA», a delega within «Deleghe»).
pub fn pagina_attuale(href: String, esatta: bool) -> Memo<bool> {
    let location = use_location();
    Memo::new(move |_| {
        let path = location.pathname.get();
        path == href || (!esatta && path.strip_prefix(href.as_str()).is_some_and(|rest| rest.starts_with('/')))
    })
}

/// A service of the navbar, marked as the current page when the address is its own or under it.
#[component]
fn VoceNavigazione(href: &'static str, label: &'static str) -> impl IntoView {
    let attuale = pagina_attuale(href.to_string(), false);
    view! {
        <li class="nav-item">
            <a class=move || if attuale.get() { "nav-link active" } else { "nav-link" } href=href
                aria-current=move || attuale.get().then_some("page")>
                <span>{label}</span>
            </a>
        </li>
    }
}

/// The navbar of the services a signed-in user may open. On small screens it folds behind «Menu»: a
/// `<details>`, so it opens with and without JavaScript; from `lg` up the style keeps it always open.
#[component]
fn NavigazionePrincipale(user: Resource<Result<Option<CurrentUser>, AppError>>) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                user.await.ok().flatten().map(|u| view! {
                    <div class="it-header-navbar-wrapper">
                        <div class="container">
                            <nav class="navbar navbar-expand-lg" aria-label="Navigazione principale">
                                <details class="menu-richiudibile menu-principale">
                                    <summary class="custom-navbar-toggler" data-testid="apri-menu">
                                        <Icona nome="it-burger"/>
                                        <span class="ms-2">"Menu"</span>
                                    </summary>
                                    <ul class="navbar-nav" data-testid="navigazione-principale">
                                        {voci_principali(u.role).iter().map(|(href, label)| view! { <VoceNavigazione href=*href label=*label/> }).collect_view()}
                                    </ul>
                                </details>
                            </nav>
                        </div>
                    </div>
                })
            })}
        </Suspense>
    }
}

/// The slim bar: the administration, «Supporto» (at the manual's page of the service in use), the user.
#[component]
fn BarraSottile(user: Resource<Result<Option<CurrentUser>, AppError>>) -> impl IntoView {
    let location = use_location();
    let supporto = move || match crate::guida::per_percorso(&location.pathname.get()) {
        Some(slug) => format!("/supporto/{slug}"),
        None => "/supporto".to_string(),
    };
    view! {
        <div class="it-header-slim-wrapper">
            <div class="container">
                <div class="it-header-slim-wrapper-content">
                    <span class="navbar-brand">
                        <span class="d-none d-lg-inline">"INPS – Istituto Nazionale Previdenza Sociale"</span>
                        <span class="d-lg-none">"INPS"</span>
                    </span>
                    <div class="it-header-slim-right-zone" role="navigation" aria-label="Utente">
                        <a class="text-white me-3" href=supporto data-testid="link-supporto">"Supporto"</a>
                        <UserBox user/>
                    </div>
                </div>
            </div>
        </div>
    }
    .into_any()
}

/// The header's centre: the administration's logo slot and the service's name, linking home.
#[component]
fn Marchio() -> impl IntoView {
    view! {
        <div class="it-header-center-wrapper">
            <div class="container">
                <div class="it-header-center-content-wrapper">
                    <div class="it-brand-wrapper">
                        <a href="/" data-testid="marchio">
                            // The kit's PA emblem stands in the logo slot until INPS's own mark is supplied.
                            <Icona nome="it-pa"/>
                            <div class="it-brand-text">
                                <div class="it-brand-title">"Cassetto previdenziale"</div>
                                <div class="it-brand-tagline d-none d-md-block">"del contribuente – Aziende, Enti pubblici e intermediari"</div>
                            </div>
                        </a>
                    </div>
                </div>
            </div>
        </div>
    }
    .into_any()
}

/// The header of an Italian PA service: slim bar, centre, navbar.
#[component]
fn Header() -> impl IntoView {
    // The public pages (home, Supporto, login) have no `Protected` above them: they ask here, so a signed-in
    // user sees the same header everywhere.
    let user = use_context::<UserResource>().unwrap_or_else(UserResource::load).0;
    view! {
        <header class="it-header-wrapper">
            <BarraSottile user/>
            <div class="it-nav-wrapper">
                <Marchio/>
                <NavigazionePrincipale user/>
            </div>
        </header>
    }
    .into_any()
}

/// The links every Italian PA site carries in its footer, to pages of ours.
pub const LINK_LEGALI: [(&str, &str); 4] = [
    ("/privacy", "Informativa privacy"),
    ("/accessibilita", "Dichiarazione di accessibilità"),
    ("/note-legali", "Note legali"),
    ("/contatti", "Contatti"),
];

#[component]
fn Footer() -> impl IntoView {
    view! {
        <footer class="it-footer mt-5">
            <div class="it-footer-main">
                <div class="container">
                    <div class="row py-4">
                        <div class="col-md-6">
                            <div class="it-brand-wrapper">
                                <a href="/">
                                    <Icona nome="it-pa"/>
                                    <div class="it-brand-text">
                                        <p class="it-brand-title h4 mb-0 text-white">"INPS – Cassetto previdenziale"</p>
                                        <p class="it-brand-tagline mb-0 text-white">"Circolare INPS n. 34 del 31/03/2023"</p>
                                    </div>
                                </a>
                            </div>
                        </div>
                        <div class="col-md-6">
                            <p class="h6 text-white mt-3 mt-md-0">"Assistenza"</p>
                            <p class="text-white mb-1">"Contact Center: 803 164 da rete fissa (gratuito), 06 164 164 da rete mobile"</p>
                            <p class="mb-0"><a class="text-white" href="/supporto">"Manuale utente del servizio"</a></p>
                        </div>
                    </div>
                </div>
            </div>
            <div class="it-footer-small-prints clearfix">
                <div class="container">
                    <h2 class="visually-hidden">"Sezione link utili"</h2>
                    <ul class="it-footer-small-prints-list list-inline mb-0 d-flex flex-column flex-md-row" data-testid="link-legali">
                        {LINK_LEGALI.iter().map(|(href, label)| view! {
                            <li class="list-inline-item"><a href=*href>{*label}</a></li>
                        }).collect_view()}
                    </ul>
                </div>
            </div>
        </footer>
    }
    .into_any()
}

#[component]
fn Breadcrumbs(crumbs: Vec<Crumb>) -> impl IntoView {
    let last = crumbs.len().saturating_sub(1);
    view! {
        <nav class="breadcrumb-container" aria-label="Percorso di navigazione">
            <ol class="breadcrumb">
                {crumbs.into_iter().enumerate().map(|(i, (label, href))| {
                    match href.filter(|_| i != last) {
                        Some(href) => view! {
                            <li class="breadcrumb-item"><a href=href>{label}</a><span class="separator">"/"</span></li>
                        }.into_any(),
                        None => view! { <li class="breadcrumb-item active" aria-current="page">{label}</li> }.into_any(),
                    }
                }).collect_view()}
            </ol>
        </nav>
    }
}

/// A whole page: header, breadcrumbs, the title as the single `h1`, content, footer.
#[component]
pub fn Page(#[prop(into)] title: String, #[prop(optional)] crumbs: Vec<Crumb>, children: Children) -> impl IntoView {
    let crumbs = if crumbs.is_empty() {
        vec![("Home".to_string(), Some("/".to_string())), (title.clone(), None)]
    } else {
        crumbs
    };
    view! {
        <Title text=title.clone()/>
        <a class="visually-hidden-focusable" href="#contenuto">"Vai al contenuto"</a>
        <Header/>
        <div class="container my-4">
            <Breadcrumbs crumbs/>
            <main id="contenuto">
                {children()}
            </main>
        </div>
        <Footer/>
    }
}

/// The address of the page being drawn, path and query, read once (not tracked).
pub fn indirizzo_attuale(location: &Location) -> String {
    let search = location.search.get_untracked();
    // The server gives the query without its `?`, the browser with it.
    let search = match search.as_str() {
        "" => String::new(),
        s if s.starts_with('?') => s.to_string(),
        s => format!("?{s}"),
    };
    format!("{}{search}", location.pathname.get_untracked())
}

/// Wraps the pages that need a logged-in user: a visitor goes to `/accesso` and comes back afterwards.
/// The pages render beside the check, not inside it, so their resources are created once (as the
/// hydrating browser expects); their server functions check access on their own anyway.
#[component]
pub fn Protected() -> impl IntoView {
    let user = UserResource::load();
    provide_context(user);
    let user = user.0;
    let location = use_location();
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let target = format!("/accesso?next={}", url_encode(&indirizzo_attuale(&location)));
                Suspend::new(async move {
                    match user.await {
                        Ok(None) => Some(view! { <Redirect path=target/> }),
                        _ => None,
                    }
                })
            }}
        </Suspense>
        <Outlet/>
    }
}

#[component]
pub fn Landing() -> impl IntoView {
    view! {
        <Page title="Cassetto previdenziale del contribuente">
            <h1>"Cassetto previdenziale del contribuente"</h1>
            <p class="lead">
                "Un unico punto di accesso per datori di lavoro, Enti pubblici e loro intermediari: "
                "consultazione della posizione contributiva, deleghe, denunce mensili, comunicazioni con la Sede INPS."
            </p>
            <div class="row mt-4">
                <div class="col-md-6">
                    <div class="card-wrapper"><div class="card card-bg"><div class="card-body">
                        <h2 class="h5 card-title">"Consultazione"</h2>
                        <p class="card-text">"Versamenti F24, F24 EP e Banca d'Italia, note di rettifica, piani di ammortamento, denunce DMA, note di debito ed ECA."</p>
                    </div></div></div>
                </div>
                <div class="col-md-6">
                    <div class="card-wrapper"><div class="card card-bg"><div class="card-body">
                        <h2 class="h5 card-title">"Accesso sicuro"</h2>
                        <p class="card-text">"Accesso con codice fiscale, password e codice temporaneo (secondo fattore), per ogni profilo."</p>
                    </div></div></div>
                </div>
            </div>
            <a class="btn btn-primary mt-3" href="/accesso">"Accedi al Cassetto"</a>
        </Page>
    }
}

#[component]
pub fn SupportoPage() -> impl IntoView {
    view! {
        <Page title="Supporto">
            <h1>"Supporto – manuale utente"</h1>
            <p>"Una pagina per ogni servizio: che cosa fa e come si usa. Il collegamento «Supporto» in alto apre direttamente la pagina del servizio in uso."</p>
            <ul class="link-list" data-testid="indice-guida">
                {crate::guida::GUIDA.iter().map(|p| view! {
                    <li class="mb-2"><a href=format!("/supporto/{}", p.slug)>{p.titolo}</a>" – "{p.sintesi}</li>
                }).collect_view()}
            </ul>
        </Page>
    }
}

/// `/supporto/{pagina}`: one service's page of the manual.
#[component]
pub fn SupportoPaginaPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let slug = move || params.try_with(|p| p.get("pagina").unwrap_or_default()).unwrap_or_default();
    move || match crate::guida::pagina(&slug()) {
        Some(p) => view! {
            <Page title=p.titolo>
                <p><a href="/supporto">"← Indice del manuale"</a></p>
                <h1>{p.titolo}</h1>
                <p class="lead">{p.sintesi}</p>
                {p.descrizione.iter().map(|d| view! { <p>{*d}</p> }).collect_view()}
                <h2 class="h4 mt-4">"Come si usa"</h2>
                <ol data-testid="passi">{p.passi.iter().map(|d| view! { <li>{*d}</li> }).collect_view()}</ol>
                <h2 class="h4 mt-4">"Da sapere"</h2>
                <ul>{p.note.iter().map(|d| view! { <li>{*d}</li> }).collect_view()}</ul>
            </Page>
        }
        .into_any(),
        None => view! { <Page title="Pagina non trovata"><super::common::NotFoundPage/></Page> }.into_any(),
    }
}
