//! The demo data set: several Sedi, three dozen Enti (public and private) with years of history in
//! every consultation section, one user per role and deleghe that make the reachable sets differ.
//! Deterministic: the same data on every run and every backend, so tests can name what they expect.

pub mod scale;

use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use sqlx::Any;

use super::db::Db;
use super::identity::{self, NewUser};
use crate::domain::codice_fiscale::CodiceFiscale;
use crate::domain::partita_iva::PartitaIva;
use crate::domain::period::Period;
use crate::domain::position_code::PositionCode;
use crate::model::Role;

/// The password of every demo account (also in the README). Demo data only.
pub const DEMO_PASSWORD: &str = "Cassetto.Demo.2026";

/// A demo account: (role, first 15 characters of the codice fiscale, name, index of the Sede).
pub struct DemoAccount {
    pub role: Role,
    pub cf15: &'static str,
    pub full_name: &'static str,
    /// For operators and IDMs: the index of their Sede in `SEDI`.
    pub sede: usize,
}

pub const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount { role: Role::Datore, cf15: "RSSMRA70A01H501", full_name: "Mario Rossi", sede: 0 },
    DemoAccount { role: Role::Delegato, cf15: "BNCLRA85M41F205", full_name: "Laura Bianchi", sede: 0 },
    DemoAccount { role: Role::Intermediario, cf15: "VRDGPP65C10L219", full_name: "Giuseppe Verdi", sede: 0 },
    DemoAccount { role: Role::Subdelegato, cf15: "NRENNA90D45H501", full_name: "Anna Neri", sede: 0 },
    DemoAccount { role: Role::Operatore, cf15: "GLLPLA75E15H501", full_name: "Paolo Gallo", sede: 0 },
    DemoAccount { role: Role::Idm, cf15: "CNTSRA80H50H501", full_name: "Sara Conti", sede: 0 },
    DemoAccount { role: Role::Admin, cf15: "FRRLCU72L20H501", full_name: "Luca Ferri", sede: 0 },
    // A second employer, whose Enti are "foreign" to everyone above.
    DemoAccount { role: Role::Datore, cf15: "MRNFNC68S60F839", full_name: "Franca Marino", sede: 0 },
    // An employee of Comune di Roccaverde still waiting for the SC62 profile (a pending request).
    DemoAccount { role: Role::Delegato, cf15: "SPSMRC82B15H501", full_name: "Marco Esposito", sede: 0 },
    // An operator of another Sede (Milano Nord): Roma Eur's positions are not hers to read.
    DemoAccount { role: Role::Operatore, cf15: "FNTLNE78P55F205", full_name: "Elena Fontana", sede: 1 },
    // A person with an account but no profile yet (as a first SPID/CIE login leaves one): reaches nothing.
    DemoAccount { role: Role::Nessuno, cf15: "RMNGLI88C50H501", full_name: "Giulia Romano", sede: 0 },
];

/// The TOTP secret of a demo account, derived from its codice fiscale so the README and the
/// tests can compute codes. Never used for real accounts (`user add` draws a random one).
pub fn demo_totp_secret(codice_fiscale: &str) -> Vec<u8> {
    let mut secret = format!("demo-totp-{codice_fiscale}").into_bytes();
    secret.resize(20, b'0');
    secret.truncate(20);
    secret
}

/// Whether `codice_fiscale` is one of the seeded demo accounts (demo mode shows codes for these only).
pub fn is_demo_account(codice_fiscale: &str) -> bool {
    DEMO_ACCOUNTS.iter().any(|a| demo_cf(a).is_ok_and(|cf| cf.as_str() == codice_fiscale))
}

pub fn demo_cf(account: &DemoAccount) -> anyhow::Result<CodiceFiscale> {
    CodiceFiscale::with_check(account.cf15).map_err(|e| anyhow::anyhow!("demo codice fiscale {}: {e}", account.cf15))
}

/// The demo's Sedi: (code, name, city, province, Belfiore code of the city). Each Ente is handled by the Sede
/// of its province (`sede_of_ente`), and its address is in that province.
const SEDI: &[(&str, &str, &str, &str, &str)] = &[
    ("7001", "Roma Eur", "Roma", "RM", "H501"),
    ("4900", "Milano Nord", "Milano", "MI", "F205"),
    ("5100", "Napoli Centro", "Napoli", "NA", "F839"),
    ("8100", "Torino Sud", "Torino", "TO", "L219"),
    ("1300", "Bologna", "Bologna", "BO", "A944"),
];

/// The index in `SEDI` of the Sede handling Ente `i` (in the order public, private, State): by default in
/// turn, but an Ente whose name places it (an ASL of Rome, a town by the sea, a Lombard mill, an Adriatic
/// haulier) is handled where it is.
fn sede_of_ente(i: usize, name: &str) -> usize {
    match name {
        "Azienda Sanitaria Locale Roma 9" => 0,
        "Comune di Castelnuovo Mare" => 2,
        "Tessitura Lombarda S.r.l." => 1,
        "Trasporti Adriatici S.p.A." => 4,
        // The State's office in the province of the Provincia di Monteleone.
        _ if name.ends_with("di Monteleone") => 1,
        _ => i % SEDI.len(),
    }
}

/// State administrations: their contributions reach INPS through the Banca d'Italia (tesoreria), not F24.
/// After the other Enti, so that theirs keep the codes and data they always had.
const STATE_NAMES: &[&str] = &["Prefettura – Ufficio territoriale del Governo di Monteleone"];

/// What kind of employer an Ente is: how it pays and how many people it employs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TipoEnte {
    Comune,
    /// Istituti scolastici: not obliged to F24 EP, they pay the Gestione pubblica on the F24 ordinario
    /// (docs/domain.md §5.1: codice ente 003, codice sede = the province's initials).
    Scuola,
    /// Amministrazioni dello Stato: through the Banca d'Italia.
    Stato,
    /// Every other public body: F24 EP (docs/domain.md §5.2).
    AltroPubblico,
    Privata,
}

