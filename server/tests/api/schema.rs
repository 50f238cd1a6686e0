//! The two migration trees (`migrations/sqlite`, `migrations/postgres`) must build the same schema: both are
//! migrated from scratch and compared — tables, columns with their kind of type, nullability and default, primary
//! keys, unique constraints and the indexes created by name. A column, index or default added to one dialect only
//! fails here, naming it.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::{Backend, TestApp};

/// What is compared of a column: its kind of type (`integer`, `text`, `real`, `blob`), whether it may be NULL, and
/// its default as written, without the dialect's casts.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone)]
struct Colonna {
    tipo: &'static str,
    nullable: bool,
    default: Option<String>,
}

/// One table: its columns by name, the primary key's columns, the unique constraints' column lists, and the
/// indexes created by name (`CREATE INDEX` / `CREATE UNIQUE INDEX`) with their columns and uniqueness.
#[derive(Debug, Default, PartialEq, Eq)]
struct Tabella {
    colonne: BTreeMap<String, Colonna>,
    chiave: Vec<String>,
    uniche: BTreeSet<Vec<String>>,
    indici: BTreeMap<String, (Vec<String>, bool)>,
}

fn tipo(declared: &str) -> &'static str {
    let t = declared.to_lowercase();
    if t.contains("int") {
        "integer"
    } else if t.contains("char") || t.contains("text") {
        "text"
    } else if t.contains("real") || t.contains("doub") || t.contains("floa") || t.contains("numeric") {
        "real"
    } else if t.contains("blob") || t.contains("bytea") {
        "blob"
    } else {
        "other"
    }
}

/// A default as both dialects would write it: PostgreSQL's casts (`'x'::text`) and parentheses dropped, a quoted
/// number unquoted.
fn default(raw: Option<String>) -> Option<String> {
    let mut d = raw?.trim().to_string();
    while d.starts_with('(') && d.ends_with(')') {
        d = d[1..d.len() - 1].trim().to_string();
    }
    if let Some(i) = d.rfind("::")
        && d[i + 2..].chars().all(|c| c.is_ascii_alphabetic() || c == ' ' || c == '_')
    {
        d.truncate(i);
    }
    let inner = d.trim_matches('\'');
    if d.starts_with('\'') && !inner.is_empty() && inner.trim_start_matches('-').bytes().all(|b| b.is_ascii_digit()) {
        d = inner.to_string();
    }
    Some(d)
}

async fn sqlite_schema(app: &TestApp) -> BTreeMap<String, Tabella> {
    let pool = app.db.pool();
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .expect("tables");
    let mut schema = BTreeMap::new();
    for name in names {
        let mut t = Tabella::default();
        let cols: Vec<(String, String, i64, Option<String>, i64)> =
            sqlx::query_as("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info($1)")
                .bind(&name)
                .fetch_all(pool)
                .await
                .expect("columns");
        let mut key: Vec<(i64, String)> = Vec::new();
        for (col, declared, notnull, dflt, pk) in cols {
            if pk > 0 {
                key.push((pk, col.clone()));
            }
            t.colonne.insert(
                col,
                Colonna { tipo: tipo(&declared), nullable: notnull == 0 && pk == 0, default: default(dflt) },
            );
        }
        key.sort();
        t.chiave = key.into_iter().map(|(_, c)| c).collect();
        let indexes: Vec<(String, i64, String)> =
            sqlx::query_as("SELECT name, \"unique\", origin FROM pragma_index_list($1)")
                .bind(&name)
                .fetch_all(pool)
                .await
                .expect("indexes");
        for (index, unique, origin) in indexes {
            let cols: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                .bind(&index)
                .fetch_all(pool)
                .await
                .expect("index columns");
            match origin.as_str() {
                "c" => {
                    t.indici.insert(index, (cols, unique == 1));
                }
                "u" => {
                    t.uniche.insert(cols);
                }
                _ => {}
            }
        }
        schema.insert(name, t);
    }
    schema
}

