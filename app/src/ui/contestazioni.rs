//! "Contestazione note di debito", a service of the position's menu, and the row of a contestazione that the
//! Sede's list shows too.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::model::url_encode;

use super::azioni::risorsa;
use super::cassetto::posizione_param;
use super::common::{CampoFile, ErrorBox};

/// The state of a contestazione, in words.
pub fn stato_contestazione(stato: &str) -> &'static str {
    match stato {
        "presentata" => "In attesa di risposta",
        "accolta" => "Accolta",
        "respinta" => "Respinta",
        _ => "—",
    }
}

/// "Contestazione note di debito": the position's notes, each with its «Contesta» action where the circular
/// allows it (the notes of regolarizzazione; those of sistemazione are for consultation only), the form
/// (reasons and up to three files, posted as multipart to the server, which redirects back here) and the
/// contestazioni filed, with the Sede's answer.
#[component]
pub(super) fn ContestazioniPage() -> impl IntoView {
    use crate::api::contestazioni::load_contestazioni;
    use crate::domain::money::Money;
    let posizione = posizione_param();
    let query = use_query_map();
    let param = move |k: &str| query.try_with(|q| q.get(k)).flatten();
    let data = risorsa(
        move || (posizione(), param("protocollo"), param("nota")),
        |(p, _, _)| super::cassetto::per_posizione(p, load_contestazioni),
    );
    view! {
        <h1 class="h2">"Contestazione note di debito"</h1>
        {move || param("protocollo").map(|p| view! { <div class="alert alert-success" role="status" data-testid="esito">{format!("Contestazione presentata con protocollo {p}.")}</div> })}
        {move || param("protocollo").map(|p| view! {
            <super::feedback::FeedbackWidget servizio="contestazione".to_string() riferimento=Some(p)/>
        })}
        {move || param("errore").map(|e| view! { <div class="alert alert-danger" role="alert" data-testid="errore-modulo">{e}</div> })}
        <p>"La contestazione si presenta solo sulle note di debito per regolarizzazioni contributive; le note per sistemazioni contributive sono soltanto consultabili."</p>
        <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
            {move || Suspend::new(async move {
                let pos = posizione();
                let chosen = param("nota");
                match data.await {
                    Ok(v) => {
                        let here = format!("/cassetto/{}/contestazione-note-debito", url_encode(&pos));
                        let contestabili: Vec<_> = v.note.iter().filter(|n| n.contestabile).cloned().collect();
                        let form = if contestabili.is_empty() {
                            view! {
                                <div class="alert alert-info" role="status" data-testid="nessuna-contestabile">
                                    "Questa posizione non ha note di debito per regolarizzazioni contributive: non c'è nulla da contestare."
                                </div>
                            }.into_any()
                        } else {
                            view! {
                                <form method="post" action=format!("/api/contestazioni/{}", url_encode(&pos)) enctype="multipart/form-data" class="mb-4" id="form-contestazione" data-testid="form-contestazione">
                                    <div class="mb-3">
                                        <label for="nota-contestata" class="form-label fw-semibold">"Nota di debito"</label>
                                        <select id="nota-contestata" name="nota" class="form-select">
                                            {contestabili.into_iter().map(|n| {
                                                let selected = chosen.as_deref() == Some(n.id.to_string().as_str());
                                                view! {
                                                    <option value=n.id.to_string() selected=selected>{format!("{} – residuo {}", n.numero, Money::from_cents(n.residuo_cents).format_eur())}</option>
                                                }
                                            }).collect_view()}
                                        </select>
                                    </div>
                                    <div class="mb-3">
                                        <label for="motivi" class="form-label fw-semibold">"Motivi della contestazione"</label>
                                        <textarea id="motivi" name="motivi" class="form-control" rows="4" maxlength="4000" required></textarea>
                                    </div>
                                    <div class="mb-3">
                                        <CampoFile id="allegati-contestazione" name="allegati" label="Allegati (facoltativi, fino a 3)"
                                            limiti=crate::domain::allegati::LimitiFile::ALLEGATI/>
                                    </div>
                                    <button type="submit" class="btn btn-primary">"Presenta la contestazione"</button>
                                </form>
                            }.into_any()
                        };
                        view! {
                            <h2 class="h4">"Note di debito della posizione"</h2>
                            <div class="table-responsive" tabindex="0">
                                <table class="table table-sm" data-testid="note-contestazione">
                                    <thead><tr>
                                        <th scope="col">"Numero"</th><th scope="col">"Tipo"</th><th scope="col">"Residuo"</th><th scope="col">"Contestazione"</th>
                                    </tr></thead>
                                    <tbody>
                                        {v.note.is_empty().then(|| view! { <tr><td colspan="4">"Nessuna nota di debito."</td></tr> })}
                                        {v.note.into_iter().map(|n| {
                                            let action = if n.contestabile {
                                                let href = format!("{here}?nota={}#form-contestazione", n.id);
                                                let label = format!("Contesta la nota {}", n.numero);
                                                view! { <a class="btn btn-sm btn-outline-primary" href=href aria-label=label data-testid="contesta">"Contesta"</a> }.into_any()
                                            } else {
                                                view! { <span data-testid="non-contestabile">"Non contestabile: solo consultazione"</span> }.into_any()
                                            };
                                            view! {
                                                <tr data-testid="nota-debito" data-id=n.id.to_string() data-tipo=n.tipo.clone() data-numero=n.numero.clone()>
                                                    <td>{n.numero.clone()}</td><td>{n.tipo.clone()}</td>
                                                    <td>{Money::from_cents(n.residuo_cents).format_eur()}</td><td>{action}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            {form}
                            <h2 class="h4">"Contestazioni presentate"</h2>
                            <div class="table-responsive" tabindex="0">
                                <table class="table table-sm" data-testid="contestazioni">
                                    <thead><tr>
                                        <th scope="col">"Protocollo"</th><th scope="col">"Nota"</th><th scope="col">"Presentata il"</th>
                                        <th scope="col">"Motivi"</th><th scope="col">"Allegati"</th><th scope="col">"Stato"</th><th scope="col">"Risposta della Sede"</th>
                                    </tr></thead>
                                    <tbody>
                                        {v.contestazioni.is_empty().then(|| view! { <tr><td colspan="7">"Nessuna contestazione."</td></tr> })}
                                        {v.contestazioni.into_iter().map(|c| view! { <ContestazioneCells c/> }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// One contestazione as a table row (the user's page and the Sede's list).
#[component]
pub fn ContestazioneCells(c: crate::model::ContestazioneRow) -> impl IntoView {
    use crate::domain::time::format_rome;
    let files = (!c.allegati.is_empty()).then(|| {
        let href = format!("/contestazioni/{}/allegati.zip", c.id);
        view! { <a href=href download="">{format!("{} (zip)", c.allegati.join(", "))}</a> }
    });
    view! {
        <tr data-testid="contestazione" data-stato=c.stato.clone()>
            <td>{c.protocollo.clone()}</td><td>{c.nota.clone()}</td><td>{format_rome(c.presentata_at)}</td>
            <td class="testo-richiesta">{c.motivi.clone()}</td><td>{files}</td>
            <td>{stato_contestazione(&c.stato)}</td><td class="testo-richiesta">{c.risposta.clone()}</td>
        </tr>
    }
}