impl TipoEnte {
    pub(super) fn of(name: &str, public: bool) -> TipoEnte {
        if !public {
            TipoEnte::Privata
        } else if STATE_NAMES.contains(&name) {
            TipoEnte::Stato
        } else if name.starts_with("Comune di ") {
            TipoEnte::Comune
        } else if ["Istituto Comprensivo", "Istituto Tecnico", "Liceo"].iter().any(|p| name.starts_with(p)) {
            TipoEnte::Scuola
        } else {
            TipoEnte::AltroPubblico
        }
    }

    /// The channel of its payments, as `versamenti.channel`.
    pub(super) fn canale(self) -> &'static str {
        match self {
            TipoEnte::Privata | TipoEnte::Scuola => "F24",
            TipoEnte::Stato => "BANCA_ITALIA",
            TipoEnte::Comune | TipoEnte::AltroPubblico => "F24EP",
        }
    }
}

/// The head count of an Ente's main position (a secondary position has a quarter of it): of the order of
/// its kind — a small Comune a few dozen, a school the few it pays itself (supply staff; the rest are paid
/// by the State), a health authority or a university hundreds. Bounded so that every test can seed the demo.
fn organico(i: usize, name: &str) -> usize {
    let by_name: &[(&str, usize)] = &[
        ("Azienda Sanitaria Locale", 260),
        ("Azienda Ospedaliera", 190),
        ("Università", 210),
        ("Provincia di", 95),
        ("Camera di Commercio", 48),
        ("Consorzio", 22),
        ("Agenzia Regionale", 64),
        ("Unione dei Comuni", 9),
        ("Ente Parco", 12),
        ("Azienda Servizi alla Persona", 35),
        ("Prefettura", 70),
    ];
    match by_name.iter().find(|(prefix, _)| name.starts_with(prefix)) {
        Some((_, n)) => *n,
        None if name.starts_with("Comune di ") => 14 + (i * 7) % 35,
        None => 6 + i % 6,
    }
}

/// The town in an Ente's address: a Comune's own, a Provincia's or Camera di Commercio's seat, otherwise
/// the Sede's city.
fn comune_di(name: &str, sede_city: &'static str) -> String {
    ["Comune di ", "Provincia di ", "Camera di Commercio di "]
        .iter()
        .find_map(|p| name.strip_prefix(p))
        .map(str::to_string)
        .unwrap_or_else(|| sede_city.to_string())
}

const COGNOMI: &[&str] = &[
    "Rossi",
    "Russo",
    "Ferrari",
    "Esposito",
    "Bianchi",
    "Romano",
    "Colombo",
    "Bruno",
    "Gallo",
    "Conti",
    "Mancini",
    "Costa",
    "Giordano",
    "Rizzo",
    "Lombardi",
    "Moretti",
    "Barbieri",
    "Fontana",
    "Santoro",
    "Mariani",
    "Rinaldi",
    "Caruso",
    "Ferrara",
    "Galli",
    "Martini",
    "Leone",
    "Longo",
    "Gentile",
    "Martinelli",
    "Vitale",
];
/// (name, female).
const NOMI: &[(&str, bool)] = &[
    ("Francesco", false),
    ("Sofia", true),
    ("Alessandro", false),
    ("Giulia", true),
    ("Lorenzo", false),
    ("Aurora", true),
    ("Matteo", false),
    ("Alice", true),
    ("Leonardo", false),
    ("Ginevra", true),
    ("Gabriele", false),
    ("Emma", true),
    ("Riccardo", false),
    ("Beatrice", true),
    ("Tommaso", false),
    ("Chiara", true),
    ("Edoardo", false),
    ("Martina", true),
    ("Giovanni", false),
    ("Sara", true),
    ("Antonio", false),
    ("Elena", true),
    ("Paolo", false),
    ("Anna", true),
    ("Stefano", false),
    ("Paola", true),
    ("Roberto", false),
    ("Silvia", true),
    ("Daniele", false),
    ("Laura", true),
];

/// The three letters of a surname (consonants, then vowels, then X) or of a name (the same, except that a name
/// of four or more consonants gives the first, third and fourth), as the codice fiscale writes them.
fn cf_letters(word: &str, name: bool) -> String {
    let upper: Vec<char> = word.to_ascii_uppercase().chars().filter(char::is_ascii_alphabetic).collect();
    let consonants: Vec<char> = upper.iter().copied().filter(|c| !"AEIOU".contains(*c)).collect();
    if name && consonants.len() >= 4 {
        return [consonants[0], consonants[2], consonants[3]].iter().collect();
    }
    let vowels = upper.iter().copied().filter(|c| "AEIOU".contains(*c));
    consonants.iter().copied().chain(vowels).chain(std::iter::repeat('X')).take(3).collect()
}

/// Worker `k` of the demo (an employee of position `n`, born in the Sede's city): the first ones are the
/// named `WORKERS`, the others are made up from common names, each with a codice fiscale that follows the
/// rules of its name, sex and birth date.
fn lavoratore(k: usize, belfiore: &str) -> anyhow::Result<(String, String)> {
    if let Some((cf15, name)) = WORKERS.get(k) {
        let cf = CodiceFiscale::with_check(cf15).map_err(|e| anyhow::anyhow!("{e}"))?;
        return Ok((cf.as_str().to_string(), name.to_string()));
    }
    let cognome = COGNOMI[k % COGNOMI.len()];
    let (nome, female) = NOMI[(k / COGNOMI.len() + k) % NOMI.len()];
    let year = 60 + (k * 7) % 40;
    let month = "ABCDEHLMPRST".as_bytes()[k % 12] as char;
    let day = 1 + (k * 13) % 28 + if female { 40 } else { 0 };
    let cf15 = format!("{}{}{year:02}{month}{day:02}{belfiore}", cf_letters(cognome, false), cf_letters(nome, true));
    let cf = CodiceFiscale::with_check(&cf15).map_err(|e| anyhow::anyhow!("worker {cf15}: {e}"))?;
    Ok((cf.as_str().to_string(), format!("{nome} {cognome}")))
}

