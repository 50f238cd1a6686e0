//! Server functions, one file per area. Each begins with exactly one `authorize` call (or is one of
//! the login steps, which establish the session instead); `ENDPOINTS` lists them all for the
//! authorization matrix test.

pub mod agenda;
pub mod auth;
pub mod backoffice;
pub mod cassetto;
pub mod comunicazioni;
pub mod contestazioni;
pub mod deleghe;
pub mod dma;
pub mod feedback;
pub mod profili;
pub mod sanzioni;
pub mod tracciati;

/// Every server function endpoint, with the action its authorization checks. A test compares this
/// list with the endpoints actually registered, so a new function cannot skip the matrix.
pub const ENDPOINTS: &[(&str, &str)] = &[
    ("/api/accesso/password", "public: login step 1"),
    ("/api/accesso/codice", "second-factor session: login step 2"),
    ("/api/accesso/codice-demo", "second-factor session, demo mode only"),
    ("/api/uscita", "public: ends the caller's own session"),
    ("/api/utente", "public: the caller's own identity, if any"),
    ("/api/accesso/opzioni", "public: the doors of the login page"),
    ("/api/cassetto/ricerca", "UserAction::SearchPositions"),
    ("/api/cassetto/posizione", "PositionAction::Read"),
    ("/api/cassetto/sezione", "PositionAction::Read"),
    ("/api/cassetto/sanzioni-eca", "PositionAction::Manage"),
    ("/api/cassetto/tracciati", "PositionAction::Manage"),
    ("/api/cassetto/dma-importazione", "PositionAction::Manage"),
    ("/api/cassetto/dma-sostituzione", "PositionAction::Manage"),
    ("/api/cassetto/dma-manuale", "PositionAction::Manage"),
    ("/api/cassetto/contestazioni", "PositionAction::Manage"),
    ("/api/backoffice/contestazioni", "SedeAction::ReviewContestazioni"),
    ("/api/backoffice/contestazioni/risposta", "SedeAction::AnswerContestazione"),
    ("/api/profilo", "UserAction::Authenticated"),
    ("/api/profilo/richiesta", "UserAction::FileProfileRequest"),
    ("/api/profilo/intermediario", "UserAction::BecomeIntermediary"),
    ("/api/profilo/password", "UserAction::Authenticated (the caller's own password)"),
    ("/api/dipendenti-pubblici", "UserAction::SearchPositions"),
    ("/api/deleghe", "UserAction::ListDeleghe"),
    ("/api/deleghe/dettaglio", "DelegaAction::Read"),
    ("/api/deleghe/dipendente", "PositionAction::GrantEmployeeDelega (each position)"),
    ("/api/deleghe/intermediario", "UserAction::RequestIntermediaryDelega + password"),
    ("/api/deleghe/attiva", "DelegaAction::ActOnOwn"),
    ("/api/deleghe/nuovo-otp", "DelegaAction::ActOnOwn"),
    ("/api/deleghe/revoca", "DelegaAction::Revoke"),
    ("/api/deleghe/subdelega", "DelegaAction::ActOnOwn"),
    ("/api/deleghe/rinnovo", "DelegaAction::ActOnOwn + password"),
    ("/api/backoffice/richieste-profilo", "SedeAction::ReviewProfileRequests"),
    ("/api/backoffice/richieste-profilo/decisione", "SedeAction::DecideProfileRequest"),
    ("/api/backoffice/operatori", "SedeAction::ManageOperators"),
    ("/api/backoffice/operatori/abilitazione", "SedeAction::ToggleOperator"),
    ("/api/backoffice/operatori/fascicolo-elettronico", "SedeAction::ToggleOperator"),
    ("/api/backoffice/operatori/sblocco", "SedeAction::ToggleOperator"),
    ("/api/backoffice/fascicolo/ricerca", "SedeAction::SearchPositions"),
    ("/api/comunicazioni", "UserAction::SearchPositions"),
    ("/api/comunicazioni/dettaglio", "ReadRichiesta"),
    ("/api/backoffice/quesiti", "SedeAction::ReviewQuesiti"),
    ("/api/backoffice/quesiti/azione", "SedeAction::ActOnQuesito"),
    ("/api/agenda", "ReadAgenda"),
    ("/api/agenda/prenota", "UserAction::BookAppointment"),
    ("/api/agenda/annulla", "UserAction::CancelAppointment"),
    ("/api/agenda/slot", "SedeAction::PublishSlots"),
    ("/api/agenda/esito", "SedeAction::RecordAppointment"),
    ("/api/feedback/uso", "UserAction::Authenticated (the caller's own uses)"),
    ("/api/feedback/valuta", "UserAction::Authenticated (the caller's own uses)"),
    ("/api/feedback/ignora", "UserAction::Authenticated (the caller's own uses)"),
    ("/api/admin/feedback", "UserAction::ReadFeedback"),
    ("/api/admin/albo", "UserAction::Administer"),
    ("/api/admin/tassonomia", "UserAction::Administer"),
    ("/api/admin/tassonomia/salva", "UserAction::Administer"),
    ("/api/admin/tassi", "UserAction::Administer"),
    ("/api/admin/tassi/salva", "UserAction::Administer"),
    ("/api/admin/tassi/rimuovi", "UserAction::Administer"),
];
