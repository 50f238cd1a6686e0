//! `cassetto`: the one binary. Serves the web app, migrates and seeds the database, manages users.

use std::path::PathBuf;

use anyhow::Context;
use app::domain::codice_fiscale::CodiceFiscale;
use app::model::Role;
use app::ssr::db::Db;
use app::ssr::identity::{self, NewUser, totp};
use clap::{Parser, Subcommand};

use server::config::{self, Config};
use server::startup;

/// mimalloc instead of glibc's allocator: a page render makes many small allocations, and glibc's malloc and free
/// took a quarter of the server's time under load (perf, make bench).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "cassetto", version, about = "Cassetto previdenziale del contribuente", after_help = config::ENV_HELP)]
struct Cli {
    /// A file of KEY=VALUE settings (environment variables take precedence).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Without a command, `serve` (as `cargo leptos serve` and `end-to-end` start it).
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the web server (migrating the database first).
    Serve,
    /// Applies the database migrations.
    Migrate,
    /// Loads data into an empty database.
    Seed {
        /// The demo data set (every role, several Sedi and Enti, years of history).
        #[arg(long)]
        demo: bool,
        /// The scale data set of docs/benchmarks.md (the demo set plus 100,000 positions, 1,000,000 richieste).
        #[arg(long, conflicts_with = "demo")]
        scale: bool,
        /// Seed number of the scale set: the same number gives the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Fewer positions (and richieste in proportion) than the full scale set, for quick runs.
        #[arg(long)]
        positions: Option<u64>,
    },
    /// User management.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Per-user daily limits (richieste, file caricati, prenotazioni, e-mail, SMS): without arguments lists
    /// them; with an action and a number, sets that action's limit.
    Limiti {
        azione: Option<String>,
        #[arg(requires = "azione")]
        massimo: Option<i64>,
    },
    /// Imports the enablements granted before the cut-over, so those users work from day one without a new
    /// request, SC65 or PEC + OTP. Every line of every file is checked and reported; nothing is written unless
    /// all are valid; a second run changes nothing.
    ImportProfiles {
        /// Profile scopes (CSV: codice_fiscale,modello,ambito).
        file: Option<PathBuf>,
        /// Datore ↔ Ente links (CSV: codice_fiscale_ente,codice_fiscale_datore,ambito).
        #[arg(long)]
        enti: Option<PathBuf>,
        /// Deleghe in force (CSV: tipo,posizione,codice_fiscale_delegato,dal,al,servizi).
        #[arg(long)]
        deleghe: Option<PathBuf>,
    },
    /// Replaces the Albo register of intermediaries (CSV: codice_fiscale,categoria,numero,provincia,nominativo).
    ImportAlbo { file: PathBuf },
    /// Imports a ListaPosPA file as the position's Ente (its datore) would upload it; prints the outcome,
    /// the time and the throughput (used to measure the import, database pass included).
    ImportaDma {
        file: PathBuf,
        /// The position's code (CF Ente + PRGAZIENDA).
        #[arg(long)]
        posizione: String,
        /// Replace the declaration in force for the file's month, if there is one (without it, such a file
        /// is not imported and the declaration in force is named).
        #[arg(long)]
        sostituisci: bool,
    },
    /// The SPID/CIE relying party's keys (a private JWKS file, mode 0600; no database needed).
    OidcKeys {
        #[command(subcommand)]
        command: OidcKeysCommand,
    },
    /// UniEmens ListaPosPA files: generate test files, check a file (no database needed).
    Listapospa {
        #[command(subcommand)]
        command: ListaPosPaCommand,
    },
}

#[derive(Subcommand)]
enum OidcKeysCommand {
    /// Writes a new key file: an RSA pair to sign (RS256) and one the providers encrypt to (RSA-OAEP-256).
    Genera {
        file: PathBuf,
        /// RSA modulus size (at least 2048; 4096 as the SPID/CIE guidelines advise).
        #[arg(long, default_value_t = server::oidc::keys::DEFAULT_BITS)]
        bit: u32,
        /// Replace an existing file.
        #[arg(long)]
        forza: bool,
    },
    /// Puts a new pair of each use first and keeps the old ones (drop them once the providers' caches expired).
    Ruota {
        file: PathBuf,
        #[arg(long, default_value_t = server::oidc::keys::DEFAULT_BITS)]
        bit: u32,
    },
    /// Prints the public JWKS (what `/oidc/jwks.json` serves).
    Pubblica { file: PathBuf },
}

