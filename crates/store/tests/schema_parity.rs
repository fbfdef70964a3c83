//! The two migration trees (`migrations/sqlite`, `migrations/postgres`) must build the same
//! schema: tables, columns (type family, nullability, primary key), foreign keys, unique and
//! plain indexes (with their columns, uniqueness and whether they are partial) and the number of
//! check constraints per table. Only what the dialects spell differently is normalised: integer
//! widths, `blob`/`bytea`, identity columns.

use std::collections::BTreeSet;

use sqlx::{Connection, Row};
use yincai_store::test_support::TestDb;

/// One fact about the schema, comparable across the two dialects.
type Fact = String;

/// Indexes whose key order is tuned per backend on purpose (migration 0010 says why): the
/// same columns, compared as a set.
const KEY_ORDER_TUNED_PER_BACKEND: &[&str] = &["installments_owed_sums"];

fn index_fact(table: &str, name: &str, unique: bool, partial: bool, mut cols: Vec<String>) -> Fact {
    if KEY_ORDER_TUNED_PER_BACKEND.contains(&name) {
        cols.sort();
    }
    format!(
        "index {table} {name} unique={unique} partial={partial} ({})",
        cols.join(", ")
    )
}

fn family(declared: &str) -> &'static str {
    let t = declared.to_ascii_lowercase();
    if t.contains("int") {
        "integer"
    } else if t.contains("char") || t.contains("text") {
        "text"
    } else if t.contains("bool") {
        "boolean"
    } else if t.contains("blob") || t.contains("bytea") {
        "bytes"
    } else if t.contains("real") || t.contains("double") || t.contains("float") || t.contains("numeric") {
        "number"
    } else {
        "other"
    }
}

/// Counts `check (` clauses, however spaced, in a table's SQL.
fn checks_in(sql: &str) -> usize {
    let lower = sql.to_ascii_lowercase();
    lower
        .match_indices("check")
        .filter(|(i, _)| lower[i + 5..].trim_start().starts_with('('))
        .count()
}

async fn sqlite_facts(url: &str) -> BTreeSet<Fact> {
    let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
    let mut facts = BTreeSet::new();
    let tables = sqlx::query(
        "select name, sql from sqlite_master where type = 'table'
         and name not like 'sqlite_%' and name not like '_sqlx_%' order by name",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    for t in tables {
        let table: String = t.get("name");
        let sql: String = t.get("sql");
        facts.insert(format!("table {table}"));
        facts.insert(format!("table {table} checks {}", checks_in(&sql)));
        let columns = sqlx::query(sqlx::AssertSqlSafe(format!("pragma table_info('{table}')")))
            .fetch_all(&mut c)
            .await
            .unwrap();
        for col in columns {
            let name: String = col.get("name");
            let ty: String = col.get("type");
            let pk: i64 = col.get("pk");
            // A primary key column is never null, whatever SQLite's pragma says.
            let not_null = col.get::<i64, _>("notnull") == 1 || pk > 0;
            facts.insert(format!(
                "column {table}.{name} {} not_null={not_null} pk={}",
                family(&ty),
                pk > 0
            ));
        }
        let fks = sqlx::query(sqlx::AssertSqlSafe(format!("pragma foreign_key_list('{table}')")))
            .fetch_all(&mut c)
            .await
            .unwrap();
        for fk in fks {
            let from: String = fk.get("from");
            let to_table: String = fk.get("table");
            let to: Option<String> = fk.get("to");
            facts.insert(format!(
                "fk {table}.{from} -> {to_table}.{}",
                to.unwrap_or_else(|| "id".into())
            ));
        }
        let indexes = sqlx::query(sqlx::AssertSqlSafe(format!("pragma index_list('{table}')")))
            .fetch_all(&mut c)
            .await
            .unwrap();
        for ix in indexes {
            let name: String = ix.get("name");
            let origin: String = ix.get("origin");
            if origin == "pk" {
                continue;
            }
            let unique: i64 = ix.get("unique");
            let partial: i64 = ix.get("partial");
            let cols: Vec<String> = sqlx::query(sqlx::AssertSqlSafe(format!("pragma index_info('{name}')")))
                .fetch_all(&mut c)
                .await
                .unwrap()
                .iter()
                .map(|r| r.get::<Option<String>, _>("name").unwrap_or_else(|| "<expr>".into()))
                .collect();
            // Constraint-made indexes have generated names; compare them by content only.
            let shown = if origin == "c" { name } else { "<constraint>".into() };
            facts.insert(index_fact(&table, &shown, unique == 1, partial == 1, cols));
        }
    }
    let _ = c.close().await;
    facts
}

