//! Who the caller is and the doors of the login page.

use serde::{Deserialize, Serialize};

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