fn oidc_keys(command: OidcKeysCommand) -> anyhow::Result<()> {
    use server::oidc::keys::RpKeys;
    match command {
        OidcKeysCommand::Genera { file, bit, forza } => {
            RpKeys::generate(bit)?.save(&file, forza)?;
            println!("{}: chiavi create (firma RS256, cifratura RSA-OAEP-256, {bit} bit)", file.display());
        }
        OidcKeysCommand::Ruota { file, bit } => {
            RpKeys::load(&file)?.rotated(bit)?.save(&file, true)?;
            println!("{}: nuove chiavi in testa, le precedenti conservate", file.display());
        }
        OidcKeysCommand::Pubblica { file } => {
            println!("{}", serde_json::to_string_pretty(&RpKeys::load(&file)?.public_jwks()?)?);
        }
    }
    Ok(())
}

#[derive(Subcommand)]
enum ListaPosPaCommand {
    /// Writes a generated file (valid, or with known errors) of the given number of workers.
    Genera {
        file: PathBuf,
        #[arg(long, default_value_t = 1000)]
        lavoratori: usize,
        #[arg(long)]
        con_errori: bool,
        #[arg(long, default_value = "81000000018")]
        cf_azienda: String,
    },
    /// Reads and checks a file as the import does; prints workers, problems, time and bytes per second.
    Verifica { file: PathBuf },
    /// Benchmark baseline: walks every XML event of the file without checking anything.
    Scorri { file: PathBuf },
}

fn listapospa(command: ListaPosPaCommand) -> anyhow::Result<()> {
    use app::ssr::dma::listapospa::{Limiti, genera, leggi, scorri};
    match command {
        ListaPosPaCommand::Genera { file, lavoratori, con_errori, cf_azienda } => {
            let mut out = std::io::BufWriter::new(std::fs::File::create(&file)?);
            genera(&mut out, &cf_azienda, lavoratori, con_errori)?;
            std::io::Write::flush(&mut out)?;
            println!("{}: {lavoratori} lavoratori, {} byte", file.display(), std::fs::metadata(&file)?.len());
        }
        ListaPosPaCommand::Verifica { file } => {
            let size = std::fs::metadata(&file)?.len();
            let start = std::time::Instant::now();
            let lettura = leggi(std::io::BufReader::new(std::fs::File::open(&file)?), Limiti::default())
                .map_err(|e| anyhow::anyhow!(e.0))?;
            let secs = start.elapsed().as_secs_f64();
            println!(
                "{}: {} lavoratori, {} problemi, {:.2} s, {:.1} MB/s",
                file.display(),
                lettura.lavoratori,
                lettura.numero_errori,
                secs,
                size as f64 / 1_048_576.0 / secs.max(1e-9)
            );
        }
        ListaPosPaCommand::Scorri { file } => {
            let size = std::fs::metadata(&file)?.len();
            let start = std::time::Instant::now();
            let events =
                scorri(std::io::BufReader::new(std::fs::File::open(&file)?)).map_err(|e| anyhow::anyhow!(e.0))?;
            let secs = start.elapsed().as_secs_f64();
            println!(
                "{}: {events} eventi XML, {secs:.2} s, {:.1} MB/s",
                file.display(),
                size as f64 / 1_048_576.0 / secs.max(1e-9)
            );
        }
    }
    Ok(())
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Checks the hash chain from the first entry; names the first broken link and exits with 1.
    Verify,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Adds a user; the password is read from CASSETTO_NEW_PASSWORD or standard input, and the TOTP
    /// secret to enrol in an authenticator app is printed.
    Add {
        #[arg(long)]
        codice_fiscale: String,
        #[arg(long)]
        name: String,
        /// datore, delegato, intermediario, subdelegato, operatore, idm, admin
        #[arg(long)]
        role: String,
        #[arg(long)]
        email: Option<String>,
        /// Code of the Sede (for operatore and idm).
        #[arg(long)]
        sede: Option<String>,
    },
}

