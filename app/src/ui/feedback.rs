//! Instant Feedback: the small rating shown after a service is used, and the dashboard of satisfaction.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::feedback::{ignora_valutazione, riepilogo_feedback, uso_da_valutare, valuta_servizio};
use crate::feedback::{self, LIVELLI, MAX_TESTO, MOTIVI, NEGATIVO, RiepilogoServizio, Valutazione};

use super::azioni::risorsa;
use super::common::ErrorBox;
use super::layout::Page;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stato {
    Nascosto,
    /// A use of the caller's awaits a rating.
    Offerto(i64),
    /// The negative level was chosen: the reason is asked.
    Motivo(i64),
    Registrato,
}

/// How many times, a second apart, the widget asks again for a use the action is still recording (a print
/// runs as a download beside the page: its use exists only once the PDF is made).
const TENTATIVI_ATTESA: u32 = 20;

/// Asks the server for the use to rate; with `tentativi` left, asks again a second later while there is none.
fn chiedi_uso(servizio: Signal<String>, stato: RwSignal<Stato>, s: String, r: Option<String>, tentativi: u32) {
    spawn_local(async move {
        match uso_da_valutare(s.clone(), r.clone()).await {
            Ok(Some(uso)) if servizio.get_untracked() == s => stato.set(Stato::Offerto(uso)),
            Ok(None) if tentativi > 0 => set_timeout(
                move || {
                    if servizio.try_get_untracked().as_ref() == Some(&s) {
                        chiedi_uso(servizio, stato, s, r, tentativi - 1);
                    }
                },
                std::time::Duration::from_secs(1),
            ),
            _ => {}
        }
    });
}

/// Offers the rating of one use of `servizio` (for actions, the record `riferimento` names). Shown only in
/// the browser, once the server says the use is still unrated: a page served without JavaScript, or a use
/// already rated or dismissed, shows nothing. With `attendi`, the use may still be being recorded (a print
/// downloading): the widget asks again for a little while.
#[component]
pub fn FeedbackWidget(
    #[prop(into)] servizio: Signal<String>,
    #[prop(into, optional)] riferimento: Signal<Option<String>>,
    #[prop(optional)] attendi: bool,
) -> impl IntoView {
    let stato = RwSignal::new(Stato::Nascosto);
    let errore = RwSignal::new(None::<String>);
    let motivo = RwSignal::new(String::new());
    let testo = RwSignal::new(String::new());
    Effect::new(move |_| {
        let (s, r) = (servizio.get(), riferimento.get());
        stato.set(Stato::Nascosto);
        chiedi_uso(servizio, stato, s, r, if attendi { TENTATIVI_ATTESA } else { 0 });
    });
    let invia = move |uso: i64, valutazione: Valutazione| {
        spawn_local(async move {
            match valuta_servizio(uso, valutazione).await {
                Ok(()) => stato.set(Stato::Registrato),
                Err(e) => errore.set(Some(e.to_string())),
            }
        });
    };
    let chiudi = move |uso: i64| {
        stato.set(Stato::Nascosto);
        spawn_local(async move {
            let _ = ignora_valutazione(uso).await;
        });
    };
    let label = move || feedback::servizio(&servizio.get()).map(|s| s.label).unwrap_or_default();

    move || {
        let uso = match stato.get() {
            Stato::Nascosto => return None,
            Stato::Registrato => {
                return Some(
                    view! {
                        <aside class="card card-bg p-3 mt-4" data-testid="feedback" aria-live="polite">
                            <p class="mb-0" data-testid="feedback-grazie">"Grazie: la sua valutazione è stata registrata."</p>
                        </aside>
                    }
                    .into_any(),
                );
            }
            Stato::Offerto(uso) | Stato::Motivo(uso) => uso,
        };
        let chiede_motivo = stato.get() == Stato::Motivo(uso);
        Some(
            view! {
                <aside class="card card-bg p-3 mt-4" data-testid="feedback" aria-label="Valutazione del servizio">
                    <div class="d-flex justify-content-between align-items-start">
                        <p class="fw-semibold mb-2">{move || format!("Come valuta il servizio «{}»?", label())}</p>
                        <button type="button" class="btn-close" aria-label="Chiudi senza valutare" data-testid="feedback-chiudi"
                            on:click=move |_| chiudi(uso)></button>
                    </div>
                    <div class="d-flex gap-2 flex-wrap" role="group" aria-label="Valutazione">
                        {LIVELLI.iter().map(|&(livello, testo_livello, simbolo)| view! {
                            <button type="button" class="btn btn-outline-primary btn-sm" data-livello=livello.to_string()
                                aria-pressed=move || (livello == NEGATIVO && stato.get() == Stato::Motivo(uso)).to_string()
                                on:click=move |_| {
                                    errore.set(None);
                                    if livello == NEGATIVO {
                                        stato.set(Stato::Motivo(uso));
                                    } else {
                                        invia(uso, Valutazione { livello, motivo: None, testo: None });
                                    }
                                }>
                                <span aria-hidden="true">{simbolo}</span>" "{testo_livello}
                            </button>
                        }).collect_view()}
                    </div>
                    {chiede_motivo.then(|| view! {
                        <div class="mt-3" data-testid="feedback-motivo">
                            <label for="feedback-motivo" class="form-label">"Perché non è soddisfatto?"</label>
                            <select id="feedback-motivo" class="form-select mb-2" prop:value=move || motivo.get()
                                on:change=move |ev| motivo.set(event_target_value(&ev))>
                                <option value="">"Scelga un motivo"</option>
                                {MOTIVI.iter().map(|(k, v)| view! { <option value=*k>{*v}</option> }).collect_view()}
                            </select>
                            <label for="feedback-testo" class="form-label">"Commento (facoltativo)"</label>
                            <textarea id="feedback-testo" class="form-control mb-2" rows="2" maxlength=MAX_TESTO.to_string()
                                prop:value=move || testo.get() on:input=move |ev| testo.set(event_target_value(&ev))></textarea>
                            <button type="button" class="btn btn-primary btn-sm" data-testid="feedback-invia"
                                on:click=move |_| invia(uso, Valutazione {
                                    livello: NEGATIVO,
                                    motivo: Some(motivo.get_untracked()),
                                    testo: Some(testo.get_untracked()),
                                })>
                                "Invia valutazione"
                            </button>
                        </div>
                    })}
                    {move || errore.get().map(|e| view! {
                        <div class="alert alert-danger mt-2 mb-0" role="alert" data-testid="feedback-errore">{e}</div>
                    })}
                </aside>
            }
            .into_any(),
        )
    }
}

