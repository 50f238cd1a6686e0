//! The two login steps. Plain forms posting to server functions: they work without JavaScript and,
//! once hydrated, without a page reload.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

use crate::api::auth::{LoginCode, LoginPassword, demo_code};

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
