//! Profiles and deleghe: the rules of circular 34/2023 §2 and §2.1, free of I/O.
//!
//! A user's profile "Azienda/Operatore servizi azienda" carries scopes, granted through form SC65
//! (employer) or SC62 (delegated employee, or an intermediary's employee). Form RA012 survives for the
//! legacy services the circular lists. Which scope a position needs depends on its sector.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The scopes of the profile "Azienda/Operatore servizi azienda".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Scope {
    DipendentiPrivati,
    DipendentiPubblici,
    MalattiaAttestati,
    MalattiaVisita,
}

impl Scope {
    pub const ALL: [Scope; 4] =
        [Scope::DipendentiPrivati, Scope::DipendentiPubblici, Scope::MalattiaAttestati, Scope::MalattiaVisita];

    pub fn code(self) -> &'static str {
        match self {
            Scope::DipendentiPrivati => "gc_privati",
            Scope::DipendentiPubblici => "gc_pubblici",
            Scope::MalattiaAttestati => "malattia_attestati",
            Scope::MalattiaVisita => "malattia_visita",
        }
    }

    pub fn parse(code: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Scope::DipendentiPrivati => "Gestione contributiva dipendenti privati",
            Scope::DipendentiPubblici => "Gestione contributiva dipendenti pubblici",
            Scope::MalattiaAttestati => "Malattia – consultazione attestati",
            Scope::MalattiaVisita => "Malattia – richiesta visita medica di controllo",
        }
    }

    /// The scope a delegated employee needs to operate on a position of this sector
    /// (`pubblico` / `privato`, as stored for the Ente).
    pub fn for_sector(sector: &str) -> Scope {
        if sector == "pubblico" { Scope::DipendentiPubblici } else { Scope::DipendentiPrivati }
    }
}

/// The services that keep form RA012 (circular §2: Note di debito Ente, contribuzione figurativa,
/// prestiti e riscossione crediti, TFR/TFS).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LegacyService {
    NoteDebitoBenefici,
    ContribuzioneFigurativa,
    Prestiti,
    TfrTfs,
}

impl LegacyService {
    pub const ALL: [LegacyService; 4] = [
        LegacyService::NoteDebitoBenefici,
        LegacyService::ContribuzioneFigurativa,
        LegacyService::Prestiti,
        LegacyService::TfrTfs,
    ];

    pub fn code(self) -> &'static str {
        match self {
            LegacyService::NoteDebitoBenefici => "note_debito_benefici",
            LegacyService::ContribuzioneFigurativa => "contribuzione_figurativa",
            LegacyService::Prestiti => "prestiti",
            LegacyService::TfrTfs => "tfr_tfs",
        }
    }

    pub fn parse(code: &str) -> Option<LegacyService> {
        LegacyService::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            LegacyService::NoteDebitoBenefici => "Note di debito Ente (benefici in sede di pensione e di TFS)",
            LegacyService::ContribuzioneFigurativa => "Contribuzione figurativa",
            LegacyService::Prestiti => "Prestiti, riscossione crediti",
            LegacyService::TfrTfs => "Gestione TFR/TFS",
        }
    }
}

/// The request forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ProfileForm {
    Sc65,
    Sc62,
    Ra012,
}

impl ProfileForm {
    pub const ALL: [ProfileForm; 3] = [ProfileForm::Sc65, ProfileForm::Sc62, ProfileForm::Ra012];

    pub fn code(self) -> &'static str {
        match self {
            ProfileForm::Sc65 => "SC65",
            ProfileForm::Sc62 => "SC62",
            ProfileForm::Ra012 => "RA012",
        }
    }

    pub fn parse(code: &str) -> Option<ProfileForm> {
        ProfileForm::ALL.into_iter().find(|f| f.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            ProfileForm::Sc65 => "SC65 – Datore di lavoro",
            ProfileForm::Sc62 => "SC62 – Dipendente delegato o dipendente dell'intermediario",
            ProfileForm::Ra012 => "RA012 – Servizi della Gestione dipendenti pubblici non inclusi nel Cassetto",
        }
    }
}