/// `/admin/feedback`: satisfaction per service over time, with counts, reasons and latest comments.
#[component]
pub fn FeedbackDashboardPage() -> impl IntoView {
    let data = risorsa(|| (), |_| riepilogo_feedback());
    view! {
        <Page title="Instant Feedback – soddisfazione dei servizi">
            <h1>"Instant Feedback"</h1>
            <p>"Le valutazioni lasciate dagli utenti dopo l'uso di ciascun servizio, mese per mese. Le valutazioni non riportano chi le ha date."</p>
            <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(r) => r.servizi.into_iter().map(|s| view! { <ServizioCard s/> }).collect_view().into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}

#[component]
fn ServizioCard(s: RiepilogoServizio) -> AnyView {
    let [negativi, neutri, positivi] = s.conteggi;
    let totale = negativi + neutri + positivi;
    let sintesi = match feedback::soddisfazione(&s.conteggi) {
        Some(p) => format!("Soddisfatti {p}% su {totale} valutazioni"),
        None => "Nessuna valutazione.".to_string(),
    };
    view! {
        <section class="card card-bg p-3 mb-4" data-testid="servizio-feedback" data-servizio=s.key.clone()
            data-positivi=positivi.to_string() data-neutri=neutri.to_string() data-negativi=negativi.to_string()>
            <h2 class="h5">{s.label.clone()}</h2>
            <p class="mb-2">{sintesi}</p>
            {(totale > 0).then(|| view! {
                <div class="row">
                    <div class="col-lg-7">
                        {view! { <Andamento label=s.label.clone() mesi=s.mesi.clone()/> }.into_any()}
                        <p class="small text-muted mb-0">
                            <span class="legenda legenda-positivo"></span>" Soddisfatto "
                            <span class="legenda legenda-neutro"></span>" Abbastanza "
                            <span class="legenda legenda-negativo"></span>" Non soddisfatto"
                        </p>
                    </div>
                    <div class="col-lg-5">
                        <div class="table-responsive" tabindex="0">
                            <table class="table table-sm" data-testid="conteggi">
                                <caption class="visually-hidden">{format!("Valutazioni di {}", s.label)}</caption>
                                <tbody>
                                    <tr><th scope="row">"Soddisfatto"</th><td>{positivi}</td></tr>
                                    <tr><th scope="row">"Abbastanza soddisfatto"</th><td>{neutri}</td></tr>
                                    <tr><th scope="row">"Non soddisfatto"</th><td>{negativi}</td></tr>
                                </tbody>
                            </table>
                        </div>
                        {(!s.motivi.is_empty()).then(|| view! {
                            <div class="table-responsive" tabindex="0">
                                <table class="table table-sm" data-testid="motivi">
                                    <caption>"Motivi di insoddisfazione"</caption>
                                    <tbody>
                                        {s.motivi.iter().map(|(m, n)| view! {
                                            <tr data-motivo=m.clone()><td>{m.clone()}</td><td>{*n}</td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        })}
                        {(!s.commenti.is_empty()).then(|| view! {
                            <h3 class="h6">"Ultimi commenti"</h3>
                            <ul class="small" data-testid="commenti">
                                {s.commenti.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}
                            </ul>
                        })}
                    </div>
                </div>
            }.into_any())}
        </section>
    }
    .into_any()
}

/// Stacked bars, one per month with ratings (the last twelve): satisfied at the bottom, then neutral,
/// then not satisfied; each bar as tall as the month's ratings. Drawn as SVG on the server.
#[component]
fn Andamento(label: String, mesi: Vec<(String, [i64; 3])>) -> AnyView {
    let mesi: Vec<(String, [i64; 3])> = mesi.into_iter().rev().take(12).rev().collect();
    let massimo = mesi.iter().map(|(_, c)| c.iter().sum::<i64>()).max().unwrap_or(1).max(1);
    let (alto, largo, passo) = (120.0_f64, 28.0_f64, 44.0_f64);
    let larghezza = (mesi.len() as f64 * passo + 16.0).max(120.0);
    let descrizione = format!(
        "Andamento mensile delle valutazioni di {label}: {}",
        mesi.iter()
            .map(|(m, c)| format!("{} {} soddisfatti, {} abbastanza, {} non soddisfatti", mese_it(m), c[2], c[1], c[0]))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let barre = mesi
        .iter()
        .enumerate()
        .map(|(i, (mese, c))| {
            let x = 8.0 + i as f64 * passo;
            let mut base = alto;
            // Scale heights only for drawing; the counts themselves stay integers.
            let segmenti = [(c[2], "barra-positivo"), (c[1], "barra-neutro"), (c[0], "barra-negativo")]
                .into_iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, classe)| {
                    let h = n as f64 / massimo as f64 * (alto - 10.0);
                    base -= h;
                    view! { <rect x=x.to_string() y=base.to_string() width=largo.to_string() height=h.to_string() class=classe></rect> }
                })
                .collect_view();
            view! {
                <g data-mese=mese.clone()>
                    <title>{format!("{}: {} soddisfatti, {} abbastanza, {} non soddisfatti", mese_it(mese), c[2], c[1], c[0])}</title>
                    {segmenti.into_any()}
                    <text x=(x + largo / 2.0).to_string() y=(alto + 14.0).to_string() text-anchor="middle" class="etichetta-mese">{mese_it(mese)}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="grafico-feedback" role="img" aria-label=descrizione width=larghezza.to_string() height=(alto + 20.0).to_string()
            viewBox=format!("0 0 {larghezza} {}", alto + 20.0) data-testid="grafico">
            {barre}
        </svg>
    }
    .into_any()
}

/// `2026-03` → `03/26`.
fn mese_it(mese: &str) -> String {
    match mese.split_once('-') {
        Some((anno, m)) => format!("{m}/{}", anno.get(2..).unwrap_or(anno)),
        None => mese.to_string(),
    }
}
