//! The database handle: one code path over sqlx's `Any` driver for SQLite (default) and PostgreSQL,
//! chosen by the URL. The schema keeps to integers and text so `Any` decodes both the same way.

use std::time::Duration;

use anyhow::Context;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{Any, AnyPool, Transaction};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

impl Db {
    /// Connects to `url` (`sqlite://path` or `postgres://...`). For SQLite the file is created when
    /// missing and every connection gets WAL, `synchronous=NORMAL`, a busy timeout and foreign keys.
    /// No ANALYZE statistics, on purpose: with them (SQLite's stat4) every statement whose plan may depend on
    /// its parameters is compiled again at each execution, which made a page four times slower (make bench).
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            anyhow::bail!("DATABASE_URL must start with sqlite: or postgres:");
        };
        let pool = match backend {
            Backend::Sqlite => {
                let in_memory = url.contains(":memory:") || url.contains("mode=memory");
                // `mode=rwc` creates the file on first start.
                let url = if url.contains("mode=") || in_memory {
                    url.to_string()
                } else if url.contains('?') {
                    format!("{url}&mode=rwc")
                } else {
                    format!("{url}?mode=rwc")
                };
                AnyPoolOptions::new()
                    // Every `:memory:` connection is a database of its own.
                    .max_connections(if in_memory { 1 } else { 8 })
                    .acquire_timeout(Duration::from_secs(10))
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            use sqlx::Executor;
                            conn.execute(
                                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; \
                                 PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await
                    .context("connecting to SQLite")?
            }
            Backend::Postgres => AnyPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await
                .context("connecting to PostgreSQL")?,
        };
        Ok(Db { pool, backend })
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATOR,
            Backend::Postgres => &POSTGRES_MIGRATOR,
        };
        migrator.run(&self.pool).await.context("running migrations")?;
        Ok(())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A write transaction. On SQLite it takes the write lock up front (`BEGIN IMMEDIATE`), so two writers
    /// never both read and then fail to upgrade with SQLITE_BUSY half-way through.
    pub async fn begin_write(&self) -> sqlx::Result<Transaction<'static, Any>> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }
}

/// Seconds since the Unix epoch: how instants are stored.
pub fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}

/// How a date is stored: ISO `YYYY-MM-DD` text (sorts like the date).
pub fn iso_date(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A date read back from the database; a malformed one is an internal error, never a silent default.
pub fn parse_iso_date(s: &str) -> Result<chrono::NaiveDate, crate::error::AppError> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| {
        tracing::error!(value = s, error = %e, "bad date in database");
        crate::error::AppError::Internal
    })
}

/// A value for a `$n` placeholder of a query built from filters.
pub enum BindValue {
    Int(i64),
    Text(String),
}

impl From<i64> for BindValue {
    fn from(v: i64) -> BindValue {
        BindValue::Int(v)
    }
}

impl From<String> for BindValue {
    fn from(v: String) -> BindValue {
        BindValue::Text(v)
    }
}

/// The values of a query whose conditions depend on the filters asked for: each `push` returns the placeholder
/// (`$1`, `$2`, …) to write into the SQL, and `bind` binds them all, in order, to a query built from that SQL (once
/// per statement: a count and a page share them). sqlx's `QueryBuilder` cannot serve: with the `Any` driver it
/// writes `?` placeholders, which PostgreSQL refuses.
#[derive(Default)]
pub struct Binds(Vec<BindValue>);

impl Binds {
    pub fn push(&mut self, value: impl Into<BindValue>) -> String {
        self.0.push(value.into());
        format!("${}", self.0.len())
    }

    pub fn bind<'q>(&'q self, sql: &'q str) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
        self.0.iter().fold(sqlx::query(sql), |q, v| match v {
            BindValue::Int(i) => q.bind(*i),
            BindValue::Text(t) => q.bind(t.as_str()),
        })
    }
}