/// What a user asks for with one request, already checked against the form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestContent {
    Scopes(Vec<Scope>),
    Legacy(LegacyService),
}

/// Checks a profile request as filled in: SC65 and SC62 need at least one scope, RA012 exactly one
/// legacy service. Duplicated scopes are folded.
pub fn check_request(
    form: ProfileForm,
    scopes: &[String],
    legacy: Option<&str>,
) -> Result<RequestContent, &'static str> {
    match form {
        ProfileForm::Sc65 | ProfileForm::Sc62 => {
            let mut parsed = Vec::new();
            for code in scopes {
                let scope = Scope::parse(code).ok_or("Ambito del profilo non riconosciuto.")?;
                if !parsed.contains(&scope) {
                    parsed.push(scope);
                }
            }
            if parsed.is_empty() {
                return Err("Selezioni almeno un ambito del profilo.");
            }
            parsed.sort();
            Ok(RequestContent::Scopes(parsed))
        }
        ProfileForm::Ra012 => legacy
            .and_then(LegacyService::parse)
            .map(RequestContent::Legacy)
            .ok_or("Selezioni il servizio richiesto con il modello RA012."),
    }
}

/// Circular §2.1: until the day before the cut-over both the legacy entry ("Dipendenti pubblici: servizi
/// per amministrazioni, enti e aziende") and the Cassetto reach the GDP services; from the cut-over day
/// only the Cassetto does.
pub fn legacy_entry_open(today: NaiveDate, cutover: NaiveDate) -> bool {
    today < cutover
}

/// The default cut-over: "Dal 16 luglio 2023 sarà possibile accedere ai suddetti servizi solo attraverso
/// il nuovo Cassetto" (the transitional period runs to 15 July 2023 inclusive).
pub fn default_cutover() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 7, 16).unwrap_or(NaiveDate::MIN)
}

/// The delega OTP sent by PEC: how it is made and how long and how often it may be tried.
pub mod otp {
    /// Digits of the code: 10^8 values against at most `MAX_FAILED_ATTEMPTS` guesses.
    pub const DIGITS: usize = 8;
    /// The code travels to the Ente's PEC box and from the Ente to the intermediary by people, so it
    /// lives for days rather than minutes.
    pub const VALID_SECONDS: i64 = 72 * 60 * 60;
    /// Wrong entries before the code is dead; the intermediary must then ask for a new one.
    pub const MAX_FAILED_ATTEMPTS: i64 = 5;

    /// Normalises what the user typed: spaces and dashes dropped; `None` unless exactly DIGITS digits.
    pub fn normalise(typed: &str) -> Option<String> {
        let digits: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
        (digits.len() == DIGITS && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
    }
}

/// The intermediary must keep the signed form for the life of the delega and five years after it ends.
pub fn evidence_retained_until(ended_on: NaiveDate) -> NaiveDate {
    let year = ended_on.year() + 5;
    // 29 February ends on 28 February in a year that is not a leap year.
    NaiveDate::from_ymd_opt(year, ended_on.month(), ended_on.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, ended_on.month(), ended_on.day() - 1))
        .unwrap_or(ended_on)
}

/// The declaration the intermediary makes when activating a delega: circular 34/2023 §2b in full, in the
/// first person. Shown beside the box the intermediary ticks and stored, whole, in the activation event.
pub const DICHIARAZIONE_ATTIVAZIONE: &str = "Dichiaro, sotto la mia responsabilità, l'avvenuta sottoscrizione \
della delega da parte del delegante. Mi impegno a custodire presso di me la delega – unitamente a una fotocopia \
di un valido documento di identità del delegante – per tutto il periodo di durata della stessa, nonché nei \
cinque anni successivi, e a esibirla all'Istituto su richiesta.";

/// How many days ahead `/deleghe` warns an intermediary that a delega of theirs is ending (a notice, so
/// the renewal's PEC and OTP can go round before the end; not a legal term).
pub const EXPIRY_NOTICE_DAYS: u64 = 30;

