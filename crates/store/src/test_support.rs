//! Fresh databases for tests: a SQLite file in a temp dir, and, when
//! `YINCAI_TEST_POSTGRES_URL` names a PostgreSQL server, a new database on it.
//! Not used by the application.

use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::Connection;

use crate::{NewCandidate, NewInstallment, NewTalent, NewUser};

/// The environment variable with an administrative PostgreSQL URL for tests.
pub const POSTGRES_ENV: &str = "YINCAI_TEST_POSTGRES_URL";
/// Set (to anything but empty or `0`) where the PostgreSQL half must run: CI sets it, so a
/// missing URL fails the test instead of skipping half of it.
pub const REQUIRE_POSTGRES_ENV: &str = "YINCAI_REQUIRE_POSTGRES";

/// A database created for one test.
pub struct TestDb {
    pub url: String,
    pub label: &'static str,
    /// The temp dir of a SQLite database (deleted on drop).
    _dir: Option<TempDir>,
    /// The PostgreSQL database to drop afterwards, with the admin URL.
    pg: Option<(String, String)>,
}

/// A temporary directory removed on drop (std only, so the store needs no extra crate).
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> TempDir {
        static N: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let path = std::env::temp_dir().join(format!(
            "{prefix}-{}-{}-{nanos}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&path).expect("create a temp dir");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl TestDb {
    pub fn sqlite() -> TestDb {
        let dir = TempDir::new("yincai-test");
        let url = format!("sqlite://{}", dir.0.join("yincai.db").display());
        TestDb {
            url,
            label: "sqlite",
            _dir: Some(dir),
            pg: None,
        }
    }

    /// A new PostgreSQL database, or `None` (with a loud message) when none is configured.
    pub async fn postgres() -> Option<TestDb> {
        let Ok(admin_url) = std::env::var(POSTGRES_ENV) else {
            let required = std::env::var(REQUIRE_POSTGRES_ENV).is_ok_and(|v| !v.is_empty() && v != "0");
            assert!(
                !required,
                "{REQUIRE_POSTGRES_ENV} is set but {POSTGRES_ENV} is not: the PostgreSQL half cannot be skipped here"
            );
            eprintln!(
                "skipped: no PostgreSQL ({POSTGRES_ENV} is not set) — the PostgreSQL half of this test did NOT run"
            );
            return None;
        };
        static N: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "yincai_test_{}_{}_{nanos}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        let mut conn = sqlx::PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("{POSTGRES_ENV}={admin_url} is set but PostgreSQL does not answer: {e}"));
        sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
            .execute(&mut conn)
            .await
            .expect("create a test database");
        let _ = conn.close().await;
        let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(b, _)| b);
        let url = format!("{base}/{name}");
        Some(TestDb {
            url,
            label: "postgres",
            _dir: None,
            pg: Some((admin_url, name)),
        })
    }

    /// Every backend available: SQLite always, PostgreSQL when configured.
    pub async fn all() -> Vec<TestDb> {
        let mut dbs = vec![TestDb::sqlite()];
        dbs.extend(TestDb::postgres().await);
        dbs
    }

    /// A store on this database, connected and migrated.
    pub async fn open_store(&self) -> crate::Store {
        let store = crate::Store::connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("{}: connect: {e}", self.label));
        store
            .migrate()
            .await
            .unwrap_or_else(|e| panic!("{}: migrate: {e}", self.label));
        store
    }

    /// Drops a PostgreSQL test database (SQLite files go with the temp dir).
    pub async fn cleanup(self) {
        if let Some((admin, name)) = &self.pg
            && let Ok(mut conn) = sqlx::PgConnection::connect(admin).await
        {
            let sql = format!("drop database if exists {name} with (force)");
            let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await;
        }
    }
}

/// Runs `$body` once per backend (SQLite always, PostgreSQL when configured) with a fresh,
/// migrated store bound to `$store` and the backend's name to `$label`; the database is
/// dropped afterwards. The store's contract suites share it.
#[macro_export]
macro_rules! on_every_backend {
    (|$store:ident, $label:ident| $body:block) => {
        for db in $crate::test_support::TestDb::all().await {
            let $store = db.open_store().await;
            let $label = db.label;
            $body
            $store.close().await;
            db.cleanup().await;
        }
    };
}

/// An account for seeding tests: password hash `x`, no roles.
pub fn new_user(username: &str, display_name: &str, org_id: i64) -> NewUser {
    NewUser {
        username: username.into(),
        display_name: display_name.into(),
        org_id,
        password_hash: "x".into(),
        must_change_password: false,
        roles: vec![],
    }
}

/// A registration form for seeding tests: a female doctor without a title, with a passport
/// whose stored number (`e-{name}`, indexed as `i-{name}`) differs from name to name.
pub fn new_candidate(name: &str) -> NewCandidate {
    NewCandidate {
        name: name.into(),
        id_type: "passport".into(),
        id_number_enc: format!("e-{name}"),
        id_number_index: format!("i-{name}"),
        id_number_masked: "E1*****".into(),
        phone_enc: "p".into(),
        phone_masked: "138****5678".into(),
        email: String::new(),
        gender: "female".into(),
        birth_date: None,
        education: "[]".into(),
        highest_degree: "doctor".into(),
        title: "none".into(),
        qualifications: String::new(),
        honours: "[]".into(),
        projects: String::new(),
    }
}

/// A talent record for seeding tests: recruited by a city unit on 2024-03-01 under
/// alashankou-2014 2014.1, no category, no obligations, empty facts and report.
pub fn new_talent(candidate_id: i64, org_id: i64, name: &str) -> NewTalent {
    NewTalent {
        candidate_id,
        application_id: None,
        special_case_id: None,
        org_id,
        name: name.into(),
        mode: "recruit".into(),
        employer: "city_unit".into(),
        start_date: "2024-03-01".into(),
        end_date: None,
        category: None,
        obligations: "[]".into(),
        policy_id: "alashankou-2014".into(),
        policy_version: "2014.1".into(),
        facts: "{}".into(),
        report: "{}".into(),
    }
}

/// A living-subsidy installment (Art. 13(2)) of service year `seq`, for seeding tests.
pub fn new_installment(talent_id: i64, org_id: i64, seq: i64, due_on: &str, amount_fen: i64) -> NewInstallment {
    NewInstallment {
        talent_id,
        org_id,
        benefit_code: "living_subsidy".into(),
        benefit_name: "生活补贴".into(),
        article: "13(2)".into(),
        seq,
        service_year: Some(seq),
        due_on: due_on.into(),
        amount_fen,
        engine_status: yincai_domain::lifecycle::EngineVerdict::Future,
    }
}
