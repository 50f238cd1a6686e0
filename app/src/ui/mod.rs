//! Pages and components, one file per area. Italian on screen, Bootstrap Italia classes.

mod admin;
mod agenda;
mod auth;
mod azioni;
mod backoffice;
mod cassetto;
mod common;
mod comunicazioni;
mod contestazioni;
mod deleghe;
mod dma;
mod feedback;
mod layout;
mod legali;
mod profili;
mod sanzioni;
mod scarica;
mod tracciati;

use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

use admin::AdminPage;
use agenda::AgendaPage;
use auth::{CodePage, LoginPage, UscitaFornitorePage};
use backoffice::{BackofficeHome, ContestazioniSedePage, OperatorsPage, ProfileRequestsPage};
use cassetto::{
    OperatorPositionLayout, PositionHome, PositionLayout, PositionSubDetail, PositionSubPage, Ricerca, RicercaSede,
};
use common::NotFoundPage;
pub use common::date_it;
use comunicazioni::{ComunicazioniPage, NuovaRichiestaPage, QuesitiPage, RichiestaPage};
use deleghe::{DelegaPage, DeleghePage};
use layout::{Landing, Page, Protected, SupportoPage, SupportoPaginaPage};
use profili::{LegacyEntryPage, ProfiloPage};

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Marks the page once the WebAssembly has taken over, so browser tests know when clicks work.
    Effect::new(|_| {
        #[cfg(feature = "hydrate")]
        if let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    azioni::Azioni::provide();

    view! {
        <Title formatter=|text: String| if text.is_empty() { "Cassetto previdenziale – INPS".to_string() } else { format!("{text} – Cassetto previdenziale") }/>
        <Router>
            <SeguiNavigazione/>
            <Routes fallback=|| view! { <Page title="Pagina non trovata"><NotFoundPage/></Page> }>
                <Route path=path!("/") view=Landing ssr=SsrMode::Async/>
                <Route path=path!("/accesso") view=LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/accesso/codice") view=CodePage ssr=SsrMode::Async/>
                <Route path=path!("/accesso/uscita") view=UscitaFornitorePage ssr=SsrMode::Async/>
                <Route path=path!("/supporto") view=SupportoPage ssr=SsrMode::Async/>
                <Route path=path!("/supporto/:pagina") view=SupportoPaginaPage ssr=SsrMode::Async/>
                <Route path=path!("/privacy") view=legali::PrivacyPage ssr=SsrMode::Async/>
                <Route path=path!("/accessibilita") view=legali::AccessibilitaPage ssr=SsrMode::Async/>
                <Route path=path!("/note-legali") view=legali::NoteLegaliPage ssr=SsrMode::Async/>
                <Route path=path!("/contatti") view=legali::ContattiPage ssr=SsrMode::Async/>
                <ParentRoute path=path!("") view=Protected ssr=SsrMode::Async>
                    <Route path=path!("/cassetto") view=Ricerca ssr=SsrMode::Async/>
                    <ParentRoute path=path!("/cassetto/:posizione") view=PositionLayout ssr=SsrMode::Async>
                        <Route path=path!("") view=PositionHome ssr=SsrMode::Async/>
                        <Route path=path!(":sezione") view=PositionSubPage ssr=SsrMode::Async/>
                        <Route path=path!(":sezione/:id") view=PositionSubDetail ssr=SsrMode::Async/>
                    </ParentRoute>
                    <Route path=path!("/deleghe") view=DeleghePage ssr=SsrMode::Async/>
                    <Route path=path!("/deleghe/:id") view=DelegaPage ssr=SsrMode::Async/>
                    <Route path=path!("/profilo") view=ProfiloPage ssr=SsrMode::Async/>
                    <Route path=path!("/benvenuto") view=profili::BenvenutoPage ssr=SsrMode::Async/>
                    <Route path=path!("/dipendenti-pubblici") view=LegacyEntryPage ssr=SsrMode::Async/>
                    <Route path=path!("/comunicazioni") view=ComunicazioniPage ssr=SsrMode::Async/>
                    <Route path=path!("/comunicazioni/nuova") view=NuovaRichiestaPage ssr=SsrMode::Async/>
                    <Route path=path!("/comunicazioni/:id") view=RichiestaPage ssr=SsrMode::Async/>
                    <Route path=path!("/agenda") view=AgendaPage ssr=SsrMode::Async/>
                    <Route path=path!("/backoffice") view=BackofficeHome ssr=SsrMode::Async/>
                    <Route path=path!("/backoffice/richieste-profilo") view=ProfileRequestsPage ssr=SsrMode::Async/>
                    <Route path=path!("/backoffice/operatori") view=OperatorsPage ssr=SsrMode::Async/>
                    <Route path=path!("/backoffice/quesiti") view=QuesitiPage ssr=SsrMode::Async/>
                    <Route path=path!("/backoffice/contestazioni") view=ContestazioniSedePage ssr=SsrMode::Async/>
                    <Route path=path!("/backoffice/fascicolo") view=RicercaSede ssr=SsrMode::Async/>
                    <ParentRoute path=path!("/backoffice/fascicolo/:posizione") view=OperatorPositionLayout ssr=SsrMode::Async>
                        <Route path=path!("") view=PositionHome ssr=SsrMode::Async/>
                        <Route path=path!(":sezione") view=PositionSubPage ssr=SsrMode::Async/>
                        <Route path=path!(":sezione/:id") view=PositionSubDetail ssr=SsrMode::Async/>
                    </ParentRoute>
                    <Route path=path!("/admin") view=AdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/feedback") view=feedback::FeedbackDashboardPage ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Tells the actions' messages that the page changed (`azioni::Azioni::navigazione`).
#[component]
fn SeguiNavigazione() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let azioni = expect_context::<azioni::Azioni>();
    Effect::new(move |prima: Option<(String, String)>| {
        let ora = (location.pathname.get(), location.search.get());
        if prima.is_some_and(|p| p != ora) {
            azioni.navigazione();
        }
        ora
    });
}
