//! Gestione Deleghe (`/deleghe`, `/deleghe/{id}`): each side sees its deleghe and the forms it may use.
//! Forms post to server functions: success redirects here with `esito`, a refused input shows its Italian
//! message above the form, with or without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::deleghe::{
    ActivateDelega, GrantEmployeeDelega, GrantSubdelega, ReissueDelegaOtp, RenewIntermediaryDelega,
    RequestIntermediaryDelega, RevokeDelega, load_delega, load_deleghe,
};
use crate::domain::profili::{DICHIARAZIONE_ATTIVAZIONE, EXPIRY_NOTICE_DAYS, Scope, StatoDelega, TipoDelega};
use crate::domain::time::format_rome;
use crate::model::{DelegaDetail, DelegaId, DelegaRow, DelegheOverview, Role};

use super::azioni::{Outcome, azione, form_error, risorsa};
use super::common::{ErrorBox, date_it};
use super::layout::Page;

fn status_label(status: StatoDelega) -> &'static str {
    match status {
        StatoDelega::InAttesa => "In attesa di attivazione",
        StatoDelega::Attiva => "Attiva",
        StatoDelega::Revocata => "Revocata",
        StatoDelega::Scaduta => "Scaduta",
        StatoDelega::Decaduta => "Decaduta con la delega dell'intermediario",
    }
}

fn kind_label(kind: TipoDelega) -> &'static str {
    match kind {
        TipoDelega::Dipendente => "Dipendente delegato",
        TipoDelega::Intermediario => "Intermediario",
        TipoDelega::Subdelega => "Subdelega",
    }
}

fn pec_label(state: &str) -> &'static str {
    match state {
        "in_coda" | "in_riprova" => "PEC in corso di invio",
        "consegnata" => "PEC consegnata",
        "mancata_consegna" => "PEC non consegnata",
        "fallito" => "PEC non inviata",
        _ => "",
    }
}

/// What a receipt means for the person reading the delega, beside its kind (docs/domain.md §7).
fn receipt_meaning(kind: &str) -> &'static str {
    match kind {
        "accettazione" => "Il gestore PEC dell'INPS ha preso in carico il messaggio.",
        "non_accettazione" => "Il gestore PEC dell'INPS non ha accettato il messaggio: non è stato inviato.",
        "avvenuta_consegna" => "Il messaggio è stato consegnato nella casella PEC del destinatario.",
        "errore_consegna" => "Il messaggio non è stato consegnato: verifichi l'indirizzo PEC del destinatario.",
        _ => "",
    }
}

fn receipt_label(kind: &str) -> &'static str {
    match kind {
        "accettazione" => "Ricevuta di accettazione",
        "non_accettazione" => "Avviso di non accettazione",
        "avvenuta_consegna" => "Ricevuta di avvenuta consegna",
        "errore_consegna" => "Avviso di mancata consegna",
        _ => "Ricevuta",
    }
}

fn event_label(kind: &str) -> &'static str {
    match kind {
        "richiesta" => "Richiesta inserita",
        "otp_inviato" => "Codice OTP inviato via PEC",
        "otp_errato" => "Codice OTP errato",
        "attivata" => "Delega attivata",
        "revocata" => "Delega revocata",
        "conferita" => "Delega conferita",
        "rinnovo_richiesto" => "Rinnovo richiesto",
        "importata" => "Delega importata (abilitazione precedente)",
        _ => "Evento",
    }
}

fn outcome_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "conferita" => "Delega conferita.",
        "richiesta" => {
            "Richiesta di delega inserita: il modulo è pronto per la firma e la PEC con il codice OTP è in invio \
             all'Ente."
        }
        "attivata" => "Delega attivata.",
        "nuovo-otp" => "Nuovo codice OTP in invio alla PEC dell'Ente; il precedente non è più valido.",
        "revocata" => "Delega revocata.",
        "subdelega" => "Subdelega conferita.",
        "rinnovo" => {
            "Richiesta di rinnovo inserita: il nuovo modulo è pronto per la firma e la PEC con il codice OTP è in \
             invio all'Ente. Il rinnovo decorre dal giorno successivo alla scadenza della delega in corso."
        }
        _ => return None,
    })
}

/// The services of a delega, by their labels.
fn services_text(codes: &[String]) -> String {
    codes.iter().map(|c| Scope::parse(c).map(Scope::label).unwrap_or(c.as_str())).collect::<Vec<_>>().join("; ")
}