/// The period of a delega: from `from` to `until` inclusive, or until revoked (`until` = `None`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegaPeriod {
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

impl DelegaPeriod {
    /// In Italian, as printed on the form and the PEC: "dal 01/02/2027 al 31/01/2028" or
    /// "dal 01/02/2027 fino a revoca".
    pub fn describe(&self) -> String {
        let from = self.from.format("%d/%m/%Y");
        match self.until {
            Some(until) => format!("dal {from} al {}", until.format("%d/%m/%Y")),
            None => format!("dal {from} fino a revoca"),
        }
    }

    /// Whether the delega is in force on `day`.
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.from <= day && self.until.is_none_or(|u| day <= u)
    }
}

/// A date as typed in a form: ISO `AAAA-MM-GG` (what a date input sends) or `GG/MM/AAAA`.
pub fn parse_form_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y")).ok()
}

/// Why the period or the services of an intermediary delega are refused (the message is the Italian one the
/// form shows).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DelegaRifiutata {
    #[error("La data di inizio della delega non è valida (GG/MM/AAAA).")]
    InizioNonValido,
    #[error("La delega non può decorrere da una data passata.")]
    InizioPassato,
    #[error("La data di fine della delega non è valida (GG/MM/AAAA).")]
    FineNonValida,
    #[error("La data di fine della delega precede quella di inizio.")]
    FinePrimaDellInizio,
    #[error("Servizio delegato non riconosciuto.")]
    ServizioSconosciuto,
    #[error("La Gestione contributiva dipendenti privati non riguarda la posizione di un Ente pubblico.")]
    PrivatiSuEntePubblico,
    #[error("La Gestione contributiva dipendenti pubblici non riguarda la posizione di un datore privato.")]
    PubbliciSuDatorePrivato,
    #[error("Indichi almeno un servizio delegato.")]
    NessunServizio,
}

/// Checks the period an intermediary asks for: it starts today or later (a delega does not act in the past),
/// and ends on or after its start unless it runs until revoked. `until` empty means until revoked.
pub fn check_delega_period(from: &str, until: &str, today: NaiveDate) -> Result<DelegaPeriod, DelegaRifiutata> {
    let from =
        if from.trim().is_empty() { today } else { parse_form_date(from).ok_or(DelegaRifiutata::InizioNonValido)? };
    if from < today {
        return Err(DelegaRifiutata::InizioPassato);
    }
    let until = if until.trim().is_empty() {
        None
    } else {
        Some(parse_form_date(until).ok_or(DelegaRifiutata::FineNonValida)?)
    };
    if until.is_some_and(|u| u < from) {
        return Err(DelegaRifiutata::FinePrimaDellInizio);
    }
    Ok(DelegaPeriod { from, until })
}

/// Checks the services an intermediary delega covers: at least one, each a scope of the profile, and the
/// Gestione contributiva only of the Ente's own sector (a public Ente has no *dipendenti privati* to
/// delegate, and the other way round). Duplicates are folded; the result is sorted.
pub fn check_delega_services(sector: &str, codes: &[String]) -> Result<Vec<Scope>, DelegaRifiutata> {
    let mut services = Vec::new();
    for code in codes {
        let scope = Scope::parse(code.trim()).ok_or(DelegaRifiutata::ServizioSconosciuto)?;
        let other_gestione = match scope {
            Scope::DipendentiPrivati | Scope::DipendentiPubblici => scope != Scope::for_sector(sector),
            Scope::MalattiaAttestati | Scope::MalattiaVisita => false,
        };
        if other_gestione {
            return Err(if sector == "pubblico" {
                DelegaRifiutata::PrivatiSuEntePubblico
            } else {
                DelegaRifiutata::PubbliciSuDatorePrivato
            });
        }
        if !services.contains(&scope) {
            services.push(scope);
        }
    }
    if services.is_empty() {
        return Err(DelegaRifiutata::NessunServizio);
    }
    services.sort();
    Ok(services)
}

