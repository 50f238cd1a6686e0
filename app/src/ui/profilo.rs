//! `/profilo` (own scopes and SC65 / SC62 / RA012 requests), `/dipendenti-pubblici` (the legacy entry of
//! the transitional period), the back-office pages of a Sede and the admin page.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::backoffice::{
    DecideProfileRequest, ImportAlbo, SaveOggetto, SetOperatorEnabled, SetOperatorFascicolo, UnlockOperator,
    load_tassonomia, profile_request_queue, sede_operators,
};
use crate::api::profilo::{AttivaIntermediario, ChangePassword, SubmitProfileRequest, load_legacy_entry, load_profile};
use crate::api::sanzioni::{RemoveTasso, SaveTasso, load_tassi};
use crate::domain::profile::{LegacyService, ProfileForm, Scope};
use crate::domain::time::format_rome;
use crate::model::{OggettoAdmin, ProfileRequestRow, TassoRow};

use super::azioni::{Outcome, azione, form_error, risorsa};
use super::common::{ErrorBox, date_it};
use super::layout::Page;

fn scope_label(code: &str) -> String {
    Scope::parse(code)
        .map(|s| s.label().to_string())
        .or_else(|| LegacyService::parse(code).map(|s| s.label().to_string()))
        .unwrap_or_else(|| code.to_string())
}

fn request_status(status: &str) -> &'static str {
    match status {
        "in_attesa" => "In attesa di decisione",
        "approvata" => "Approvata",
        "respinta" => "Respinta",
        _ => "",
    }
}

#[component]
fn CutoverNotice(cutover: chrono::NaiveDate) -> impl IntoView {
    let last_day = cutover.pred_opt().unwrap_or(cutover);
    view! {
        <div class="callout note" data-testid="periodo-transitorio">
            <div class="callout-title">"Periodo transitorio (circolare INPS n. 34/2023)"</div>
            <p>{format!(
                "Fino al {} i servizi della Gestione dipendenti pubblici erano raggiungibili anche dal servizio «Dipendenti pubblici: servizi per amministrazioni, enti e aziende»; dal {} solo dal Cassetto previdenziale.",
                date_it(last_day), date_it(cutover)
            )}</p>
        </div>
    }
}

