//! Which services of a position apply to it. The circular (§3) opens the Cassetto to the *Gestione dipendenti
//! pubblici* with a section of its own: the consultation of piani di ammortamento, DMA, note di debito and note
//! di debito ECA, and the management services (contestazione, calcolo sanzioni ECA, invio tracciati, DMA) are
//! that Gestione's, for the positions of public Enti. A private-sector position has versamenti and note di
//! rettifica, the Comunicazione bidirezionale and its dossier; it is offered nothing else, in the menu, on
//! the pages and in the server functions (which all read this one list).

use crate::sections::Section;

/// The Gestione of a position, from its Ente's sector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gestione {
    /// Gestione dipendenti pubblici (ex INPDAP): the Ente is a public administration.
    Pubblica,
    /// Gestione contributiva dei dipendenti privati.
    Privata,
}

impl Gestione {
    /// `enti.sector` as stored: `pubblico` or `privato`.
    pub fn of_sector(sector: &str) -> Gestione {
        if sector == "pubblico" { Gestione::Pubblica } else { Gestione::Privata }
    }
}

/// A service of the left menu of a position.
pub struct ServizioPosizione {
    pub slug: &'static str,
    pub label: &'static str,
    pub group: &'static str,
    /// Offered only to positions of the Gestione dipendenti pubblici.
    pub solo_pubblica: bool,
}

const fn servizio(
    slug: &'static str,
    label: &'static str,
    group: &'static str,
    solo_pubblica: bool,
) -> ServizioPosizione {
    ServizioPosizione { slug, label, group, solo_pubblica }
}

/// The services of a position's menu, in menu order.
pub const SERVIZI_POSIZIONE: &[ServizioPosizione] = &[
    servizio("contestazione-note-debito", "Contestazione note di debito", "Servizi di gestione", true),
    servizio("calcolo-sanzioni-eca", "Calcolo sanzioni ECA", "Servizi di gestione", true),
    servizio("invio-tracciati", "Invio tracciati", "Servizi di gestione", true),
    servizio("compilazione-dma", "Compilazione manuale DMA", "Servizi di gestione", true),
    servizio("importa-dma", "Invio denuncia DMA (file ListaPosPA)", "Servizi di gestione", true),
    servizio("comunicazione-bidirezionale", "Com. Bidirezionale", "Contatti", false),
    servizio("fascicolo", "Fascicolo aziendale", "Fascicolo", false),
];

pub fn servizio_posizione(slug: &str) -> Option<&'static ServizioPosizione> {
    SERVIZI_POSIZIONE.iter().find(|s| s.slug == slug)
}

/// Whether a consultation section applies to a position of `gestione` (child sections as their parent).
pub fn sezione_offerta(section: Section, gestione: Gestione) -> bool {
    gestione == Gestione::Pubblica
        || matches!(section.parent().unwrap_or(section), Section::Versamenti | Section::NoteRettifica)
}

/// Whether a service of the menu applies to a position of `gestione`; unknown slugs apply to none.
pub fn servizio_offerto(slug: &str, gestione: Gestione) -> bool {
    servizio_posizione(slug).is_some_and(|s| !s.solo_pubblica || gestione == Gestione::Pubblica)
}

/// The refusal of a service (or section), named by its label, on a private-sector position.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "«{0}» è un servizio della Gestione dipendenti pubblici: non è disponibile per le posizioni del settore privato."
)]
pub struct NonOfferto(pub String);

/// `Ok` if `slug` applies to `gestione`, the refusal otherwise.
pub fn check_servizio(slug: &str, gestione: Gestione) -> Result<(), NonOfferto> {
    if servizio_offerto(slug, gestione) {
        Ok(())
    } else {
        Err(NonOfferto(servizio_posizione(slug).map_or(slug, |s| s.label).to_string()))
    }
}

/// `Ok` if `section` applies to `gestione`, the refusal otherwise.
pub fn check_sezione(section: Section, gestione: Gestione) -> Result<(), NonOfferto> {
    if sezione_offerta(section, gestione) {
        Ok(())
    } else {
        Err(NonOfferto(section.parent().unwrap_or(section).spec().title.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_public_position_is_offered_everything() {
        for s in SERVIZI_POSIZIONE {
            assert!(servizio_offerto(s.slug, Gestione::Pubblica), "{}", s.slug);
        }
        for spec in Section::top_level() {
            assert!(sezione_offerta(spec.section, Gestione::Pubblica));
        }
    }

    #[test]
    fn a_private_position_keeps_versamenti_rettifiche_contacts_and_dossier_only() {
        let privati: Vec<&str> =
            SERVIZI_POSIZIONE.iter().filter(|s| servizio_offerto(s.slug, Gestione::Privata)).map(|s| s.slug).collect();
        assert_eq!(privati, ["comunicazione-bidirezionale", "fascicolo"]);
        let sezioni: Vec<&str> =
            Section::top_level().filter(|s| sezione_offerta(s.section, Gestione::Privata)).map(|s| s.slug).collect();
        assert_eq!(sezioni, ["versamenti", "note-rettifica"]);
        assert!(!sezione_offerta(Section::RatePiano, Gestione::Privata));
        assert!(!sezione_offerta(Section::DmaLavoratori, Gestione::Privata));
        assert!(!servizio_offerto("inventato", Gestione::Pubblica));
    }

    #[test]
    fn the_refusal_names_the_service_and_the_gestione() {
        let why = check_servizio("invio-tracciati", Gestione::Privata).expect_err("refused");
        assert_eq!(why, NonOfferto("Invio tracciati".into()));
        assert!(why.to_string().starts_with("«Invio tracciati» è un servizio della Gestione dipendenti pubblici"));
        let why = check_sezione(Section::DmaLavoratori, Gestione::Privata).expect_err("refused");
        assert!(why.0.starts_with("DMA"), "{why}");
        assert_eq!(Gestione::of_sector("pubblico"), Gestione::Pubblica);
        assert_eq!(Gestione::of_sector("privato"), Gestione::Privata);
    }
}
