//! A download that takes a while (the printed dossier): in the browser the page fetches the file itself, so
//! it can say that the work is under way, show how much has arrived and keep the button from being pressed
//! twice; then it hands the file to the browser under its name. Without JavaScript the link downloads it.

use leptos::prelude::*;

/// The state of one long download: `None` when idle, `Some(None)` while the server prepares the file,
/// `Some(Some(percent))` while it arrives. A refusal stays until the next attempt.
#[derive(Clone, Copy)]
pub struct Scaricamento {
    avanzamento: RwSignal<Option<Option<u32>>>,
    errore: RwSignal<Option<String>>,
}

impl Scaricamento {
    pub fn new() -> Self {
        Scaricamento { avanzamento: RwSignal::new(None), errore: RwSignal::new(None) }
    }

    pub fn in_corso(&self) -> bool {
        self.avanzamento.get().is_some()
    }

    /// Takes over the link's click (in the browser): fetches `href` and saves it as `nome_file`.
    #[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
    pub fn avvia(&self, ev: leptos::ev::MouseEvent, href: &str, nome_file: &str) {
        #[cfg(feature = "hydrate")]
        {
            ev.prevent_default();
            if self.in_corso() {
                return;
            }
            self.errore.set(None);
            self.avanzamento.set(Some(None));
            let stato = *self;
            if browser::scarica(href, nome_file.to_string(), stato).is_err() {
                stato.fine(Err("Download non riuscito: riprovi.".to_string()));
            }
        }
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn fine(&self, esito: Result<(), String>) {
        self.avanzamento.set(None);
        self.errore.set(esito.err());
    }
}

impl Default for Scaricamento {
    fn default() -> Self {
        Self::new()
    }
}

/// What the page says while the file is prepared and arrives, and a refusal afterwards.
#[component]
pub fn Avanzamento(stato: Scaricamento, attesa: &'static str) -> impl IntoView {
    view! {
        <div class="mt-3" role="status" aria-live="polite" data-testid="avanzamento">
            {move || stato.avanzamento.get().map(|percento| view! {
                <div class="d-flex align-items-center gap-3">
                    <div class="progress-spinner progress-spinner-active size-sm" aria-hidden="true"></div>
                    <span>{match percento {
                        None => attesa.to_string(),
                        Some(p) => format!("Download in corso: {p}%"),
                    }}</span>
                </div>
            })}
        </div>
        {move || stato.errore.get().map(|e| view! { <div class="alert alert-danger mt-3" role="alert" data-testid="errore-download">{e}</div> })}
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::Scaricamento;
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    pub fn scarica(href: &str, nome_file: String, stato: Scaricamento) -> Result<(), wasm_bindgen::JsValue> {
        let xhr = web_sys::XmlHttpRequest::new()?;
        xhr.open("GET", href)?;
        xhr.set_response_type(web_sys::XmlHttpRequestResponseType::Blob);
        let on_progress = Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                stato.avanzamento.set(Some(Some((e.loaded() / e.total() * 100.0).round() as u32)));
            }
        });
        xhr.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        let answered = xhr.clone();
        let on_load = Closure::<dyn Fn()>::new(move || {
            let esito = match answered.status() {
                Ok(200) => answered
                    .response()
                    .ok()
                    .and_then(|r| r.dyn_into::<web_sys::Blob>().ok())
                    .and_then(|blob| salva(&blob, &nome_file).ok())
                    .ok_or_else(|| "Download non riuscito: riprovi.".to_string()),
                _ => Err("Il fascicolo non è stato preparato: riprovi tra qualche minuto.".to_string()),
            };
            stato.fine(esito);
        });
        xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
        let on_error = Closure::<dyn Fn()>::new(move || {
            stato.fine(Err("Connessione interrotta durante il download: riprovi.".to_string()))
        });
        xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        xhr.send()?;
        // The callbacks live as long as the request; each print leaks three small closures.
        on_progress.forget();
        on_load.forget();
        on_error.forget();
        Ok(())
    }

    /// Hands the file to the browser's downloads, under its name.
    fn salva(blob: &web_sys::Blob, nome_file: &str) -> Result<(), wasm_bindgen::JsValue> {
        let url = web_sys::Url::create_object_url_with_blob(blob)?;
        let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
        let link: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
        link.set_href(&url);
        link.set_download(nome_file);
        link.click();
        // The browser reads the object URL after the click returns: released a while later.
        set_timeout(move || drop(web_sys::Url::revoke_object_url(&url)), std::time::Duration::from_secs(60));
        Ok(())
    }
}
