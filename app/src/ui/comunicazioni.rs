//! Comunicazione bidirezionale 2.0: `/comunicazioni` (the user's richieste), `/comunicazioni/nuova`,
//! `/comunicazioni/:id` (timeline; the Sede's operators act on the quesito there) and the Sede's queue
//! `/backoffice/quesiti`.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::comunicazioni::{ActOnQuesito, SendRichiesta, load_comunicazioni, load_richiesta, quesiti_queue};
use crate::domain::comunicazioni::{Esito, Stato};
use crate::domain::time::format_rome;
use crate::model::{RichiestaDetail, RichiestaRow};

use super::common::ErrorBox;
use super::deleghe::{Outcome, form_error};
use super::layout::Page;

fn stato_label(r: &RichiestaRow) -> String {
    match (r.stato, r.esito) {
        (Stato::Chiusa, Some(Esito::Accolta)) => "Chiusa – accolta".to_string(),
        (Stato::Chiusa, Some(Esito::NonAccolta)) => "Chiusa – non accolta".to_string(),
        (stato, _) => stato.label().to_string(),
    }
}

#[component]
fn RichiesteTable(rows: Vec<RichiestaRow>, #[prop(into)] testid: String) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p data-testid=testid>"Nessuna richiesta."</p> }.into_any();
    }
    view! {
        <div class="table-responsive">
            <table class="table table-sm" data-testid=testid>
                <thead><tr>
                    <th scope="col">"Protocollo"</th><th scope="col">"Posizione"</th><th scope="col">"Classe e oggetto"</th>
                    <th scope="col">"Aperta il"</th><th scope="col">"Ultimo aggiornamento"</th><th scope="col">"Stato"</th>
                    <th scope="col">"Tempi soglia"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let href = format!("/comunicazioni/{}", r.id);
                        let soglia = if r.in_ritardo {
                            view! { <span class="badge bg-danger" data-testid="in-ritardo">"Scaduti"</span> }.into_any()
                        } else {
                            view! { <span>{format!("entro il {}", format_rome(r.scade_at))}</span> }.into_any()
                        };
                        view! {
                            <tr data-testid="richiesta-comunicazione" data-id=r.id.to_string() data-stato=r.stato.as_str()>
                                <td><a href=href>{r.protocollo.clone()}</a></td>
                                <td>{format!("{} – {}", r.position_code, r.denominazione)}</td>
                                <td>{format!("{} – {}", r.classe, r.oggetto)}</td>
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
    }
    .into_any()
}