async fn postgres_schema(app: &TestApp) -> BTreeMap<String, Tabella> {
    let pool = app.db.pool();
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' \
         AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .expect("tables");
    let mut schema = BTreeMap::new();
    for name in names {
        let mut t = Tabella::default();
        let cols: Vec<(String, String, String, Option<String>, String)> = sqlx::query_as(
            "SELECT column_name::text, data_type::text, is_nullable::text, column_default::text, is_identity::text \
             FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1",
        )
        .bind(&name)
        .fetch_all(pool)
        .await
        .expect("columns");
        for (col, declared, nullable, dflt, identity) in cols {
            // An identity column is SQLite's INTEGER PRIMARY KEY: no default of its own on either side.
            let dflt = if identity == "YES" { None } else { dflt };
            t.colonne
                .insert(col, Colonna { tipo: tipo(&declared), nullable: nullable == "YES", default: default(dflt) });
        }
        // Every index of the table: its columns in order, uniqueness, and the kind of constraint it backs (if any).
        let indexes: Vec<(String, String, bool, String)> = sqlx::query_as(
            "SELECT i.relname::text, \
                    (SELECT string_agg(a.attname::text, ',' ORDER BY k.ord) FROM unnest(ix.indkey) WITH ORDINALITY \
                     AS k(attnum, ord) JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum), \
                    ix.indisunique, \
                    COALESCE((SELECT c.contype::text FROM pg_constraint c WHERE c.conindid = ix.indexrelid LIMIT 1), '') \
             FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class r ON r.oid = ix.indrelid \
             JOIN pg_namespace n ON n.oid = r.relnamespace WHERE n.nspname = 'public' AND r.relname = $1",
        )
        .bind(&name)
        .fetch_all(pool)
        .await
        .expect("indexes");
        for (index, cols, unique, constraint) in indexes {
            let cols: Vec<String> = cols.split(',').map(str::to_string).collect();
            match constraint.as_str() {
                "p" => t.chiave = cols,
                "u" => {
                    t.uniche.insert(cols);
                }
                _ => {
                    t.indici.insert(index, (cols, unique));
                }
            }
        }
        schema.insert(name, t);
    }
    schema
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(postgres_tests), ignore = "PostgreSQL: set CASSETTO_TEST_POSTGRES to run it")]
async fn both_migration_trees_build_the_same_schema() {
    let Some(sqlite) = TestApp::spawn(Backend::Sqlite).await else { return };
    let Some(postgres) = TestApp::spawn(Backend::Postgres).await else { return };
    let (lite, pg) = (sqlite_schema(&sqlite).await, postgres_schema(&postgres).await);
    let mut differences = Vec::new();
    let tables: BTreeSet<&String> = lite.keys().chain(pg.keys()).collect();
    for table in tables {
        let (Some(l), Some(p)) = (lite.get(table), pg.get(table)) else {
            differences
                .push(format!("{table}: only in {}", if lite.contains_key(table) { "SQLite" } else { "PostgreSQL" }));
            continue;
        };
        let columns: BTreeSet<&String> = l.colonne.keys().chain(p.colonne.keys()).collect();
        for column in columns {
            match (l.colonne.get(column), p.colonne.get(column)) {
                (Some(a), Some(b)) if a == b => {}
                (a, b) => differences.push(format!("{table}.{column}: SQLite {a:?}, PostgreSQL {b:?}")),
            }
        }
        if l.chiave != p.chiave {
            differences.push(format!("{table} primary key: SQLite {:?}, PostgreSQL {:?}", l.chiave, p.chiave));
        }
        if l.uniche != p.uniche {
            differences.push(format!("{table} unique constraints: SQLite {:?}, PostgreSQL {:?}", l.uniche, p.uniche));
        }
        let indexes: BTreeSet<&String> = l.indici.keys().chain(p.indici.keys()).collect();
        for index in indexes {
            match (l.indici.get(index), p.indici.get(index)) {
                (Some(a), Some(b)) if a == b => {}
                (a, b) => differences.push(format!("{table} index {index}: SQLite {a:?}, PostgreSQL {b:?}")),
            }
        }
    }
    assert!(differences.is_empty(), "the migration trees differ:\n{}", differences.join("\n"));
}

#[test]
fn defaults_are_compared_without_the_dialects_casts() {
    assert_eq!(default(Some("'nessuno'::text".into())).as_deref(), Some("'nessuno'"));
    assert_eq!(default(Some("'-1'::integer".into())).as_deref(), Some("-1"));
    assert_eq!(default(Some("(0)".into())).as_deref(), Some("0"));
    assert_eq!(default(None), None);
    assert_eq!(tipo("BIGINT"), tipo("INTEGER"));
    assert_ne!(tipo("TEXT"), tipo("INTEGER"));
}
