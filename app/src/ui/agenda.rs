//! Agenda appuntamenti: `/agenda` lists a user's bookings (with cancellation) or, for an operator, the
//! slots of the Sede with who booked them, the form to publish new ones and the outcome buttons. Booking
//! itself starts from the richiesta (`BookingSection`), the only place where its eligibility is known.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::agenda::{BookAppointment, CancelAppointment, PublishSlot, RecordAppointment, load_agenda};
use crate::domain::agenda::StatoPrenotazione;
use crate::domain::time::format_rome;
use crate::model::{Agenda, Appuntamento, PrenotazioneRow, SlotRow};

use super::azioni::{Outcome, azione, form_error, risorsa};
use super::common::ErrorBox;
use super::layout::Page;

fn outcome_text(code: &str) -> Option<&'static str> {
    match code {
        "prenotato" => Some("Appuntamento prenotato: la Sede la contatterà al numero indicato se necessario."),
        "annullato" => Some("Appuntamento annullato."),
        "pubblicato" => Some("Slot pubblicato."),
        "registrato" => Some("Esito dell'appuntamento registrato."),
        _ => None,
    }
}

fn quando(inizio_at: i64, durata_minuti: i64) -> String {
    format!("{} ({durata_minuti} minuti)", format_rome(inizio_at))
}

