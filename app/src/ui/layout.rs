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

#[component]
fn UserBox() -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let signed_in = move |u: CurrentUser| {
        let links: &[(&str, &str)] = match u.role {
            r if r.uses_cassetto() => &[
                ("/cassetto", "Cassetto"),
                ("/deleghe", "Deleghe"),
                ("/comunicazioni", "Comunicazioni"),
                ("/agenda", "Agenda"),
                ("/profilo", "Profilo"),
            ],
            crate::model::Role::Admin => &[("/admin", "Amministrazione")],
            _ => &[("/backoffice", "Back-office")],
        };
        view! {
            {links.iter().map(|(href, label)| view! { <a class="text-white me-3" href=*href>{*label}</a> }).collect_view()}
            <span class="text-white me-3" data-testid="utente">
                <strong>{u.full_name}</strong>
                " – "
                <span data-testid="ruolo">{u.role.label()}</span>
            </span>
            <ActionForm action=logout attr:class="d-inline">
                <button type="submit" class="btn btn-sm btn-outline-light" data-testid="esci">"Esci"</button>
            </ActionForm>
        }
    };
    // The public pages (home, Supporto, login) have no `Protected` above them: they ask here, so a signed-in
    // user sees the same header everywhere.
    let user = use_context::<UserResource>().unwrap_or_else(UserResource::load).0;
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match user.await.ok().flatten() {
                    Some(u) => signed_in(u).into_any(),
                    None => view! { <a class="btn btn-sm btn-outline-light" href="/accesso" data-testid="accedi">"Accedi"</a> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Header() -> impl IntoView {
    // "Supporto" opens the manual at the page of the service in use.
    let location = leptos_router::hooks::use_location();
    let supporto = move || match crate::guida::per_percorso(&location.pathname.get()) {
        Some(slug) => format!("/supporto/{slug}"),
        None => "/supporto".to_string(),
    };
    view! {
        <header class="it-header-wrapper">
            <div class="it-header-slim-wrapper">
                <div class="container">
                    <div class="it-header-slim-wrapper-content">
                        <span class="d-lg-block navbar-brand">"INPS – Istituto Nazionale Previdenza Sociale"</span>
                        <div class="it-header-slim-right-zone" role="navigation" aria-label="Utente">
                            <a class="text-white me-3" href=supporto data-testid="link-supporto">"Supporto"</a>
                            <UserBox/>
                        </div>
                    </div>
                </div>
            </div>
            <div class="it-nav-wrapper">
                <div class="it-header-center-wrapper">
                    <div class="container">
                        <div class="it-header-center-content-wrapper">
                            <div class="it-brand-wrapper">
                                <a href="/">
                                    <div class="it-brand-text">
                                        <div class="it-brand-title">"Cassetto previdenziale"</div>
                                        <div class="it-brand-tagline d-none d-md-block">"del contribuente – Aziende, Enti pubblici e intermediari"</div>
                                    </div>
                                </a>
                            </div>
                        </div>
                    </div>
                </div>
            </div>
        </header>
    }
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
        <footer class="it-footer mt-5">
            <div class="it-footer-small-prints clearfix">
                <div class="container">
                    <p class="text-white py-3 mb-0">"Cassetto previdenziale del contribuente – Circolare INPS n. 34 del 31/03/2023"</p>
                </div>
            </div>
        </footer>
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
