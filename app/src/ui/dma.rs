//! The DMA pages of a position. *Invio denuncia DMA* (`ImportaDmaPage`): the upload of a ListaPosPA file and its
//! outcome. *Compilazione manuale DMA – ListaPosPA*: a form that builds the month's declaration worker by worker.
//! The draft lives in the browser; every keystroke re-runs `BozzaDenuncia::check` (the import's own rules,
//! compiled to WebAssembly) and lists the problems. The XML can be downloaded; sending it goes through the
//! server's import of that same XML, so a hand-made declaration is stored exactly as an uploaded one.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::dma::invia_dma_manuale;
use crate::domain::dma::listapospa::{
    CAUSALE_VARIAZIONE, COD_GESTIONE, REGIME_FINE_SERVIZIO, TIPO_OPERAZIONE, TIPO_PART_TIME, TIPO_PIANO, TipoGestione,
};
use crate::domain::dma::manuale::{BozzaDenuncia, BozzaGestione, BozzaLavoratore, BozzaPeriodo, BozzaRata};
use crate::model::{EsitoInvioDma, url_encode};

use super::azioni::risorsa;
use super::cassetto::{per_posizione, posizione_param};
use super::common::{CampoFile, ErrorBox};

type Bozza = RwSignal<BozzaDenuncia>;

/// Pins the lifetime of a field accessor (closures returning a borrow of their argument need it spelled out).
fn lente<F>(f: F) -> F
where
    F: for<'a> Fn(&'a mut BozzaDenuncia) -> Option<&'a mut String>,
{
    f
}

fn lavoratore(b: &mut BozzaDenuncia, l: u32) -> Option<&mut BozzaLavoratore> {
    b.lavoratori.iter_mut().find(|x| x.id == l)
}

fn periodo(b: &mut BozzaDenuncia, l: u32, p: u32) -> Option<&mut BozzaPeriodo> {
    lavoratore(b, l)?.periodi.iter_mut().find(|x| x.id == p)
}

fn gestione(b: &mut BozzaDenuncia, l: u32, p: u32, g: u32) -> Option<&mut BozzaGestione> {
    periodo(b, l, p)?.gestioni.iter_mut().find(|x| x.id == g)
}

fn rata(b: &mut BozzaDenuncia, l: u32, r: u32) -> Option<&mut BozzaRata> {
    lavoratore(b, l)?.rate.iter_mut().find(|x| x.id == r)
}

/// A fresh id for a new row: ids only need to be unique within the draft.
fn nuovo_id(bozza: Bozza) -> u32 {
    bozza.with_untracked(|b| {
        let mut max = 0;
        for l in &b.lavoratori {
            max = max.max(l.id);
            for p in &l.periodi {
                max = max.max(p.id);
                max = p.gestioni.iter().map(|g| g.id).fold(max, u32::max);
            }
            max = l.rate.iter().map(|r| r.id).fold(max, u32::max);
        }
        max + 1
    })
}

/// The options of a coded field: none yet, then each code with its meaning.
fn codici<C: std::fmt::Display>(tabella: &[(C, &str)]) -> Vec<(String, String)> {
    std::iter::once((String::new(), "—".to_string()))
        .chain(tabella.iter().map(|(c, d)| (c.to_string(), format!("{c} – {d}"))))
        .collect()
}

/// A text field of the draft: shows the draft's value (which may also change by other means, such as the
/// month filling in a period's days) and writes each change back.
#[component]
fn Campo<F>(
    #[prop(into)] id: String,
    label: &'static str,
    bozza: Bozza,
    f: F,
    #[prop(default = "text")] tipo: &'static str,
    #[prop(default = "col-md-3")] col: &'static str,
) -> impl IntoView
where
    F: for<'a> Fn(&'a mut BozzaDenuncia) -> Option<&'a mut String> + Clone + Send + Sync + 'static,
{
    let leggi = f.clone();
    let valore = move || {
        bozza.track();
        bozza.try_update_untracked(|b| leggi(b).cloned()).flatten().unwrap_or_default()
    };
    view! {
        <div class=format!("{col} mb-2")>
            <label for=id.clone() class="form-label small fw-semibold mb-0">{label}</label>
            <input id=id type=tipo class="form-control form-control-sm" prop:value=valore
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    bozza.update(|b| if let Some(s) = f(b) { *s = v });
                }/>
        </div>
    }
}

