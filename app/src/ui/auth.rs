//! The two login steps. Plain forms posting to server functions: they work without JavaScript and,
//! once hydrated, without a page reload.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

use crate::api::auth::{LoginCode, LoginPassword, demo_code, opzioni_accesso};
use crate::model::{FornitoreAccesso, PorteAccesso};

use super::layout::{Page, UserResource};

fn message_for(code: &str) -> Option<&'static str> {
    match code {
        "credenziali" => Some(
            "Codice fiscale o password non corretti. Dopo 5 tentativi errati l'accesso da questo dispositivo è \
             sospeso per qualche minuto. Se l'utenza è disabilitata, si rivolga al gestore IDM della sua Sede.",
        ),
        "attesa" => Some(
            "Troppi tentativi non riusciti: l'accesso è sospeso per qualche minuto. Riprovi più tardi; i \
             tentativi fatti nel frattempo non prolungano l'attesa.",
        ),
        "tentativi" => Some("Troppi codici errati in questo accesso. Inserisca di nuovo codice fiscale e password."),
        "sospeso" => Some(
            "Troppi codici errati per questa utenza: il secondo fattore è sospeso per 15 minuti. Se non è stato lei, \
             cambi la password appena possibile.",
        ),
        "formato" => Some("Il codice fiscale non è valido: controlli i 16 caratteri."),
        "codice" => Some("Codice non valido o già usato. Attenda il codice successivo e riprovi."),
        "scaduta" => Some("La procedura di accesso è scaduta. Inserisca di nuovo codice fiscale e password."),
        "porta_chiusa" => Some("L'accesso con codice fiscale e password non è disponibile: entri con SPID o CIE."),
        "spid_non_disponibile" => Some(
            "Il gestore dell'identità scelto non risponde in questo momento. Riprovi tra qualche minuto o scelga \
             un altro gestore.",
        ),
        "spid_scaduto" => Some(
            "La procedura di accesso non è più valida (scaduta, già usata o avviata da un altro browser). Ripeta \
             l'accesso dall'inizio.",
        ),
        "spid_annullato" => Some("Accesso annullato presso il gestore dell'identità."),
        "spid_fallito" => Some(
            "Non è stato possibile completare l'accesso: la risposta del gestore dell'identità non è valida. \
             Ripeta l'accesso; se il problema continua, contatti il Contact Center.",
        ),
        "spid_livello" => Some(
            "Per il Cassetto serve almeno SPID di livello 2: l'accesso con il livello 1 non è sufficiente. Ripeta \
             l'accesso scegliendo il livello 2 (codice temporaneo o app) o il livello 3.",
        ),
        "spid_personale" => Some("Il personale INPS accede con le credenziali dell'Istituto."),
        "spid_disabilitato" => Some("L'utenza è disabilitata: si rivolga al gestore IDM della sua Sede."),
        _ => None,
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let error = move || query.try_with(|q| q.get("errore").and_then(|c| message_for(&c))).unwrap_or_default();
    let logged_out = move || query.try_with(|q| q.get("uscita").is_some()).unwrap_or_default();
    let next = move || query.try_with(|q| q.get("next").unwrap_or_default()).unwrap_or_default();
    let action = ServerAction::<LoginPassword>::new();
    let opzioni = Resource::new(|| (), |_| opzioni_accesso());
    // Signed in already: «Accedi» leads home, not to a second login.
    let user = UserResource::load();
    provide_context(user);
    let home = move || {
        let next = next();
        Suspend::new(async move {
            user.0.await.ok().flatten().map(|u| {
                let target = crate::api::auth::safe_next(Some(&next)).unwrap_or_else(|| u.role.home().to_string());
                view! { <Redirect path=target/> }
            })
        })
    };
    view! {
        <Suspense fallback=|| ()>{home}</Suspense>
        <Page title="Accesso">
            <h1>"Accesso al Cassetto"</h1>
            {move || logged_out().then(|| view! {
                <div class="alert alert-success" role="status" data-testid="uscita">"Sessione terminata correttamente."</div>
            })}
            {move || error().map(|m| view! { <div class="alert alert-danger" role="alert" data-testid="errore">{m}</div> })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let opzioni = opzioni.await.unwrap_or(PorteAccesso {
                        password: true,
                        solo_personale: false,
                        spid: Vec::new(),
                        cie: None,
                    });
                    view! { <Porte opzioni=opzioni next=next() action=action/> }
                })}
            </Suspense>
        </Page>
    }
}