#[component]
fn RequestsTable(rows: Vec<ProfileRequestRow>, #[prop(into)] testid: String) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p data-testid=testid>"Nessuna richiesta."</p> }.into_any();
    }
    view! {
        <div class="table-responsive" tabindex="0">
            <table class="table table-sm" data-testid=testid>
                <thead><tr>
                    <th scope="col">"N."</th><th scope="col">"Modello"</th><th scope="col">"Richiedente"</th>
                    <th scope="col">"Ente"</th><th scope="col">"Ambiti o servizio"</th><th scope="col">"Inviata il"</th>
                    <th scope="col">"Stato"</th><th scope="col">"Motivo"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr data-testid="richiesta" data-id=r.id.to_string() data-stato=r.status.clone()>
                            <td>{r.id}</td>
                            <td>{r.form.clone()}</td>
                            <td>{format!("{} ({})", r.requester_name, r.requester_cf)}</td>
                            <td>{format!("{} ({})", r.ente_name, r.ente_cf)}</td>
                            <td>{r.scopes.iter().map(|s| scope_label(s)).collect::<Vec<_>>().join("; ")}</td>
                            <td>{format_rome(r.submitted_at)}</td>
                            <td>{request_status(&r.status)}</td>
                            <td>{r.reason.clone().unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
pub fn ProfiloPage() -> impl IntoView {
    let query = use_query_map();
    let esito = move || query.try_with(|q| q.get("esito")).flatten();
    let data = risorsa(|| (), |_| load_profile());
    let submit = azione::<SubmitProfileRequest>();
    let change_password = azione::<ChangePassword>();
    let outcome = move || match esito().as_deref() {
        Some("inviata") => Some("Richiesta inviata alla Sede competente."),
        Some("password-modificata") => Some(
            "Password modificata. Le altre sessioni aperte con la sua utenza sono state chiuse; le abbiamo inviato \
             un avviso per e-mail.",
        ),
        _ => None,
    };
    view! {
        <Page title="Profilo">
            <h1>"Profilo «Azienda/Operatore servizi azienda»"</h1>
            {move || view! { <Outcome text=outcome()/> }}
            <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(o) => view! {
                            {o.cutover.map(|c| view! { <CutoverNotice cutover=c/> })}
                            <h2 class="h4 mt-4">"Abilitazioni"</h2>
                            {if o.scopes.is_empty() {
                                view! { <p data-testid="ambiti">"Nessuna abilitazione."</p> }.into_any()
                            } else {
                                view! {
                                    <ul data-testid="ambiti">
                                        {o.scopes.into_iter().map(|(form, scope, source)| view! {
                                            <li data-ambito=scope.clone()>{format!("{form} – {}{}", scope_label(&scope),
                                                if source == "importazione" { " (abilitazione precedente alla circolare)" } else { "" })}</li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            <h2 class="h4 mt-4">"Le sue richieste"</h2>
                            <RequestsTable rows=o.requests testid="richieste"/>
                            <NuovaRichiesta submit=submit/>
                            // An account made by a SPID/CIE login has no password to change.
                            {o.has_password.then(|| view! { <CambioPassword change_password=change_password/> })}
                        }.into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}

/// The form of a new SC65 / SC62 / RA012 request (`/profilo`).
#[component]
fn NuovaRichiesta(submit: ServerAction<SubmitProfileRequest>) -> impl IntoView {
    view! {
        <section aria-labelledby="nuova-richiesta" class="mt-4">
            <h2 id="nuova-richiesta" class="h4">"Nuova richiesta"</h2>
            <p>"La richiesta è inviata alla Sede INPS competente per l'Ente indicato, che la approva o la respinge motivando."</p>
            {form_error(submit)}
            <ActionForm action=submit attr:data-testid="form-richiesta">
                <div class="row">
                    <div class="mb-3 col-lg-6">
                        <label for="modello" class="form-label fw-semibold">"Modello"</label>
                        <select id="modello" name="modello" class="form-select">
                            {ProfileForm::ALL.into_iter().map(|f| view! { <option value=f.code()>{f.label()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="mb-3 col-lg-6">
                        <label for="cf-ente-richiesta" class="form-label fw-semibold">"Codice fiscale dell'Ente"</label>
                        <input type="text" id="cf-ente-richiesta" name="codice_fiscale_ente" class="form-control" required maxlength="16" spellcheck="false"/>
                    </div>
                </div>
                <fieldset class="mb-3">
                    <legend class="h6">"Ambiti (modelli SC65 e SC62)"</legend>
                    {Scope::ALL.into_iter().enumerate().map(|(i, s)| {
                        let id = format!("ambito-{}", s.code());
                        view! {
                            <div class="form-check">
                                <input class="form-check-input" type="checkbox" id=id.clone() name=format!("ambiti[{i}]") value=s.code()/>
                                <label class="form-check-label" for=id>{s.label()}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="mb-3 col-lg-6">
                    <label for="servizio" class="form-label fw-semibold">"Servizio (modello RA012)"</label>
                    <select id="servizio" name="servizio" class="form-select">
                        <option value="">"—"</option>
                        {LegacyService::ALL.into_iter().map(|s| view! { <option value=s.code()>{s.label()}</option> }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="btn btn-primary">"Invia la richiesta"</button>
            </ActionForm>
        </section>
    }
}

/// The password change (`/profilo`), for accounts that have a password.
#[component]
fn CambioPassword(change_password: ServerAction<ChangePassword>) -> impl IntoView {
    view! {
        <section aria-labelledby="cambio-password" class="mt-4">
            <h2 id="cambio-password" class="h4">"Cambio password"</h2>
            <p>"La nuova password deve avere da 12 a 128 caratteri; non servono simboli o maiuscole, conta la \
                lunghezza. Dopo il cambio le altre sessioni aperte con la sua utenza sono chiuse e riceve un avviso per e-mail."</p>
            {form_error(change_password)}
            <ActionForm action=change_password attr:data-testid="form-password">
                <div class="row">
                    <div class="mb-3 col-lg-4">
                        <label for="password-attuale" class="form-label fw-semibold">"Password attuale"</label>
                        <input id="password-attuale" name="password_attuale" type="password" class="form-control"
                            autocomplete="current-password" required maxlength="128"/>
                    </div>
                    <div class="mb-3 col-lg-4">
                        <label for="nuova-password" class="form-label fw-semibold">"Nuova password"</label>
                        <input id="nuova-password" name="nuova_password" type="password" class="form-control"
                            autocomplete="new-password" required minlength="12" maxlength="128"/>
                    </div>
                    <div class="mb-3 col-lg-4">
                        <label for="conferma-password" class="form-label fw-semibold">"Conferma la nuova password"</label>
                        <input id="conferma-password" name="conferma_password" type="password" class="form-control"
                            autocomplete="new-password" required minlength="12" maxlength="128"/>
                    </div>
                </div>
                <button type="submit" class="btn btn-primary">"Cambia la password"</button>
            </ActionForm>
        </section>
    }
}

/// The home of a person who entered with SPID or CIE and has no profile yet: what they can ask for, and what
/// they have asked. Nothing reaches a position before the Sede approves.
#[component]
pub fn BenvenutoPage() -> impl IntoView {
    let data = risorsa(|| (), |_| load_profile());
    let intermediario = azione::<AttivaIntermediario>();
    view! {
        <Page title="Benvenuto">
            <h1>"Benvenuto nel Cassetto previdenziale"</h1>
            <p class="lead">"Ha effettuato l'accesso con la sua identità digitale, ma non ha ancora un profilo per \
                operare nel Cassetto. Scelga la richiesta che fa al suo caso: la Sede INPS competente la esamina e, \
                se la approva, al prossimo accesso trova le posizioni del suo Ente."</p>
            <div class="row">
                <div class="col-lg-4 mb-3"><div class="card-wrapper"><div class="card card-bg"><div class="card-body">
                    <h2 class="h5 card-title">"Rappresentante legale di un Ente"</h2>
                    <p class="card-text">"Modello SC65: chiede il profilo di datore di lavoro per l'Ente di cui è \
                        legale rappresentante, con gli ambiti (Gestione contributiva pubblica o privata, Malattia)."</p>
                    <a class="btn btn-primary btn-sm" href="/profilo#nuova-richiesta" data-testid="benvenuto-sc65">"Richiedi il profilo (SC65)"</a>
                </div></div></div></div>
                <div class="col-lg-4 mb-3"><div class="card-wrapper"><div class="card card-bg"><div class="card-body">
                    <h2 class="h5 card-title">"Dipendente di un Ente o di un intermediario"</h2>
                    <p class="card-text">"Modello SC62: chiede il profilo di dipendente; poi il datore di lavoro (o \
                        l'intermediario) le conferisce la delega sulle sue posizioni."</p>
                    <a class="btn btn-outline-primary btn-sm" href="/profilo#nuova-richiesta">"Richiedi il profilo (SC62)"</a>
                </div></div></div></div>
                <div class="col-lg-4 mb-3"><div class="card-wrapper"><div class="card card-bg"><div class="card-body">
                    <h2 class="h5 card-title">"Servizi precedenti (RA012)"</h2>
                    <p class="card-text">"Il modello RA012 abilita i servizi telematici precedenti al Cassetto: si \
                        richiede dopo aver ottenuto il profilo SC65 o SC62."</p>
                </div></div></div></div>
            </div>
            <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(o) => view! {
                            {(!o.enti_rappresentati.is_empty()).then(|| view! {
                                <h2 class="h4 mt-3">"Enti di cui risulta legale rappresentante"</h2>
                                <p>"Per questi Enti può chiedere il profilo di datore di lavoro con il modello SC65."</p>
                                <div class="table-responsive" tabindex="0">
                                    <table class="table table-sm" data-testid="enti-rappresentati">
                                        <thead><tr>
                                            <th scope="col">"Codice fiscale"</th><th scope="col">"Denominazione"</th>
                                            <th scope="col">"Settore"</th><th scope="col">"Sede INPS"</th>
                                        </tr></thead>
                                        <tbody>
                                            {o.enti_rappresentati.iter().map(|e| view! {
                                                <tr><td>{e.codice_fiscale.clone()}</td><td>{e.denominazione.clone()}</td>
                                                    <td>{e.sector.clone()}</td><td>{e.sede.clone()}</td></tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            })}
                            {o.in_albo.then(|| view! {
                                <section aria-labelledby="intermediario" class="callout success mt-3">
                                    <h2 id="intermediario" class="callout-title h5">"Intermediario iscritto all'Albo"</h2>
                                    <p>"Il suo codice fiscale risulta nell'Albo degli intermediari: può attivare subito il \
                                        profilo di intermediario e chiedere le deleghe agli Enti (PEC e codice OTP)."</p>
                                    {form_error(intermediario)}
                                    <ActionForm action=intermediario attr:data-testid="form-intermediario">
                                        <button type="submit" class="btn btn-primary">"Attiva il profilo di intermediario"</button>
                                    </ActionForm>
                                </section>
                            })}
                            <h2 class="h4 mt-4">"Le sue richieste"</h2>
                            <RequestsTable rows=o.requests testid="richieste"/>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}

#[component]
pub fn LegacyEntryPage() -> impl IntoView {
    let data = risorsa(|| (), |_| load_legacy_entry());
    view! {
        <Page title="Dipendenti pubblici: servizi per amministrazioni, enti e aziende">
            <h1>"Dipendenti pubblici: servizi per amministrazioni, enti e aziende"</h1>
            <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(entry) if entry.open => view! {
                            <CutoverNotice cutover=entry.cutover/>
                            <p data-testid="accesso-transitorio">"Nel periodo transitorio può raggiungere da qui i servizi «Denunce contributive e versamenti» delle sue posizioni della Gestione dipendenti pubblici:"</p>
                            <ul data-testid="posizioni-gdp">
                                {entry.positions.into_iter().map(|p| {
                                    let href = format!("/cassetto/{}/dma", p.code);
                                    view! { <li><a href=href>{format!("{} – {}", p.code, p.denominazione)}</a></li> }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Ok(entry) => view! {
                            <div class="alert alert-info" role="status" data-testid="accesso-chiuso">
                                {format!("Dal {} i servizi della Gestione dipendenti pubblici si raggiungono solo dal Cassetto previdenziale.", date_it(entry.cutover))}
                            </div>
                            <a class="btn btn-primary" href="/cassetto">"Vai al Cassetto previdenziale"</a>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}

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

#[component]
pub fn AdminPage() -> impl IntoView {
    let query = use_query_map();
    let righe = move || query.try_with(|q| q.get("righe")).flatten();
    let esito = move || query.try_with(|q| q.get("esito")).flatten();
    let import = azione::<ImportAlbo>();
    let save = azione::<SaveOggetto>();
    let tassonomia = risorsa(|| (), |_| load_tassonomia());
    let save_rate = azione::<SaveTasso>();
    let remove_rate = azione::<RemoveTasso>();
    let tassi = risorsa(|| (), |_| load_tassi());
    view! {
        <Page title="Amministrazione">
            <h1>"Amministrazione"</h1>
            <p><a href="/admin/feedback" data-testid="link-feedback">"Instant Feedback: soddisfazione dei servizi"</a></p>
            {move || righe().map(|n| view! { <div class="alert alert-success" role="status" data-testid="esito">{format!("Albo importato: {n} iscritti.")}</div> })}
            {move || (esito().as_deref() == Some("tassonomia")).then(|| view! { <div class="alert alert-success" role="status" data-testid="esito">"Tassonomia aggiornata."</div> })}
            {move || (esito().as_deref() == Some("tassi")).then(|| view! { <div class="alert alert-success" role="status" data-testid="esito">"Tassi aggiornati."</div> })}
            <section aria-labelledby="albo" class="mt-3">
                <h2 id="albo" class="h4">"Albo degli intermediari (L. 12/1979)"</h2>
                <p>"Incolli il file CSV con le colonne codice_fiscale,categoria,numero,provincia,nominativo (categoria: consulente_lavoro, commercialista, avvocato). L'importazione sostituisce l'elenco intero; una riga errata annulla tutto."</p>
                {form_error(import)}
                <ActionForm action=import>
                    <label for="csv" class="form-label fw-semibold">"Contenuto CSV"</label>
                    <textarea id="csv" name="csv" class="form-control mb-2" rows="8" required></textarea>
                    <button type="submit" class="btn btn-primary">"Importa"</button>
                </ActionForm>
            </section>
            <section aria-labelledby="tassonomia" class="mt-5">
                <h2 id="tassonomia" class="h4">"Comunicazione bidirezionale: classi, oggetti e tempi soglia"</h2>
                <p>"I tempi soglia valgono per le richieste inviate da ora in poi: quelle già inviate conservano la scadenza fissata all'invio. Un oggetto non più in uso si ritira: le richieste già inviate lo conservano."</p>
                {form_error(save)}
                <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
                    {move || Suspend::new(async move {
                        match tassonomia.await {
                            Ok(rows) => view! { <TassonomiaTable rows save/> }.into_any(),
                            Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
            <section aria-labelledby="tassi" class="mt-5">
                <h2 id="tassi" class="h4">"Tassi per il calcolo delle sanzioni civili"</h2>
                <p>"Ogni tasso vale dal giorno indicato fino al successivo dello stesso tipo. TUR: tasso delle operazioni di rifinanziamento principali della BCE; interessi di mora: art. 30 DPR 602/1973, fissati ogni anno."</p>
                {form_error(save_rate)}
                {form_error(remove_rate)}
                <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
                    {move || Suspend::new(async move {
                        match tassi.await {
                            Ok(rows) => view! { <TassiTable rows save=save_rate remove=remove_rate/> }.into_any(),
                            Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Page>
    }
}

/// One form per oggetto (change names, threshold, in use) and one to add an oggetto.
#[component]
fn TassonomiaTable(rows: Vec<OggettoAdmin>, save: ServerAction<SaveOggetto>) -> impl IntoView {
    view! {
        <div class="table-responsive" tabindex="0">
            <table class="table table-sm align-middle" data-testid="tassonomia">
                <thead><tr>
                    <th scope="col">"Classe"</th><th scope="col">"Oggetto"</th><th scope="col">"Tempi soglia (giorni)"</th>
                    <th scope="col">"In uso"</th><th scope="col">"Richieste"</th><th scope="col"><span class="visually-hidden">"Azioni"</span></th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|o| {
                        let form_id = format!("oggetto-{}", o.id);
                        let label = format!("{} – {}", o.classe, o.oggetto);
                        view! {
                            <tr data-testid="oggetto" data-id=o.id.to_string()>
                                <td><input type="text" form=form_id.clone() name="classe" class="form-control form-control-sm" value=o.classe.clone() required maxlength="80" aria-label=format!("Classe di {label}")/></td>
                                <td><input type="text" form=form_id.clone() name="oggetto" class="form-control form-control-sm" value=o.oggetto.clone() required maxlength="80" aria-label=format!("Oggetto di {label}")/></td>
                                <td><input form=form_id.clone() name="soglia" type="number" min="1" max="365" class="form-control form-control-sm" value=o.soglia_giorni.to_string() required aria-label=format!("Tempi soglia di {label}")/></td>
                                <td><input form=form_id.clone() name="attivo" type="checkbox" value="1" checked=o.attivo aria-label=format!("{label} in uso")/></td>
                                <td>{o.richieste}</td>
                                <td>
                                    <ActionForm action=save attr:id=form_id>
                                        <input type="hidden" name="id" value=o.id.to_string()/>
                                        <button type="submit" class="btn btn-outline-primary btn-sm">"Salva"<span class="visually-hidden">{format!(" {label}")}</span></button>
                                    </ActionForm>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <h3 class="h5 mt-3">"Nuovo oggetto"</h3>
        <ActionForm action=save attr:data-testid="nuovo-oggetto">
            <div class="row align-items-end">
                <div class="col-lg-4 mb-3">
                    <label for="nuova-classe" class="form-label fw-semibold">"Classe"</label>
                    <input type="text" id="nuova-classe" name="classe" class="form-control" required maxlength="80"/>
                </div>
                <div class="col-lg-4 mb-3">
                    <label for="nuovo-oggetto" class="form-label fw-semibold">"Oggetto"</label>
                    <input type="text" id="nuovo-oggetto" name="oggetto" class="form-control" required maxlength="80"/>
                </div>
                <div class="col-lg-2 mb-3">
                    <label for="nuova-soglia" class="form-label fw-semibold">"Tempi soglia (giorni)"</label>
                    <input id="nuova-soglia" name="soglia" type="number" min="1" max="365" value="30" class="form-control" required/>
                </div>
                <input type="hidden" name="attivo" value="1"/>
                <div class="col-lg-2 mb-3">
                    <button type="submit" class="btn btn-primary">"Aggiungi"</button>
                </div>
            </div>
        </ActionForm>
    }
}

#[component]
fn TassiTable(rows: Vec<TassoRow>, save: ServerAction<SaveTasso>, remove: ServerAction<RemoveTasso>) -> impl IntoView {
    let label = |tipo: &str| if tipo == "tur" { "TUR" } else { "Interessi di mora" };
    view! {
        <div class="table-responsive" tabindex="0">
            <table class="table table-sm align-middle" data-testid="tassi">
                <thead><tr><th scope="col">"Tipo"</th><th scope="col">"In vigore dal"</th><th scope="col" class="text-end">"Tasso annuo"</th><th scope="col"><span class="visually-hidden">"Azioni"</span></th></tr></thead>
                <tbody>
                    {rows.into_iter().rev().map(|t| {
                        let dal = t.dal.format("%Y-%m-%d").to_string();
                        let what = format!("{} dal {}", label(&t.tipo), date_it(t.dal));
                        let (tipo, tipo_form, dal_form) = (t.tipo.clone(), t.tipo.clone(), dal.clone());
                        view! {
                            <tr data-testid="tasso" data-tipo=tipo data-dal=dal>
                                <td>{label(&t.tipo)}</td><td>{date_it(t.dal)}</td><td class="text-end">{t.tasso.to_string()}</td>
                                <td>
                                    <ActionForm action=remove>
                                        <input type="hidden" name="tipo" value=tipo_form/>
                                        <input type="hidden" name="dal" value=dal_form/>
                                        <button type="submit" class="btn btn-outline-danger btn-sm">"Rimuovi"<span class="visually-hidden">{format!(" {what}")}</span></button>
                                    </ActionForm>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <h3 class="h5 mt-3">"Nuovo tasso"</h3>
        <ActionForm action=save attr:data-testid="nuovo-tasso">
            <div class="row align-items-end">
                <div class="col-lg-3 mb-3">
                    <label for="tasso-tipo" class="form-label fw-semibold">"Tipo"</label>
                    <select id="tasso-tipo" name="tipo" class="form-select">
                        <option value="tur">"TUR"</option>
                        <option value="mora">"Interessi di mora"</option>
                    </select>
                </div>
                <div class="col-lg-3 mb-3">
                    <label for="tasso-dal" class="form-label fw-semibold">"In vigore dal"</label>
                    <input id="tasso-dal" name="dal" type="date" class="form-control" required/>
                </div>
                <div class="col-lg-3 mb-3">
                    <label for="tasso-valore" class="form-label fw-semibold">"Tasso annuo (%)"</label>
                    <input type="text" id="tasso-valore" name="tasso" class="form-control" inputmode="decimal" placeholder="2,15" required/>
                </div>
                <div class="col-lg-3 mb-3">
                    <button type="submit" class="btn btn-primary">"Salva il tasso"</button>
                </div>
            </div>
        </ActionForm>
    }
}

/// The contestazioni of the operator's Sede, those waiting first, each with its answer form.
#[component]
pub fn ContestazioniSedePage() -> impl IntoView {
    use super::cassetto::ContestazioneCells;
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
