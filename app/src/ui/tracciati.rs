//! "Invio tracciati", a service of the position's menu.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::model::url_encode;

use super::azioni::risorsa;
use super::cassetto::posizione_param;
use super::common::{CampoFile, ErrorBox};

/// "Invio tracciati": the form posts the file (multipart) to the server, which redirects back here with
/// the protocol or the refusal; the list shows every file sent with its receipt.
#[component]
pub(super) fn TracciatiPage() -> impl IntoView {
    use crate::api::tracciati::load_tracciati;
    use crate::domain::time::format_rome;
    let posizione = posizione_param();
    let query = use_query_map();
    let param = move |k: &str| query.try_with(|q| q.get(k)).flatten();
    let data =
        risorsa(move || (posizione(), param("protocollo")), |(p, _)| super::cassetto::per_posizione(p, load_tracciati));
    view! {
        <h1 class="h2">"Invio tracciati (Circolare INPDAP 38/2000)"</h1>
        {move || param("protocollo").map(|p| view! { <div class="alert alert-success" role="status" data-testid="esito">{format!("Tracciato ricevuto con protocollo {p}.")}</div> })}
        {move || param("protocollo").map(|p| view! {
            <super::feedback::FeedbackWidget servizio="invio-tracciati".to_string() riferimento=Some(p)/>
        })}
        {move || param("errore").map(|e| view! { <div class="alert alert-danger" role="alert" data-testid="errore-modulo">{e}</div> })}
        <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
            {move || Suspend::new(async move {
                let pos = posizione();
                match data.await {
                    Ok(v) => view! {
                        <form method="post" action=format!("/api/tracciati/{}", url_encode(&pos)) enctype="multipart/form-data" class="mb-4" data-testid="form-tracciato">
                            <div class="row align-items-end">
                                <div class="col-lg-5 mb-3">
                                    <label for="tipo-tracciato" class="form-label fw-semibold">"Tipo di tracciato"</label>
                                    <select id="tipo-tracciato" name="tipo" class="form-select">
                                        {v.tipi.into_iter().map(|(codice, descrizione)| view! { <option value=codice>{descrizione}</option> }).collect_view()}
                                    </select>
                                </div>
                                <div class="col-lg-5 mb-3">
                                    <CampoFile id="file-tracciato" name="file" label="File" required=true
                                        limiti=crate::domain::allegati::LimitiFile::TRACCIATO/>
                                </div>
                                <div class="col-lg-2 mb-3">
                                    <button type="submit" class="btn btn-primary">"Invia"</button>
                                </div>
                            </div>
                        </form>
                        <div class="table-responsive" tabindex="0">
                            <table class="table table-sm" data-testid="tracciati">
                                <thead><tr>
                                    <th scope="col">"Protocollo"</th><th scope="col">"Ricevuto il"</th><th scope="col">"File"</th>
                                    <th scope="col" class="text-end">"Byte"</th><th scope="col">"SHA-256"</th><th scope="col">"Stato"</th>
                                    <th scope="col"><span class="visually-hidden">"Ricevuta"</span></th>
                                </tr></thead>
                                <tbody>
                                    {v.tracciati.is_empty().then(|| view! { <tr><td colspan="7">"Nessun tracciato inviato."</td></tr> })}
                                    {v.tracciati.into_iter().map(|t| {
                                        let href = format!("/ricevute/{}/{}", url_encode(&pos), t.id);
                                        view! {
                                            <tr data-testid="tracciato" data-stato=t.stato.clone()>
                                                <td>{t.protocollo.clone()}</td><td>{format_rome(t.ricevuto_at)}</td><td>{t.nome_file.clone()}</td>
                                                <td class="text-end">{t.dimensione}</td><td><code class="text-break">{t.sha256.clone()}</code></td>
                                                <td title=t.esito.clone()>{t.stato.clone()}</td>
                                                <td><a href=href download="">"Ricevuta"<span class="visually-hidden">{format!(" {}", t.protocollo)}</span></a></td>
                                            </tr>
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
    }
}
