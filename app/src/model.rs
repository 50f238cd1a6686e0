//! Types shared by the server functions and the pages (compiled for the browser too).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use crate::domain::lista::{ListQuery, pagina, url_encode};
use crate::domain::money::Money;
use crate::domain::period::Period;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Datore,
    Delegato,
    Intermediario,
    Subdelegato,
    Operatore,
    Idm,
    Admin,
    /// A person who arrived through SPID or CIE with no profile yet: reaches nothing until an SC65 / SC62
    /// request is approved (or the Albo makes them an intermediary).
    Nessuno,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Datore,
        Role::Delegato,
        Role::Intermediario,
        Role::Subdelegato,
        Role::Operatore,
        Role::Idm,
        Role::Admin,
        Role::Nessuno,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Datore => "datore",
            Role::Delegato => "delegato",
            Role::Intermediario => "intermediario",
            Role::Subdelegato => "subdelegato",
            Role::Operatore => "operatore",
            Role::Idm => "idm",
            Role::Admin => "admin",
            Role::Nessuno => "nessuno",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The Italian label shown in the header.
    pub fn label(self) -> &'static str {
        match self {
            Role::Datore => "Datore di lavoro / Rappresentante legale",
            Role::Delegato => "Dipendente delegato",
            Role::Intermediario => "Intermediario",
            Role::Subdelegato => "Dipendente dell'intermediario (subdelegato)",
            Role::Operatore => "Operatore di Sede INPS",
            Role::Idm => "Gestore IDM di Sede",
            Role::Admin => "Amministratore",
            Role::Nessuno => "Utente senza profilo",
        }
    }

    /// The INPS staff's roles: granted by an administrator or IDM only, never by a provider login.
    pub fn is_inps_staff(self) -> bool {
        matches!(self, Role::Operatore | Role::Idm | Role::Admin)
    }

    /// Roles that consult positions through the Cassetto.
    pub fn uses_cassetto(self) -> bool {
        matches!(self, Role::Datore | Role::Delegato | Role::Intermediario | Role::Subdelegato)
    }

    /// Where the user lands after logging in.
    pub fn home(self) -> &'static str {
        match self {
            Role::Operatore | Role::Idm => "/backoffice",
            Role::Admin => "/admin",
            Role::Nessuno => "/benvenuto",
            _ => "/cassetto",
        }
    }
}

/// The doors of the login page (`api::auth::opzioni_accesso`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PorteAccesso {
    /// The password form is shown.
    pub password: bool,
    /// ... for the INPS staff only.
    pub solo_personale: bool,
    pub spid: Vec<FornitoreAccesso>,
    pub cie: Option<FornitoreAccesso>,
}

/// An identity provider on the login page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FornitoreAccesso {
    pub id: String,
    pub nome: String,
    pub logo: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub codice_fiscale: String,
    pub full_name: String,
    pub role: Role,
}

/// One row of the Ricerca.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PositionSummary {
    pub code: String,
    pub ente_cf: String,
    pub denominazione: String,
    pub sector: String,
    pub sede: String,
    pub status: String,
    /// How the user reaches it: "titolare", "delega", "subdelega"; "sede" for an operator's Fascicolo Elettronico.
    pub access: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchResult {
    pub rows: Vec<PositionSummary>,
    pub total: i64,
    pub page: u32,
    pub page_size: u32,
}

/// The anagrafica of a position.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PositionDetail {
    pub code: String,
    pub kind: String,
    pub ente_cf: String,
    pub denominazione: String,
    pub sector: String,
    pub sede_code: String,
    pub sede: String,
    pub description: String,
    pub status: String,
    pub opened_on: NaiveDate,
    pub contract: String,
    pub address: String,
    pub pec: String,
    pub legal_rep_cf: String,
}

/// A value in a consultation table, typed so the page formats it the Italian way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Cell {
    Text(String),
    Int(i64),
    Money(Money),
    Date(NaiveDate),
    Period(Period),
    Empty,
}

impl Cell {
    pub fn display(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Money(m) => m.to_string(),
            Cell::Date(d) => crate::domain::time::date_it(*d),
            Cell::Period(p) => p.to_string(),
            Cell::Empty => "—".to_string(),
        }
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, Cell::Int(_) | Cell::Money(_))
    }
}

