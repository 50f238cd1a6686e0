//! The back-office of a Sede: its home, the profile requests routed to it, its operators (the IDM's page) and
//! its contestazioni.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::backoffice::{
    DecideProfileRequest, SetOperatorEnabled, SetOperatorFascicolo, UnlockOperator, profile_request_queue,
    sede_operators,
};
use crate::model::ProfileRequestRow;

use super::azioni::{Outcome, azione, form_error, risorsa};
use super::common::ErrorBox;
use super::layout::Page;
use super::profili::RequestsTable;

#[component]
pub fn BackofficeHome() -> impl IntoView {
    use crate::model::Role::{Idm, Operatore};
    // Each page with the role whose server functions open it: a link the role would meet with «Operazione non
    // consentita» is not offered.
    const VOCI: &[(&str, &str, crate::model::Role)] = &[
        ("/backoffice/richieste-profilo", "Richieste di profilo (SC65, SC62, RA012)", Operatore),
        ("/backoffice/quesiti", "Quesiti della Comunicazione bidirezionale", Operatore),
        ("/agenda", "Agenda appuntamenti della Sede", Operatore),
        ("/backoffice/contestazioni", "Contestazioni delle note di debito", Operatore),
        ("/backoffice/fascicolo", "Fascicolo Elettronico del Contribuente (sola consultazione)", Operatore),
        ("/admin/feedback", "Instant Feedback: soddisfazione dei servizi", Operatore),
        ("/backoffice/operatori", "Operatori della Sede (gestore IDM)", Idm),
    ];
    let user = use_context::<super::layout::UserResource>();
    view! {
        <Page title="Back-office di Sede">
            <h1>"Back-office di Sede"</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let role = match user {
                        Some(u) => u.0.await.ok().flatten().map(|u| u.role),
                        None => None,
                    };
                    view! {
                        <ul data-testid="voci-backoffice">
                            {VOCI.iter().filter(|(_, _, r)| Some(*r) == role).map(|(href, label, _)| {
                                let testid = (*href == "/backoffice/fascicolo").then_some("link-fascicolo-elettronico");
                                view! { <li><a href=*href data-testid=testid>{*label}</a></li> }
                            }).collect_view()}
                        </ul>
                    }
                })}
            </Suspense>
        </Page>
    }
}