#[component]
pub fn AgendaPage() -> impl IntoView {
    let query = use_query_map();
    let esito = move || query.try_with(|q| q.get("esito")).flatten();
    let nonce = move || query.try_with(|q| q.get("n")).flatten();
    let data = risorsa(|| (), |_| load_agenda());
    let cancel = azione::<CancelAppointment>();
    let publish = azione::<PublishSlot>();
    let record = azione::<RecordAppointment>();
    view! {
        <Page title="Agenda appuntamenti">
            <h1>"Agenda appuntamenti"</h1>
            {move || view! { <Outcome text=esito().and_then(|c| outcome_text(&c))/> }}
            // The booking just made (its id is in the address) is offered for rating.
            {move || (esito().as_deref() == Some("prenotato")).then(nonce).flatten().map(|n| view! {
                <super::feedback::FeedbackWidget servizio="prenotazione".to_string() riferimento=Some(n)/>
            })}
            {form_error(cancel)}
            {form_error(publish)}
            {form_error(record)}
            <Suspense fallback=|| view! { <p>"Caricamento…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(Agenda::Utente { prenotazioni }) => view! { <UserAgenda prenotazioni cancel/> }.into_any(),
                        Ok(Agenda::Sede { sede, slot }) => view! { <SedeAgenda sede slots=slot publish record/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}

#[component]
fn UserAgenda(prenotazioni: Vec<PrenotazioneRow>, cancel: ServerAction<CancelAppointment>) -> impl IntoView {
    if prenotazioni.is_empty() {
        return view! {
            <p data-testid="prenotazioni">"Nessun appuntamento. Si può prenotare dal dettaglio di una richiesta non accolta o rimasta senza risposta oltre i tempi soglia."</p>
        }
        .into_any();
    }
    view! {
        <div class="table-responsive" tabindex="0">
            <table class="table table-sm" data-testid="prenotazioni">
                <thead><tr>
                    <th scope="col">"Data e ora"</th><th scope="col">"Sede"</th><th scope="col">"Richiesta"</th>
                    <th scope="col">"Telefono"</th><th scope="col">"Note"</th><th scope="col">"Stato"</th>
                    <th scope="col"><span class="visually-hidden">"Azioni"</span></th>
                </tr></thead>
                <tbody>
                    {prenotazioni.into_iter().map(|b| {
                        let live = b.stato == StatoPrenotazione::Prenotata;
                        view! {
                            <tr data-testid="prenotazione" data-stato=b.stato.as_str()>
                                <td>{quando(b.inizio_at, b.durata_minuti)}</td>
                                <td>{b.sede.clone()}</td>
                                <td><a href=format!("/comunicazioni/{}", b.richiesta_id)>{b.protocollo.clone()}</a></td>
                                <td>{b.telefono.clone()}</td>
                                <td>{b.note.clone()}</td>
                                <td>{b.stato.label()}</td>
                                <td>{live.then(|| view! {
                                    <ActionForm action=cancel>
                                        <input type="hidden" name="id" value=b.id.to_string()/>
                                        <button type="submit" class="btn btn-outline-danger btn-sm">"Annulla"<span class="visually-hidden">{format!(" l'appuntamento del {}", format_rome(b.inizio_at))}</span></button>
                                    </ActionForm>
                                })}</td>
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
fn SedeAgenda(
    sede: String,
    slots: Vec<SlotRow>,
    publish: ServerAction<PublishSlot>,
    record: ServerAction<RecordAppointment>,
) -> impl IntoView {
    view! {
        <p>{format!("Slot della Sede {sede} (dall'ultima settimana in poi) e prenotazioni degli utenti.")}</p>
        <section aria-labelledby="pubblica" class="mb-4">
            <h2 id="pubblica" class="h4">"Pubblica uno slot"</h2>
            <ActionForm action=publish attr:data-testid="form-slot">
                <div class="row align-items-end">
                    <div class="mb-3 col-lg-4">
                        <label for="inizio" class="form-label fw-semibold">"Data e ora di inizio"</label>
                        <input id="inizio" name="inizio" type="datetime-local" class="form-control" required/>
                    </div>
                    <div class="mb-3 col-lg-3">
                        <label for="durata" class="form-label fw-semibold">"Durata (minuti)"</label>
                        <input id="durata" name="durata" type="number" min="5" max="240" step="5" value="30" class="form-control" required/>
                    </div>
                    <div class="mb-3 col-lg-3">
                        <button type="submit" class="btn btn-primary">"Pubblica"</button>
                    </div>
                </div>
            </ActionForm>
        </section>
        {if slots.is_empty() {
            view! { <p data-testid="slot-sede">"Nessuno slot pubblicato."</p> }.into_any()
        } else {
            view! {
                <div class="table-responsive" tabindex="0">
                    <table class="table table-sm" data-testid="slot-sede">
                        <thead><tr>
                            <th scope="col">"Data e ora"</th><th scope="col">"Prenotato da"</th><th scope="col">"Richiesta"</th>
                            <th scope="col">"Telefono"</th><th scope="col">"Note"</th><th scope="col">"Stato"</th>
                            <th scope="col"><span class="visually-hidden">"Azioni"</span></th>
                        </tr></thead>
                        <tbody>
                            {slots.into_iter().map(|s| {
                                let when = quando(s.inizio_at, s.durata_minuti);
                                match s.prenotazione {
                                    None => view! {
                                        <tr data-testid="slot" data-stato="libero">
                                            <td>{when}</td><td colspan="5">"Libero"</td><td></td>
                                        </tr>
                                    }.into_any(),
                                    Some(b) => {
                                        let live = b.stato == StatoPrenotazione::Prenotata;
                                        view! {
                                            <tr data-testid="slot" data-stato=b.stato.as_str()>
                                                <td>{when}</td>
                                                <td>{b.utente.clone()}</td>
                                                <td><a href=format!("/comunicazioni/{}", b.richiesta_id)>{b.protocollo.clone()}</a></td>
                                                <td>{b.telefono.clone()}</td>
                                                <td>{b.note.clone()}</td>
                                                <td>{b.stato.label()}</td>
                                                <td>{live.then(|| view! {
                                                    <ActionForm action=record>
                                                        <input type="hidden" name="id" value=b.id.to_string()/>
                                                        <button type="submit" name="esito" value="svolto" class="btn btn-outline-primary btn-sm me-1">"Svolto"</button>
                                                        <button type="submit" name="esito" value="assente" class="btn btn-outline-secondary btn-sm">"Assente"</button>
                                                    </ActionForm>
                                                })}</td>
                                            </tr>
                                        }.into_any()
                                    }
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}

/// On a richiesta's page, for its author: the booking in force, why booking is not possible, or the form
/// to choose one of the Sede's free slots.
#[component]
pub fn BookingSection(richiesta_id: crate::model::RichiestaId, a: Appuntamento) -> impl IntoView {
    let book = azione::<BookAppointment>();
    let Appuntamento { non_prenotabile, slot_liberi, prenotazione } = a;
    let body = match (prenotazione, non_prenotabile) {
        (Some(b), _) => view! {
            <p data-testid="appuntamento">{format!("Appuntamento prenotato per il {} presso la Sede {}.", quando(b.inizio_at, b.durata_minuti), b.sede)}
                " " <a href="/agenda">"Vai all'agenda"</a></p>
        }
        .into_any(),
        (None, Some(why)) => view! { <p data-testid="non-prenotabile">{why}</p> }.into_any(),
        (None, None) if slot_liberi.is_empty() => {
            view! { <p data-testid="non-prenotabile">"La Sede non ha al momento orari disponibili: riprovi nei prossimi giorni."</p> }.into_any()
        }
        (None, None) => view! {
            {form_error(book)}
            <ActionForm action=book attr:data-testid="form-prenotazione">
                <input type="hidden" name="richiesta" value=richiesta_id.to_string()/>
                <fieldset class="mb-3">
                    <legend class="h6">"Orari disponibili"</legend>
                    {slot_liberi.into_iter().map(|s| {
                        let id = format!("slot-{}", s.id);
                        view! {
                            <div class="form-check">
                                <input class="form-check-input" type="radio" name="slot" id=id.clone() value=s.id.to_string()/>
                                <label class="form-check-label" for=id>{quando(s.inizio_at, s.durata_minuti)}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="row">
                    <div class="mb-3 col-lg-4">
                        <label for="telefono-appuntamento" class="form-label fw-semibold">"Telefono"</label>
                        <input id="telefono-appuntamento" name="telefono" type="tel" class="form-control" autocomplete="tel" required/>
                    </div>
                    <div class="mb-3 col-lg-8">
                        <label for="note-appuntamento" class="form-label fw-semibold">"Note per la Sede"</label>
                        <input type="text" id="note-appuntamento" name="note" class="form-control" maxlength="500" required/>
                    </div>
                </div>
                <button type="submit" class="btn btn-primary">"Conferma la prenotazione"</button>
            </ActionForm>
        }
        .into_any(),
    };
    view! {
        <section aria-labelledby="agenda" class="mt-4">
            <h2 id="agenda" class="h4">"Appuntamento in Sede"</h2>
            {body}
        </section>
    }
}