/// The doors that are open: «Entra con SPID», «Entra con CIE», then the password form (for the INPS staff and
/// the demo when a provider is configured).
#[component]
fn Porte(opzioni: PorteAccesso, next: String, action: ServerAction<LoginPassword>) -> impl IntoView {
    let con_fornitori = !opzioni.spid.is_empty() || opzioni.cie.is_some();
    let query = if next.is_empty() { String::new() } else { format!("?next={}", crate::model::url_encode(&next)) };
    let titolo_password =
        if opzioni.solo_personale { "Personale INPS" } else { "Personale INPS e ambiente dimostrativo" };
    view! {
        {con_fornitori.then(|| view! {
            <section aria-labelledby="accesso-identita" class="mb-5" data-testid="accesso-identita">
                <h2 id="accesso-identita" class="h4">"Entra con la tua identità digitale"</h2>
                <p>"Datori di lavoro, intermediari e loro incaricati accedono con SPID (almeno di livello 2) o con la Carta d'Identità Elettronica."</p>
                <div class="d-flex flex-wrap gap-3 align-items-start">
                    {(!opzioni.spid.is_empty()).then(|| view! { <MenuSpid fornitori=opzioni.spid.clone() query=query.clone()/> })}
                    {opzioni.cie.clone().map(|cie| view! {
                        <a class="btn-accesso btn-cie" rel="external" href=format!("/accesso/cie{query}") data-testid="entra-cie">
                            <LogoFornitore logo=cie.logo.clone()/>
                            <span>"Entra con CIE"</span>
                        </a>
                    })}
                </div>
                {(!opzioni.spid.is_empty()).then(|| view! {
                    <p class="mt-3 small">
                        <a href="https://www.spid.gov.it/cos-e-spid/come-attivare-spid/" rel="external noopener">"Non hai SPID?"</a>
                        " · "
                        <a href="https://www.spid.gov.it/" rel="external noopener">"Maggiori informazioni su SPID"</a>
                    </p>
                })}
            </section>
        })}
        {opzioni.password.then(|| view! {
            <section aria-labelledby="accesso-password">
                {con_fornitori.then(|| view! { <h2 id="accesso-password" class="h4">{titolo_password}</h2> })}
                <div class="row"><div class="col-lg-6">
                    <ActionForm action=action>
                    <input type="hidden" name="next" value=next/>
                    <div class="mb-3">
                        <label for="codice_fiscale" class="form-label fw-semibold">"Codice fiscale"</label>
                        <input type="text" id="codice_fiscale" name="codice_fiscale" class="form-control" autocomplete="username"
                            required maxlength="16" autocapitalize="characters" spellcheck="false"/>
                    </div>
                    <div class="mb-3">
                        <label for="password" class="form-label fw-semibold">"Password"</label>
                        <input id="password" name="password" type="password" class="form-control"
                            autocomplete="current-password" required maxlength="128"/>
                    </div>
                    <button type="submit" class="btn btn-primary">"Prosegui"</button>
                    </ActionForm>
                </div></div>
            </section>
        })}
    }
}