/// The last page index of a list of `total` rows in pages of `size` (0 for an empty list), and `page`
/// clamped to it: a page past the end shows the last one.
pub fn clamp_page(page: u32, total: i64, size: u32) -> u32 {
    let size = i64::from(size.max(1));
    let last = (total.max(0) + size - 1) / size - 1;
    u32::try_from(last.max(0)).unwrap_or(u32::MAX).min(page)
}

/// One page of a consultation table, with the totals of the whole filtered set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TablePage {
    pub rows: Vec<TableRow>,
    pub total_rows: i64,
    /// Sums over all filtered rows, by column key.
    pub totals: Vec<(String, Money)>,
    pub page: u32,
    pub page_size: u32,
    /// The applied sort (column key, descending).
    pub sort: (String, bool),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TableRow {
    /// Id of the record, for sections whose rows open a detail (piani, DMA).
    pub id: i64,
    pub cells: Vec<Cell>,
}

impl TablePage {
    pub fn page_count(&self) -> u32 {
        let size = i64::from(self.page_size.max(1));
        ((self.total_rows + size - 1) / size).max(1) as u32
    }
}

/// A profile request as listed to its requester and to the operators of its Sede.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProfileRequestRow {
    pub id: i64,
    /// `SC65`, `SC62` or `RA012`.
    pub form: String,
    pub requester_cf: String,
    pub requester_name: String,
    pub ente_cf: String,
    pub ente_name: String,
    pub sede: String,
    /// `in_attesa`, `approvata`, `respinta`.
    pub status: String,
    pub submitted_at: i64,
    pub decided_at: Option<i64>,
    pub reason: Option<String>,
    /// Scope codes (SC65/SC62) or the legacy service code (RA012).
    pub scopes: Vec<String>,
}

/// The `/profilo` page: scopes held (form, scope, source) and requests filed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProfileOverview {
    pub scopes: Vec<(String, String, String)>,
    pub requests: Vec<ProfileRequestRow>,
    /// The end of the transitional period (circular §2.1), shown to users.
    pub cutover: Option<NaiveDate>,
    /// The account has a password (not one made by a SPID/CIE login): the password change applies.
    pub has_password: bool,
    /// The user's codice fiscale is in the Albo of the intermediaries (labour consultants and the like).
    pub in_albo: bool,
    /// The Enti whose legal representative the register names the user: where an SC65 request of theirs can go.
    pub enti_rappresentati: Vec<EnteRappresentato>,
}

/// An Ente as its legal representative sees it before having a profile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct EnteRappresentato {
    pub codice_fiscale: String,
    pub denominazione: String,
    /// `pubblico` or `privato`: which Gestione contributiva scope to ask for.
    pub sector: String,
    /// The Sede that decides the request.
    pub sede: String,
}

/// One delega as listed on `/deleghe`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DelegaRow {
    pub id: i64,
    /// `dipendente`, `intermediario`, `subdelega`.
    pub kind: String,
    pub position_code: String,
    pub ente_name: String,
    pub grantor_name: Option<String>,
    pub grantee_cf: String,
    pub grantee_name: String,
    /// `in_attesa`, `attiva`, `revocata`, `scaduta`.
    pub status: String,
    pub valid_from: NaiveDate,
    /// Last day in force; `None` until revoked.
    pub valid_until: Option<NaiveDate>,
    pub revoked_on: Option<NaiveDate>,
    /// For deleghe to employees: whether the grantee holds the profile scope the position needs.
    pub usable: bool,
    /// For intermediary deleghe: the state of the PEC that carried the OTP.
    pub pec_state: Option<String>,
    pub parent_id: Option<i64>,
    /// For intermediary deleghe: the services delegated (scope codes, `domain::profili::Scope::code`).
    pub services: Vec<String>,
    /// Imported from the enablements before the cut-over (no form, PEC nor OTP of this Cassetto).
    pub imported: bool,
    /// For a renewal: the delega it continues.
    pub renews_id: Option<i64>,
    /// A renewal asked for this delega and not ended.
    pub renewal_id: Option<i64>,
    /// Active and ending within the notice (`domain::profili::EXPIRY_NOTICE_DAYS`).
    pub expiring: bool,
}

