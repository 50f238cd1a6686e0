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
    fn evidence_is_kept_five_years_after_the_end() {
        assert_eq!(evidence_retained_until(d(2026, 3, 31)), d(2031, 3, 31));
        assert_eq!(evidence_retained_until(d(2024, 2, 29)), d(2029, 2, 28));
    }
}