/// «Entra con SPID»: a button that opens the list of identity providers (a `<details>`, so it works with and
/// without JavaScript and from the keyboard). Each provider is a plain link with `rel="external"`: the
/// browser leaves the app for the start route, which answers with the redirect to the provider (a form post
/// could not follow it: the CSP's `form-action 'self'`).
#[component]
fn MenuSpid(fornitori: Vec<FornitoreAccesso>, query: String) -> impl IntoView {
    view! {
        <details class="menu-spid" data-testid="menu-spid">
            <summary class="btn-accesso btn-spid">
                <LogoFornitore logo=None/>
                <span>"Entra con SPID"</span>
            </summary>
            <ul class="menu-spid-elenco" aria-label="Gestori di identità SPID">
                {fornitori.into_iter().map(|f| {
                    let href = format!("/accesso/spid/{}{query}", f.id);
                    view! {
                        <li>
                            <a rel="external" href=href data-testid=format!("spid-{}", f.id)>
                                {match f.logo {
                                    Some(logo) => view! { <img src=logo alt=f.nome.clone() height="24"/> }.into_any(),
                                    None => view! { <span>{f.nome.clone()}</span> }.into_any(),
                                }}
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </details>
    }
}

/// The mark beside a button's words: the deployer's official one where given, else the kit's person icon.
#[component]
fn LogoFornitore(logo: Option<String>) -> impl IntoView {
    match logo {
        Some(src) => view! { <img src=src alt="" class="logo-accesso" height="28"/> }.into_any(),
        None => view! { <super::layout::Icona nome="it-user" classe="icon-white icon-sm"/> }.into_any(),
    }
}

/// After the Cassetto's logout, for a session opened through SPID or CIE: on to the provider, which ends its own
/// session and sends the browser back to `/accesso?uscita=1`. The meta refresh works without JavaScript; the
/// hydrated page navigates by itself; the link is for whoever stops here. The address is our own route, which
/// builds the provider's from configuration only (no open redirect).
#[component]
pub fn UscitaFornitorePage() -> impl IntoView {
    let query = use_query_map();
    let fornitore = move || {
        query.try_with(|q| q.get("fornitore")).flatten().filter(|f| {
            !f.is_empty() && f.len() <= 32 && f.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
    };
    let target = move || fornitore().map(|f| format!("/accesso/oidc/uscita/{f}"));
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let (Some(url), Some(window)) = (target(), web_sys::window()) {
            let _ = window.location().set_href(&url);
        }
    });
    view! {
        <Page title="Uscita">
            <h1>"Uscita dal Cassetto"</h1>
            <div class="alert alert-success" role="status" data-testid="uscita">"Sessione del Cassetto terminata."</div>
            {move || match target() {
                Some(url) => view! {
                    <leptos_meta::Meta http_equiv="refresh" content=format!("0;url={url}")/>
                    <p>"Ora chiudiamo anche l'accesso presso il gestore dell'identità digitale."</p>
                    <p><a rel="external" href=url data-testid="uscita-fornitore">"Chiudi anche l'accesso presso il gestore dell'identità"</a></p>
                }.into_any(),
                None => view! { <p><a href="/accesso">"Torna alla pagina di accesso"</a></p> }.into_any(),
            }}
        </Page>
    }
}

#[component]
pub fn CodePage() -> impl IntoView {
    let query = use_query_map();
    let error = move || query.try_with(|q| q.get("errore").and_then(|c| message_for(&c))).unwrap_or_default();
    let next = move || query.try_with(|q| q.get("next").unwrap_or_default()).unwrap_or_default();
    let action = ServerAction::<LoginCode>::new();
    let demo = Resource::new(|| (), |_| demo_code());
    view! {
        <Page title="Secondo fattore">
            <h1>"Codice di verifica"</h1>
            <p>"Inserisca il codice di 6 cifre mostrato dalla sua app di autenticazione."</p>
            {move || error().map(|m| view! { <div class="alert alert-danger" role="alert" data-testid="errore">{m}</div> })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    demo.await.ok().flatten().map(|code| view! {
                        <div class="callout warning" data-testid="codice-demo">
                            <div class="callout-title">"Solo dimostrazione"</div>
                            <p>"Ambiente dimostrativo: il codice attuale di questo account demo è "
                                <strong data-testid="codice-demo-valore">{code}</strong>"."</p>
                        </div>
                    })
                })}
            </Suspense>
            <div class="row"><div class="col-lg-4">
                <ActionForm action=action>
                    <input type="hidden" name="next" value=next/>
                    <div class="mb-3">
                        <label for="codice" class="form-label fw-semibold">"Codice"</label>
                        <input type="text" id="codice" name="codice" class="form-control" inputmode="numeric" autocomplete="one-time-code"
                            required maxlength="6" pattern="[0-9]{6}"/>
                    </div>
                    <button type="submit" class="btn btn-primary">"Accedi"</button>
                </ActionForm>
            </div></div>
        </Page>
    }
}