/// Everything `/deleghe` shows to the caller, by the side they stand on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DelegheOverview {
    pub role: Role,
    /// Deleghe on the positions the caller holds as datore.
    pub on_my_positions: Vec<DelegaRow>,
    /// Deleghe the caller holds (as employee, intermediary or sub-delegated employee).
    pub held: Vec<DelegaRow>,
    /// Of `held`, the intermediary deleghe ending within the notice, soonest first.
    pub expiring: Vec<DelegaRow>,
    /// Sub-deleghe the caller (an intermediary) granted to its employees.
    pub granted_sub: Vec<DelegaRow>,
    /// The datore's own positions, for the new-delega form: (code, Ente).
    pub own_positions: Vec<(String, String)>,
    /// The intermediary's registration in an Albo (label), if any.
    pub albo: Option<String>,
    /// The intermediary's employees: (codice fiscale, name).
    pub employees: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DelegaEvent {
    pub at: i64,
    pub actor: Option<String>,
    pub kind: String,
    pub detail: String,
}

/// The evidence of an intermediary delega (circular §2b).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DelegaEvidence {
    pub form_sha256: String,
    pub pec_recipient: Option<String>,
    pub pec_message_id: Option<String>,
    pub pec_status: Option<String>,
    /// PEC receipts: (kind, recipient, instant, detail).
    pub receipts: Vec<(String, String, i64, String)>,
    pub otp_expires_at: Option<i64>,
    pub otp_failed_attempts: i64,
    /// Whether a usable OTP is outstanding (not used, not expired, not locked).
    pub otp_outstanding: bool,
    pub declared_at: Option<i64>,
    pub activated_at: Option<i64>,
    pub retain_until: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DelegaDetail {
    pub delega: DelegaRow,
    pub events: Vec<DelegaEvent>,
    pub evidence: Option<DelegaEvidence>,
    pub can_revoke: bool,
    /// The caller is the intermediary that may enter the OTP (or ask for a new one).
    pub can_activate: bool,
    /// The caller is the intermediary that may ask for its renewal (active, with an end, not yet renewed).
    pub can_renew: bool,
    /// The delegante as named on the form (intermediary deleghe made in the Cassetto).
    pub delegante: Option<DelegaDelegante>,
}

/// The delegante of an intermediary delega and the period, as fixed on its form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DelegaDelegante {
    pub codice_fiscale: String,
    pub nome: String,
    pub cognome: String,
    /// The period in words, as printed ("dal … al …" or "dal … fino a revoca").
    pub period: String,
}

/// An operator of a Sede as the IDM sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OperatorRow {
    pub codice_fiscale: String,
    pub full_name: String,
    pub enabled: bool,
    /// Enabled by the IDM for the Fascicolo Elettronico del Contribuente.
    pub fascicolo_elettronico: bool,
}

/// The legacy entry "Dipendenti pubblici: servizi per amministrazioni, enti e aziende" (circular §2.1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LegacyEntry {
    pub cutover: NaiveDate,
    pub open: bool,
    /// The public-sector positions the user reaches (only while the entry is open).
    pub positions: Vec<PositionSummary>,
}

/// One oggetto of the Comunicazione bidirezionale taxonomy, with its tempi soglia.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OggettoRow {
    pub id: i64,
    pub classe: String,
    pub oggetto: String,
    pub soglia_giorni: i64,
}

/// One oggetto of the taxonomy as the administrator manages it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OggettoAdmin {
    pub id: i64,
    pub classe: String,
    pub oggetto: String,
    pub soglia_giorni: i64,
    pub attivo: bool,
    /// Richieste sent on it so far.
    pub richieste: i64,
}

/// A richiesta as listed to its author and in the queue of its Sede.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RichiestaRow {
    pub id: i64,
    pub protocollo: String,
    pub position_code: String,
    pub denominazione: String,
    pub classe: String,
    pub oggetto: String,
    pub stato: crate::domain::comunicazioni::Stato,
    pub esito: Option<crate::domain::comunicazioni::Esito>,
    pub aperta_at: i64,
    pub aggiornata_at: i64,
    pub scade_at: i64,
    /// Past its soglia without an answer (computed on the server at reading time).
    pub in_ritardo: bool,
    /// Who sent it (full name): on a datore's position, a delegated employee or an intermediary too.
    pub autore: String,
}

