//! The administrator's page: the Albo register import, the taxonomy of the Comunicazione bidirezionale and the
//! dated rates of the civil sanctions.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::backoffice::{ImportAlbo, SaveOggetto, load_tassonomia};
use crate::api::sanzioni::{RemoveTasso, SaveTasso, load_tassi};
use crate::model::{OggettoAdmin, TassoRow};

use super::azioni::{azione, form_error, risorsa};
use super::common::{ErrorBox, date_it};
use super::layout::Page;

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