/// A choice among coded values, written to the draft as the code.
#[component]
fn Scelta<F>(
    #[prop(into)] id: String,
    label: &'static str,
    bozza: Bozza,
    f: F,
    opzioni: Vec<(String, String)>,
    #[prop(default = "col-md-3")] col: &'static str,
) -> impl IntoView
where
    F: for<'a> Fn(&'a mut BozzaDenuncia) -> Option<&'a mut String> + Clone + Send + Sync + 'static,
{
    let iniziale = bozza
        .try_update_untracked({
            let f = f.clone();
            move |b| f(b).cloned()
        })
        .flatten()
        .unwrap_or_default();
    view! {
        <div class=format!("{col} mb-2")>
            <label for=id.clone() class="form-label small fw-semibold mb-0">{label}</label>
            <select id=id class="form-select form-select-sm"
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    bozza.update(|b| if let Some(s) = f(b) { *s = v });
                }>
                {opzioni.into_iter().map(|(v, d)| {
                    let selected = v == iniziale;
                    view! { <option value=v selected=selected>{d}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
fn GestioneForm(bozza: Bozza, l: u32, p: u32, g: u32) -> AnyView {
    let base = format!("l{l}-p{p}-g{g}");
    let tipo = bozza.with_untracked(|b| {
        b.lavoratori
            .iter()
            .find(|x| x.id == l)
            .and_then(|x| x.periodi.iter().find(|y| y.id == p))
            .and_then(|y| y.gestioni.iter().find(|z| z.id == g))
            .map(|z| z.tipo)
    });
    let rimuovi = move |_| {
        bozza.update(|b| {
            if let Some(x) = periodo(b, l, p) {
                x.gestioni.retain(|z| z.id != g)
            }
        })
    };
    view! {
        <div class="row align-items-end border-start ps-2 ms-1" data-testid="gestione">
            <div class="col-md-3 mb-2">
                <label for=format!("{base}-tipo") class="form-label small fw-semibold mb-0">"Gestione"</label>
                <select id=format!("{base}-tipo") class="form-select form-select-sm"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        let t = TipoGestione::ALL.into_iter().find(|t| t.elemento() == v);
                        bozza.update(|b| if let (Some(z), Some(t)) = (gestione(b, l, p, g), t) { z.tipo = t });
                    }>
                    {TipoGestione::ALL.into_iter().map(|t| view! {
                        <option value=t.elemento() selected=Some(t) == tipo>{t.etichetta()}</option>
                    }).collect_view()}
                </select>
            </div>
            <Scelta id=format!("{base}-cod") label="Codice gestione" bozza opzioni=codici(COD_GESTIONE)
                f=lente(move |b| gestione(b, l, p, g).map(|z| &mut z.cod_gestione))/>
            <Campo id=format!("{base}-imponibile") label="Imponibile (€)" bozza col="col-md-2"
                f=lente(move |b| gestione(b, l, p, g).map(|z| &mut z.imponibile))/>
            <Campo id=format!("{base}-contributo") label="Contributo (€)" bozza col="col-md-2"
                f=lente(move |b| gestione(b, l, p, g).map(|z| &mut z.contributo))/>
            <div class="col-md-2 mb-2">
                <button type="button" class="btn btn-link btn-sm text-danger" on:click=rimuovi>"Rimuovi gestione"</button>
            </div>
        </div>
    }
    .into_any()
}

#[component]
fn PeriodoForm(bozza: Bozza, l: u32, p: u32) -> AnyView {
    let base = format!("l{l}-p{p}");
    let v1 = Memo::new(move |_| {
        bozza.with(|b| {
            b.lavoratori
                .iter()
                .find(|x| x.id == l)
                .and_then(|x| x.periodi.iter().find(|y| y.id == p))
                .is_some_and(|y| y.v1)
        })
    });
    let gestioni = Memo::new(move |_| {
        bozza.with(|b| {
            b.lavoratori
                .iter()
                .find(|x| x.id == l)
                .and_then(|x| x.periodi.iter().find(|y| y.id == p))
                .map(|y| y.gestioni.iter().map(|z| z.id).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    let aggiungi_gestione = move |_| {
        let id = nuovo_id(bozza);
        bozza.update(|b| {
            if let Some(y) = periodo(b, l, p) {
                y.gestioni.push(BozzaGestione::nuova(id, TipoGestione::Credito))
            }
        })
    };
    let rimuovi = move |_| {
        bozza.update(|b| {
            if let Some(x) = lavoratore(b, l) {
                x.periodi.retain(|y| y.id != p)
            }
        })
    };
    let blocchi = vec![
        ("E0".to_string(), "E0 – periodo nel mese".to_string()),
        ("V1".to_string(), "V1 – periodo precedente (variazione)".to_string()),
    ];
    view! {
        <fieldset class="border rounded p-2 mb-2" data-testid="periodo">
            <legend class="fs-6 fw-semibold w-auto px-1">{move || if v1.get() { "Periodo V1" } else { "Periodo E0" }}</legend>
            <div class="row">
                <div class="col-md-3 mb-2">
                    <label for=format!("{base}-blocco") class="form-label small fw-semibold mb-0">"Tipo di periodo"</label>
                    <select id=format!("{base}-blocco") class="form-select form-select-sm"
                        on:change=move |ev| {
                            let v = event_target_value(&ev) == "V1";
                            bozza.update(|b| if let Some(y) = periodo(b, l, p) { y.v1 = v });
                        }>
                        {blocchi.into_iter().map(|(v, d)| {
                            let selected = (v == "V1") == v1.get_untracked();
                            view! { <option value=v selected=selected>{d}</option> }
                        }).collect_view()}
                    </select>
                </div>
                {move || v1.get().then(|| view! {
                    <Scelta id=format!("l{l}-p{p}-causale") label="Causale variazione" bozza opzioni=codici(CAUSALE_VARIAZIONE)
                        f=lente(move |b| periodo(b, l, p).map(|y| &mut y.causale))/>
                })}
                <Campo id=format!("{base}-inizio") label="Giorno inizio" bozza tipo="date"
                    f=lente(move |b| periodo(b, l, p).map(|y| &mut y.inizio))/>
                <Campo id=format!("{base}-fine") label="Giorno fine" bozza tipo="date"
                    f=lente(move |b| periodo(b, l, p).map(|y| &mut y.fine))/>
            </div>
            <p class="small fw-semibold mb-1">"Inquadramento"</p>
            <div class="row">
                <Campo id=format!("{base}-impiego") label="Tipo impiego" bozza col="col-md-2"
                    f=lente(move |b| periodo(b, l, p).map(|y| &mut y.inquadramento.tipo_impiego))/>
                <Campo id=format!("{base}-servizio") label="Tipo servizio" bozza col="col-md-2"
                    f=lente(move |b| periodo(b, l, p).map(|y| &mut y.inquadramento.tipo_servizio))/>
                <Campo id=format!("{base}-contratto") label="Contratto" bozza col="col-md-2"
                    f=lente(move |b| periodo(b, l, p).map(|y| &mut y.inquadramento.contratto))/>
                <Campo id=format!("{base}-qualifica") label="Qualifica (6 car.)" bozza col="col-md-2"
                    f=lente(move |b| periodo(b, l, p).map(|y| &mut y.inquadramento.qualifica))/>
                <Scelta id=format!("{base}-regime") label="Regime fine servizio" bozza col="col-md-2" opzioni=codici(REGIME_FINE_SERVIZIO)
                    f=lente(move |b| periodo(b, l, p).map(|y| &mut y.inquadramento.regime_fine_servizio))/>
                <Scelta id=format!("{base}-parttime") label="Part-time" bozza col="col-md-1" opzioni=codici(TIPO_PART_TIME)
                    f=lente(move |b| periodo(b, l, p).map(|y| &mut y.inquadramento.tipo_part_time))/>
                <Campo id=format!("{base}-percpt") label="% part-time (50000 = 50 %)" bozza col="col-md-1"
                    f=lente(move |b| periodo(b, l, p).map(|y| &mut y.inquadramento.perc_part_time))/>
            </div>
            <p class="small fw-semibold mb-1">"Gestioni"</p>
            <For each=move || gestioni.get() key=|g| *g children=move |g| view! { <GestioneForm bozza l p g/> }/>
            <button type="button" class="btn btn-outline-primary btn-sm me-2" on:click=aggiungi_gestione>"Aggiungi gestione"</button>
            <button type="button" class="btn btn-link btn-sm text-danger" on:click=rimuovi>"Rimuovi periodo"</button>
        </fieldset>
    }
    .into_any()
}

#[component]
fn RataForm(bozza: Bozza, l: u32, r: u32) -> AnyView {
    let base = format!("l{l}-r{r}");
    let rimuovi = move |_| {
        bozza.update(|b| {
            if let Some(x) = lavoratore(b, l) {
                x.rate.retain(|y| y.id != r)
            }
        })
    };
    view! {
        <fieldset class="border rounded p-2 mb-2" data-testid="rata">
            <legend class="fs-6 fw-semibold w-auto px-1">"Rata F1 (piano di ammortamento)"</legend>
            <div class="row">
                <Campo id=format!("{base}-mese") label="Mese di riferimento" bozza tipo="month"
                    f=lente(move |b| rata(b, l, r).map(|y| &mut y.anno_mese_rif))/>
                <Scelta id=format!("{base}-cod") label="Codice gestione" bozza opzioni=codici(COD_GESTIONE)
                    f=lente(move |b| rata(b, l, r).map(|y| &mut y.cod_gestione))/>
                <Scelta id=format!("{base}-piano") label="Tipo piano" bozza opzioni=codici(TIPO_PIANO)
                    f=lente(move |b| rata(b, l, r).map(|y| &mut y.tipo_piano))/>
                <Scelta id=format!("{base}-operazione") label="Operazione" bozza opzioni=codici(TIPO_OPERAZIONE)
                    f=lente(move |b| rata(b, l, r).map(|y| &mut y.tipo_operazione))/>
                <Campo id=format!("{base}-prg") label="Rata n." bozza col="col-md-2"
                    f=lente(move |b| rata(b, l, r).map(|y| &mut y.prg_rata))/>
                <Campo id=format!("{base}-totale") label="Di (totale rate)" bozza col="col-md-2"
                    f=lente(move |b| rata(b, l, r).map(|y| &mut y.totale_rate))/>
                <Campo id=format!("{base}-importo") label="Importo (€)" bozza col="col-md-2"
                    f=lente(move |b| rata(b, l, r).map(|y| &mut y.importo))/>
                <div class="col-md-2 mb-2 align-self-end">
                    <button type="button" class="btn btn-link btn-sm text-danger" on:click=rimuovi>"Rimuovi rata"</button>
                </div>
            </div>
        </fieldset>
    }
    .into_any()
}

#[component]
fn LavoratoreForm(bozza: Bozza, l: u32, numero: Memo<usize>) -> AnyView {
    let righe = Memo::new(move |_| {
        bozza.with(|b| {
            b.lavoratori
                .iter()
                .find(|x| x.id == l)
                .map(|x| {
                    (
                        x.periodi.iter().map(|y| y.id).collect::<Vec<_>>(),
                        x.rate.iter().map(|y| y.id).collect::<Vec<_>>(),
                    )
                })
                .unwrap_or_default()
        })
    });
    let aggiungi_periodo = move |_| {
        let id = nuovo_id(bozza);
        bozza.update(|b| {
            let mese = b.mese.clone();
            if let Some(x) = lavoratore(b, l) {
                x.periodi.push(BozzaPeriodo::nuovo(id, &mese))
            }
        })
    };
    let aggiungi_rata = move |_| {
        let id = nuovo_id(bozza);
        bozza.update(|b| {
            if let Some(x) = lavoratore(b, l) {
                x.rate.push(BozzaRata { id, ..BozzaRata::default() })
            }
        })
    };
    let rimuovi = move |_| bozza.update(|b| b.lavoratori.retain(|x| x.id != l));
    view! {
        <section class="card card-bg p-3 mb-3" data-testid="lavoratore">
            <h2 class="h5">{move || format!("Lavoratore {}", numero.get())}</h2>
            <div class="row">
                <Campo id=format!("l{l}-cf") label="Codice fiscale" bozza col="col-md-4"
                    f=lente(move |b| lavoratore(b, l).map(|x| &mut x.codice_fiscale))/>
                <Campo id=format!("l{l}-cognome") label="Cognome" bozza col="col-md-4"
                    f=lente(move |b| lavoratore(b, l).map(|x| &mut x.cognome))/>
                <Campo id=format!("l{l}-nome") label="Nome" bozza col="col-md-4"
                    f=lente(move |b| lavoratore(b, l).map(|x| &mut x.nome))/>
            </div>
            <For each=move || righe.get().0 key=|p| *p children=move |p| view! { <PeriodoForm bozza l p/> }/>
            <For each=move || righe.get().1 key=|r| *r children=move |r| view! { <RataForm bozza l r/> }/>
            <div>
                <button type="button" class="btn btn-outline-primary btn-sm me-2" on:click=aggiungi_periodo>"Aggiungi periodo"</button>
                <button type="button" class="btn btn-outline-primary btn-sm me-2" on:click=aggiungi_rata>"Aggiungi rata F1"</button>
                <button type="button" class="btn btn-link btn-sm text-danger" on:click=rimuovi>"Rimuovi lavoratore"</button>
            </div>
        </section>
    }
    .into_any()
}

/// `/cassetto/{posizione}/compilazione-dma`.
#[component]
pub fn CompilazioneDmaPage(posizione: Signal<String>) -> AnyView {
    // The heading comes from the position's code (public positions are the Ente's CF and progressivo).
    let codice = crate::domain::PositionCode::parse(&posizione.get_untracked()).ok();
    let bozza: Bozza = RwSignal::new(BozzaDenuncia {
        mese: String::new(),
        cf_azienda: codice.as_ref().and_then(|c| c.ente_cf()).map(|cf| cf.as_str().to_string()).unwrap_or_default(),
        prg_azienda: codice.as_ref().and_then(|c| c.prg_azienda()).map(|p| format!("{p:05}")).unwrap_or_default(),
        lavoratori: vec![BozzaLavoratore { id: 1, periodi: vec![BozzaPeriodo::nuovo(2, "")], ..Default::default() }],
    });
    let check = Memo::new(move |_| bozza.with(|b| b.check()));
    // Warnings do not stop it: the declaration is then acquired "con errori", as an uploaded file would be.
    let pronta = move || {
        check.with(|v| matches!(v, Ok(e) if e.iter().all(|e| e.avviso()))) && bozza.with(|b| !b.lavoratori.is_empty())
    };
    let ids = Memo::new(move |_| bozza.with(|b| b.lavoratori.iter().map(|l| l.id).collect::<Vec<_>>()));
    let aggiungi = move |_| {
        let id = nuovo_id(bozza);
        bozza.update(|b| {
            let periodo = BozzaPeriodo::nuovo(id + 1, &b.mese);
            b.lavoratori.push(BozzaLavoratore { id, periodi: vec![periodo], ..Default::default() })
        })
    };
    let xml_href =
        move || format!("data:application/xml;charset=utf-8,{}", url_encode(&bozza.with(|b| b.scrivi_xml())));
    let xml_nome = move || format!("ListaPosPA-{}.xml", bozza.with(|b| b.mese.clone()));
    let invia = Action::new(move |(b, sostituisce): &(BozzaDenuncia, Option<i64>)| {
        let (bozza, sostituisce) = (b.clone(), *sostituisce);
        per_posizione(posizione.get_untracked(), move |c| invia_dma_manuale(c, bozza, sostituisce))
    });
    // The month already has a declaration in force: the server named it, and the user ticks the confirmation
    // before sending again (the server checks the id named is still the one in force).
    let da_confermare = move || match invia.value().get() {
        Some(Ok(EsitoInvioDma::DaConfermare(d))) => Some(d),
        _ => None,
    };
    let confermata = RwSignal::new(false);
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(EsitoInvioDma::Importata(id))) = invia.value().get() {
            navigate(
                &format!("/cassetto/{}/importa-dma?importazione={id}", url_encode(&posizione.get_untracked())),
                Default::default(),
            );
        }
    });
    view! {
        <h1 class="h2">"Compilazione manuale DMA – ListaPosPA"</h1>
        <p>"Si compila la denuncia del mese lavoratore per lavoratore. I controlli sono gli stessi dell'invio del file e si aggiornano mentre si scrive; la denuncia si invia quando non ci sono errori bloccanti (con i soli avvisi è accettata con errori). Il file XML ListaPosPA si può anche scaricare."</p>
        <noscript>
            <div class="alert alert-warning" data-testid="senza-script">"La compilazione manuale richiede JavaScript. In alternativa si può inviare il file ListaPosPA dal servizio «Invio denuncia DMA»."</div>
        </noscript>
        <div class="row">
            <div class="col-md-3 mb-3">
                <label for="dma-mese" class="form-label fw-semibold">"Mese della denuncia"</label>
                <input id="dma-mese" type="month" class="form-control" required
                    on:input=move |ev| { let v = event_target_value(&ev); bozza.update(|b| b.imposta_mese(v)); }/>
            </div>
        </div>
        <For each=move || ids.get() key=|l| *l children=move |l| {
            let numero = Memo::new(move |_| ids.with(|v| v.iter().position(|x| *x == l).unwrap_or(0) + 1));
            view! { <LavoratoreForm bozza l numero/> }
        }/>
        <button type="button" class="btn btn-outline-primary mb-4" on:click=aggiungi>"Aggiungi lavoratore"</button>
        <section aria-live="polite" class="mb-3">
            <h2 class="h5">"Controlli"</h2>
            {move || match check.get() {
                Err(why) => view! { <div class="alert alert-warning" data-testid="controlli">{format!("Indichi il mese della denuncia. {why}")}</div> }.into_any(),
                Ok(errori) if errori.is_empty() => view! {
                    <div class="alert alert-success" data-testid="controlli" data-problemi="0">"Nessun problema: la denuncia si può inviare."</div>
                }.into_any(),
                Ok(errori) => {
                    let quanti = errori.len();
                    let avvisi = errori.iter().filter(|e| e.avviso()).count();
                    let (classe, intestazione) = if avvisi == quanti {
                        ("alert alert-warning", format!("{quanti} avvisi: la denuncia si può inviare e sarà accettata con errori."))
                    } else {
                        ("alert alert-danger", format!("{quanti} problemi da correggere ({} bloccanti, {avvisi} avvisi):", quanti - avvisi))
                    };
                    view! {
                    <div class=classe data-testid="controlli" data-problemi=quanti.to_string()>
                        {intestazione}
                        <ul class="mb-0">
                            {errori.into_iter().map(|e| {
                                let dove = [Some(e.codice_fiscale.clone()).filter(|s| !s.is_empty()), e.periodo.clone()]
                                    .into_iter().flatten().collect::<Vec<_>>().join(", ");
                                view! { <li data-codice=e.codice.clone()>{format!("{} ({}) – {}: {} ({dove})", e.codice, e.gravita.etichetta().to_lowercase(), e.elemento, e.descrizione)}</li> }
                            }).collect_view()}
                        </ul>
                    </div>
                    }.into_any()
                }
            }}
        </section>
        {move || invia.value().get().and_then(|r| r.err()).map(|e| view! { <div data-testid="errore-modulo"><ErrorBox error=e/></div> })}
        {move || da_confermare().map(|d| view! {
            <div class="alert alert-warning" role="alert" data-testid="avviso-sostituzione">
                <p>{d.avviso()}</p>
                <div class="form-check mb-0">
                    <input class="form-check-input" type="checkbox" id="conferma-sostituzione"
                        prop:checked=move || confermata.get() on:change=move |ev| confermata.set(event_target_checked(&ev))/>
                    <label class="form-check-label" for="conferma-sostituzione">
                        {format!("Confermo: la nuova denuncia sostituisce quella del periodo {} (protocollo {}).", d.periodo, d.protocollo)}
                    </label>
                </div>
            </div>
        })}
        <div class="d-flex gap-2 mb-4">
            <button type="button" class="btn btn-primary"
                disabled=move || !pronta() || invia.pending().get() || (da_confermare().is_some() && !confermata.get())
                on:click=move |_| {
                    let sostituisce = da_confermare().filter(|_| confermata.get_untracked()).map(|d| d.id);
                    confermata.set(false);
                    invia.dispatch((bozza.get_untracked(), sostituisce));
                }>"Invia la denuncia"</button>
            <a class="btn btn-outline-primary" href=xml_href download=xml_nome>"Scarica il file XML"</a>
        </div>
    }
    .into_any()
}

/// A declaration's month as people write it (03/2026), or a dash when the file never said.
fn mese(periodo: Option<crate::domain::period::Period>) -> String {
    periodo.map(|p| p.to_string()).unwrap_or_else(|| "periodo non indicato".to_string())
}

/// "Invio denuncia DMA": the upload of a ListaPosPA file (posted to the server, which redirects back with
/// the import's id or the refusal) and the outcome: accepted, with a link to the DMA pages, or refused with
/// its per-record problems, also as CSV.
#[component]
pub(super) fn ImportaDmaPage() -> impl IntoView {
    use crate::api::dma::{load_importazione, load_sostituzione};
    use crate::domain::time::format_rome;
    let posizione = posizione_param();
    let query = use_query_map();
    let param = move |k: &str| query.try_with(|q| q.get(k)).flatten();
    let importazione = move || param("importazione").and_then(|v| v.parse::<i64>().ok());
    let data = risorsa(
        move || (posizione(), importazione()),
        |(p, id)| async move {
            match id {
                Some(id) => per_posizione(p, |c| load_importazione(c, id)).await.map(Some),
                None => Ok(None),
            }
        },
    );
    // A month already declared: the server sent the user back naming the declaration in force, which the
    // same form replaces once the confirmation is ticked and the file chosen again.
    let sostituzione = move || param("sostituzione").and_then(|v| v.parse::<i64>().ok());
    let in_vigore = risorsa(
        move || (posizione(), sostituzione()),
        |(p, id)| async move {
            match id {
                Some(id) => per_posizione(p, |c| load_sostituzione(c, id)).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <h1 class="h2">"Invio denuncia DMA (UniEmens ListaPosPA)"</h1>
        <p>"Il file XML della denuncia mensile (DenunceMensili → Azienda → ListaPosPA) viene controllato lavoratore per lavoratore: se è corretto è acquisito; se ha solo avvisi è acquisito e accettato con errori, con l'elenco degli avvisi; se ha anche un solo errore bloccante è scartato con l'elenco dei problemi."</p>
        {move || param("errore").map(|e| view! { <div class="alert alert-danger" role="alert" data-testid="errore-modulo">{e}</div> })}
        <form method="post" action=move || format!("/api/dma/{}", url_encode(&posizione())) enctype="multipart/form-data" class="mb-4" data-testid="form-dma">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match in_vigore.await {
                        Ok(Some(d)) => view! {
                            <div class="alert alert-warning" role="alert" data-testid="avviso-sostituzione">
                                <p>{d.avviso()}</p>
                                <div class="form-check">
                                    <input class="form-check-input" type="checkbox" id="conferma-sostituzione" name="sostituisce"
                                        value=d.id.to_string() required/>
                                    <label class="form-check-label" for="conferma-sostituzione">
                                        {format!("Confermo: la nuova denuncia sostituisce quella del periodo {} (protocollo {}).", d.periodo, d.protocollo)}
                                    </label>
                                </div>
                                <p class="mb-0 mt-2">"Per confermare selezioni di nuovo il file qui sotto: il browser non conserva il file scelto in precedenza."</p>
                            </div>
                        }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
            <div class="row align-items-end">
                <div class="col-lg-8 mb-3">
                    <CampoFile id="file-dma" name="file" label="File ListaPosPA (XML)" required=true
                        limiti=crate::domain::allegati::LimitiFile::DMA/>
                </div>
                <div class="col-lg-4 mb-3">
                    <button type="submit" class="btn btn-primary">"Invia la denuncia"</button>
                </div>
            </div>
        </form>
        <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
            {move || Suspend::new(async move {
                let pos = posizione();
                match data.await {
                    Ok(None) => view! { <span></span> }.into_any(),
                    Ok(Some(i)) if i.accettata && i.avvisi == 0 => view! {
                        <div class="alert alert-success" role="status" data-testid="esito">
                            {format!("Denuncia di {} acquisita il {}: {} lavoratori.", mese(i.periodo), format_rome(i.at), i.lavoratori)}
                            " " <a href=format!("/cassetto/{}/dma", url_encode(&pos))>"Vedi le denunce trasmesse"</a>
                        </div>
                    }.into_any(),
                    Ok(Some(i)) => {
                        let csv = format!("/esporta-errori/{}/{}", url_encode(&pos), i.id);
                        let bloccanti = i.numero_errori - i.avvisi;
                        // Only the first problems are kept: the rest are counted.
                        let oltre = i.numero_errori - i.errori.len() as i64;
                        let accettata = i.accettata;
                        let oltre = (oltre > 0).then(|| view! {
                            <p data-testid="errori-oltre">{if accettata {
                                format!("… e altri {oltre} avvisi non elencati: li trova tutti nel dettaglio per lavoratore della denuncia.")
                            } else {
                                format!("… e altri {oltre} problemi non elencati: corregga quelli indicati e invii di nuovo il file.")
                            }}</p>
                        });
                        let esito = if accettata {
                            view! {
                                <div class="alert alert-warning" role="status" data-testid="esito" data-esito="accettata con errori">
                                    {format!(
                                        "Denuncia di {} acquisita il {}: {} lavoratori. Esito: accettata con errori ({bloccanti} errori bloccanti, {} avvisi).",
                                        mese(i.periodo), format_rome(i.at), i.lavoratori, i.avvisi
                                    )}
                                    " " <a href=format!("/cassetto/{}/dma", url_encode(&pos))>"Vedi le denunce trasmesse"</a>
                                </div>
                            }.into_any()
                        } else {
                            view! {
                                <div class="alert alert-danger" role="alert" data-testid="scartata" data-esito="scartata">
                                    {format!(
                                        "Denuncia di {} scartata: {} problemi ({bloccanti} errori bloccanti, {} avvisi).",
                                        mese(i.periodo), i.numero_errori, i.avvisi
                                    )}
                                </div>
                            }.into_any()
                        };
                        view! {
                            {esito}
                            <a class="btn btn-outline-primary btn-sm mb-3" href=csv download="">"Scarica l'elenco (CSV)"</a>
                            <div class="table-responsive" tabindex="0">
                                <table class="table table-sm" data-testid="errori-dma">
                                    <thead><tr>
                                        <th scope="col">"Codice fiscale"</th><th scope="col">"Periodo"</th><th scope="col">"Elemento"</th>
                                        <th scope="col">"Codice"</th><th scope="col">"Gravità"</th><th scope="col">"Descrizione"</th>
                                    </tr></thead>
                                    <tbody>
                                        {i.errori.into_iter().map(|e| {
                                            let codice = e.codice.clone();
                                            let gravita = if e.avviso { "Avviso" } else { "Bloccante" };
                                            view! {
                                                <tr data-codice=codice data-gravita=gravita><td>{e.codice_fiscale}</td><td>{e.periodo}</td><td>{e.elemento}</td><td>{e.codice}</td><td>{gravita}</td><td>{e.descrizione}</td></tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            {oltre}
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
        {move || importazione().map(|id| view! {
            <super::feedback::FeedbackWidget servizio="dma-invio".to_string() riferimento=Some(id.to_string())/>
        })}
    }
}