/// One page of richieste (the author's history, or a Sede's queue) and the taxonomy for the filters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RichiestePage {
    pub oggetti: Vec<OggettoRow>,
    pub richieste: Vec<RichiestaRow>,
    /// Matches counted, at most `CONTEGGIO_MASSIMO`.
    pub totale: i64,
    /// More than `totale` match (the count stopped at its limit).
    pub oltre: bool,
    /// From 0.
    pub pagina: u32,
    pub pagine: u32,
    /// The history offers «Sulla mia posizione» (the viewer is a datore: the richieste others sent on the
    /// positions of their Enti).
    pub vista_posizione: bool,
}

/// One entry of a richiesta's timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RichiestaEvento {
    pub at: i64,
    pub stato: crate::domain::comunicazioni::Stato,
    pub autore: Option<String>,
    pub commento: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RichiestaDetail {
    pub richiesta: RichiestaRow,
    pub testo: String,
    pub eventi: Vec<RichiestaEvento>,
    /// The viewer is an operator of the richiesta's Sede (and may act on the quesito).
    pub operatore: bool,
    /// The attached files, if any (downloadable as one zip).
    pub allegati: Option<Allegati>,
    /// The notices sent (or still to send) about it, by e-mail and SMS.
    pub avvisi: Vec<Avviso>,
    /// For the author: whether and where an appointment can be booked.
    pub appuntamento: Option<Appuntamento>,
}

/// A notice of the outbox about a richiesta, with its delivery status.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Avviso {
    /// `email` or `sms`.
    pub canale: String,
    pub destinatario: String,
    /// `in_coda`, `in_riprova`, `inviato` or `fallito`.
    pub stato: String,
    pub creato_at: i64,
    pub inviato_at: Option<i64>,
}

/// The files attached to a richiesta: their names and the size of the zip that holds them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Allegati {
    pub nomi: Vec<String>,
    pub dimensione: i64,
}

/// A booking, as its author and the Sede's operators see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PrenotazioneRow {
    pub id: i64,
    pub slot_id: i64,
    pub inizio_at: i64,
    pub durata_minuti: i64,
    pub sede: String,
    pub richiesta_id: i64,
    pub protocollo: String,
    pub utente: String,
    pub telefono: String,
    pub note: String,
    pub stato: crate::domain::comunicazioni::StatoPrenotazione,
}

/// A slot a Sede published, with its live booking if any.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlotRow {
    pub id: i64,
    pub inizio_at: i64,
    pub durata_minuti: i64,
    pub prenotazione: Option<PrenotazioneRow>,
}

/// The appointment side of a richiesta, for its author.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Appuntamento {
    /// Why no appointment can be booked now, if so.
    pub non_prenotabile: Option<String>,
    /// The Sede's free future slots (empty when not bookable).
    pub slot_liberi: Vec<SlotRow>,
    /// The booking in force for this richiesta.
    pub prenotazione: Option<PrenotazioneRow>,
}

/// `/agenda`: a user's bookings, or a Sede's slots for its operators.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Agenda {
    Utente { prenotazioni: Vec<PrenotazioneRow> },
    Sede { sede: String, slot: Vec<SlotRow> },
}

/// A Nota di debito ECA as the sanction calculator offers it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotaEca {
    pub id: i64,
    pub numero: String,
    pub scadenza: NaiveDate,
    pub importo: Money,
}

/// One rate of the dated tables (`tur` or `mora`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TassoRow {
    pub tipo: String,
    pub dal: NaiveDate,
    pub tasso: crate::domain::sanzioni::Tasso,
}

/// The page "Calcolo sanzioni ECA": the position's notes, and the computation asked for, if any.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SanzioniEca {
    pub note: Vec<NotaEca>,
    pub oggi: NaiveDate,
    /// The data computed on (with the nota's amount and deadline when one was chosen).
    pub dati: Option<crate::domain::sanzioni::Dati>,
    pub calcolo: Option<crate::domain::sanzioni::Calcolo>,
    /// Why the computation could not be made.
    pub errore: Option<String>,
}