fn init_logging(config: &Config) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if config.get("CASSETTO_LOG_FORMAT").as_deref() == Some("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // File tools that need no database.
    let command = match cli.command {
        Some(Command::Listapospa { command }) => return listapospa(command),
        Some(Command::OidcKeys { command }) => return oidc_keys(command),
        other => other,
    };
    let config = Config::load(cli.config.as_deref())?;
    init_logging(&config);
    let database_url = config.database_url();
    tracing::debug!(database = %app::ssr::redact::url(&database_url), "opening the database");
    let db = Db::connect(&database_url).await?;
    db.migrate().await?;
    // Every command that touches the database needs the keys: the audit chain and the TOTP secrets use them.
    app::ssr::keys::install(config.keys()?)?;
    app::ssr::secrets::seal_stored_totp_secrets(&db).await?;
    match command.unwrap_or(Command::Serve) {
        Command::Serve => startup::serve(db, &config).await,
        Command::Migrate => {
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Seed { demo: true, .. } => {
            app::ssr::demo::seed_demo(&db).await?;
            tracing::info!("demo data loaded");
            Ok(())
        }
        Command::Seed { scale: true, seed, positions, .. } => {
            use app::ssr::demo::scale::{Scala, database_size, seed_scale};
            let full = Scala::default();
            let scala = match positions {
                Some(p) => Scala {
                    seed,
                    positions: p,
                    deleghe: full.deleghe.min(p / 20),
                    richieste: full.richieste * p / full.positions,
                    ..full
                },
                None => Scala { seed, ..full },
            };
            let report = seed_scale(&db, &config.database_url(), &scala).await?;
            let size = database_size(&db).await?;
            println!(
                "scale data (seed {seed}): {} positions, {} richieste, {} rows in {:.1} s ({:.0} rows/s); database size {:.1} MB",
                scala.positions,
                scala.richieste,
                report.rows,
                report.seconds,
                report.rows as f64 / report.seconds.max(0.001),
                size as f64 / 1_048_576.0
            );
            Ok(())
        }
        Command::Seed { .. } => anyhow::bail!("specify the data set: seed --demo or seed --scale"),
        Command::Audit { command: AuditCommand::Verify } => match app::ssr::audit::verify(&db).await? {
            app::ssr::audit::Verification::Intact { entries } => {
                let keyed_from = app::ssr::audit::keyed_from(&db).await?;
                let keys = app::ssr::keys::installed()?;
                let head: String =
                    sqlx::query_scalar("SELECT hash FROM audit_head WHERE id = 1").fetch_one(db.pool()).await?;
                println!("registro di audit integro: {entries} voci (chiave corrente {})", keys.current_id());
                // Kept elsewhere (a log, a ticket), the head shows later whether newest entries were cut off.
                println!("ultima voce {entries}, impronta {head}");
                if keyed_from > 1 && entries > 0 {
                    println!(
                        "le voci 1-{} precedono la catena con chiave: le protegge la firma della voce {keyed_from}",
                        keyed_from - 1
                    );
                }
                Ok(())
            }
            app::ssr::audit::Verification::Broken { seq, reason } => {
                println!("registro di audit ALTERATO: primo anello rotto alla voce {seq} ({reason})");
                std::process::exit(1);
            }
        },
        Command::Limiti { azione: Some(azione), massimo: Some(massimo) } => {
            app::ssr::limiti::imposta(&db, &azione, massimo).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("limite giornaliero di {azione}: {massimo}");
            Ok(())
        }
        Command::Limiti { .. } => {
            for (azione, descrizione, massimo) in app::ssr::limiti::elenco(&db).await? {
                println!("{azione:<14}{massimo:>8}  {descrizione}");
            }
            Ok(())
        }
        Command::ImportProfiles { file, enti, deleghe } => {
            if file.is_none() && enti.is_none() && deleghe.is_none() {
                anyhow::bail!("indicare almeno un file: FILE (profili), --enti FILE o --deleghe FILE");
            }
            let read = |path: &Option<PathBuf>| -> anyhow::Result<Option<(String, String)>> {
                path.as_ref()
                    .map(|p| {
                        let text = std::fs::read_to_string(p).with_context(|| format!("lettura di {}", p.display()))?;
                        Ok((p.display().to_string(), text))
                    })
                    .transpose()
            };
            let (profili, enti, deleghe) = (read(&file)?, read(&enti)?, read(&deleghe)?);
            fn pair(f: &Option<(String, String)>) -> Option<(&str, &str)> {
                f.as_ref().map(|(name, text)| (name.as_str(), text.as_str()))
            }
            let files =
                app::ssr::profili::ImportFiles { profili: pair(&profili), enti: pair(&enti), deleghe: pair(&deleghe) };
            let today = app::domain::time::rome_date(app::ssr::db::now_unix());
            match app::ssr::profili::import_enablements(&db, files, today).await? {
                Ok(report) => {
                    for line in &report {
                        println!("{line}");
                    }
                    println!("importazione completata: {} righe", report.len());
                    Ok(())
                }
                Err(report) => {
                    for line in &report {
                        eprintln!("{line}");
                    }
                    eprintln!("importazione rifiutata: nessuna modifica (correggere le righe in ERRORE e ripetere)");
                    std::process::exit(1);
                }
            }
        }
        Command::ImportAlbo { file } => {
            let csv = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            let n = app::ssr::profili::import_albo(&db, None, &csv).await.map_err(|m| anyhow::anyhow!(m))?;
            println!("albo importato: {n} iscritti");
            Ok(())
        }
        Command::Listapospa { command } => listapospa(command),
        Command::OidcKeys { command } => oidc_keys(command),
        Command::ImportaDma { file, posizione, sostituisci } => {
            let (position_id, user_id): (i64, Option<i64>) = sqlx::query_as(
                "SELECT p.id, e.datore_user_id FROM positions p JOIN enti e ON e.id = p.ente_id WHERE p.code = $1",
            )
            .bind(&posizione)
            .fetch_optional(db.pool())
            .await?
            .with_context(|| format!("no position {posizione}"))?;
            let user_id = user_id.context("the position's Ente has no datore to import as")?;
            let size = std::fs::metadata(&file)?.len();
            let start = std::time::Instant::now();
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let import = |sostituisce: Option<i64>| {
                app::ssr::dma::importazione::import(
                    &db,
                    user_id,
                    position_id,
                    &posizione,
                    file.clone(),
                    &name,
                    sostituisce,
                    app::ssr::db::now_unix(),
                )
            };
            use app::model::EsitoInvioDma::{DaConfermare, Importata};
            let mut esito = import(None).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            // The flag is the confirmation the page asks for: given it, the file is read again naming the
            // declaration in force.
            if let (DaConfermare(d), true) = (&esito, sostituisci) {
                esito = import(Some(d.id)).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            }
            let id = match esito {
                Importata(id) => id,
                DaConfermare(d) => anyhow::bail!("{} (con --sostituisci la sostituisce)", d.avviso()),
            };
            let secs = start.elapsed().as_secs_f64();
            let i = app::ssr::dma::importazione::importazione(&db, position_id, id)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "importazione {id}: {}, {} lavoratori, {} problemi, {:.2} s, {:.1} MB/s",
                if i.accettata { "accettata" } else { "scartata" },
                i.lavoratori,
                i.numero_errori,
                secs,
                size as f64 / 1_048_576.0 / secs.max(1e-9)
            );
            Ok(())
        }
        Command::User { command: UserCommand::Add { codice_fiscale, name, role, email, sede } } => {
            let cf = CodiceFiscale::parse(&codice_fiscale).map_err(|e| anyhow::anyhow!("{e}"))?;
            let role = Role::parse(&role).context("unknown role")?;
            let sede_id: Option<i64> = match sede {
                Some(code) => Some(
                    sqlx::query_scalar("SELECT id FROM sedi WHERE code = $1")
                        .bind(&code)
                        .fetch_optional(db.pool())
                        .await?
                        .with_context(|| format!("no Sede with code {code}"))?,
                ),
                None => None,
            };
            let password = match std::env::var("CASSETTO_NEW_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            let secret = totp::new_secret();
            identity::add_user(
                &db,
                &NewUser {
                    codice_fiscale: cf.as_str(),
                    full_name: &name,
                    role,
                    email: email.as_deref(),
                    sede_id,
                    employer_user_id: None,
                    password: &password,
                    totp_secret: &secret,
                },
            )
            .await?;
            let encoded = totp::encode_secret(&secret);
            println!("user {} added; TOTP secret (enrol it in an authenticator app): {encoded}", cf.as_str());
            println!("otpauth://totp/Cassetto:{}?secret={encoded}&issuer=Cassetto", cf.as_str());
            Ok(())
        }
    }
}
