//! Durability: the server is killed with SIGKILL while writes are in flight. Every write
//! it acknowledged must be there afterwards, the database must pass its integrity check,
//! and the audit chain must be intact. (A process crash; power loss is what
//! `synchronous=FULL` additionally guards against and cannot be simulated here.)

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use yincai_store::test_support::TempDir;
use yincai_store::{AuditVerdict, Store};

const ACKNOWLEDGED_BEFORE_KILL: usize = 1000;
const WRITERS: usize = 4;
/// Far above the few seconds 1000 writes take on 2 cores; a limit, not an expectation.
const WAIT_FOR_ACKNOWLEDGED: std::time::Duration = std::time::Duration::from_secs(120);

fn start(data_dir: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_yincai"))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .env_remove("YINCAI_DATABASE_URL")
        .env("YINCAI_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("yincai listening on ")
        .expect("the listening line")
        .to_string();
    (child, base)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_acknowledged_write_is_lost_when_the_server_is_killed() {
    let dir = TempDir::new("yincai-crash");
    let (mut child, base) = start(&dir.0);
    let http = reqwest::Client::new();
    let login: serde_json::Value = http
        .post(format!("{base}/api/auth/login"))
        .json(&serde_json::json!({"username": "sysadmin", "password": "Yincai@Demo2026"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().unwrap().to_string();

    let acknowledged = Arc::new(std::sync::Mutex::new(Vec::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let (http, base, token, acknowledged, count) = (
            http.clone(),
            base.clone(),
            token.clone(),
            acknowledged.clone(),
            count.clone(),
        );
        writers.push(tokio::spawn(async move {
            // Keeps writing past the kill; requests then fail and the writer stops.
            for i in 0.. {
                let name = format!("耐久测试单位-{w}-{i}");
                let sent = http
                    .post(format!("{base}/api/orgs"))
                    .bearer_auth(&token)
                    .json(&serde_json::json!({"name": name, "kind": "department"}))
                    .send()
                    .await;
                match sent {
                    Ok(resp) if resp.status().as_u16() == 201 => {
                        acknowledged.lock().unwrap().push(name);
                        count.fetch_add(1, Ordering::SeqCst);
                    }
                    _ => break,
                }
            }
        }));
    }
    // Writers stop at their first refused or failed request; if all stop (or the server is too
    // slow) before the mark, the test fails here with the count rather than hang.
    let deadline = std::time::Instant::now() + WAIT_FOR_ACKNOWLEDGED;
    while count.load(Ordering::SeqCst) < ACKNOWLEDGED_BEFORE_KILL {
        let all_stopped = writers.iter().all(|w| w.is_finished());
        assert!(
            !all_stopped && std::time::Instant::now() < deadline,
            "only {} writes acknowledged before the writers stopped or {WAIT_FOR_ACKNOWLEDGED:?} passed",
            count.load(Ordering::SeqCst)
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    child.kill().expect("SIGKILL"); // writes are still in flight
    child.wait().unwrap();
    for w in writers {
        w.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();

    let store = Store::connect(&format!("sqlite://{}", dir.0.join("yincai.db").display()))
        .await
        .unwrap();
    let mut tx = store.begin_read().await.unwrap();
    let mut lost = Vec::new();
    for name in &acknowledged {
        if tx.org_by_name(name).await.unwrap().is_none() {
            lost.push(name.clone());
        }
    }
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged writes lost: {lost:?}",
        lost.len(),
        acknowledged.len()
    );
    let check: String = tx.execute_raw_scalar("pragma integrity_check").await.unwrap();
    assert_eq!(check, "ok");
    drop(tx);
    let verdict = store.verify_audit().await.unwrap();
    assert!(matches!(verdict, AuditVerdict::Intact { .. }), "{verdict:?}");
    store.close().await;

    // And the server starts again on the same data.
    let (mut child, base) = start(&dir.0);
    assert_eq!(
        reqwest::get(format!("{base}/healthz")).await.unwrap().status().as_u16(),
        200
    );
    child.kill().unwrap();
    child.wait().unwrap();
}