async fn postgres_facts(url: &str) -> BTreeSet<Fact> {
    let mut c = sqlx::PgConnection::connect(url).await.unwrap();
    let mut facts = BTreeSet::new();
    let tables: Vec<String> = sqlx::query_scalar(
        "select table_name::text from information_schema.tables
         where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like '_sqlx_%'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    for table in tables {
        facts.insert(format!("table {table}"));
        let checks: i64 =
            sqlx::query_scalar("select count(*) from pg_constraint where conrelid = $1::regclass and contype = 'c'")
                .bind(&table)
                .fetch_one(&mut c)
                .await
                .unwrap();
        facts.insert(format!("table {table} checks {checks}"));
        let pk_cols: Vec<String> = sqlx::query_scalar(
            "select a.attname::text from pg_index i
             join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey::int2[])
             where i.indrelid = $1::regclass and i.indisprimary",
        )
        .bind(&table)
        .fetch_all(&mut c)
        .await
        .unwrap();
        let columns = sqlx::query(
            "select column_name::text as name, data_type::text as ty, is_nullable::text as nullable
             from information_schema.columns where table_schema = 'public' and table_name = $1",
        )
        .bind(&table)
        .fetch_all(&mut c)
        .await
        .unwrap();
        for col in columns {
            let name: String = col.get("name");
            let ty: String = col.get("ty");
            let not_null = col.get::<String, _>("nullable") == "NO";
            let pk = pk_cols.contains(&name);
            facts.insert(format!(
                "column {table}.{name} {} not_null={not_null} pk={pk}",
                family(&ty)
            ));
        }
        let fks = sqlx::query(
            "select a.attname::text as from_col, cl.relname::text as to_table, fa.attname::text as to_col
             from pg_constraint k
             join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
             join pg_class cl on cl.oid = k.confrelid
             join pg_attribute fa on fa.attrelid = k.confrelid and fa.attnum = k.confkey[1]
             where k.conrelid = $1::regclass and k.contype = 'f'",
        )
        .bind(&table)
        .fetch_all(&mut c)
        .await
        .unwrap();
        for fk in fks {
            let from: String = fk.get("from_col");
            let to_table: String = fk.get("to_table");
            let to: String = fk.get("to_col");
            facts.insert(format!("fk {table}.{from} -> {to_table}.{to}"));
        }
        let indexes = sqlx::query(
            "select ic.relname::text as name, i.indisunique as is_unique, i.indpred is not null as partial,
                    exists (select 1 from pg_constraint k where k.conindid = i.indexrelid) as from_constraint,
                    array(select coalesce(a.attname::text, '<expr>')
                          from unnest(i.indkey::int2[]) with ordinality as k(attnum, ord)
                          left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
                          order by k.ord) as cols
             from pg_index i join pg_class ic on ic.oid = i.indexrelid
             where i.indrelid = $1::regclass and not i.indisprimary",
        )
        .bind(&table)
        .fetch_all(&mut c)
        .await
        .unwrap();
        for ix in indexes {
            let name: String = ix.get("name");
            let unique: bool = ix.get("is_unique");
            let partial: bool = ix.get("partial");
            let from_constraint: bool = ix.get("from_constraint");
            let cols: Vec<String> = ix.get("cols");
            let shown = if from_constraint { "<constraint>".into() } else { name };
            facts.insert(index_fact(&table, &shown, unique, partial, cols));
        }
    }
    let _ = c.close().await;
    facts
}

#[tokio::test]
async fn sqlite_and_postgresql_migrations_build_the_same_schema() {
    let sqlite = TestDb::sqlite();
    sqlite.open_store().await.close().await;
    let lite = sqlite_facts(&sqlite.url).await;
    assert!(lite.len() > 300, "only {} facts read from SQLite", lite.len());
    let Some(pg) = TestDb::postgres().await else {
        return; // said loudly by TestDb::postgres; CI requires it.
    };
    pg.open_store().await.close().await;
    let post = postgres_facts(&pg.url).await;
    pg.cleanup().await;
    let only_sqlite: Vec<_> = lite.difference(&post).collect();
    let only_postgres: Vec<_> = post.difference(&lite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "the schemas differ.\nonly on SQLite:\n  {}\nonly on PostgreSQL:\n  {}",
        only_sqlite.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n  "),
        only_postgres
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n  ")
    );
}