const PUBLIC_NAMES: &[&str] = &[
    "Comune di Roccaverde",
    "Comune di Valfiorita",
    "Istituto Comprensivo Leonardo",
    "Azienda Sanitaria Locale Roma 9",
    "Università degli Studi di Castelmare",
    "Comune di Pietrascura",
    "Provincia di Monteleone",
    "Comune di Borgo San Vito",
    "Camera di Commercio di Lagomaggiore",
    "Azienda Ospedaliera San Luca",
    "Comune di Acquaviva Alta",
    "Istituto Tecnico Galilei",
    "Comune di Serralunga",
    "Consorzio di Bonifica Piana Verde",
    "Comune di Torre del Colle",
    "Agenzia Regionale Ambiente",
    "Comune di Fontebella",
    "Liceo Scientifico Fermi",
    "Comune di Castelnuovo Mare",
    "Unione dei Comuni Val d'Alpe",
    "Comune di Poggio Sereno",
    "Ente Parco Monti Azzurri",
    "Comune di Rivalta Bassa",
    "Azienda Servizi alla Persona Aurora",
];

const PRIVATE_NAMES: &[&str] = &[
    "Officine Meccaniche Bianchi S.r.l.",
    "Panificio Da Nino S.n.c.",
    "Trasporti Adriatici S.p.A.",
    "Studio Grafico Linea S.r.l.",
    "Cooperativa Sociale Il Faro",
    "Albergo Belvedere S.r.l.",
    "Costruzioni Edili Moretti S.p.A.",
    "Farmacia Centrale S.a.s.",
    "Tessitura Lombarda S.r.l.",
    "Ristorante La Pergola S.r.l.",
    "Logistica Padana S.p.A.",
    "Informatica Futura S.r.l.",
];

const WORKERS: &[(&str, &str)] = &[
    ("FRNGLI80A41H501", "Giulia Fornari"),
    ("CSTMRC75B12F205", "Marco Costa"),
    ("PLLSFN82C50L219", "Stefania Pellegrini"),
    ("RCCNDR79D14F839", "Andrea Ricci"),
    ("MNTFRC88E55A944", "Federica Montanari"),
    ("GRCLSN71H20H501", "Alessandro Greco"),
    ("BRBVLR83L62F205", "Valeria Barbieri"),
    ("LMBDVD77M03L219", "Davide Lombardi"),
    ("SRRCHR86P48A944", "Chiara Serra"),
    ("DNGMTT90R11F839", "Matteo De Angelis"),
    ("FNTLCU84S22H501", "Luca Fontana"),
    ("CRSSLV78T67F205", "Silvia Caruso"),
];

const DELEGHE_COLUMNS: &[&str] =
    &["kind", "position_id", "grantor_user_id", "grantee_user_id", "parent_id", "status", "valid_from", "revoked_on"];

/// Deterministic pseudo-random numbers (SplitMix64): the demo data must not change between runs.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// `base` varied by up to ±`pct` percent.
    pub(super) fn around(&mut self, base: i64, pct: i64) -> i64 {
        let spread = base * pct / 100;
        base - spread + (self.below((2 * spread + 1).max(1) as u64) as i64)
    }
}

/// A value for a batched insert.
pub(super) enum V {
    I(i64),
    T(String),
    /// A null text; PostgreSQL wants nulls typed like their column.
    Null,
    NullInt,
}

/// Inserts rows in batches of multi-row `INSERT`s: one round trip per batch, on both backends.
pub(super) async fn insert_rows(
    tx: &mut sqlx::Transaction<'static, Any>,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<V>>,
) -> anyhow::Result<()> {
    for chunk in rows.chunks(200) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut n = 0;
        for (r, row) in chunk.iter().enumerate() {
            if r > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for c in 0..row.len() {
                n += 1;
                if c > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("${n}"));
            }
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for row in chunk {
            for v in row {
                q = match v {
                    V::I(i) => q.bind(*i),
                    V::T(s) => q.bind(s.as_str()),
                    V::Null => q.bind(Option::<String>::None),
                    V::NullInt => q.bind(Option::<i64>::None),
                };
            }
        }
        q.execute(&mut **tx).await.with_context(|| format!("inserting into {table}"))?;
    }
    Ok(())
}

/// Whether the database already holds data (the run command seeds only an empty one).
pub async fn is_empty(db: &Db) -> anyhow::Result<bool> {
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(db.pool()).await?;
    Ok(users == 0)
}

/// The day the demo history ends (and "today" for the demo's statuses).
pub fn demo_end() -> anyhow::Result<Period> {
    Period::new(2026, 10).map_err(|e| anyhow::anyhow!("{e}"))
}

/// The month after `p` (the demo's months are far from the 2100 limit).
fn next(p: Period) -> Period {
    p.next().unwrap_or(p)
}

pub(super) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

pub(super) fn iso(d: NaiveDate) -> String {
    super::db::iso_date(d)
}