/// The kinds of delega of circular §2: to an employee of the datore, to an intermediary, and an
/// intermediary's sub-delega to one of its employees. Stored and sent as `dipendente`, `intermediario`,
/// `subdelega`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TipoDelega {
    Dipendente,
    Intermediario,
    Subdelega,
}

/// The states of a delega. `InAttesa`, `Attiva` and `Revocata` are stored; `Scaduta` is stored or read off an
/// ended period (`delega_status_on`); `Decaduta` is only read: a sub-delega whose delega has ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatoDelega {
    InAttesa,
    Attiva,
    Revocata,
    Scaduta,
    Decaduta,
}

/// A stored word that names no kind or state of delega.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("valore sconosciuto per una delega: {0:?}")]
pub struct ValoreDelegaSconosciuto(pub String);

impl TipoDelega {
    pub fn as_str(self) -> &'static str {
        match self {
            TipoDelega::Dipendente => "dipendente",
            TipoDelega::Intermediario => "intermediario",
            TipoDelega::Subdelega => "subdelega",
        }
    }
}

impl StatoDelega {
    pub fn as_str(self) -> &'static str {
        match self {
            StatoDelega::InAttesa => "in_attesa",
            StatoDelega::Attiva => "attiva",
            StatoDelega::Revocata => "revocata",
            StatoDelega::Scaduta => "scaduta",
            StatoDelega::Decaduta => "decaduta",
        }
    }
}

impl TryFrom<String> for TipoDelega {
    type Error = ValoreDelegaSconosciuto;
    fn try_from(stored: String) -> Result<Self, Self::Error> {
        [TipoDelega::Dipendente, TipoDelega::Intermediario, TipoDelega::Subdelega]
            .into_iter()
            .find(|t| t.as_str() == stored)
            .ok_or(ValoreDelegaSconosciuto(stored))
    }
}

impl TryFrom<String> for StatoDelega {
    type Error = ValoreDelegaSconosciuto;
    fn try_from(stored: String) -> Result<Self, Self::Error> {
        use StatoDelega::*;
        [InAttesa, Attiva, Revocata, Scaduta, Decaduta]
            .into_iter()
            .find(|s| s.as_str() == stored)
            .ok_or(ValoreDelegaSconosciuto(stored))
    }
}

/// The status a delega has on `today`: a stored `attiva` or `in_attesa` whose period ended before today is
/// `scaduta` (nothing is rewritten when the end passes; every reading applies this).
pub fn delega_status_on(stored: StatoDelega, valid_until: Option<NaiveDate>, today: NaiveDate) -> StatoDelega {
    match stored {
        StatoDelega::Attiva | StatoDelega::InAttesa if valid_until.is_some_and(|u| u < today) => StatoDelega::Scaduta,
        other => other,
    }
}

/// A sub-delega's state as its parties see it, from its own state and its parent's (each as
/// `delega_status_on` gives it): active on its own, it has ended with the delega it stems from, which alone
/// gives it reach (circular §2b).
pub fn subdelega_status(own: StatoDelega, parent: StatoDelega) -> StatoDelega {
    match own {
        StatoDelega::Attiva if parent != StatoDelega::Attiva => StatoDelega::Decaduta,
        other => other,
    }
}

/// Whether an active delega ending on `valid_until` falls within the expiry notice on `today`.
pub fn expiring_soon(valid_until: Option<NaiveDate>, today: NaiveDate) -> bool {
    valid_until.is_some_and(|u| u >= today && u <= today + chrono::Days::new(EXPIRY_NOTICE_DAYS))
}

/// The first day of a renewal: the day after the renewed delega ends, so the two never overlap and reach
/// does not lapse in between.
pub fn renewal_start(renewed_until: NaiveDate) -> NaiveDate {
    renewed_until.succ_opt().unwrap_or(renewed_until)
}

/// The categories of intermediary of L. 12/1979 art. 1, as in the Albo register import.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AlboCategory {
    ConsulenteLavoro,
    Commercialista,
    Avvocato,
}