/// A tracciato sent (Invio tracciati), as its receipt shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TracciatoRow {
    pub id: i64,
    pub protocollo: String,
    pub tipo: String,
    pub descrizione_tipo: String,
    pub nome_file: String,
    pub dimensione: i64,
    pub sha256: String,
    /// `ricevuto`, `elaborato` or `scartato`.
    pub stato: String,
    pub esito: String,
    pub ricevuto_at: i64,
    pub aggiornato_at: i64,
    pub utente: String,
}

/// The page "Invio tracciati": the types (code, description) and what was sent for the position.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TracciatiView {
    pub tipi: Vec<(String, String)>,
    pub tracciati: Vec<TracciatoRow>,
}

/// A contestazione of a Nota di debito, for its author and the Sede.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContestazioneRow {
    pub id: i64,
    pub protocollo: String,
    pub nota_id: i64,
    /// The nota's number.
    pub nota: String,
    pub posizione: String,
    pub motivi: String,
    pub allegati: Vec<String>,
    /// `presentata`, `accolta` or `respinta`.
    pub stato: String,
    pub risposta: String,
    pub presentata_at: i64,
    pub risposta_at: Option<i64>,
}

/// The page "Contestazione note di debito": the position's notes and the contestazioni filed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContestazioniView {
    pub note: Vec<NotaDebitoRow>,
    pub contestazioni: Vec<ContestazioneRow>,
}

/// A nota di debito on the contestazione page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotaDebitoRow {
    pub id: i64,
    pub numero: String,
    /// `Sistemazione` or `Regolarizzazione`.
    pub tipo: String,
    pub residuo_cents: i64,
    /// Whether the circular allows contesting it (`domain::contestazioni::contestabile`: regolarizzazioni only).
    pub contestabile: bool,
}

/// One problem of an imported ListaPosPA file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DmaErrore {
    pub codice_fiscale: String,
    pub periodo: String,
    pub elemento: String,
    pub codice: String,
    pub descrizione: String,
    /// A warning (`Gravita::Avviso`), not a blocking error.
    #[serde(default)]
    pub avviso: bool,
}

/// An import of a ListaPosPA file and its outcome.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DmaImportazione {
    pub id: i64,
    pub nome_file: String,
    /// The month declared (absent when the file was refused before its month could be read).
    pub periodo: Option<Period>,
    pub lavoratori: i64,
    pub numero_errori: i64,
    /// Of `numero_errori`, the warnings: an accepted file with warnings is "accettata con errori".
    #[serde(default)]
    pub avvisi: i64,
    pub accettata: bool,
    pub at: i64,
    /// The first problems (at most 1 000; `numero_errori` counts them all).
    pub errori: Vec<DmaErrore>,
}

/// The monthly declaration in force for a position and month: a new one for the same month replaces it
/// (a denuncia sostitutiva), and only once the user has confirmed so, naming this one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DenunciaInVigore {
    pub id: i64,
    pub periodo: Period,
    pub inviata_il: NaiveDate,
    pub protocollo: String,
}

impl DenunciaInVigore {
    /// What the user is told before a new declaration of the month replaces this one.
    pub fn avviso(&self) -> String {
        format!(
            "Per il periodo {} è già stata trasmessa una denuncia il {} (protocollo {}). Se conferma, la nuova \
             denuncia la sostituisce per intero (denuncia sostitutiva): quella già trasmessa resterà nell'elenco \
             come «sostituita» e non sarà più considerata, e i totali del mese saranno quelli della nuova. Per \
             correggere solo alcuni periodi precedenti invii invece una denuncia di variazione (periodi V1).",
            self.periodo,
            self.inviata_il.format("%d/%m/%Y"),
            self.protocollo
        )
    }
}

/// What sending a ListaPosPA declaration came to: an import (accepted or refused, by its id), or nothing yet
/// because the month already has a declaration in force and the user has not confirmed replacing it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum EsitoInvioDma {
    Importata(i64),
    DaConfermare(DenunciaInVigore),
}