/// Loads the demo data set into an empty, migrated database.
pub async fn seed_demo(db: &Db) -> anyhow::Result<()> {
    anyhow::ensure!(is_empty(db).await?, "the database is not empty: demo data is loaded only into a new database");
    let mut rng = Rng(20230331);

    // Users first (hashing is slow and must not hold the write transaction).
    let (sede_ids, user_ids) = seed_sedi_e_utenti(db).await?;
    let (mario, laura, giuseppe, anna, franca, marco) =
        (user_ids[0], user_ids[1], user_ids[2], user_ids[3], user_ids[7], user_ids[8]);

    let mut tx = db.begin_write().await?;
    let end = demo_end()?;
    let start = Period::new(2021, 1).map_err(|e| anyhow::anyhow!("{e}"))?;

    let positions = seed_enti(&mut tx, &sede_ids, mario, franca).await?;
    seed_deleghe(&mut tx, &positions, [mario, laura, giuseppe, anna]).await?;
    seed_profiles(&mut tx, &sede_ids, [mario, laura, giuseppe, anna, franca, marco]).await?;
    seed_feedback(&mut tx, &mut rng, [mario, laura, giuseppe, anna]).await?;
    seed_storico(&mut tx, &mut rng, &positions, start, end).await?;
    seed_dma(&mut tx, &mut rng, &positions, end).await?;
    numera_protocolli_dma(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Seeds the Sedi and the demo accounts; returns their ids, in the order of `SEDI` and of `DEMO_ACCOUNTS`.
async fn seed_sedi_e_utenti(db: &Db) -> anyhow::Result<(Vec<i64>, Vec<i64>)> {
    let mut sede_ids = Vec::new();
    for (code, name, city, _, _) in SEDI {
        let id: i64 = sqlx::query_scalar("INSERT INTO sedi (code, name, city) VALUES ($1, $2, $3) RETURNING id")
            .bind(*code)
            .bind(*name)
            .bind(*city)
            .fetch_one(db.pool())
            .await?;
        sede_ids.push(id);
    }
    let mut user_ids = Vec::new();
    for account in DEMO_ACCOUNTS {
        let cf = demo_cf(account)?;
        let sede_id = matches!(account.role, Role::Operatore | Role::Idm).then_some(sede_ids[account.sede]);
        let employer = if account.role == Role::Subdelegato { user_ids.get(2).copied() } else { None };
        let email = format!("{}@demo.cassetto.example", account.full_name.to_lowercase().replace(' ', "."));
        let id = identity::add_user(
            db,
            &NewUser {
                codice_fiscale: cf.as_str(),
                full_name: account.full_name,
                role: account.role,
                email: Some(&email),
                sede_id,
                employer_user_id: employer,
                password: DEMO_PASSWORD,
                totp_secret: &demo_totp_secret(cf.as_str()),
            },
        )
        .await?;
        user_ids.push(id);
    }
    // Both demo operators may open the Fascicolo Elettronico of their Sede's positions; the IDM can revoke it.
    sqlx::query("UPDATE users SET fascicolo_elettronico = 1 WHERE role = 'operatore'").execute(db.pool()).await?;
    Ok((sede_ids, user_ids))
}

/// A seeded position, with what the later areas of the demo draw from it.
#[derive(Clone, Copy)]
struct SeededPosition {
    id: i64,
    public: bool,
    /// The kind of its Ente.
    tipo: TipoEnte,
    /// The index of its Sede in `SEDI`.
    sede_index: usize,
    head_count: usize,
}

/// Seeds the Enti and their positions; returns the positions in the order they were inserted.
async fn seed_enti(
    tx: &mut sqlx::Transaction<'static, Any>,
    sede_ids: &[i64],
    mario: i64,
    franca: i64,
) -> anyhow::Result<Vec<SeededPosition>> {
    let (mario_cf, franca_cf) = (demo_cf(&DEMO_ACCOUNTS[0])?, demo_cf(&DEMO_ACCOUNTS[7])?);
    let mut positions = Vec::new();
    let enti = PUBLIC_NAMES
        .iter()
        .map(|n| (n, true))
        .chain(PRIVATE_NAMES.iter().map(|n| (n, false)))
        .chain(STATE_NAMES.iter().map(|n| (n, true)));
    for (i, (name, public)) in enti.enumerate() {
        let i = i as u64;
        // Public bodies have a codice fiscale starting with 8 (not VAT-registered), private firms a partita IVA.
        let prefix = if public {
            format!("8{:06}001", 100_000 + i * 7919 % 899_999)
        } else {
            format!("0{:06}058", 300_000 + i * 104_729 % 699_999)
        };
        let cf = PartitaIva::with_check(&prefix).map_err(|e| anyhow::anyhow!("ente cf: {e}"))?;
        let sede_index = sede_of_ente(i as usize, name);
        let sede = sede_ids[sede_index];
        let (_, _, sede_city, province, _) = SEDI[sede_index];
        let tipo = TipoEnte::of(name, public);
        let datore = match i {
            0..=2 | 24 => Some(mario),
            9 | 10 => Some(franca),
            _ => None,
        };
        // The legal representative is the employer's own account where the Ente has one.
        let rep_cf = match datore {
            Some(id) if id == mario => mario_cf.clone(),
            Some(_) => franca_cf.clone(),
            None => CodiceFiscale::with_check(WORKERS[(i as usize) % WORKERS.len()].0)
                .map_err(|e| anyhow::anyhow!("{e}"))?,
        };
        let slug: String = name.to_lowercase().chars().filter(|c| c.is_ascii_alphanumeric()).take(24).collect();
        let ente_id: i64 = sqlx::query_scalar(
            "INSERT INTO enti (codice_fiscale, denominazione, sector, sede_id, datore_user_id, legal_rep_cf, address, pec) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(cf.as_str())
        .bind(name.to_string())
        .bind(if public { "pubblico" } else { "privato" })
        .bind(sede)
        .bind(datore)
        .bind(rep_cf.as_str())
        .bind(format!(
            "{} {}, {} ({province})",
            if tipo == TipoEnte::Comune { "Piazza del Municipio" } else { "Via Roma" },
            1 + i * 3,
            comune_di(name, sede_city)
        ))
        // One Ente's PEC box does not exist: a delega requested on it shows the failed delivery.
        .bind(if i == 10 { format!("protocollo@inesistente.pec.{slug}.it") } else { format!("protocollo@pec.{slug}.it") })
        .fetch_one(&mut **tx)
        .await?;
        let codes: Vec<PositionCode> = if public {
            let extra = if i.is_multiple_of(4) && (i as usize) < PUBLIC_NAMES.len() { 2 } else { 1 };
            (0..extra)
                .map(|prg| PositionCode::public(&cf, prg))
                .collect::<Result<_, _>>()
                .map_err(|e| anyhow::anyhow!("position: {e}"))?
        } else {
            vec![
                PositionCode::private_matricola(&format!("{:010}", 1_300_000_000 + i * 7_654_321))
                    .map_err(|e| anyhow::anyhow!("matricola: {e}"))?,
            ]
        };
        for (k, code) in codes.iter().enumerate() {
            let opened = date(2008 + (i % 10) as i32, 1 + (i % 12) as u32, 1);
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO positions (code, ente_id, sede_id, description, status, opened_on, contract) \
                 VALUES ($1, $2, $3, $4, 'attiva', $5, $6) RETURNING id",
            )
            .bind(code.as_str())
            .bind(ente_id)
            .bind(sede)
            .bind(if k == 0 { "Sede principale" } else { "Sede secondaria" })
            .bind(iso(opened))
            .bind(if public { "CCNL Funzioni locali" } else { "CCNL Commercio" })
            .fetch_one(&mut **tx)
            .await?;
            let staff = organico(i as usize, name);
            positions.push(SeededPosition {
                id,
                public,
                tipo,
                sede_index,
                head_count: if k == 0 { staff } else { staff.div_ceil(4) },
            });
        }
    }
    Ok(positions)
}

/// Seeds the deleghe (and sub-deleghe) of the demo accounts, with the services they cover.
async fn seed_deleghe(
    tx: &mut sqlx::Transaction<'static, Any>,
    positions: &[SeededPosition],
    [mario, laura, giuseppe, anna]: [i64; 4],
) -> anyhow::Result<()> {
    let first_position_of_ente = |ente: usize| -> i64 {
        // Enti 0, 4, 8, ... (public, multiple of 4) have two positions; count positions before `ente`.
        let before: usize = (0..ente).map(|e| if e < PUBLIC_NAMES.len() && e % 4 == 0 { 2 } else { 1 }).sum();
        positions[before].id
    };

    // Deleghe: Laura is delegated by Mario on Ente 0 (and was on Ente 1, revoked); Giuseppe holds deleghe of Enti 3-6 (active),
    // 7 (revoked) and 8 (awaiting the OTP); Anna is sub-delegated on 3, 4 and, under the revoked one, 7.
    let mut deleghe = vec![
        vec![
            V::T("dipendente".into()),
            V::I(first_position_of_ente(0)),
            V::I(mario),
            V::I(laura),
            V::NullInt,
            V::T("attiva".into()),
            V::T("2024-02-01".into()),
            V::Null,
        ],
        // Revoked: Laura no longer reaches Valfiorita.
        vec![
            V::T("dipendente".into()),
            V::I(first_position_of_ente(1)),
            V::I(mario),
            V::I(laura),
            V::NullInt,
            V::T("revocata".into()),
            V::T("2023-03-01".into()),
            V::T("2025-01-31".into()),
        ],
    ];
    for (ente, status) in
        [(3, "attiva"), (4, "attiva"), (5, "attiva"), (6, "attiva"), (7, "revocata"), (8, "in_attesa")]
    {
        deleghe.push(vec![
            V::T("intermediario".into()),
            V::I(first_position_of_ente(ente)),
            V::NullInt,
            V::I(giuseppe),
            V::NullInt,
            V::T(status.into()),
            V::T("2023-09-15".into()),
            if status == "revocata" { V::T("2025-06-30".into()) } else { V::Null },
        ]);
    }
    insert_rows(tx, "deleghe", DELEGHE_COLUMNS, deleghe).await?;
    for ente in [3usize, 4, 7] {
        let parent: i64 =
            sqlx::query_scalar("SELECT id FROM deleghe WHERE kind = 'intermediario' AND position_id = $1")
                .bind(first_position_of_ente(ente))
                .fetch_one(&mut **tx)
                .await?;
        insert_rows(
            tx,
            "deleghe",
            DELEGHE_COLUMNS,
            vec![vec![
                V::T("subdelega".into()),
                V::I(first_position_of_ente(ente)),
                V::I(giuseppe),
                V::I(anna),
                V::I(parent),
                V::T("attiva".into()),
                V::T("2024-01-10".into()),
                V::Null,
            ]],
        )
        .await?;
    }

    // Giuseppe's deleghe cover the Gestione contributiva of each Ente (as migration 0018 records it).
    super::deleghe::backfill_servizi(tx).await?;
    Ok(())
}

/// The rows of the demo history, table by table.
#[derive(Default)]
struct Storico {
    versamenti: Vec<Vec<V>>,
    rettifiche: Vec<Vec<V>>,
    note_debito: Vec<Vec<V>>,
    eca: Vec<Vec<V>>,
}

/// Seeds the history: versamenti, note di rettifica, note di debito and ECA notes of every position.
async fn seed_storico(
    tx: &mut sqlx::Transaction<'static, Any>,
    rng: &mut Rng,
    positions: &[SeededPosition],
    start: Period,
    end: Period,
) -> anyhow::Result<()> {
    let mut storico = Storico::default();
    for (n, position) in positions.iter().enumerate() {
        storico_della_posizione(&mut storico, rng, n, position, start, end);
    }
    insert_rows(
        tx,
        "versamenti",
        &["position_id", "channel", "paid_on", "period", "causale", "codice_sede", "amount_cents"],
        storico.versamenti,
    )
    .await?;
    insert_rows(
        tx,
        "note_rettifica",
        &["position_id", "number", "issued_on", "period", "reason", "amount_cents", "status"],
        storico.rettifiche,
    )
    .await?;
    insert_rows(
        tx,
        "note_debito",
        &["position_id", "number", "issued_on", "period", "kind", "amount_cents", "paid_cents", "status"],
        storico.note_debito,
    )
    .await?;
    insert_rows(
        tx,
        "note_debito_eca",
        &["position_id", "number", "issued_on", "year", "due_on", "amount_cents", "status"],
        storico.eca,
    )
    .await?;
    Ok(())
}

/// Draws the history of the `n`th seeded position, from `start` to `end`, into `storico`.
fn storico_della_posizione(
    storico: &mut Storico,
    rng: &mut Rng,
    n: usize,
    position: &SeededPosition,
    start: Period,
    end: Period,
) {
    let SeededPosition { id: position_id, public, tipo, sede_index, .. } = *position;
    let monthly = rng.around(if public { 4_800_000 } else { 1_250_000 }, 30);
    let (sede_code, _, _, province, _) = SEDI[sede_index];
    let channel = tipo.canale();
    // The F24 row's codice sede: the INPS Sede's code, except on a school's F24 for the Gestione pubblica
    // (sezione altri enti previdenziali), which carries the province's initials.
    let codice_sede = if tipo == TipoEnte::Scuola { province } else { sede_code };
    let mut period = start;
    let mut k = 0;
    while period <= end {
        let paid = next(period).first_day() + chrono::Days::new(15);
        let causali: &[&str] = if public { &["P101", "P708"] } else { &["DM10"] };
        for causale in causali {
            let share = if *causale == "P708" { monthly / 5 } else { monthly };
            storico.versamenti.push(vec![
                V::I(position_id),
                V::T(channel.into()),
                V::T(iso(paid)),
                V::T(period.iso()),
                V::T((*causale).into()),
                V::T(codice_sede.into()),
                V::I(rng.around(share, 5)),
            ]);
        }
        if k % 6 == 2 {
            let status = if period.first_day().year() < 2026 {
                if rng.below(3) == 0 { "annullata" } else { "pagata" }
            } else {
                "emessa"
            };
            storico.rettifiche.push(vec![
                V::I(position_id),
                V::T(format!("NR{}{:05}", period.first_day().year(), n * 100 + k)),
                V::T(iso(period.first_day() + chrono::Days::new(70))),
                V::T(period.iso()),
                V::T(["Differenze contributive", "Omesso versamento", "Errata causale"][rng.below(3) as usize].into()),
                V::I(rng.around(85_000, 80)),
                V::T(status.into()),
            ]);
        }
        if k % 9 == 4 {
            let amount = rng.around(240_000, 60);
            let paid_cents = if rng.below(2) == 0 { amount } else { amount / 2 };
            let status = if paid_cents == amount { "pagata" } else { "parzialmente pagata" };
            let kind = if rng.below(2) == 0 { "Sistemazione" } else { "Regolarizzazione" };
            // Note di debito are the Gestione dipendenti pubblici's (circular §3): none on a private position.
            // (Drawn all the same, so every other figure of the demo stays as it was.)
            if public {
                storico.note_debito.push(vec![
                    V::I(position_id),
                    V::T(format!("ND{}{:05}", period.first_day().year(), n * 100 + k)),
                    V::T(iso(period.first_day() + chrono::Days::new(95))),
                    V::T(period.iso()),
                    V::T(kind.into()),
                    V::I(amount),
                    V::I(paid_cents),
                    V::T(status.into()),
                ]);
            }
        }
        period = next(period);
        k += 1;
    }
    if public {
        for year in 2021..=2025 {
            storico.eca.push(vec![
                V::I(position_id),
                V::T(format!("ECA{year}{n:04}")),
                V::T(iso(date(year + 1, 3, 20))),
                V::I(i64::from(year)),
                V::T(iso(date(year + 1, 6, 30))),
                V::I(rng.around(1_500_000, 70)),
                V::T(if year < 2025 { "pagata" } else { "emessa" }.into()),
            ]);
        }
    }
}

/// Seeds the piani di ammortamento and the monthly DMA of the public positions.
async fn seed_dma(
    tx: &mut sqlx::Transaction<'static, Any>,
    rng: &mut Rng,
    positions: &[SeededPosition],
    end: Period,
) -> anyhow::Result<()> {
    // Piani di ammortamento with their instalments, and the monthly DMA of public positions: the last twelve
    // months, each listing every worker of the position's head count.
    let mut dma_start = end;
    for _ in 0..11 {
        dma_start = dma_start.prev().unwrap_or(dma_start);
    }
    for (n, position) in positions.iter().enumerate() {
        if !position.public {
            continue;
        }
        seed_piani_ammortamento(tx, rng, n, position.id).await?;
        seed_denunce_dma(tx, rng, n, position, dma_start, end).await?;
    }
    Ok(())
}

/// Seeds the piani di ammortamento of the `n`th seeded position, with their instalments.
async fn seed_piani_ammortamento(
    tx: &mut sqlx::Transaction<'static, Any>,
    rng: &mut Rng,
    n: usize,
    position_id: i64,
) -> anyhow::Result<()> {
    for (p, kind) in ["Benefici pensione", "TFS"].iter().enumerate().take(1 + n % 2) {
        let instalments = 12 * (1 + rng.below(4) as i64);
        let rata = rng.around(35_000, 40);
        let started = date(2021 + ((n + p) % 4) as i32, 1 + (n % 12) as u32, 1);
        let mut due_dates = Vec::new();
        let mut d = Period::from_date(started).map_err(|e| anyhow::anyhow!("{e}"))?;
        for _ in 0..instalments {
            due_dates.push(d.first_day() + chrono::Days::new(15));
            d = next(d);
        }
        let cutoff = date(2026, 11, 1);
        let concluded = due_dates.last().is_some_and(|last| *last < cutoff);
        let piano_id: i64 = sqlx::query_scalar(
            "INSERT INTO piani_ammortamento (position_id, number, kind, started_on, instalments, total_cents, status) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(position_id)
        .bind(format!("PA{:04}{:02}", n, p + 1))
        .bind(*kind)
        .bind(iso(started))
        .bind(instalments)
        .bind(rata * instalments)
        .bind(if concluded { "concluso" } else { "in corso" })
        .fetch_one(&mut **tx)
        .await?;
        let rows = due_dates
            .iter()
            .enumerate()
            .map(|(r, due)| {
                let (paid, status) = if *due < cutoff {
                    if (r + n) % 17 == 5 {
                        (V::Null, "scaduta")
                    } else {
                        (V::T(iso(*due - chrono::Days::new(2))), "pagata")
                    }
                } else {
                    (V::Null, "da pagare")
                };
                vec![V::I(piano_id), V::I(r as i64 + 1), V::T(iso(*due)), V::I(rata), paid, V::T(status.into())]
            })
            .collect();
        insert_rows(tx, "rate_piano", &["piano_id", "number", "due_on", "amount_cents", "paid_on", "status"], rows)
            .await?;
    }
    Ok(())
}

/// Seeds the monthly DMA of the `n`th seeded position, from `dma_start` to `end`, each listing its whole staff.
async fn seed_denunce_dma(
    tx: &mut sqlx::Transaction<'static, Any>,
    rng: &mut Rng,
    n: usize,
    position: &SeededPosition,
    dma_start: Period,
    end: Period,
) -> anyhow::Result<()> {
    let SeededPosition { id: position_id, sede_index, head_count, .. } = *position;
    // The first three are named demo workers, the others made up (born in the Sede's city).
    let staff: Vec<(String, String)> = (0..head_count)
        .map(|w| {
            lavoratore(
                if w < 3 { (n + w * 5) % WORKERS.len() } else { WORKERS.len() + n * 311 + w },
                SEDI[sede_index].4,
            )
        })
        .collect::<anyhow::Result<_>>()?;
    let mut period = dma_start;
    while period <= end {
        let mut workers = Vec::new();
        let (mut imponibile, mut contributi, mut errors) = (0i64, 0i64, 0i64);
        for (w, (cf, name)) in staff.iter().enumerate() {
            let base = rng.around(260_000, 15);
            for (gestione, rate_permille) in [("Pensioni (CPDEL)", 325), ("TFS", 96)] {
                let contributo = base * rate_permille / 1000;
                // A warning of the pension line (an "accettata con errori" declaration): a warning code of
                // the import's own table, with its label.
                let error = (gestione == "Pensioni (CPDEL)"
                    && (w + period.first_day().month() as usize + n).is_multiple_of(23))
                .then(|| crate::domain::dma::listapospa::regola(AVVISO_SEMINATO))
                .flatten()
                .map(|r| (r.codice, r.etichetta));
                errors += i64::from(error.is_some());
                imponibile += base;
                contributi += contributo;
                // The TFS line carries its own elements, as an imported file's does.
                let importi = if gestione == "TFS" {
                    let m = crate::domain::money::Money::from_cents;
                    crate::domain::dma::listapospa::scrivi_importi(&[
                        ("ImponibileTFS".to_string(), m(base)),
                        ("ContributoTFS".to_string(), m(contributo)),
                    ])
                } else {
                    String::new()
                };
                workers.push((cf.clone(), name.as_str(), gestione, base, contributo, error, importi));
            }
        }
        let status = if errors > 0 { "accettata con errori" } else { "accettata" };
        let denuncia_id: i64 = sqlx::query_scalar(
            "INSERT INTO dma_denunce (position_id, period, submitted_on, protocol, workers, imponibile_cents, contributi_cents, errors, status) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(position_id)
        .bind(period.iso())
        .bind(iso(next(period).first_day() + chrono::Days::new(rng.below(20))))
        .bind(format!("INPS.DMA.{}.{:06}", period.iso().replace('-', ""), n * 1000 + period.first_day().month() as usize))
        .bind(staff.len() as i64)
        .bind(imponibile)
        .bind(contributi)
        .bind(errors)
        .bind(status)
        .fetch_one(&mut **tx)
        .await?;
        let rows = workers
            .into_iter()
            .map(|(cf, name, gestione, base, contributo, error, importi)| {
                vec![
                    V::I(denuncia_id),
                    V::T(cf),
                    V::T(name.into()),
                    V::T(gestione.into()),
                    V::I(base),
                    V::I(contributo),
                    error.map_or(V::Null, |e| V::T(e.0.into())),
                    error.map_or(V::Null, |e| V::T(e.1.into())),
                    V::T(importi),
                ]
            })
            .collect();
        insert_rows(
            tx,
            "dma_lavoratori",
            &[
                "denuncia_id",
                "worker_cf",
                "worker_name",
                "gestione",
                "imponibile_cents",
                "contributi_cents",
                "error_code",
                "error_text",
                "importi",
            ],
            rows,
        )
        .await?;
        period = next(period);
    }
    Ok(())
}

/// The warning the demo's "accettata con errori" declarations carry: an Avviso of `listapospa::REGOLE`
/// (a unit test holds it so).
const AVVISO_SEMINATO: &str = "00171I";

/// One protocol format for seeded and live items: each seeded DMA gets the next number of its Sede's register
/// for the year it was submitted (`INPS.<sede>.<anno>.<numero>`, as `comunicazioni::prossimo_protocollo` gives
/// live items), in order of submission; the registers then go on from the last number used.
async fn numera_protocolli_dma(tx: &mut sqlx::Transaction<'static, Any>) -> anyhow::Result<()> {
    let rows: Vec<(i64, i64, String, String)> = sqlx::query_as(
        "SELECT d.id, s.id, s.code, d.submitted_on FROM dma_denunce d JOIN positions p ON p.id = d.position_id \
         JOIN sedi s ON s.id = p.sede_id ORDER BY d.submitted_on, d.id",
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut registri: std::collections::BTreeMap<(i64, i32), i64> = std::collections::BTreeMap::new();
    for (id, sede_id, sede_code, submitted_on) in rows {
        let anno = super::db::parse_iso_date(&submitted_on).map_err(|e| anyhow::anyhow!("{e:?}"))?.year();
        let numero = registri.entry((sede_id, anno)).or_insert(0);
        *numero += 1;
        sqlx::query("UPDATE dma_denunce SET protocol = $1 WHERE id = $2")
            .bind(crate::domain::comunicazioni::protocollo(&sede_code, anno, *numero))
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    let contatori = registri
        .into_iter()
        .map(|((sede, anno), ultimo)| vec![V::I(sede), V::I(i64::from(anno)), V::I(ultimo)])
        .collect();
    insert_rows(tx, "protocollo_contatori", &["sede_id", "anno", "ultimo"], contatori).await?;
    Ok(())
}

/// Eight months of Instant Feedback ratings up to the demo's end, so the dashboard has a history: each a
/// rated use of a demo user, satisfaction drifting per service, reasons on the negative ones.
async fn seed_feedback(tx: &mut sqlx::Transaction<'static, Any>, rng: &mut Rng, users: [i64; 4]) -> anyhow::Result<()> {
    let mut month = demo_end()?;
    for _ in 0..7 {
        month = month.prev().unwrap_or(month);
    }
    let mut later = Rng(20230331 ^ 0x5EED);
    for m in 0..8 {
        for (s, servizio) in crate::feedback::SERVIZI.iter().enumerate() {
            let rng: &mut Rng = if s < crate::feedback::SERVIZI_ORIGINARI { &mut *rng } else { &mut later };
            let ratings = 2 + rng.below(8);
            for k in 0..ratings {
                let day = date(i32::from(month.year()), u32::from(month.month()), 1 + (k as u32 * 3) % 28);
                let at = day.and_hms_opt(9 + (k % 8) as u32, 0, 0).unwrap_or_default().and_utc().timestamp();
                // Later months and even-numbered services fare a little better.
                let roll = rng.below(100) as i64 + m * 3 + if s % 2 == 0 { 10 } else { 0 };
                let livello: i64 = match roll {
                    r if r < 25 => 1,
                    r if r < 50 => 2,
                    _ => 3,
                };
                let motivo = (livello == 1).then(|| crate::feedback::MOTIVI[rng.below(5) as usize].0);
                let uso: i64 = sqlx::query_scalar(
                    "INSERT INTO feedback_usi (user_id, servizio, riferimento, at, esito) \
                     VALUES ($1, $2, $3, $4, 'valutato') RETURNING id",
                )
                .bind(users[(k % 4) as usize])
                .bind(servizio.key)
                .bind(format!("demo-{}-{k}", month.iso()))
                .bind(at)
                .fetch_one(&mut **tx)
                .await?;
                sqlx::query("INSERT INTO feedback (uso_id, servizio, livello, motivo, at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(uso)
                    .bind(servizio.key)
                    .bind(livello)
                    .bind(motivo)
                    .bind(at)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        month = next(month);
    }
    Ok(())
}

/// Profiles enabled before the cut-over (imported, no request), pending requests for the operator of
/// Roma Eur, and the intermediary's Albo registration.
async fn seed_profiles(
    tx: &mut sqlx::Transaction<'static, Any>,
    sede_ids: &[i64],
    [mario, laura, giuseppe, anna, franca, marco]: [i64; 6],
) -> anyhow::Result<()> {
    let granted = vec![
        vec![V::I(mario), V::T("SC65".into()), V::T("gc_pubblici".into())],
        vec![V::I(mario), V::T("SC65".into()), V::T("gc_privati".into())],
        vec![V::I(laura), V::T("SC62".into()), V::T("gc_pubblici".into())],
        vec![V::I(anna), V::T("SC62".into()), V::T("gc_pubblici".into())],
        vec![V::I(franca), V::T("SC65".into()), V::T("gc_pubblici".into())],
    ];
    let granted = granted
        .into_iter()
        .map(|mut row| {
            row.extend([V::T("importazione".into()), V::I(1_688_169_600)]);
            row
        })
        .collect();
    insert_rows(tx, "profile_scopes", &["user_id", "form", "scope", "source", "granted_at"], granted).await?;
    // Mario and Franca hold their SC65 scopes for each of their Enti (as migration 0014 records them).
    super::profili::backfill_ente_scopes(tx).await?;

    // Marco asks SC62 for Comune di Roccaverde; Franca asks RA012 (prestiti) for Comune di Acquaviva Alta.
    // Both Enti belong to Roma Eur (the first Sede).
    for (user, form, ente_name, scope, legacy) in [
        (marco, "SC62", "Comune di Roccaverde", "gc_pubblici", Option::<&str>::None),
        (franca, "RA012", "Comune di Acquaviva Alta", "prestiti", Some("prestiti")),
    ] {
        let ente_id: i64 = sqlx::query_scalar("SELECT id FROM enti WHERE denominazione = $1")
            .bind(ente_name)
            .fetch_one(&mut **tx)
            .await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO profile_requests (user_id, form, ente_id, sede_id, legacy_service, status, submitted_at) \
             VALUES ($1, $2, $3, $4, $5, 'in_attesa', $6) RETURNING id",
        )
        .bind(user)
        .bind(form)
        .bind(ente_id)
        .bind(sede_ids[0])
        .bind(legacy)
        .bind(1_790_000_000_i64)
        .fetch_one(&mut **tx)
        .await?;
        sqlx::query("INSERT INTO profile_request_scopes (request_id, scope) VALUES ($1, $2)")
            .bind(id)
            .bind(scope)
            .execute(&mut **tx)
            .await?;
    }

    let giuseppe_cf: String = sqlx::query_scalar("SELECT codice_fiscale FROM users WHERE id = $1")
        .bind(giuseppe)
        .fetch_one(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO albo (codice_fiscale, category, registration, province, full_name, imported_at) \
         VALUES ($1, 'consulente_lavoro', '1234', 'RM', 'Giuseppe Verdi', $2)",
    )
    .bind(giuseppe_cf)
    .bind(1_688_169_600_i64)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_seeded_dma_warning_is_a_warning_of_the_import_table() {
        use crate::domain::dma::listapospa::{Gravita, regola};
        assert_eq!(regola(super::AVVISO_SEMINATO).map(|r| r.gravita), Some(Gravita::Avviso));
    }
}
