//! Comunicazione bidirezionale 2.0: `/comunicazioni` (the user's richieste), `/comunicazioni/nuova`,
//! `/comunicazioni/:id` (timeline; the Sede's operators act on the quesito there) and the Sede's queue
//! `/backoffice/quesiti`.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::comunicazioni::{ActOnQuesito, load_comunicazioni, load_richiesta, quesiti_queue};
use crate::domain::comunicazioni::{Canali, Esito, Stato, Vista};
use crate::domain::time::format_rome;
use crate::model::{ListQuery, OggettoRow, RichiestaDetail, RichiestaRow, RichiestePage};

use super::agenda::BookingSection;
use super::azioni::{Outcome, azione, form_error, risorsa};
use super::common::{CampoFile, ErrorBox, Pager};
use super::layout::Page;

fn stato_label(r: &RichiestaRow) -> String {
    match (r.stato, r.esito) {
        (Stato::Chiusa, Some(Esito::Accolta)) => "Chiusa – accolta".to_string(),
        (Stato::Chiusa, Some(Esito::NonAccolta)) => "Chiusa – non accolta".to_string(),
        (stato, _) => stato.label().to_string(),
    }
}

/// The list's query as the page URL carries it.
fn list_query() -> impl Fn() -> ListQuery + Copy {
    let query = use_query_map();
    move || {
        query
            .try_with(|q| ListQuery::from_params(q.clone().into_iter().map(|(k, v)| (k.to_string(), v))))
            .unwrap_or_default()
    }
}

