//! What a page shows after an action: fresh data, and the message of that action only.
//!
//! Every form of the app is an `ActionForm` posting to a server function, which answers with a redirect back
//! to the page (`?esito=…`). Without JavaScript that is a new page load, fresh by itself. Hydrated, the router
//! only navigates: a second action that lands on the same URL changed nothing a resource tracks, so the page
//! kept its old data, and the banner of an earlier success stayed beside a new error. Hence one mechanism for
//! every page: actions are made with [`azione`] and page data with [`risorsa`]; each successful action bumps a
//! counter that every `risorsa` tracks, and the page's messages ([`Outcome`], [`form_error`]) belong to the last
//! action sent. A failed action changes nothing, so nothing is fetched again and the form keeps what was typed.

use std::any::TypeId;
use std::future::Future;

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// The actions of the app, as the pages' data and messages follow them (provided once by `App`).
#[derive(Clone, Copy)]
pub struct Azioni {
    /// Actions completed with success since the app started: every `risorsa` reads it.
    riuscite: RwSignal<u64>,
    /// The server function of the last action sent (only its error is shown), or `Navigazione` after a
    /// navigation; `None` on the page as loaded, whose error (a form posted without JavaScript) is shown.
    ultima: RwSignal<Option<TypeId>>,
    /// Whether an action was sent since the last navigation and has not succeeded (yet): the page's success
    /// banner then belongs to an earlier action and is hidden.
    in_sospeso: RwSignal<bool>,
}

impl Azioni {
    pub fn provide() {
        provide_context(Azioni {
            riuscite: RwSignal::new(0),
            ultima: RwSignal::new(None),
            in_sospeso: RwSignal::new(false),
        });
        #[cfg(feature = "hydrate")]
        Effect::new(|_| modulo::ascolta());
    }

    /// A navigation (a redirect after an action included) starts the messages afresh: the errors of earlier
    /// actions are not shown again.
    pub fn navigazione(self) {
        self.ultima.set(Some(TypeId::of::<Navigazione>()));
        self.in_sospeso.set(false);
    }
}

/// The mark of a navigation in `Azioni::ultima`.
struct Navigazione;

/// A `ServerAction` whose success refreshes every page resource and whose result is the page's message.
pub fn azione<S>() -> ServerAction<S>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    let action = ServerAction::<S>::new();
    if let Some(azioni) = use_context::<Azioni>() {
        // The form this action was sent from, emptied once it succeeds (as a new page load would show it).
        #[cfg(feature = "hydrate")]
        let inviato_da = std::rc::Rc::new(std::cell::RefCell::new(None::<web_sys::HtmlFormElement>));
        #[cfg(feature = "hydrate")]
        let da = inviato_da.clone();
        let pending = action.pending();
        Effect::new(move |_| {
            if pending.get() {
                azioni.ultima.set(Some(TypeId::of::<S>()));
                azioni.in_sospeso.set(true);
                #[cfg(feature = "hydrate")]
                da.replace(modulo::ultimo());
            }
        });
        let version = action.version();
        Effect::new(move |prima: Option<usize>| {
            let adesso = version.get();
            // Not at the effect's first run: only a completion that happened after it.
            if prima.is_some_and(|p| p != adesso) && action.value().with_untracked(|v| matches!(v, Some(Ok(_)))) {
                #[cfg(feature = "hydrate")]
                if let Some(form) = inviato_da.take() {
                    form.reset();
                }
                azioni.in_sospeso.set(false);
                azioni.riuscite.update(|n| *n += 1);
            }
            adesso
        });
    }
    action
}

/// A page's data: fetched again when `source` changes and after every successful action.
pub fn risorsa<S, T, Fu>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fu + Send + Sync + 'static,
) -> Resource<T>
where
    S: PartialEq + Clone + Send + Sync + 'static,
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    Fu: Future<Output = T> + Send + 'static,
{
    let riuscite = use_context::<Azioni>().map(|a| a.riuscite);
    Resource::new(move || (riuscite.map(|r| r.get()).unwrap_or_default(), source()), move |(_, s)| fetcher(s))
}

/// The success banner of a redirect back here, while no later action is pending or has failed. Without
/// JavaScript a refused form comes back to the address it was sent from, `?esito=…` of the earlier success
/// included, with the refusal beside it (`__err`, which Leptos reads back into the action): the banner is then
/// not the page's message.
#[component]
pub fn Outcome(text: Option<&'static str>) -> impl IntoView {
    let in_sospeso = use_context::<Azioni>().map(|a| a.in_sospeso);
    let query = leptos_router::hooks::use_query_map();
    move || {
        let rifiutata = query.try_with(|q| q.get("__err").is_some()).unwrap_or_default();
        let attuale = !rifiutata && !in_sospeso.is_some_and(|s| s.get());
        text.filter(|_| attuale)
            .map(|t| view! { <div class="alert alert-success" role="status" data-testid="esito">{t}</div> })
    }
}

/// The refusal of a form's last submission, if it is the last action sent on the page.
pub fn form_error<S>(action: ServerAction<S>) -> impl IntoView
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    let ultima = use_context::<Azioni>().map(|a| a.ultima);
    move || {
        let sua = ultima.is_none_or(|u| u.get().is_none_or(|t| t == TypeId::of::<S>()));
        action.value().with(|v| match v {
            Some(Err(e)) if sua => Some(
                view! { <div class="alert alert-danger" role="alert" data-testid="errore-modulo">{e.to_string()}</div> },
            ),
            _ => None,
        })
    }
}

/// The form of the last submission in the page (browser only): `ActionForm` dispatches its action from the
/// form's submit event, so a listener that runs first (capture phase) knows which form an action came from.
#[cfg(feature = "hydrate")]
mod modulo {
    use std::cell::RefCell;

    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    thread_local! {
        static ULTIMO: RefCell<Option<web_sys::HtmlFormElement>> = const { RefCell::new(None) };
    }

    /// Listens, once for the app's life, to every form submission of the document.
    pub fn ascolta() {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
        let listener = Closure::<dyn Fn(web_sys::Event)>::new(|e: web_sys::Event| {
            let form = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok());
            ULTIMO.with(|u| *u.borrow_mut() = form);
        });
        let _ = document.add_event_listener_with_callback_and_bool("submit", listener.as_ref().unchecked_ref(), true);
        listener.forget();
    }

    pub fn ultimo() -> Option<web_sys::HtmlFormElement> {
        ULTIMO.with(|u| u.borrow().clone())
    }
}
