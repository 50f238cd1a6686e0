//! `/profilo` (own scopes and SC65 / SC62 / RA012 requests), `/benvenuto` (the newcomer without a profile) and
//! `/dipendenti-pubblici` (the legacy entry of the transitional period).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::profili::{BecomeIntermediary, ChangePassword, SubmitProfileRequest, load_legacy_entry, load_profile};
use crate::domain::profili::{LegacyService, ProfileForm, Scope};
use crate::domain::time::format_rome;
use crate::model::ProfileRequestRow;

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
pub(super) fn RequestsTable(rows: Vec<ProfileRequestRow>, #[prop(into)] testid: String) -> impl IntoView {
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
                            <td>{r.id.to_string()}</td>
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
    let intermediario = azione::<BecomeIntermediary>();
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