impl AlboCategory {
    pub const ALL: [AlboCategory; 3] =
        [AlboCategory::ConsulenteLavoro, AlboCategory::Commercialista, AlboCategory::Avvocato];

    pub fn code(self) -> &'static str {
        match self {
            AlboCategory::ConsulenteLavoro => "consulente_lavoro",
            AlboCategory::Commercialista => "commercialista",
            AlboCategory::Avvocato => "avvocato",
        }
    }

    pub fn parse(code: &str) -> Option<AlboCategory> {
        AlboCategory::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            AlboCategory::ConsulenteLavoro => "Consulente del lavoro",
            AlboCategory::Commercialista => "Dottore commercialista / esperto contabile",
            AlboCategory::Avvocato => "Avvocato",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn transitional_period_ends_the_day_before_the_cutover() {
        let cutover = default_cutover();
        assert_eq!(cutover, d(2023, 7, 16));
        assert!(legacy_entry_open(d(2023, 7, 15), cutover));
        assert!(!legacy_entry_open(d(2023, 7, 16), cutover));
        assert!(!legacy_entry_open(d(2026, 1, 1), cutover));
    }

    #[test]
    fn requests_are_checked_against_their_form() {
        let scopes = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            check_request(ProfileForm::Sc62, &scopes(&["gc_pubblici", "gc_pubblici"]), None),
            Ok(RequestContent::Scopes(vec![Scope::DipendentiPubblici]))
        );
        assert!(check_request(ProfileForm::Sc65, &[], None).is_err());
        assert!(check_request(ProfileForm::Sc65, &scopes(&["root"]), None).is_err());
        assert_eq!(
            check_request(ProfileForm::Ra012, &[], Some("prestiti")),
            Ok(RequestContent::Legacy(LegacyService::Prestiti))
        );
        assert!(check_request(ProfileForm::Ra012, &[], None).is_err());
        assert!(check_request(ProfileForm::Ra012, &[], Some("altro")).is_err());
    }

    #[test]
    fn sector_decides_the_scope_a_delegated_employee_needs() {
        assert_eq!(Scope::for_sector("pubblico"), Scope::DipendentiPubblici);
        assert_eq!(Scope::for_sector("privato"), Scope::DipendentiPrivati);
    }

    #[test]
    fn otp_input_is_normalised_strictly() {
        assert_eq!(otp::normalise("1234 5678").as_deref(), Some("12345678"));
        assert_eq!(otp::normalise("1234-5678").as_deref(), Some("12345678"));
        assert_eq!(otp::normalise("1234567"), None);
        assert_eq!(otp::normalise("1234567a"), None);
        assert_eq!(otp::normalise("１２３４５６７８"), None);
    }

    #[test]
    fn the_declaration_is_the_circulars_whole_text() {
        for part in [
            "sotto la mia responsabilità",
            "avvenuta sottoscrizione",
            "fotocopia di un valido documento di identità del delegante",
            "per tutto il periodo di durata della stessa, nonché nei cinque anni successivi",
            "esibirla all'Istituto su richiesta",
        ] {
            assert!(DICHIARAZIONE_ATTIVAZIONE.contains(part), "missing {part:?}");
        }
        assert!(!DICHIARAZIONE_ATTIVAZIONE.contains("  "), "line continuations leave no double spaces");
    }

    #[test]
    fn a_delega_period_starts_today_or_later_and_ends_after_it_starts() {
        let today = d(2026, 12, 2);
        assert_eq!(check_delega_period("", "", today), Ok(DelegaPeriod { from: today, until: None }));
        assert_eq!(
            check_delega_period("2027-01-01", "31/12/2027", today),
            Ok(DelegaPeriod { from: d(2027, 1, 1), until: Some(d(2027, 12, 31)) })
        );
        assert!(check_delega_period("2026-12-01", "", today).is_err(), "in the past");
        assert!(check_delega_period("2027-01-01", "2026-12-31", today).is_err(), "ends before it starts");
        assert!(check_delega_period("32/01/2027", "", today).is_err());
        assert!(check_delega_period("", "domani", today).is_err());
        let p = DelegaPeriod { from: d(2027, 1, 1), until: Some(d(2027, 12, 31)) };
        assert_eq!(p.describe(), "dal 01/01/2027 al 31/12/2027");
        assert_eq!(DelegaPeriod { from: d(2027, 1, 1), until: None }.describe(), "dal 01/01/2027 fino a revoca");
        assert!(!p.covers(d(2026, 12, 31)) && p.covers(d(2027, 1, 1)) && p.covers(d(2027, 12, 31)));
        assert!(!p.covers(d(2028, 1, 1)));
    }

    #[test]
    fn delegated_services_fit_the_entes_sector() {
        let codes = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            check_delega_services("pubblico", &codes(&["malattia_visita", "gc_pubblici", "gc_pubblici"])),
            Ok(vec![Scope::DipendentiPubblici, Scope::MalattiaVisita])
        );
        assert!(check_delega_services("pubblico", &codes(&["gc_privati"])).is_err());
        assert!(check_delega_services("privato", &codes(&["gc_pubblici"])).is_err());
        assert!(check_delega_services("privato", &[]).is_err());
        assert!(check_delega_services("privato", &codes(&["tutto"])).is_err());
    }

    #[test]
    fn a_delega_past_its_end_is_scaduta_and_the_notice_covers_thirty_days() {
        use StatoDelega::*;
        let today = d(2026, 12, 2);
        assert_eq!(delega_status_on(Attiva, Some(d(2026, 12, 1)), today), Scaduta);
        assert_eq!(delega_status_on(InAttesa, Some(d(2026, 12, 1)), today), Scaduta);
        assert_eq!(delega_status_on(Attiva, Some(today), today), Attiva, "the last day is still in force");
        assert_eq!(delega_status_on(Attiva, None, today), Attiva);
        assert_eq!(delega_status_on(Revocata, Some(d(2026, 1, 1)), today), Revocata);
        assert!(expiring_soon(Some(today), today));
        assert!(expiring_soon(Some(d(2027, 1, 1)), today));
        assert!(!expiring_soon(Some(d(2027, 1, 2)), today));
        assert!(!expiring_soon(Some(d(2026, 12, 1)), today));
        assert!(!expiring_soon(None, today));
        assert_eq!(renewal_start(d(2027, 12, 31)), d(2028, 1, 1));
    }

    #[test]
    fn kinds_and_states_read_back_the_stored_words() {
        for stato in [StatoDelega::InAttesa, StatoDelega::Attiva, StatoDelega::Revocata, StatoDelega::Scaduta] {
            assert_eq!(StatoDelega::try_from(stato.as_str().to_string()), Ok(stato));
            assert_eq!(serde_json::to_value(stato).expect("json"), stato.as_str(), "the wire word is the stored word");
        }
        assert_eq!(TipoDelega::try_from("subdelega".to_string()), Ok(TipoDelega::Subdelega));
        assert!(TipoDelega::try_from("Subdelega".to_string()).is_err());
        assert!(StatoDelega::try_from("sospesa".to_string()).is_err());
    }

    #[test]
    fn evidence_is_kept_five_years_after_the_end() {
        assert_eq!(evidence_retained_until(d(2026, 3, 31)), d(2031, 3, 31));
        assert_eq!(evidence_retained_until(d(2024, 2, 29)), d(2029, 2, 28));
    }

    #[test]
    fn a_subdelega_ends_with_its_delega() {
        use StatoDelega::*;
        assert_eq!(subdelega_status(Attiva, Attiva), Attiva);
        assert_eq!(subdelega_status(Attiva, Revocata), Decaduta);
        assert_eq!(subdelega_status(Attiva, Scaduta), Decaduta);
        assert_eq!(subdelega_status(Revocata, Revocata), Revocata);
        assert_eq!(subdelega_status(Scaduta, Attiva), Scaduta);
    }
}
