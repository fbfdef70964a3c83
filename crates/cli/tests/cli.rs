//! The binary as an operator meets it: bootstrap an administrator on a fresh
//! installation, then catch a record altered directly in the database.

use std::process::Command;

use yincai_store::Store;
use yincai_store::test_support::TempDir;

fn yincai(data_dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_yincai"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("YINCAI_DATABASE_URL")
        .env_remove("YINCAI_MASTER_KEY")
        .output()
        .expect("the binary runs")
}

#[tokio::test]
async fn audit_verify_names_the_record_altered_in_the_database() {
    let dir = TempDir::new("yincai-cli");
    let out = yincai(&dir.0, &["migrate"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // One of each separated admin role; a second of a role is refused (ADR 0009: later
    // administrators get their role by a confirmed proposal, not from the shell).
    for (name, role) in [
        ("admin1", "sys_admin"),
        ("admin2", "sec_admin"),
        ("admin3", "audit_admin"),
    ] {
        let out = yincai(
            &dir.0,
            &[
                "user",
                "create-admin",
                "--username",
                name,
                "--display-name",
                "管理员",
                "--role",
                role,
            ],
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("one-time password"),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = yincai(
        &dir.0,
        &[
            "user",
            "create-admin",
            "--username",
            "admin4",
            "--display-name",
            "管理员",
            "--role",
            "sys_admin",
        ],
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("已有系统管理员账号"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = yincai(&dir.0, &["audit", "verify"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("(intact): 3 records"));

    // Someone with the database file drops the guard and edits record 2.
    let store = Store::connect(&format!("sqlite://{}", dir.0.join("yincai.db").display()))
        .await
        .unwrap();
    let mut tx = store.begin_write().await.unwrap();
    tx.execute_raw("drop trigger audit_log_append_only_update")
        .await
        .unwrap();
    tx.execute_raw("update audit_log set summary = summary || ' ' where seq = 2")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    store.close().await;

    let out = yincai(&dir.0, &["audit", "verify"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("first bad record 2"), "{stdout}");
}

#[tokio::test]
async fn no_default_accounts_and_a_bad_role_is_refused() {
    let dir = TempDir::new("yincai-cli");
    let out = yincai(
        &dir.0,
        &[
            "user",
            "create-admin",
            "--username",
            "x1",
            "--display-name",
            "某",
            "--role",
            "finance",
        ],
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("sys_admin"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = std::fs::metadata(dir.0.join("master.key")).expect("the key is created on first start");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(key.permissions().mode() & 0o777, 0o600, "the key is private");
    }
    // The refused command left the database with no account at all: no default one either.
    let store = Store::connect(&format!("sqlite://{}", dir.0.join("yincai.db").display()))
        .await
        .unwrap();
    let mut tx = store.begin_read().await.unwrap();
    let accounts = tx
        .execute_raw_scalar("select cast(count(*) as text) from users")
        .await
        .unwrap();
    assert_eq!(accounts, "0");
    drop(tx);
    store.close().await;
}