#[component]
pub fn ComunicazioniPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_comunicazioni());
    view! {
        <Page title="Comunicazione bidirezionale">
            <h1>"Comunicazione bidirezionale"</h1>
            <p>"Le richieste inviate alla Sede INPS competente e il loro stato."</p>
            <a class="btn btn-primary mb-3" href="/comunicazioni/nuova">"Nuova richiesta"</a>
            <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(o) => view! { <RichiesteTable rows=o.richieste testid="richieste-comunicazione"/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}

/// The form of a new richiesta. A context link from a consultation page pre-fills `posizione` and
/// `oggetto` through the query string.
#[component]
pub fn NuovaRichiestaPage() -> impl IntoView {
    let query = use_query_map();
    let preset = move |key: &str| query.try_with(|q| q.get(key)).flatten().unwrap_or_default();
    let data = Resource::new(|| (), |_| load_comunicazioni());
    let send = ServerAction::<SendRichiesta>::new();
    let crumbs = vec![
        ("Home".to_string(), Some("/".to_string())),
        ("Comunicazione bidirezionale".to_string(), Some("/comunicazioni".to_string())),
        ("Nuova richiesta".to_string(), None),
    ];
    view! {
        <Page title="Nuova richiesta" crumbs>
            <h1>"Nuova richiesta alla Sede"</h1>
            {form_error(send)}
            <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
                {move || Suspend::new(async move {
                    let oggetti = match data.await {
                        Ok(o) => o.oggetti,
                        Err(e) => return view! { <ErrorBox error=e/> }.into_any(),
                    };
                    let chosen = preset("oggetto");
                    view! {
                        <ActionForm action=send attr:data-testid="form-comunicazione">
                            <div class="row">
                                <div class="mb-3 col-lg-4">
                                    <label for="posizione" class="form-label fw-semibold">"Posizione contributiva"</label>
                                    <input id="posizione" name="posizione" class="form-control" required maxlength="20" value=preset("posizione")/>
                                </div>
                                <div class="mb-3 col-lg-8">
                                    <label for="oggetto" class="form-label fw-semibold">"Classe e oggetto"</label>
                                    <select id="oggetto" name="oggetto" class="form-select">
                                        {oggetti.into_iter().map(|o| {
                                            let value = o.id.to_string();
                                            let selected = value == chosen;
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
                            <fieldset class="mb-3">
                                <legend class="h6">"Recapiti per gli avvisi (almeno uno)"</legend>
                                <div class="row">
                                    <div class="mb-3 col-lg-6">
                                        <label for="email" class="form-label fw-semibold">"E-mail"</label>
                                        <input id="email" name="email" type="email" class="form-control" autocomplete="email"/>
                                    </div>
                                    <div class="mb-3 col-lg-6">
                                        <label for="telefono" class="form-label fw-semibold">"Telefono cellulare"</label>
                                        <input id="telefono" name="telefono" type="tel" class="form-control" autocomplete="tel"/>
                                    </div>
                                </div>
                                <div class="form-check">
                                    <input class="form-check-input" type="checkbox" id="consenso" name="consenso" value="1"/>
                                    <label class="form-check-label" for="consenso">"Acconsento a ricevere via e-mail e SMS gli avvisi di protocollazione e di chiusura."</label>
                                </div>
                            </fieldset>
                            <button type="submit" class="btn btn-primary">"Invia la richiesta"</button>
                        </ActionForm>
                    }.into_any()
                })}
            </Suspense>
        </Page>
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
    let id = move || params.try_with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok())).flatten().unwrap_or(0);
    let esito = move || query.try_with(|q| q.get("esito")).flatten();
    let data = Resource::new(move || (id(), esito()), |(id, _)| load_richiesta(id));
    let act = ServerAction::<ActOnQuesito>::new();
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
        </Page>
    }
}

#[component]
fn RichiestaView(d: RichiestaDetail, act: ServerAction<ActOnQuesito>) -> impl IntoView {
    let RichiestaDetail { richiesta: r, testo, eventi, operatore } = d;
    let id = r.id.to_string();
    let open = r.stato != Stato::Chiusa;
    view! {
        <dl class="row" data-testid="richiesta-dettaglio">
            <dt class="col-sm-3">"Protocollo"</dt><dd class="col-sm-9" data-testid="protocollo">{r.protocollo.clone()}</dd>
            <dt class="col-sm-3">"Posizione"</dt><dd class="col-sm-9">{format!("{} – {}", r.position_code, r.denominazione)}</dd>
            <dt class="col-sm-3">"Classe e oggetto"</dt><dd class="col-sm-9">{format!("{} – {}", r.classe, r.oggetto)}</dd>
            <dt class="col-sm-3">"Stato"</dt><dd class="col-sm-9" data-testid="stato-richiesta">{stato_label(&r)}</dd>
            <dt class="col-sm-3">"Tempi soglia"</dt><dd class="col-sm-9">{format!("risposta attesa entro il {}", format_rome(r.scade_at))}</dd>
            <dt class="col-sm-3">"Testo"</dt><dd class="col-sm-9" style="white-space: pre-wrap">{testo}</dd>
        </dl>
        <section aria-labelledby="cronologia" class="mt-4">
            <h2 id="cronologia" class="h4">"Cronologia"</h2>
            <table class="table table-sm" data-testid="cronologia">
                <thead><tr><th scope="col">"Data e ora"</th><th scope="col">"Stato"</th><th scope="col">"Da"</th><th scope="col">"Commento"</th></tr></thead>
                <tbody>
                    {eventi.into_iter().map(|e| view! {
                        <tr data-stato=e.stato.as_str()><td>{format_rome(e.at)}</td><td>{e.stato.label()}</td><td>{e.autore.unwrap_or_default()}</td><td>{e.commento}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
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
    let data = Resource::new(|| (), |_| quesiti_queue());
    let crumbs = vec![
        ("Home".to_string(), Some("/".to_string())),
        ("Back-office di Sede".to_string(), Some("/backoffice".to_string())),
        ("Quesiti".to_string(), None),
    ];
    view! {
        <Page title="Quesiti della Sede" crumbs>
            <h1>"Quesiti della Sede"</h1>
            <p>"I quesiti aperti o in carico; in testa quelli con la scadenza più vicina, evidenziati quando i tempi soglia sono superati."</p>
            <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(rows) => view! { <RichiesteTable rows testid="quesiti"/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}
