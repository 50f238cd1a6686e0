//! "Note di debito ECA – calcolo sanzioni", a service of the position's menu.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::model::ListQuery;

use super::azioni::risorsa;
use super::cassetto::{posizione_param, query_pairs};
use super::common::{ErrorBox, date_it};

/// "Note di debito ECA – calcolo sanzioni": a plain GET form (the inputs travel in the URL), and the
/// computation line by line.
#[component]
pub(super) fn SanzioniEcaPage() -> impl IntoView {
    use crate::api::sanzioni::load_sanzioni_eca;
    let posizione = posizione_param();
    let query = use_query_map();
    let list_query = move || query.try_with(|q| ListQuery::from_params(query_pairs(q))).unwrap_or_default();
    let data = risorsa(
        move || (posizione(), list_query()),
        |(p, q)| super::cassetto::per_posizione(p, |c| load_sanzioni_eca(c, q)),
    );
    view! {
        <h1 class="h2">"Note di debito ECA – calcolo sanzioni"</h1>
        <p>"Sanzioni civili (art. 116 commi 8–10 L. 388/2000, come modificato dall'art. 30 DL 19/2024) e interessi di mora dopo il raggiungimento del tetto, calcolati sui tassi in vigore giorno per giorno."</p>
        <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
            {move || Suspend::new(async move {
                let q = list_query();
                match data.await {
                    Ok(v) => view! { <SanzioniForm v q/> }.into_any(),
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SanzioniForm(v: crate::model::SanzioniEca, q: ListQuery) -> impl IntoView {
    use crate::domain::sanzioni::{REGIMI, Voce};
    let value = |k: &str| q.filters.get(k).cloned().unwrap_or_default();
    let (nota, regime) = (value("nota"), value("regime"));
    // The calculator is rated once it has computed something (a consultation: one use per day).
    let calcolato = v.calcolo.is_some();
    let pagamento =
        Some(value("pagamento")).filter(|p| !p.is_empty()).unwrap_or_else(|| v.oggi.format("%Y-%m-%d").to_string());
    let result = v.calcolo.map(|c| {
        let lines = c.righe.iter().map(|r| {
            let voce = match r.voce { Voce::Sanzione => "Sanzione", Voce::InteressiMora => "Interessi di mora" };
            view! {
                <tr data-voce=format!("{:?}", r.voce)>
                    <td>{voce}</td><td>{date_it(r.dal)}</td><td>{date_it(r.al)}</td>
                    <td class="text-end">{r.giorni}</td><td class="text-end">{r.tasso.to_string()}</td>
                    <td class="text-end">{r.importo.format_eur()}</td>
                </tr>
            }
        }).collect_view();
        let tetto = c.tetto_raggiunto_il.map(|d| format!("Tetto raggiunto il {}: da allora decorrono gli interessi di mora sul solo contributo.", date_it(d)));
        let avvisi = c.avvisi.iter().map(|a| view! { <div class="alert alert-warning" role="status" data-testid="avviso-sanzioni">{a.clone()}</div> }).collect_view();
        view! {
            <section aria-labelledby="risultato" class="mt-4" data-testid="calcolo-sanzioni">
                <h2 id="risultato" class="h4">"Calcolo"</h2>
                {avvisi}
                <p>"Regime applicato: " <strong data-testid="regime-applicato">{c.regime.label()}</strong></p>
                <div class="table-responsive" tabindex="0">
                    <table class="table table-sm">
                        <thead><tr>
                            <th scope="col">"Voce"</th><th scope="col">"Dal"</th><th scope="col">"Al"</th>
                            <th scope="col" class="text-end">"Giorni"</th><th scope="col" class="text-end">"Tasso annuo"</th>
                            <th scope="col" class="text-end">"Importo"</th>
                        </tr></thead>
                        <tbody>{lines}</tbody>
                    </table>
                </div>
                {tetto.map(|t| view! { <p>{t}</p> })}
                <dl class="row">
                    <dt class="col-sm-5">"Sanzione (massimo " {c.tetto.format_eur()} ")"</dt><dd class="col-sm-7" data-testid="sanzione">{c.sanzione.format_eur()}</dd>
                    <dt class="col-sm-5">"Sanzione dovuta"</dt><dd class="col-sm-7" data-testid="sanzione-dovuta">{c.sanzione_dovuta.format_eur()}</dd>
                    <dt class="col-sm-5">"Interessi di mora"</dt><dd class="col-sm-7" data-testid="interessi">{c.interessi_mora.format_eur()}</dd>
                    <dt class="col-sm-5">"Totale"</dt><dd class="col-sm-7 fw-bold" data-testid="totale-sanzioni">{c.totale.format_eur()}</dd>
                </dl>
                <p class="small">"Gli importi delle righe sono arrotondati al centesimo; i totali sono calcolati sugli importi esatti e arrotondati alla fine. Anno di 365 giorni."</p>
            </section>
        }
    });
    view! {
        <form method="get" data-testid="form-sanzioni">
            <div class="row">
                <div class="col-lg-6 mb-3">
                    <label for="nota" class="form-label fw-semibold">"Nota di debito ECA"</label>
                    <select id="nota" name="nota" class="form-select">
                        <option value="">"Nessuna: indico contributo e scadenza"</option>
                        {v.note.into_iter().map(|n| {
                            let id = n.id.to_string();
                            let selected = id == nota;
                            view! { <option value=id selected=selected>{format!("{} – {} – scadenza {}", n.numero, n.importo.format_eur(), date_it(n.scadenza))}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="col-lg-3 mb-3">
                    <label for="contributo" class="form-label fw-semibold">"Contributo (senza nota)"</label>
                    <input type="text" id="contributo" name="contributo" class="form-control" inputmode="decimal" placeholder="1.234,56" value=value("contributo")/>
                </div>
                <div class="col-lg-3 mb-3">
                    <label for="scadenza" class="form-label fw-semibold">"Scadenza (senza nota)"</label>
                    <input id="scadenza" name="scadenza" type="date" class="form-control" value=value("scadenza")/>
                </div>
            </div>
            <div class="row">
                <div class="col-lg-3 mb-3">
                    <label for="pagamento" class="form-label fw-semibold">"Data del pagamento"</label>
                    <input id="pagamento" name="pagamento" type="date" class="form-control" value=pagamento required/>
                </div>
                <div class="col-lg-9 mb-3">
                    <label for="regime" class="form-label fw-semibold">"Regime"</label>
                    <select id="regime" name="regime" class="form-select">
                        {REGIMI.into_iter().map(|r| {
                            let selected = r.as_str() == regime;
                            view! { <option value=r.as_str() selected=selected>{r.label()}</option> }
                        }).collect_view()}
                    </select>
                </div>
            </div>
            <div class="row">
                <div class="col-lg-3 mb-3">
                    <label for="denuncia" class="form-label fw-semibold">"Data della denuncia spontanea"</label>
                    <input id="denuncia" name="denuncia" type="date" class="form-control" value=value("denuncia") aria-describedby="denuncia-aiuto"/>
                </div>
                <div class="col-lg-9 mb-3 d-flex align-items-end">
                    <p id="denuncia-aiuto" class="small mb-2">"Solo per l'evasione denunciata spontaneamente, prima di contestazioni: la riduzione spetta se la denuncia è presentata entro 12 mesi dalla scadenza e il pagamento avviene entro 30 o 90 giorni dalla denuncia. Altrimenti il calcolo applica il regime previsto e lo segnala."</p>
                </div>
            </div>
            <div class="form-check mb-3">
                <input class="form-check-input" type="checkbox" id="rettifica" name="rettifica" value="1" checked=!value("rettifica").is_empty()/>
                <label class="form-check-label" for="rettifica">"Nota di rettifica pagata entro 30 giorni dalla notifica (sanzioni ridotte del 50 %)"</label>
            </div>
            <button type="submit" class="btn btn-primary">"Calcola"</button>
        </form>
        {v.errore.map(|e| view! { <div class="alert alert-danger mt-3" role="alert" data-testid="errore-modulo">{e}</div> })}
        {result}
        {calcolato.then(|| view! { <super::feedback::FeedbackWidget servizio="calcolo-sanzioni".to_string()/> })}
    }
}
