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
    ("/api/cassetto/ricerca", "SearchPositions"),
    ("/api/cassetto/posizione", "ReadPosition"),
    ("/api/cassetto/sezione", "ReadPosition"),
    ("/api/cassetto/sanzioni-eca", "ManagePosition"),
    ("/api/cassetto/tracciati", "ManagePosition"),
    ("/api/cassetto/dma-importazione", "ManagePosition"),
    ("/api/cassetto/dma-sostituzione", "ManagePosition"),
    ("/api/cassetto/dma-manuale", "ManagePosition"),
    ("/api/cassetto/contestazioni", "ManagePosition"),
    ("/api/backoffice/contestazioni", "ReviewContestazioni"),
    ("/api/backoffice/contestazioni/risposta", "AnswerContestazione"),
    ("/api/profilo", "Authenticated"),
    ("/api/profilo/richiesta", "FileProfileRequest"),
    ("/api/profilo/intermediario", "BecomeIntermediary"),
    ("/api/profilo/password", "Authenticated (the caller's own password)"),
    ("/api/dipendenti-pubblici", "SearchPositions"),
    ("/api/deleghe", "ListDeleghe"),
    ("/api/deleghe/dettaglio", "ReadDelega"),
    ("/api/deleghe/dipendente", "GrantEmployeeDelega (each position)"),
    ("/api/deleghe/intermediario", "RequestIntermediaryDelega + password"),
    ("/api/deleghe/attiva", "ActOnOwnDelega"),
    ("/api/deleghe/nuovo-otp", "ActOnOwnDelega"),
    ("/api/deleghe/revoca", "RevokeDelega"),
    ("/api/deleghe/subdelega", "ActOnOwnDelega"),
    ("/api/deleghe/rinnovo", "ActOnOwnDelega + password"),
    ("/api/backoffice/richieste-profilo", "ReviewProfileRequests"),
    ("/api/backoffice/richieste-profilo/decisione", "DecideProfileRequest"),
    ("/api/backoffice/operatori", "ManageOperators"),
    ("/api/backoffice/operatori/abilitazione", "ToggleOperator"),
    ("/api/backoffice/operatori/fascicolo-elettronico", "ToggleOperator"),
    ("/api/backoffice/operatori/sblocco", "ToggleOperator"),
    ("/api/backoffice/fascicolo/ricerca", "SearchSedePositions"),
    ("/api/comunicazioni", "SearchPositions"),
    ("/api/comunicazioni/dettaglio", "ReadRichiesta"),
    ("/api/backoffice/quesiti", "ReviewQuesiti"),
    ("/api/backoffice/quesiti/azione", "ActOnQuesito"),
    ("/api/agenda", "ReadAgenda"),
    ("/api/agenda/prenota", "BookAppointment"),
    ("/api/agenda/annulla", "CancelAppointment"),
    ("/api/agenda/slot", "PublishSlots"),
    ("/api/agenda/esito", "RecordAppointment"),
    ("/api/feedback/uso", "Authenticated (the caller's own uses)"),
    ("/api/feedback/valuta", "Authenticated (the caller's own uses)"),
    ("/api/feedback/ignora", "Authenticated (the caller's own uses)"),
    ("/api/admin/feedback", "ReadFeedback"),
    ("/api/admin/albo", "Administer"),
    ("/api/admin/tassonomia", "Administer"),
    ("/api/admin/tassonomia/salva", "Administer"),
    ("/api/admin/tassi", "Administer"),
    ("/api/admin/tassi/salva", "Administer"),
    ("/api/admin/tassi/rimuovi", "Administer"),
];