#[component]
pub fn ProfileRequestsPage() -> impl IntoView {
    let query = use_query_map();
    let esito = move || query.try_with(|q| q.get("esito")).flatten();
    let data = risorsa(|| (), |_| profile_request_queue());
    let decide = azione::<DecideProfileRequest>();
    let outcome = move || match esito().as_deref() {
        Some("approva") => Some("Richiesta approvata: le abilitazioni sono attive."),
        Some("respingi") => Some("Richiesta respinta."),
        _ => None,
    };
    let crumbs = vec![
        ("Home".to_string(), Some("/".to_string())),
        ("Back-office".to_string(), Some("/backoffice".to_string())),
        ("Richieste di profilo".to_string(), None),
    ];
    view! {
        <Page title="Richieste di profilo" crumbs>
            <h1>"Richieste di profilo della Sede"</h1>
            {move || view! { <Outcome text=outcome()/> }}
            {form_error(decide)}
            <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(rows) => {
                            let pending: Vec<ProfileRequestRow> = rows.iter().filter(|r| r.status == "in_attesa").cloned().collect();
                            view! {
                                <RequestsTable rows testid="coda"/>
                                {pending.into_iter().map(|r| {
                                    let id = r.id.to_string();
                                    let motivo_id = format!("motivo-{}", r.id);
                                    view! {
                                        <section class="card card-bg mt-3 p-3" data-testid="decisione" data-id=r.id.to_string()>
                                            <h2 class="h5">{format!("Richiesta n. {} – {} di {}", r.id, r.form, r.requester_name)}</h2>
                                            <ActionForm action=decide>
                                                <input type="hidden" name="id" value=id/>
                                                <div class="mb-2">
                                                    <label for=motivo_id.clone() class="form-label">"Motivo (obbligatorio per respingere)"</label>
                                                    <textarea id=motivo_id name="motivo" class="form-control" rows="2" maxlength="500"></textarea>
                                                </div>
                                                <button type="submit" name="esito" value="approva" class="btn btn-success me-2">"Approva"</button>
                                                <button type="submit" name="esito" value="respingi" class="btn btn-outline-danger">"Respingi"</button>
                                            </ActionForm>
                                        </section>
                                    }
                                }).collect_view()}
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </Page>
    }
}

#[component]
pub fn OperatorsPage() -> impl IntoView {
    let query = use_query_map();
    let esito = move || query.try_with(|q| q.get("esito")).flatten();
    let data = risorsa(|| (), |_| sede_operators());
    let toggle = azione::<SetOperatorEnabled>();
    let toggle_fascicolo = azione::<SetOperatorFascicolo>();
    let unlock = azione::<UnlockOperator>();
    let outcome = move || match esito().as_deref() {
        Some("sbloccato") => Some("Accesso sbloccato: i tentativi errati dell'operatore sono stati azzerati."),
        Some("abilitato") => Some("Operatore abilitato."),
        Some("disabilitato") => Some("Operatore disabilitato: le sue sessioni sono terminate."),
        Some("fascicolo-abilitato") => Some("Operatore abilitato al Fascicolo Elettronico del Contribuente."),
        Some("fascicolo-revocato") => Some("Abilitazione al Fascicolo Elettronico revocata."),
        _ => None,
    };
    let crumbs = vec![
        ("Home".to_string(), Some("/".to_string())),
        ("Back-office".to_string(), Some("/backoffice".to_string())),
        ("Operatori".to_string(), None),
    ];
    view! {
        <Page title="Operatori della Sede" crumbs>
            <h1>"Operatori della Sede"</h1>
            {move || view! { <Outcome text=outcome()/> }}
            {form_error(toggle)}
            {form_error(toggle_fascicolo)}
            {form_error(unlock)}
            <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(rows) => view! {
                            <div class="table-responsive" tabindex="0">
                                <table class="table" data-testid="operatori">
                                    <thead><tr><th scope="col">"Operatore"</th><th scope="col">"Codice fiscale"</th><th scope="col">"Stato"</th><th scope="col">"Fascicolo Elettronico"</th><th scope="col"><span class="visually-hidden">"Azioni"</span></th></tr></thead>
                                    <tbody>
                                        {rows.into_iter().map(|o| {
                                            let (cf_account, cf_fascicolo, cf_unlock) =
                                                (o.codice_fiscale.clone(), o.codice_fiscale.clone(), o.codice_fiscale.clone());
                                            view! {
                                            <tr data-testid="operatore" data-abilitato=o.enabled.to_string() data-fascicolo=o.fascicolo_elettronico.to_string()>
                                                <td>{o.full_name.clone()}</td>
                                                <td>{o.codice_fiscale.clone()}</td>
                                                <td>{if o.enabled { "Abilitato" } else { "Disabilitato" }}</td>
                                                <td>{if o.fascicolo_elettronico { "Abilitato" } else { "Non abilitato" }}</td>
                                                <td class="d-flex gap-2">
                                                    <ActionForm action=toggle>
                                                        <input type="hidden" name="codice_fiscale" value=cf_account/>
                                                        <input type="hidden" name="abilitato" value=if o.enabled { "0" } else { "1" }/>
                                                        <button type="submit" class="btn btn-sm btn-outline-primary">{if o.enabled { "Disabilita" } else { "Abilita" }}</button>
                                                    </ActionForm>
                                                    <ActionForm action=toggle_fascicolo>
                                                        <input type="hidden" name="codice_fiscale" value=cf_fascicolo/>
                                                        <input type="hidden" name="abilitato" value=if o.fascicolo_elettronico { "0" } else { "1" }/>
                                                        <button type="submit" class="btn btn-sm btn-outline-secondary" data-testid="toggle-fascicolo">
                                                            {if o.fascicolo_elettronico { "Revoca Fascicolo Elettronico" } else { "Abilita al Fascicolo Elettronico" }}
                                                        </button>
                                                    </ActionForm>
                                                    <ActionForm action=unlock>
                                                        <input type="hidden" name="codice_fiscale" value=cf_unlock/>
                                                        <button type="submit" class="btn btn-sm btn-outline-secondary" data-testid="sblocca-accesso">
                                                            "Sblocca l'accesso"
                                                        </button>
                                                    </ActionForm>
                                                </td>
                                            </tr>
                                        }}).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}

/// The contestazioni of the operator's Sede, those waiting first, each with its answer form.
#[component]
pub fn ContestazioniSedePage() -> impl IntoView {
    use super::contestazioni::ContestazioneCells;
    use crate::api::contestazioni::{AnswerContestazione, sede_contestazioni};
    let query = use_query_map();
    let esito = move || query.try_with(|q| q.get("esito")).flatten();
    let data = risorsa(|| (), |_| sede_contestazioni());
    let answer = azione::<AnswerContestazione>();
    view! {
        <Page title="Contestazioni delle note di debito">
            <h1>"Contestazioni delle note di debito"</h1>
            {move || (esito().as_deref() == Some("risposta")).then(|| view! { <div class="alert alert-success" role="status" data-testid="esito">"Risposta registrata."</div> })}
            {form_error(answer)}
            <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(rows) => view! {
                            <div class="table-responsive" tabindex="0">
                                <table class="table table-sm" data-testid="contestazioni-sede">
                                    <thead><tr>
                                        <th scope="col">"Protocollo"</th><th scope="col">"Nota"</th><th scope="col">"Presentata il"</th>
                                        <th scope="col">"Motivi"</th><th scope="col">"Allegati"</th><th scope="col">"Stato"</th><th scope="col">"Risposta"</th>
                                    </tr></thead>
                                    <tbody>
                                        {rows.is_empty().then(|| view! { <tr><td colspan="7">"Nessuna contestazione."</td></tr> })}
                                        {rows.into_iter().map(|c| {
                                            let waiting = c.stato == "presentata";
                                            let (id, protocollo) = (c.id, c.protocollo.clone());
                                            let (label_esito, label_risposta) = (format!("Esito {protocollo}"), format!("Risposta {protocollo}"));
                                            view! {
                                                <ContestazioneCells c/>
                                                {waiting.then(|| view! {
                                                    <tr data-testid="risposta-contestazione" data-protocollo=protocollo>
                                                        <td colspan="7">
                                                            <ActionForm action=answer>
                                                                <input type="hidden" name="id" value=id.to_string()/>
                                                                <div class="row align-items-end">
                                                                    <div class="col-lg-3 mb-2">
                                                                        <label class="form-label fw-semibold" for=format!("esito-{id}")>{label_esito}</label>
                                                                        <select class="form-select" id=format!("esito-{id}") name="esito">
                                                                            <option value="accolta">"Accolta"</option>
                                                                            <option value="respinta">"Respinta"</option>
                                                                        </select>
                                                                    </div>
                                                                    <div class="col-lg-7 mb-2">
                                                                        <label class="form-label fw-semibold" for=format!("risposta-{id}")>{label_risposta}</label>
                                                                        <input type="text" class="form-control" id=format!("risposta-{id}") name="risposta" maxlength="4000" required/>
                                                                    </div>
                                                                    <div class="col-lg-2 mb-2">
                                                                        <button type="submit" class="btn btn-primary">"Rispondi"</button>
                                                                    </div>
                                                                </div>
                                                            </ActionForm>
                                                        </td>
                                                    </tr>
                                                })}
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
        </Page>
    }
}