/// The last day of a delega, or "fino a revoca".
fn until_text(until: Option<chrono::NaiveDate>) -> String {
    until.map(date_it).unwrap_or_else(|| "Fino a revoca".to_string())
}

#[component]
fn DelegheTable(rows: Vec<DelegaRow>, #[prop(into)] testid: String, show_grantee: bool) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p data-testid=testid>"Nessuna delega."</p> }.into_any();
    }
    view! {
        <div class="table-responsive" tabindex="0">
            <table class="table table-sm" data-testid=testid>
                <thead><tr>
                    <th scope="col">"Posizione"</th>
                    <th scope="col">"Ente"</th>
                    <th scope="col">"Tipo"</th>
                    {show_grantee.then(|| view! { <th scope="col">"Delegato"</th> })}
                    <th scope="col">"Stato"</th>
                    <th scope="col">"Dal"</th>
                    <th scope="col">"Al"</th>
                    <th scope="col">"Note"</th>
                    <th scope="col"><span class="visually-hidden">"Azioni"</span></th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let mut notes = Vec::new();
                        if !r.usable && r.status == StatoDelega::Attiva {
                            notes.push("Non utilizzabile: manca il profilo SC62 con l'ambito richiesto".to_string());
                        }
                        if let Some(p) = r.pec_state.as_deref().filter(|_| r.status == StatoDelega::InAttesa || r.pec_state.as_deref() == Some("mancata_consegna")) {
                            notes.push(pec_label(p).to_string());
                        }
                        if let Some(d) = r.revoked_on {
                            notes.push(format!("Revocata il {}", date_it(d)));
                        }
                        if r.imported {
                            notes.push("Importata (abilitazione precedente al Cassetto)".to_string());
                        }
                        if r.renews_id.is_some() {
                            notes.push("Rinnovo".to_string());
                        }
                        if r.renewal_id.is_some() && r.status == StatoDelega::Attiva {
                            notes.push("Rinnovo richiesto".to_string());
                        } else if r.expiring {
                            notes.push("In scadenza".to_string());
                        }
                        let href = format!("/deleghe/{}", r.id);
                        view! {
                            <tr data-testid="delega" data-id=r.id.to_string() data-stato=r.status.as_str()>
                                <td>{r.position_code.clone()}</td>
                                <td>{r.ente_name.clone()}</td>
                                <td>{kind_label(r.kind)}</td>
                                {show_grantee.then(|| view! { <td>{format!("{} ({})", r.grantee_name, r.grantee_cf)}</td> })}
                                <td>{status_label(r.status)}</td>
                                <td>{date_it(r.valid_from)}</td>
                                <td>{until_text(r.valid_until)}</td>
                                <td>{notes.join(" · ")}</td>
                                <td><a href=href>"Dettaglio"<span class="visually-hidden">{format!(" delega {}", r.id)}</span></a></td>
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
pub fn DeleghePage() -> impl IntoView {
    let query = use_query_map();
    let esito = move || query.try_with(|q| q.get("esito")).flatten();
    let data = risorsa(|| (), |_| load_deleghe());
    let grant = azione::<GrantEmployeeDelega>();
    let request = azione::<RequestIntermediaryDelega>();
    let sub = azione::<GrantSubdelega>();
    view! {
        <Page title="Gestione Deleghe">
            <h1>"Gestione Deleghe"</h1>
            {move || view! { <Outcome text=esito().and_then(|c| outcome_text(&c))/> }}
            <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(o) => view! { <DelegheSides o grant request sub/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}

#[component]
fn DelegheSides(
    o: DelegheOverview,
    grant: ServerAction<GrantEmployeeDelega>,
    request: ServerAction<RequestIntermediaryDelega>,
    sub: ServerAction<GrantSubdelega>,
) -> impl IntoView {
    let DelegheOverview { role, on_my_positions, held, expiring, granted_sub, own_positions, albo, employees } = o;
    let active_held: Vec<DelegaRow> = held
        .iter()
        .filter(|d| d.kind == TipoDelega::Intermediario && d.status == StatoDelega::Attiva)
        .cloned()
        .collect();
    view! {
        {(role == Role::Datore).then(|| view! {
            <section aria-labelledby="sulle-posizioni">
                <h2 id="sulle-posizioni" class="h4 mt-4">"Deleghe sulle sue posizioni"</h2>
                <DelegheTable rows=on_my_positions testid="deleghe-titolare" show_grantee=true/>
            </section>
            <section aria-labelledby="nuova-dipendente" class="mt-4">
                <h2 id="nuova-dipendente" class="h4">"Nuova delega a un dipendente"</h2>
                <p>"Il dipendente, anche di un'altra Amministrazione, potrà operare sulle posizioni scelte quando avrà il profilo SC62 con l'ambito richiesto."</p>
                {form_error(grant)}
                <ActionForm action=grant attr:data-testid="form-delega-dipendente">
                    <div class="mb-3 col-lg-4">
                        <label for="cf-dipendente" class="form-label fw-semibold">"Codice fiscale del dipendente"</label>
                        <input type="text" id="cf-dipendente" name="codice_fiscale" class="form-control" required maxlength="16" autocapitalize="characters" spellcheck="false"/>
                    </div>
                    <fieldset class="mb-3">
                        <legend class="h6">"Posizioni"</legend>
                        {own_positions.into_iter().enumerate().map(|(i, (code, name))| {
                            let id = format!("pos-{i}");
                            view! {
                                <div class="form-check">
                                    <input class="form-check-input" type="checkbox" id=id.clone() name=format!("posizioni[{i}]") value=code.clone()/>
                                    <label class="form-check-label" for=id>{format!("{code} – {name}")}</label>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                    <button type="submit" class="btn btn-primary">"Conferisci delega"</button>
                </ActionForm>
            </section>
        })}
        {(role == Role::Intermediario).then(|| view! {
            <section aria-labelledby="nuova-intermediario" class="mt-4">
                <h2 id="nuova-intermediario" class="h4">"Nuova richiesta di delega da un Ente"</h2>
                {match albo {
                    Some(a) => view! { <p data-testid="albo">"Iscrizione verificata: " {a}</p> }.into_any(),
                    None => view! { <div class="alert alert-warning" role="status" data-testid="albo">"Il suo codice fiscale non risulta negli Albi degli intermediari (L. 12/1979): non può richiedere deleghe."</div> }.into_any(),
                }}
                <p>"Indichi la posizione, l'Ente e il suo legale rappresentante, che firmerà la delega, i servizi delegati e la durata. Il Cassetto prepara il modulo da far firmare al legale rappresentante e invia alla PEC dell'Ente un codice OTP, che l'Ente le comunicherà per l'attivazione."</p>
                {form_error(request)}
                <ActionForm action=request attr:data-testid="form-delega-intermediario">
                    <div class="row">
                        <div class="mb-3 col-lg-4">
                            <label for="posizione" class="form-label fw-semibold">"Posizione contributiva"</label>
                            <input type="text" id="posizione" name="posizione" class="form-control" required maxlength="20" spellcheck="false"/>
                        </div>
                        <div class="mb-3 col-lg-4">
                            <label for="cf-ente" class="form-label fw-semibold">"Codice fiscale dell'Ente"</label>
                            <input type="text" id="cf-ente" name="codice_fiscale_ente" class="form-control" required maxlength="16" spellcheck="false"/>
                        </div>
                    </div>
                    <fieldset class="mb-2">
                        <legend class="h6">"Delegante: il legale rappresentante dell'Ente"</legend>
                        <div class="row">
                            <div class="mb-3 col-lg-4">
                                <label for="cf-rappresentante" class="form-label fw-semibold">"Codice fiscale del legale rappresentante"</label>
                                <input type="text" id="cf-rappresentante" name="codice_fiscale_rappresentante" class="form-control" required maxlength="16" autocapitalize="characters" spellcheck="false" aria-describedby="cf-rappresentante-aiuto"/>
                                <div id="cf-rappresentante-aiuto" class="form-text">"Di una persona fisica: 16 caratteri."</div>
                            </div>
                            <div class="mb-3 col-lg-4">
                                <label for="nome-rappresentante" class="form-label fw-semibold">"Nome"</label>
                                <input type="text" id="nome-rappresentante" name="nome_rappresentante" class="form-control" required maxlength="60" autocomplete="off"/>
                            </div>
                            <div class="mb-3 col-lg-4">
                                <label for="cognome-rappresentante" class="form-label fw-semibold">"Cognome"</label>
                                <input type="text" id="cognome-rappresentante" name="cognome_rappresentante" class="form-control" required maxlength="60" autocomplete="off"/>
                            </div>
                        </div>
                    </fieldset>
                    <fieldset class="mb-3">
                        <legend class="h6">"Servizi delegati"</legend>
                        {Scope::ALL.into_iter().enumerate().map(|(i, scope)| {
                            let id = format!("servizio-{}", scope.code());
                            view! {
                                <div class="form-check">
                                    <input class="form-check-input" type="checkbox" id=id.clone() name=format!("servizi[{i}]") value=scope.code()/>
                                    <label class="form-check-label" for=id>{scope.label()}</label>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                    <fieldset class="mb-2">
                        <legend class="h6">"Durata della delega"</legend>
                        <div class="row">
                            <div class="mb-3 col-lg-4">
                                <label for="dal" class="form-label fw-semibold">"Dal"</label>
                                <input id="dal" name="dal" type="date" class="form-control" aria-describedby="dal-aiuto"/>
                                <div id="dal-aiuto" class="form-text">"Vuoto: da oggi."</div>
                            </div>
                            <div class="mb-3 col-lg-4">
                                <label for="al" class="form-label fw-semibold">"Al"</label>
                                <input id="al" name="al" type="date" class="form-control" aria-describedby="al-aiuto"/>
                                <div id="al-aiuto" class="form-text">"Vuoto: fino a revoca."</div>
                            </div>
                        </div>
                    </fieldset>
                    <div class="mb-3 col-lg-4">
                        <label for="password-conferma" class="form-label fw-semibold">"Confermi la sua password"</label>
                        <input id="password-conferma" name="password" type="password" class="form-control" required maxlength="128" autocomplete="current-password"/>
                    </div>
                    <button type="submit" class="btn btn-primary">"Inserisci la richiesta e invia la PEC"</button>
                </ActionForm>
            </section>
        })}
        {(role == Role::Intermediario).then(|| view! {
            <section aria-labelledby="in-scadenza" class="mt-4">
                <h2 id="in-scadenza" class="h4">{format!("Deleghe in scadenza nei prossimi {EXPIRY_NOTICE_DAYS} giorni")}</h2>
                <p>"Una delega scaduta non dà più accesso alla posizione. Il rinnovo, dal dettaglio della delega, richiede un nuovo modulo firmato e un nuovo codice OTP inviato alla PEC dell'Ente."</p>
                <DelegheTable rows=expiring testid="deleghe-in-scadenza" show_grantee=false/>
            </section>
        })}
        <section aria-labelledby="detenute" class="mt-4">
            <h2 id="detenute" class="h4">{if role == Role::Datore { "Deleghe che detiene" } else { "Le sue deleghe" }}</h2>
            <DelegheTable rows=held testid="deleghe-detenute" show_grantee=false/>
        </section>
        {(role == Role::Intermediario).then(|| view! {
            <section aria-labelledby="subdeleghe" class="mt-4">
                <h2 id="subdeleghe" class="h4">"Subdeleghe ai suoi dipendenti"</h2>
                <DelegheTable rows=granted_sub testid="subdeleghe" show_grantee=true/>
                <h3 class="h5 mt-3">"Nuova subdelega"</h3>
                <p>"Il dipendente deve avere il profilo SC62 con l'ambito «Gestione contributiva dipendenti pubblici»."</p>
                {form_error(sub)}
                <ActionForm action=sub attr:data-testid="form-subdelega">
                    <div class="row">
                        <div class="mb-3 col-lg-6">
                            <label for="sub-delega" class="form-label fw-semibold">"Delega"</label>
                            <select id="sub-delega" name="id" class="form-select" required>
                                {active_held.into_iter().map(|d| view! {
                                    <option value=d.id.to_string()>{format!("{} – {}", d.position_code, d.ente_name)}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="mb-3 col-lg-6">
                            <label for="sub-dipendente" class="form-label fw-semibold">"Dipendente"</label>
                            <select id="sub-dipendente" name="codice_fiscale" class="form-select" required>
                                {employees.into_iter().map(|(cf, name)| view! {
                                    <option value=cf.clone()>{format!("{name} ({cf})")}</option>
                                }).collect_view()}
                            </select>
                        </div>
                    </div>
                    <button type="submit" class="btn btn-primary">"Conferisci subdelega"</button>
                </ActionForm>
            </section>
        })}
    }
}

#[component]
pub fn DelegaPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id =
        move || DelegaId(params.try_with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok())).flatten().unwrap_or(0));
    let esito = move || query.try_with(|q| q.get("esito")).flatten();
    let data = risorsa(id, load_delega);
    let activate = azione::<ActivateDelega>();
    let reissue = azione::<ReissueDelegaOtp>();
    let revoke = azione::<RevokeDelega>();
    let renew = azione::<RenewIntermediaryDelega>();
    let crumbs = move || {
        vec![
            ("Home".to_string(), Some("/".to_string())),
            ("Gestione Deleghe".to_string(), Some("/deleghe".to_string())),
            (format!("Delega {}", id()), None),
        ]
    };
    view! {
        <Page title="Dettaglio delega" crumbs=crumbs()>
            <h1>"Dettaglio delega"</h1>
            {move || view! { <Outcome text=esito().and_then(|c| outcome_text(&c))/> }}
            {form_error(activate)}
            {form_error(reissue)}
            {form_error(revoke)}
            {form_error(renew)}
            <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <DelegaView d activate reissue revoke renew/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
            {move || (esito().as_deref() == Some("attivata")).then(|| view! {
                <super::feedback::FeedbackWidget servizio="delega-attivazione".to_string() riferimento=Some(id().to_string())/>
            })}
        </Page>
    }
}

#[component]
fn DelegaView(
    d: DelegaDetail,
    activate: ServerAction<ActivateDelega>,
    reissue: ServerAction<ReissueDelegaOtp>,
    revoke: ServerAction<RevokeDelega>,
    renew: ServerAction<RenewIntermediaryDelega>,
) -> impl IntoView {
    let DelegaDetail { delega, events, evidence, can_revoke, can_activate, can_renew, delegante } = d;
    let (id_activate, id_otp, id_revoke) = (delega.id.to_string(), delega.id.to_string(), delega.id.to_string());
    let id_renew = delega.id.to_string();
    let services = (!delega.services.is_empty()).then(|| services_text(&delega.services));
    let renew_from = delega.valid_until.and_then(|u| u.succ_opt()).map(date_it).unwrap_or_default();
    let (rep_cf, rep_nome, rep_cognome) =
        delegante.as_ref().map(|d| (d.codice_fiscale.clone(), d.nome.clone(), d.cognome.clone())).unwrap_or_default();
    let pdf = (delega.kind == TipoDelega::Intermediario).then(|| format!("/deleghe/{}/modulo.pdf", delega.id));
    view! {
        <dl class="row" data-testid="delega-dettaglio" data-stato=delega.status.as_str()>
            <dt class="col-sm-3">"Posizione"</dt><dd class="col-sm-9">{delega.position_code.clone()}</dd>
            <dt class="col-sm-3">"Ente"</dt><dd class="col-sm-9">{delega.ente_name.clone()}</dd>
            <dt class="col-sm-3">"Tipo"</dt><dd class="col-sm-9">{kind_label(delega.kind)}</dd>
            <dt class="col-sm-3">"Delegato"</dt><dd class="col-sm-9">{format!("{} ({})", delega.grantee_name, delega.grantee_cf)}</dd>
            <dt class="col-sm-3">"Stato"</dt><dd class="col-sm-9" data-testid="stato">{status_label(delega.status)}</dd>
            <dt class="col-sm-3">"Dal"</dt><dd class="col-sm-9" data-testid="dal">{date_it(delega.valid_from)}</dd>
            <dt class="col-sm-3">"Al"</dt><dd class="col-sm-9" data-testid="al">{until_text(delega.valid_until)}</dd>
            {services.map(|s| view! { <dt class="col-sm-3">"Servizi delegati"</dt><dd class="col-sm-9" data-testid="servizi">{s}</dd> })}
            {delegante.map(|d| view! {
                <dt class="col-sm-3">"Delegante"</dt>
                <dd class="col-sm-9" data-testid="delegante">{format!("{} {} ({}), legale rappresentante", d.nome, d.cognome, d.codice_fiscale)}</dd>
            })}
            {delega.imported.then(|| view! { <dt class="col-sm-3">"Origine"</dt><dd class="col-sm-9">"Importata: abilitazione precedente al Cassetto"</dd> })}
            {delega.renews_id.map(|r| view! { <dt class="col-sm-3">"Rinnova"</dt><dd class="col-sm-9"><a href=format!("/deleghe/{r}")>{format!("Delega {r}")}</a></dd> })}
            {delega.renewal_id.map(|r| view! { <dt class="col-sm-3">"Rinnovo"</dt><dd class="col-sm-9" data-testid="rinnovo"><a href=format!("/deleghe/{r}")>{format!("Delega {r}")}</a></dd> })}
            {delega.revoked_on.map(|d| view! { <dt class="col-sm-3">"Revocata il"</dt><dd class="col-sm-9">{date_it(d)}</dd> })}
            {delega.pec_state.clone().map(|p| view! { <dt class="col-sm-3">"PEC all'Ente"</dt><dd class="col-sm-9" data-testid="stato-pec">{pec_label(&p)}</dd> })}
        </dl>
        {pdf.map(|href| view! {
            <p><a class="btn btn-outline-primary" href=href download data-testid="scarica-modulo">"Scarica il modulo di delega (PDF)"</a></p>
        })}
        {can_activate.then(|| view! {
            <section aria-labelledby="attivazione" class="mt-3">
                <h2 id="attivazione" class="h4">"Attivazione"</h2>
                <p>"Inserisca il codice OTP che l'Ente ha ricevuto via PEC e dichiari l'avvenuta sottoscrizione del modulo."</p>
                <ActionForm action=activate attr:data-testid="form-attiva">
                    <input type="hidden" name="id" value=id_activate/>
                    <div class="mb-3 col-lg-3">
                        <label for="otp" class="form-label fw-semibold">"Codice OTP"</label>
                        <input type="text" id="otp" name="otp" class="form-control" inputmode="numeric" autocomplete="one-time-code" required maxlength="12"/>
                    </div>
                    <div class="form-check mb-3">
                        <input class="form-check-input" type="checkbox" id="dichiarazione" name="dichiarazione" value="1"/>
                        <label class="form-check-label" for="dichiarazione">{DICHIARAZIONE_ATTIVAZIONE}</label>
                    </div>
                    <button type="submit" class="btn btn-primary">"Attiva delega"</button>
                </ActionForm>
                <ActionForm action=reissue attr:class="mt-2" attr:data-testid="form-nuovo-otp">
                    <input type="hidden" name="id" value=id_otp/>
                    <button type="submit" class="btn btn-outline-secondary">"Richiedi un nuovo codice OTP"</button>
                </ActionForm>
            </section>
        })}
        {can_renew.then(|| view! {
            <section aria-labelledby="rinnovo-titolo" class="mt-3">
                <h2 id="rinnovo-titolo" class="h4">"Rinnovo della delega"</h2>
                <p>{format!("Il rinnovo decorre dal {renew_from}, giorno successivo alla scadenza, per gli stessi servizi. Il Cassetto prepara un nuovo modulo da far firmare al legale rappresentante e invia un nuovo codice OTP alla PEC dell'Ente.")}</p>
                <ActionForm action=renew attr:data-testid="form-rinnovo">
                    <input type="hidden" name="id" value=id_renew/>
                    <div class="row">
                        <div class="mb-3 col-lg-4">
                            <label for="rinnovo-cf" class="form-label fw-semibold">"Codice fiscale del legale rappresentante"</label>
                            <input type="text" id="rinnovo-cf" name="codice_fiscale_rappresentante" class="form-control" required maxlength="16" autocapitalize="characters" spellcheck="false" value=rep_cf/>
                        </div>
                        <div class="mb-3 col-lg-4">
                            <label for="rinnovo-nome" class="form-label fw-semibold">"Nome"</label>
                            <input type="text" id="rinnovo-nome" name="nome_rappresentante" class="form-control" required maxlength="60" value=rep_nome/>
                        </div>
                        <div class="mb-3 col-lg-4">
                            <label for="rinnovo-cognome" class="form-label fw-semibold">"Cognome"</label>
                            <input type="text" id="rinnovo-cognome" name="cognome_rappresentante" class="form-control" required maxlength="60" value=rep_cognome/>
                        </div>
                    </div>
                    <div class="row">
                        <div class="mb-3 col-lg-4">
                            <label for="rinnovo-al" class="form-label fw-semibold">"Nuova scadenza"</label>
                            <input id="rinnovo-al" name="al" type="date" class="form-control" aria-describedby="rinnovo-al-aiuto"/>
                            <div id="rinnovo-al-aiuto" class="form-text">"Vuoto: fino a revoca."</div>
                        </div>
                        <div class="mb-3 col-lg-4">
                            <label for="rinnovo-password" class="form-label fw-semibold">"Confermi la sua password"</label>
                            <input id="rinnovo-password" name="password" type="password" class="form-control" required maxlength="128" autocomplete="current-password"/>
                        </div>
                    </div>
                    <button type="submit" class="btn btn-primary">"Richiedi il rinnovo e invia la PEC"</button>
                </ActionForm>
            </section>
        })}
        {can_revoke.then(|| view! {
            <ActionForm action=revoke attr:class="mt-3" attr:data-testid="form-revoca">
                <input type="hidden" name="id" value=id_revoke/>
                <button type="submit" class="btn btn-outline-danger">"Revoca delega"</button>
            </ActionForm>
        })}
        {evidence.map(|ev| view! {
            <section aria-labelledby="evidenze" class="mt-4">
                <h2 id="evidenze" class="h4">"Evidenze"</h2>
                <dl class="row">
                    <dt class="col-sm-3">"Impronta del modulo (SHA-256)"</dt><dd class="col-sm-9 text-break" data-testid="impronta">{ev.form_sha256}</dd>
                    <dt class="col-sm-3">"PEC inviata a"</dt><dd class="col-sm-9">{ev.pec_recipient.unwrap_or_default()}</dd>
                    <dt class="col-sm-3">"Identificativo messaggio"</dt><dd class="col-sm-9 text-break">{ev.pec_message_id.unwrap_or_default()}</dd>
                    <dt class="col-sm-3">"Codice OTP"</dt>
                    <dd class="col-sm-9" data-testid="stato-otp">{
                        if ev.activated_at.is_some() { "Utilizzato".to_string() }
                        else if ev.otp_outstanding { format!("Valido fino al {} – tentativi errati: {}", ev.otp_expires_at.map(format_rome).unwrap_or_default(), ev.otp_failed_attempts) }
                        else { "Non più valido (scaduto, bloccato o revocato): richiederne uno nuovo".to_string() }
                    }</dd>
                    {ev.activated_at.map(|t| view! { <dt class="col-sm-3">"Attivata e dichiarata il"</dt><dd class="col-sm-9">{format_rome(t)}</dd> })}
                    {ev.retain_until.map(|d| view! { <dt class="col-sm-3">"Conservazione fino al"</dt><dd class="col-sm-9">{date_it(d)}</dd> })}
                </dl>
                <h3 class="h5">"Ricevute PEC"</h3>
                {if ev.receipts.is_empty() {
                    view! { <p data-testid="ricevute">"Nessuna ricevuta (messaggio in corso di invio)."</p> }.into_any()
                } else {
                    view! {
                        <div class="table-responsive" tabindex="0">
                            <table class="table table-sm" data-testid="ricevute">
                                <thead><tr><th scope="col">"Ricevuta"</th><th scope="col">"Data e ora"</th><th scope="col">"Destinatario"</th><th scope="col">"Che cosa significa"</th></tr></thead>
                                <tbody>
                                    // The provider's own words (an SMTP reply) stay as evidence, folded under the meaning.
                                    {ev.receipts.into_iter().map(|(kind, to, at, detail)| view! {
                                        <tr data-ricevuta=kind.clone()>
                                            <td>{receipt_label(&kind)}</td>
                                            <td>{format_rome(at)}</td>
                                            <td>{to}</td>
                                            <td>
                                                {receipt_meaning(&kind)}
                                                {(!detail.is_empty()).then(|| view! {
                                                    <details class="small mt-1"><summary>"Dettaglio tecnico"</summary><code>{detail}</code></details>
                                                })}
                                            </td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }}
            </section>
        })}
        <section aria-labelledby="storia" class="mt-4">
            <h2 id="storia" class="h4">"Storia della delega"</h2>
            <div class="table-responsive" tabindex="0">
                <table class="table table-sm" data-testid="storia">
                    <thead><tr><th scope="col">"Data e ora"</th><th scope="col">"Evento"</th><th scope="col">"Da"</th><th scope="col">"Dettaglio"</th></tr></thead>
                    <tbody>
                        {events.into_iter().map(|e| view! {
                            <tr data-evento=e.kind.clone()><td>{format_rome(e.at)}</td><td>{event_label(&e.kind)}</td><td>{e.actor.unwrap_or_default()}</td><td>{e.detail}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