/// The filters of a richieste list, a plain GET form (the page reads them back from the URL). `vista_posizione`:
/// the history of a datore, who chooses between the richieste they sent and all those on their positions.
#[component]
fn RichiesteFiltri(
    oggetti: Vec<OggettoRow>,
    query: ListQuery,
    coda: bool,
    action: &'static str,
    #[prop(default = false)] vista_posizione: bool,
) -> impl IntoView {
    let value = |k: &str| query.filters.get(k).cloned().unwrap_or_default();
    let chosen_vista = value("vista");
    let vista = vista_posizione.then(|| {
        let choices = [(Vista::InviateDaMe, "Inviate da me"), (Vista::SullaMiaPosizione, "Sulla mia posizione")];
        view! {
            <div class="row">
                <div class="col-lg-4 mb-3">
                    <label for="f-vista" class="form-label fw-semibold">"Richieste"</label>
                    <select id="f-vista" name="vista" class="form-select" aria-describedby="f-vista-aiuto">
                        {choices.into_iter().map(|(v, label)| {
                            let selected = v.key() == chosen_vista;
                            view! { <option value=v.key() selected=selected>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="col-lg-8 mb-3 align-self-end">
                    <p id="f-vista-aiuto" class="form-text mb-0">
                        "«Sulla mia posizione»: tutte le richieste sulle posizioni dei suoi Enti, anche quelle inviate dai dipendenti delegati e dagli intermediari."
                    </p>
                </div>
            </div>
        }
    });
    let chosen_oggetto = value("oggetto");
    let chosen_stato = value("stato");
    let mut stati = vec![("", if coda { "Da lavorare (aperte e in carico)" } else { "Tutti" })];
    if coda {
        stati.push(("tutti", "Tutti"));
    }
    stati.extend([("aperta", "Aperta"), ("in_carico", "In carico"), ("chiusa", "Chiusa")]);
    let dates = [
        ("aperta_dal", "Aperta dal"),
        ("aperta_al", "Aperta al"),
        ("aggiornata_dal", "Aggiornata dal"),
        ("aggiornata_al", "Aggiornata al"),
    ];
    view! {
        <form method="get" action=action class="mb-3" data-testid="filtri-richieste" role="search">
            {vista}
            <div class="row">
                <div class="col-lg-3 mb-3">
                    <label for="f-posizione" class="form-label fw-semibold">"Matricola o posizione"</label>
                    <input type="text" id="f-posizione" name="posizione" class="form-control" inputmode="numeric" maxlength="16" value=value("posizione")/>
                </div>
                <div class="col-lg-5 mb-3">
                    <label for="f-oggetto" class="form-label fw-semibold">"Oggetto"</label>
                    <select id="f-oggetto" name="oggetto" class="form-select">
                        <option value="">"Tutti"</option>
                        {oggetti.into_iter().map(|o| {
                            let v = o.id.to_string();
                            let selected = v == chosen_oggetto;
                            view! { <option value=v selected=selected>{format!("{} – {}", o.classe, o.oggetto)}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="col-lg-4 mb-3">
                    <label for="f-stato" class="form-label fw-semibold">"Stato"</label>
                    <select id="f-stato" name="stato" class="form-select">
                        {stati.into_iter().map(|(v, label)| {
                            let selected = v == chosen_stato;
                            view! { <option value=v selected=selected>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
            </div>
            <div class="row">
                {dates.into_iter().map(|(k, label)| {
                    let id = format!("f-{k}");
                    view! {
                        <div class="col-lg-3 mb-3">
                            <label for=id.clone() class="form-label fw-semibold">{label}</label>
                            <input id=id name=k type="date" class="form-control" value=value(k)/>
                        </div>
                    }
                }).collect_view()}
            </div>
            <div class="form-check mb-3">
                <input class="form-check-input" type="checkbox" id="f-scadute" name="scadute" value="1" checked=!value("scadute").is_empty()/>
                <label class="form-check-label" for="f-scadute">"Solo oltre i tempi soglia senza risposta"</label>
            </div>
            <button type="submit" class="btn btn-primary me-2">"Cerca"</button>
            <a class="btn btn-outline-primary" href=action>"Azzera i filtri"</a>
        </form>
    }
}

/// A sortable column header: a link that sorts by `key` (again: the other way round).
fn sort_header(
    label: &'static str,
    key: &'static str,
    query: &ListQuery,
    base: &str,
    current: (&str, bool),
) -> AnyView {
    let active = current.0 == key;
    let desc = if active { !current.1 } else { key != "protocollo" };
    let href = format!("{base}{}", query.to_query_string(Some(key), desc, 0));
    let aria_sort = if active { if current.1 { "descending" } else { "ascending" } } else { "none" };
    let marker = if active { if current.1 { " ▼" } else { " ▲" } } else { "" };
    view! { <th scope="col" aria-sort=aria_sort><a href=href data-sort=key>{format!("{label}{marker}")}</a></th> }
        .into_any()
}

#[component]
fn RichiesteTable(
    page: RichiestePage,
    query: ListQuery,
    #[prop(into)] testid: String,
    base: &'static str,
    coda: bool,
) -> impl IntoView {
    let RichiestePage { richieste: rows, totale, oltre, pagina, pagine, .. } = page;
    // The order in force, as the server applied it (the same defaults as `ricerca`).
    let current = match query.sort.as_deref() {
        Some(s) => (s.to_string(), query.desc),
        None if coda => ("scadenza".to_string(), false),
        None => ("aggiornata".to_string(), true),
    };
    let current = (current.0.as_str(), current.1);
    let header = view! {
        <thead><tr>
            {sort_header("Protocollo", "protocollo", &query, base, current)}
            <th scope="col">"Posizione"</th><th scope="col">"Classe e oggetto"</th><th scope="col">"Inviata da"</th>
            {sort_header("Aperta il", "aperta", &query, base, current)}
            {sort_header("Ultimo aggiornamento", "aggiornata", &query, base, current)}
            <th scope="col">"Stato"</th>
            {sort_header("Tempi soglia", "scadenza", &query, base, current)}
        </tr></thead>
    };
    view! {
        <p data-testid="conteggio">
            {if oltre {
                format!("Oltre {} richieste: restringere la ricerca con i filtri.", crate::domain::money::migliaia(totale.unsigned_abs()))
            } else {
                format!("{totale} richieste")
            }}
        </p>
        <div class="table-responsive" tabindex="0">
            <table class="table table-sm" data-testid=testid>
                {header}
                <tbody>
                    {rows.is_empty().then(|| view! { <tr><td colspan="8">"Nessuna richiesta per i filtri scelti."</td></tr> })}
                    {rows.into_iter().map(|r| {
                        let href = format!("/comunicazioni/{}", r.id);
                        let soglia = if r.in_ritardo {
                            view! { <span class="badge bg-danger" data-testid="in-ritardo">"Scaduti"</span> }.into_any()
                        } else {
                            view! { <span>{format!("entro il {}", format_rome(r.scade_at))}</span> }.into_any()
                        };
                        view! {
                            <tr data-testid="richiesta-comunicazione" data-id=r.id.to_string() data-stato=r.stato.as_str() class:table-danger=r.in_ritardo>
                                <td><a href=href>{r.protocollo.clone()}</a></td>
                                <td>{format!("{} – {}", r.position_code, r.denominazione)}</td>
                                <td>{format!("{} – {}", r.classe, r.oggetto)}</td>
                                <td data-testid="autore">{r.autore.clone()}</td>
                                <td>{format_rome(r.aperta_at)}</td>
                                <td>{format_rome(r.aggiornata_at)}</td>
                                <td>{stato_label(&r)}</td>
                                <td>{soglia}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pager base=base.to_string() query total_pages=pagine current=pagina/>
    }
}

#[component]
pub fn ComunicazioniPage() -> impl IntoView {
    let query = list_query();
    let data = risorsa(query, load_comunicazioni);
    view! {
        <Page title="Comunicazione bidirezionale">
            <h1>"Comunicazione bidirezionale"</h1>
            <p>"Le richieste inviate alla Sede INPS competente e il loro stato."</p>
            <a class="btn btn-primary mb-3" href="/comunicazioni/nuova">"Nuova richiesta"</a>
            <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
                {move || Suspend::new(async move {
                    let q = query();
                    match data.await {
                        Ok(page) => view! {
                            <RichiesteFiltri oggetti=page.oggetti.clone() query=q.clone() coda=false action="/comunicazioni" vista_posizione=page.vista_posizione/>
                            <RichiesteTable page query=q testid="richieste-comunicazione" base="/comunicazioni" coda=false/>
                        }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}

/// The form of a new richiesta. A context link from a consultation page pre-fills `posizione` and
/// `oggetto` through the query string. The form posts as multipart to `/api/comunicazioni/nuova`; once
/// the page is hydrated, the script sends it itself to show the upload's progress and any refusal in place
/// (without script, the server redirects back here with `errore`).
#[component]
pub fn NuovaRichiestaPage() -> impl IntoView {
    let query = use_query_map();
    let preset = move |key: &str| query.try_with(|q| q.get(key)).flatten().unwrap_or_default();
    let data = risorsa(|| (), |_| load_comunicazioni(ListQuery::default()));
    let progress = RwSignal::new(None::<u32>);
    let refused = RwSignal::new(None::<String>);
    let error = move || refused.get().or_else(|| Some(preset("errore")).filter(|e| !e.is_empty()));
    let crumbs = vec![
        ("Home".to_string(), Some("/".to_string())),
        ("Comunicazione bidirezionale".to_string(), Some("/comunicazioni".to_string())),
        ("Nuova richiesta".to_string(), None),
    ];
    let on_submit = upload::submit_handler(progress, refused);
    view! {
        <Page title="Nuova richiesta" crumbs>
            <h1>"Nuova richiesta alla Sede"</h1>
            {move || error().map(|e| view! { <div class="alert alert-danger" role="alert" data-testid="errore-modulo">{e}</div> })}
            <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
                {move || {
                let on_submit = on_submit.clone();
                Suspend::new(async move {
                    let oggetti = match data.await {
                        Ok(o) => o.oggetti,
                        Err(e) => return view! { <ErrorBox error=e/> }.into_any(),
                    };
                    // By id (a form sent back with its refusal) or by names (a context link).
                    let (chosen, classe) = (preset("oggetto"), preset("classe"));
                    // Nothing is chosen for the user: without a preset the placeholder stays until they pick one.
                    let scelto = oggetti.iter().any(|o| o.id.to_string() == chosen || (o.classe == classe && o.oggetto == chosen));
                    view! {
                        <form method="post" action="/api/comunicazioni/nuova" enctype="multipart/form-data"
                            data-testid="form-comunicazione" on:submit=on_submit>
                            // `posizione` must stay the form's first field: the server authorizes it before it
                            // reads the files (server/src/allegati.rs, `read_posizione`).
                            <div class="row">
                                <div class="mb-3 col-lg-4">
                                    <label for="posizione" class="form-label fw-semibold">"Posizione contributiva"</label>
                                    <input type="text" id="posizione" name="posizione" class="form-control" required maxlength="20" value=preset("posizione")/>
                                </div>
                                <div class="mb-3 col-lg-8">
                                    <label for="oggetto" class="form-label fw-semibold">"Classe e oggetto"</label>
                                    <select id="oggetto" name="oggetto" class="form-select" required data-testid="scelta-oggetto">
                                        <option value="" disabled selected=!scelto>"Scelga la classe e l'oggetto della richiesta"</option>
                                        {oggetti.into_iter().map(|o| {
                                            let value = o.id.to_string();
                                            let selected = value == chosen || (o.classe == classe && o.oggetto == chosen);
                                            view! {
                                                <option value=value selected=selected>
                                                    {format!("{} – {} (risposta attesa entro {} giorni)", o.classe, o.oggetto, o.soglia_giorni)}
                                                </option>
                                            }
                                        }).collect_view()}
                                    </select>
                                </div>
                            </div>
                            <div class="mb-3">
                                <label for="testo" class="form-label fw-semibold">"Testo della richiesta"</label>
                                <textarea id="testo" name="testo" class="form-control" rows="5" maxlength="4000" required></textarea>
                            </div>
                            <div class="mb-3">
                                <CampoFile id="allegati" name="allegati" label="Allegati (facoltativi)"
                                    limiti=crate::domain::allegati::LimitiFile::ALLEGATI aiuto=allegati_aiuto()/>
                            </div>
                            <CanaliAvvisi scelta=Canali::parse(&preset("canali"))/>
                            {move || progress.get().map(|p| view! {
                                <div class="progress mb-3" data-testid="avanzamento">
                                    <div class="progress-bar" role="progressbar" aria-label="Invio della richiesta e degli allegati"
                                        aria-valuemin="0" aria-valuemax="100" aria-valuenow=p.to_string() style:width=format!("{p}%")></div>
                                </div>
                            })}
                            <button type="submit" class="btn btn-primary" disabled=move || progress.get().is_some()>"Invia la richiesta"</button>
                        </form>
                    }.into_any()
                })
                }}
            </Suspense>
        </Page>
    }
}

/// How the user is told of the protocol and of the closing: e-mail, SMS or both. The e-mail address is needed
/// with the e-mail only, the mobile number and the consent with the SMS only (the server says so if one is
/// missing). Without script every field shows; once hydrated, those of a channel not chosen are hidden.
#[component]
fn CanaliAvvisi(scelta: Option<Canali>) -> impl IntoView {
    let chosen = RwSignal::new(scelta);
    // Nothing chosen yet: every field shows (the page as the server renders it).
    let not_needed = move |needs: fn(Canali) -> bool| chosen.get().is_some_and(|c| !needs(c));
    view! {
        <fieldset class="mb-3" data-testid="canali-avvisi">
            <legend class="h6">"Avvisi di protocollazione e di chiusura"</legend>
            <p class="form-text mt-0">"Scelga come riceverli: ogni avviso va a ciascun canale scelto, e solo a quello."</p>
            <div class="mb-2">
                {Canali::TUTTI.into_iter().map(|c| {
                    let id = format!("canali-{}", c.as_str());
                    view! {
                        <div class="form-check form-check-inline">
                            <input class="form-check-input" type="radio" name="canali" id=id.clone() value=c.as_str()
                                checked=scelta == Some(c) on:change=move |_| chosen.set(Some(c))/>
                            <label class="form-check-label" for=id>{c.label()}</label>
                        </div>
                    }
                }).collect_view()}
            </div>
            <div class="row">
                <div class="mb-3 col-lg-6" hidden=move || not_needed(Canali::email)>
                    <label for="email" class="form-label fw-semibold">"Indirizzo e-mail"</label>
                    <input id="email" name="email" type="email" class="form-control" autocomplete="email" aria-describedby="email-aiuto"/>
                    <div id="email-aiuto" class="form-text">"Necessario con gli avvisi via e-mail."</div>
                </div>
                <div class="mb-3 col-lg-6" hidden=move || not_needed(Canali::sms)>
                    <label for="telefono" class="form-label fw-semibold">"Telefono cellulare"</label>
                    <input id="telefono" name="telefono" type="tel" class="form-control" autocomplete="tel" aria-describedby="telefono-aiuto"/>
                    <div id="telefono-aiuto" class="form-text">"Necessario con gli avvisi via SMS."</div>
                </div>
            </div>
            <div class="form-check" hidden=move || not_needed(Canali::sms)>
                <input class="form-check-input" type="checkbox" id="consenso" name="consenso" value="1"/>
                <label class="form-check-label" for="consenso">"Acconsento a ricevere via SMS, al numero indicato, gli avvisi di protocollazione e di chiusura (richiesto solo per gli SMS)."</label>
            </div>
        </fieldset>
    }
}

fn allegati_aiuto() -> String {
    use crate::domain::allegati::{MAX_BYTES_FILE, MAX_BYTES_TOTALE, MAX_FILE, TIPI_AMMESSI};
    let mb = |b: usize| b / (1024 * 1024);
    format!(
        "Fino a {MAX_FILE} file ({TIPI_AMMESSI}), al massimo {} MB ciascuno e {} MB in tutto: saranno inviati alla Sede in un unico archivio zip.",
        mb(MAX_BYTES_FILE),
        mb(MAX_BYTES_TOTALE)
    )
}

/// Sending the form from the browser with its progress. Without the `hydrate` feature (the server
/// render) the handler does nothing, so the form falls back to a plain post.
mod upload {
    use leptos::prelude::*;

    #[cfg(not(feature = "hydrate"))]
    pub fn submit_handler(
        _progress: RwSignal<Option<u32>>,
        _refused: RwSignal<Option<String>>,
    ) -> impl Fn(leptos::ev::SubmitEvent) + Clone + 'static {
        |_| {}
    }

    #[cfg(feature = "hydrate")]
    pub fn submit_handler(
        progress: RwSignal<Option<u32>>,
        refused: RwSignal<Option<String>>,
    ) -> impl Fn(leptos::ev::SubmitEvent) + Clone + 'static {
        let navigate = leptos_router::hooks::use_navigate();
        move |ev: leptos::ev::SubmitEvent| {
            use wasm_bindgen::JsCast;
            let Some(form) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok()) else {
                return; // not ours: let the browser post it
            };
            ev.prevent_default();
            refused.set(None);
            let navigate = navigate.clone();
            let done = move |outcome: Result<i64, String>| match outcome {
                Ok(id) => navigate(&format!("/comunicazioni/{id}?esito=inviata"), Default::default()),
                Err(message) => {
                    progress.set(None);
                    refused.set(Some(message));
                }
            };
            if send(&form, progress, done.clone()).is_err() {
                done(Err("Invio non riuscito: riprovi.".to_string()));
            }
        }
    }

    #[cfg(feature = "hydrate")]
    fn send(
        form: &web_sys::HtmlFormElement,
        progress: RwSignal<Option<u32>>,
        done: impl Fn(Result<i64, String>) + Clone + 'static,
    ) -> Result<(), wasm_bindgen::JsValue> {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;

        let body = web_sys::FormData::new_with_form(form)?;
        let xhr = web_sys::XmlHttpRequest::new()?;
        xhr.open("POST", &form.action())?;
        xhr.set_request_header("Accept", "application/json")?;
        let on_progress = Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                progress.set(Some((e.loaded() / e.total() * 100.0).round() as u32));
            }
        });
        xhr.upload()?.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        let answered = xhr.clone();
        let on_done = done.clone();
        let on_load = Closure::<dyn Fn()>::new(move || {
            let text = answered.response_text().ok().flatten().unwrap_or_default();
            let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            let outcome = match (json["id"].as_i64(), json["errore"].as_str()) {
                (Some(id), _) => Ok(id),
                (None, Some(message)) => Err(message.to_string()),
                (None, None) => Err("Invio non riuscito: riprovi.".to_string()),
            };
            on_done(outcome);
        });
        xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
        let on_error =
            Closure::<dyn Fn()>::new(move || done(Err("Connessione interrotta durante l'invio: riprovi.".to_string())));
        xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        progress.set(Some(0));
        xhr.send_with_opt_form_data(Some(&body))?;
        // The callbacks live as long as the request; one form sending leaks three small closures.
        on_progress.forget();
        on_load.forget();
        on_error.forget();
        Ok(())
    }
}

fn outcome_text(code: &str) -> Option<&'static str> {
    match code {
        "inviata" => Some("Richiesta protocollata e inviata alla Sede competente."),
        "aggiornata" => Some("Quesito aggiornato."),
        _ => None,
    }
}

#[component]
pub fn RichiestaPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || {
        crate::model::RichiestaId(params.try_with(|p| p.get("id").and_then(|v| v.parse().ok())).flatten().unwrap_or(0))
    };
    let esito = move || query.try_with(|q| q.get("esito")).flatten();
    let data = risorsa(id, load_richiesta);
    let act = azione::<ActOnQuesito>();
    let crumbs = move || {
        vec![
            ("Home".to_string(), Some("/".to_string())),
            ("Comunicazione bidirezionale".to_string(), Some("/comunicazioni".to_string())),
            (format!("Richiesta {}", id()), None),
        ]
    };
    view! {
        <Page title="Dettaglio richiesta" crumbs=crumbs()>
            <h1>"Dettaglio richiesta"</h1>
            {move || view! { <Outcome text=esito().and_then(|c| outcome_text(&c))/> }}
            {form_error(act)}
            <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <RichiestaView d act/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
            {move || (esito().as_deref() == Some("inviata")).then(|| view! {
                <super::feedback::FeedbackWidget servizio="richiesta".to_string() riferimento=Some(id().to_string())/>
            })}
        </Page>
    }
}

#[component]
fn RichiestaView(d: RichiestaDetail, act: ServerAction<ActOnQuesito>) -> impl IntoView {
    let RichiestaDetail { richiesta: r, testo, eventi, operatore, allegati, avvisi, appuntamento } = d;
    let id = r.id.to_string();
    let open = r.stato != Stato::Chiusa;
    view! {
        <dl class="row" data-testid="richiesta-dettaglio">
            <dt class="col-sm-3">"Protocollo"</dt><dd class="col-sm-9" data-testid="protocollo">{r.protocollo.clone()}</dd>
            <dt class="col-sm-3">"Posizione"</dt><dd class="col-sm-9">{format!("{} – {}", r.position_code, r.denominazione)}</dd>
            <dt class="col-sm-3">"Classe e oggetto"</dt><dd class="col-sm-9">{format!("{} – {}", r.classe, r.oggetto)}</dd>
            <dt class="col-sm-3">"Inviata da"</dt><dd class="col-sm-9" data-testid="autore-richiesta">{r.autore.clone()}</dd>
            <dt class="col-sm-3">"Stato"</dt><dd class="col-sm-9" data-testid="stato-richiesta">{stato_label(&r)}</dd>
            <dt class="col-sm-3">"Tempi soglia"</dt><dd class="col-sm-9">{format!("risposta attesa entro il {}", format_rome(r.scade_at))}</dd>
            <dt class="col-sm-3">"Testo"</dt><dd class="col-sm-9 testo-richiesta">{testo}</dd>
            {allegati.map(|a| {
                let href = format!("/comunicazioni/{}/allegati.zip", r.id);
                let kb = (a.dimensione + 1023) / 1024;
                view! {
                    <dt class="col-sm-3">"Allegati"</dt>
                    <dd class="col-sm-9" data-testid="allegati">
                        <ul class="mb-1">{a.nomi.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                        <a href=href download data-testid="scarica-allegati">{format!("Scarica gli allegati (zip, {kb} KB)")}</a>
                    </dd>
                }
            })}
        </dl>
        <section aria-labelledby="cronologia" class="mt-4">
            <h2 id="cronologia" class="h4">"Cronologia"</h2>
            <div class="table-responsive" tabindex="0">
                <table class="table table-sm" data-testid="cronologia">
                    <thead><tr><th scope="col">"Data e ora"</th><th scope="col">"Stato"</th><th scope="col">"Da"</th><th scope="col">"Commento"</th></tr></thead>
                    <tbody>
                        {eventi.into_iter().map(|e| view! {
                            <tr data-stato=e.stato.as_str()><td>{format_rome(e.at)}</td><td>{e.stato.label()}</td><td>{e.autore.unwrap_or_default()}</td><td>{e.commento}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
        {(!avvisi.is_empty()).then(|| view! {
            <section aria-labelledby="avvisi" class="mt-4">
                <h2 id="avvisi" class="h4">"Avvisi"</h2>
                <div class="table-responsive" tabindex="0">
                    <table class="table table-sm" data-testid="avvisi">
                        <thead><tr><th scope="col">"Canale"</th><th scope="col">"Destinatario"</th><th scope="col">"Recapito"</th></tr></thead>
                        <tbody>
                            {avvisi.into_iter().map(|a| {
                                let canale = if a.canale == "sms" { "SMS" } else { "E-mail" };
                                let stato = match (a.stato.as_str(), a.inviato_at) {
                                    ("inviato", Some(at)) => format!("Inviato il {}", format_rome(at)),
                                    ("fallito", _) => "Non recapitato".to_string(),
                                    ("in_riprova", _) => "In attesa di un nuovo tentativo".to_string(),
                                    _ => "In coda di invio".to_string(),
                                };
                                view! { <tr data-canale=a.canale.clone() data-stato=a.stato.clone()><td>{canale}</td><td>{a.destinatario}</td><td>{stato}</td></tr> }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>
        })}
        {appuntamento.map(|a| view! { <BookingSection richiesta_id=r.id a/> })}
        {(operatore && open).then(|| view! {
            <section aria-labelledby="lavorazione" class="mt-4">
                <h2 id="lavorazione" class="h4">"Lavorazione del quesito"</h2>
                <ActionForm action=act attr:data-testid="form-quesito">
                    <input type="hidden" name="id" value=id/>
                    <div class="mb-3 col-lg-4">
                        <label for="azione" class="form-label fw-semibold">"Azione"</label>
                        <select id="azione" name="azione" class="form-select">
                            <option value="in_carico">"Prendi in carico"</option>
                            <option value="commento">"Aggiungi un commento"</option>
                            <option value="accolta">"Chiudi – esito accolta"</option>
                            <option value="non_accolta">"Chiudi – esito non accolta"</option>
                        </select>
                    </div>
                    <div class="mb-3">
                        <label for="commento" class="form-label fw-semibold">"Commento"</label>
                        <textarea id="commento" name="commento" class="form-control" rows="3" maxlength="4000"></textarea>
                    </div>
                    <button type="submit" class="btn btn-primary">"Registra"</button>
                </ActionForm>
            </section>
        })}
    }
}

#[component]
pub fn QuesitiPage() -> impl IntoView {
    let query = list_query();
    let data = risorsa(query, quesiti_queue);
    let crumbs = vec![
        ("Home".to_string(), Some("/".to_string())),
        ("Back-office di Sede".to_string(), Some("/backoffice".to_string())),
        ("Quesiti".to_string(), None),
    ];
    view! {
        <Page title="Quesiti della Sede" crumbs>
            <h1>"Quesiti della Sede"</h1>
            <p>"Di norma i quesiti ancora da lavorare, la scadenza più vicina in testa: quelli oltre i tempi soglia sono evidenziati."</p>
            <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
                {move || Suspend::new(async move {
                    let q = query();
                    match data.await {
                        Ok(page) => view! {
                            <RichiesteFiltri oggetti=page.oggetti.clone() query=q.clone() coda=true action="/backoffice/quesiti"/>
                            <RichiesteTable page query=q testid="quesiti" base="/backoffice/quesiti" coda=true/>
                        }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}
