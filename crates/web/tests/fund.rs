//! The special fund over HTTP, on every backend: finance enters budgets (growth shown), the
//! leading group approves a release against the budget (refused with the figures when short),
//! finance pays once with an idempotency key (the same key answers the same, another request
//! 409), batches releases, pays a batch in the browser and exports it to Excel for the bank.

use crate::common;

use common::{SeedTalent, TestApp};
use reqwest::StatusCode;
use serde_json::json;

/// A talent of the demo unit with `n` installments of ¥1,000 due on 2031-06-30 whose
/// assessments passed; returns their ids.
async fn installments(app: &TestApp, name: &str, n: i64) -> Vec<i64> {
    let talent = app
        .seed_talent(SeedTalent {
            name,
            start_date: "2030-06-30",
            category: Some(4),
            ..Default::default()
        })
        .await;
    let due_on = vec!["2031-06-30"; usize::try_from(n).unwrap()];
    let ids = app.seed_installments(talent, 100_000, &due_on).await;
    let mut tx = app.app.store.begin_write().await.unwrap();
    for id in &ids {
        tx.execute_raw(&format!(
            "update installments set engine_status = 'due' where id = {id}"
        ))
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    ids
}

/// The coordination office's certificate (the gate's last step, issued elsewhere).
async fn certify(app: &TestApp, id: i64) {
    let mut tx = app.app.store.begin_write().await.unwrap();
    assert!(
        tx.certify_installment(id, &format!("阿人才证〔2031〕{id}号"), 3)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn budgets_approval_payment_once_and_batches_over_http() {
    for app in TestApp::on_every_backend().await {
        let label = app.label;
        let [finance, leader, coord] = app.logins(["finance", "leader", "coord"]).await;
        // The demo has paid 高峰's first year already: count this test's payments on top.
        let (demo_payments, demo_paid) = app
            .app
            .store
            .begin_read()
            .await
            .unwrap()
            .payments_total()
            .await
            .unwrap();

        // Budgets: 2030 and 2031, with growth.
        for (year, amount) in [(2030, "2,000"), (2031, "2500")] {
            let (s, b) = app
                .post(
                    "/api/fund/budgets",
                    &finance,
                    json!({"year": year, "amount": amount, "note": "年初预算"}),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{label}: {b}");
        }
        let (s, fund) = app.get("/api/fund", &coord).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(fund["years"][0]["year"], 2031, "{label}");
        assert_eq!(fund["years"][0]["growth_fen"], 50_000);
        assert_eq!(fund["years"][0]["growth_pct"], "25.00%");
        assert_eq!(fund["years"][0]["available_fen"], 250_000);
        let (s, b) = app
            .post("/api/fund/budgets", &finance, json!({"year": 2031, "amount": "12.34"}))
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{label}: {b}");
        let (s, b) = app
            .post("/api/fund/budgets", &finance, json!({"year": 2032, "amount": "12.345"}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(b["errors"][0]["field"], "amount", "{label}: {b}");

        // Approval by the leading group, against the 2031 budget (¥2,500: two of three). There
        // is no approval route (F2): money moves only on a meeting's decision, which approves
        // inside its own transaction, as here.
        let ids = installments(&app, "王芳", 3).await;
        let (s, _) = app
            .post(
                &format!("/api/fund/installments/{}/approve", ids[0]),
                &leader,
                json!({"resolution_number": "阿人才领〔2031〕5号"}),
            )
            .await;
        assert!(
            matches!(s, StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED),
            "{label}: no approval outside a meeting: {s}"
        );
        let leader_actor = app.app.authenticate(&leader).await.unwrap();
        for (n, id) in ids.iter().enumerate() {
            let result = async {
                let mut tx = app.app.store.begin_write().await?;
                let row = app
                    .app
                    .approve_release_in(&mut tx, &leader_actor, *id, "阿人才领〔2031〕5号", &Default::default())
                    .await?;
                tx.commit().await?;
                Ok::<_, yincai_app::AppError>(row)
            }
            .await;
            if n < 2 {
                assert_eq!(result.unwrap().status.code(), "approved", "{label}");
            } else {
                let e = result.unwrap_err();
                assert!(
                    e.to_string()
                        .contains("2031 年度专项资金可用余额 ¥500.00，不足以支付 ¥1,000.00"),
                    "{label}: {e}"
                );
            }
        }
        for id in &ids[..2] {
            certify(&app, *id).await;
        }
        // Finance is told: certified money waits to be put in a batch (the office is not).
        let fund_tasks = |tasks: &serde_json::Value, kind: &str| -> Vec<serde_json::Value> {
            tasks
                .as_array()
                .unwrap()
                .iter()
                .filter(|t| t["kind"] == kind)
                .cloned()
                .collect()
        };
        let (_, tasks) = app.get("/api/tasks", &finance).await;
        let to_batch = fund_tasks(&tasks, "fund_to_batch");
        assert_eq!(to_batch.len(), 1, "{label}: {tasks}");
        assert!(
            to_batch[0]["title"]
                .as_str()
                .unwrap()
                .contains("笔已出具证明的待遇，合计 ¥")
                && to_batch[0]["link"] == "/fund/batches",
            "{label}: {to_batch:?}"
        );
        let (_, tasks) = app.get("/api/tasks", &coord).await;
        assert!(fund_tasks(&tasks, "fund_to_batch").is_empty(), "{label}: {tasks}");

        // Paying: finance only, once, idempotently.
        let pay = |token: &str, id: i64, key: &str| {
            let req = app
                .http
                .post(app.url(&format!("/api/fund/installments/{id}/pay")))
                .bearer_auth(token)
                .header("Idempotency-Key", key);
            async move {
                let resp = req.send().await.unwrap();
                let status = resp.status();
                (status, resp.json::<serde_json::Value>().await.unwrap_or_default())
            }
        };
        let (s, _) = pay(&coord, ids[0], "k-0").await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{label}");
        let (s, first) = pay(&finance, ids[0], "k-0").await;
        assert_eq!(s, StatusCode::OK, "{label}: {first}");
        assert_eq!(first["amount_fen"], 100_000);
        assert_eq!(first["available_after_fen"], 50_000, "{label}: one still committed");
        let (s, again) = pay(&finance, ids[0], "k-0").await;
        assert_eq!((s, &again), (StatusCode::OK, &first), "{label}");
        let (s, other) = pay(&finance, ids[1], "k-0").await;
        assert_eq!(s, StatusCode::CONFLICT, "{label}: {other}");
        assert_eq!(other["errors"][0]["field"], "idempotency_key");
        let (s, twice) = pay(&finance, ids[0], "k-1").await;
        assert_eq!(s, StatusCode::CONFLICT, "{label}: {twice}");
        assert_eq!(twice["code"], "already_handled");
        let (s, not_certified) = pay(&finance, ids[2], "k-2").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {not_certified}");

        // A batch of the other certified release, paid in the browser, exported.
        let (s, batch) = app
            .post(
                "/api/fund/batches",
                &finance,
                json!({"installment_ids": [ids[1]], "note": "十一月批次"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{label}: {batch}");
        assert_eq!(batch["total_fen"], 100_000);
        let batch_id = batch["id"].as_i64().unwrap();
        let number = batch["number"].as_str().unwrap().to_string();
        assert!(number.starts_with("ZF"), "{number}");

        // The open batch is finance's task, on its workbench, until it is paid.
        let (_, tasks) = app.get("/api/tasks", &finance).await;
        let to_pay = fund_tasks(&tasks, "fund_batch_to_pay");
        let this_batch = format!("/fund/batches/{batch_id}");
        assert!(
            to_pay
                .iter()
                .any(|t| t["link"] == this_batch.as_str() && t["title"].as_str().unwrap().contains(&number)),
            "{label}: {tasks}"
        );
        let browser = app.browser("finance").await;
        let (_, workbench) = browser.get("/workbench").await;
        assert!(
            workbench.contains(&format!("支付批次 {number}：1 笔待支付，合计 ¥1,000.00")),
            "{label}: the workbench shows the batch"
        );
        let (s, page) = browser.get("/fund").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            page.contains("href=\"/fund\"") && page.contains("专项资金"),
            "menu entry"
        );
        assert!(
            page.contains("25.00%") && page.contains("2,500.00"),
            "{label}: growth on the page"
        );
        let (s, page) = browser.get(&format!("/fund/batches/{batch_id}")).await;
        assert_eq!(s, StatusCode::OK);
        let key = common::quoted_after(&page, "name=\"idempotency_key\" value=\"").unwrap();
        let csrf = browser.csrf.clone();
        let form = [("_csrf", csrf.as_str()), ("idempotency_key", key.as_str())];
        let (s, page) = browser.post_form(&format!("/fund/batches/{batch_id}/pay"), &form).await;
        assert_eq!(s, StatusCode::OK, "{label}");
        assert!(page.contains("本次支付 1 笔，合计 ¥1,000.00"), "{label}: {page}");
        // Submitted twice (a double click): the same answer, nothing paid twice.
        let (s, page) = browser.post_form(&format!("/fund/batches/{batch_id}/pay"), &form).await;
        assert_eq!(s, StatusCode::OK);
        assert!(page.contains("本次支付 1 笔"), "{label}");
        let (_, b) = app.get(&format!("/api/fund/batches/{batch_id}"), &finance).await;
        assert_eq!(
            (b["status"].as_str(), b["paid_items"].as_i64()),
            (Some("paid"), Some(1)),
            "{label}"
        );
        let (_, tasks) = app.get("/api/tasks", &finance).await;
        assert!(
            !fund_tasks(&tasks, "fund_batch_to_pay")
                .iter()
                .any(|t| t["link"] == this_batch.as_str()),
            "{label}: a paid batch is no task: {tasks}"
        );
        let mut tx = app.app.store.begin_read().await.unwrap();
        assert_eq!(
            tx.payments_total().await.unwrap(),
            (demo_payments + 2, demo_paid + 200_000),
            "{label}"
        );
        drop(tx);

        let resp = browser
            .http
            .get(app.url(&format!("/fund/batches/{batch_id}/export.xlsx")))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let (sheet, rows) = common::read_xlsx(&resp.bytes().await.unwrap());
        assert_eq!(sheet, "支付批次");
        assert_eq!(
            rows[0],
            [
                "序号",
                "收款人",
                "身份证号",
                "开户行",
                "银行账号",
                "金额（元）",
                "单位",
                "待遇",
                "政策条款",
                "期次",
                "证明编号",
                "批复文号"
            ]
        );
        assert_eq!(rows[1][1], "王芳");
        assert_eq!(rows[1][8], "第十三条第㈡项");
        assert_eq!(rows[1][0], "1", "{label}: the row number is a number");
        assert_eq!(rows[1][5], "1000", "{label}: the amount is a number (yuan)");
        let last = rows.last().unwrap();
        assert_eq!(
            (last[0].as_str(), last[5].as_str()),
            ("合计", "1000"),
            "{label}: a total row"
        );
        assert_eq!(rows[1][10], format!("阿人才证〔2031〕{}号", ids[1]));
        let coord_browser = app.browser("coord").await;
        let (s, _) = coord_browser
            .get(&format!("/fund/batches/{batch_id}/export.xlsx"))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{label}: exporting payee data is finance's");

        // The ledger on the page and over the API balances to the figures.
        let (_, fund) = app.get("/api/fund?year=2031", &finance).await;
        assert_eq!(fund["years"][0]["paid_fen"], 200_000, "{label}");
        assert_eq!(fund["years"][0]["committed_fen"], 0);
        assert_eq!(fund["years"][0]["available_fen"], 50_000);
        assert_eq!(fund["ledger"][0]["kind"], "payment");
        assert_eq!(fund["ledger"][0]["available_after_fen"], 50_000);

        // The admin roles see nothing of the fund.
        let sysadmin = app.browser("sysadmin").await;
        let (s, page) = sysadmin.get("/fund").await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert!(!page.contains("href=\"/fund\""));
        app.stop().await;
    }
}

#[tokio::test]
async fn the_budget_form_keeps_what_was_typed_and_names_the_field() {
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    let browser = app.browser("finance").await;
    let csrf = browser.csrf.clone();
    let (s, page) = browser
        .post_form(
            "/fund/budgets",
            &[
                ("_csrf", &csrf),
                ("year", "2032"),
                ("amount", "1,23"),
                ("note", "阿财预〔2032〕1号"),
                ("version", ""),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("千分位逗号位置不对"), "{page}");
    assert!(
        page.contains("value=\"1,23\"") && page.contains("阿财预〔2032〕1号"),
        "typed values kept"
    );
    let (s, to) = browser
        .post_form(
            "/fund/budgets",
            &[
                ("_csrf", &csrf),
                ("year", "2032"),
                ("amount", "1,230,000"),
                ("note", ""),
                ("version", ""),
            ],
        )
        .await;
    assert_eq!((s, to.as_str()), (StatusCode::SEE_OTHER, "/fund?saved=2032"));
    let (_, page) = browser.get("/fund?edit=2032").await;
    assert!(
        page.contains("修改 2032 年度预算") && page.contains("value=\"1230000.00\""),
        "{page}"
    );
    app.stop().await;
}

/// The talent record shows where each installment stands now (issue 12, item 8): a paid one as
/// paid under its 证明, not as the "waits for the annual assessment" frozen at introduction.
#[tokio::test]
async fn the_talent_record_shows_a_paid_installment_as_paid_with_its_certificate() {
    for app in TestApp::on_every_backend().await {
        let l = app.label;
        let paid = {
            let mut tx = app.app.store.begin_read().await.unwrap();
            tx.installments(&yincai_store::InstallmentQuery {
                status: Some("paid".into()),
                limit: 1,
                ..Default::default()
            })
            .await
            .unwrap()
            .rows
        };
        let paid = paid.first().expect("the demo has a paid installment");
        let certificate = paid
            .certificate_number
            .clone()
            .expect("a paid installment has its 证明");
        let coord = app.browser("coord").await;
        let (status, page) = coord.get(&format!("/talents/{}", paid.talent_id)).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        let year = paid.service_year.unwrap();
        assert!(
            page.contains(&format!("已支付（{certificate}）")),
            "{l}: year {year} of {} is not shown as paid under {certificate}",
            paid.benefit_name
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn the_bank_file_carries_each_payees_id_number_bank_and_account_masked_elsewhere() {
    for app in TestApp::on_every_backend().await {
        let label = app.label;
        let [coord, finance, gaofeng, leader] = app.logins(["coord", "finance", "gaofeng", "leader"]).await;
        let budget = json!({"year": 2031, "amount": "2500", "note": "年初预算"});
        let (s, body) = app.post("/api/fund/budgets", &finance, budget).await;
        assert_eq!(s, StatusCode::OK, "{label}: {body}");
        let ids = installments(&app, "李红", 1).await;
        // Released by the group and certified (the gate's steps are tested above).
        let leader_actor = app.app.authenticate(&leader).await.unwrap();
        let mut tx = app.app.store.begin_write().await.unwrap();
        let row = app
            .app
            .approve_release_in(
                &mut tx,
                &leader_actor,
                ids[0],
                "阿人才领〔2031〕6号",
                &Default::default(),
            )
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let talent = row.talent_id;
        certify(&app, ids[0]).await;
        let (s, batch) = app
            .post("/api/fund/batches", &finance, json!({"installment_ids": [ids[0]]}))
            .await;
        assert_eq!(s, StatusCode::OK, "{label}: {batch}");
        let batch_id = batch["id"].as_i64().unwrap();

        // Without an account the payee is named on the batch before paying.
        let browser = app.browser("finance").await;
        let (_, page) = browser.get(&format!("/fund/batches/{batch_id}")).await;
        assert!(page.contains("缺少银行账户：李红"), "{label}: {page}");
        assert!(
            page.contains("data-confirm=\"确定支付本批次？将逐笔支付尚未支付的 1 笔，合计 ¥1,000.00"),
            "{label}: paying states the total first"
        );
        let (_, detail) = app.get(&format!("/api/fund/batches/{batch_id}"), &finance).await;
        assert_eq!(detail["missing_accounts"], json!(["李红"]), "{label}");

        // The office records it: wrong input names the field; then it is stored encrypted,
        // audited, and shown masked.
        let path = format!("/api/talents/{talent}/bank-account");
        let (s, body) = app
            .put(&path, &coord, json!({"account": "6222-02ab", "bank_name": ""}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {body}");
        let fields: Vec<&str> = body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["account", "bank_name"], "{label}: {body}");
        let (s, _) = app
            .put(
                &path,
                &finance,
                json!({"account": "6222021234567890123", "bank_name": "工行"}),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "{label}: finance reads it only in the bank file"
        );
        let audit_before = app.audit_count().await;
        let account = json!({"account": "6222 0212 3456 7890 123", "bank_name": "中国工商银行阿拉山口支行"});
        let (s, body) = app.put(&path, &coord, account).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{label}: {body}");
        assert_eq!(app.audit_count().await, audit_before + 1, "{label}");
        let mut tx = app.app.store.begin_read().await.unwrap();
        let stored = tx.bank_account(talent).await.unwrap().bank_account_enc.unwrap();
        drop(tx);
        assert!(
            stored.starts_with("v1:") && !stored.contains("0123"),
            "{label}: stored encrypted: {stored}"
        );
        let (_, t) = app.get(&format!("/api/talents/{talent}"), &coord).await;
        assert_eq!(t["bank_account_masked"], "**** **** **** 0123", "{label}");
        assert_eq!(t["bank_name"], "中国工商银行阿拉山口支行", "{label}");
        let (_, page) = browser.get(&format!("/fund/batches/{batch_id}")).await;
        assert!(!page.contains("缺少银行账户"), "{label}");

        // The bank file carries it in full, with the ID number; the download is audited.
        let audit_before = app.audit_count().await;
        let resp = browser
            .http
            .get(app.url(&format!("/fund/batches/{batch_id}/export.xlsx")))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{label}");
        let (_, rows) = common::read_xlsx(&resp.bytes().await.unwrap());
        assert_eq!(
            rows[1][1..6],
            [
                "李红",
                common::SEEDED_PASSPORT,
                "中国工商银行阿拉山口支行",
                "6222021234567890123",
                "1000"
            ],
            "{label}"
        );
        assert_eq!(
            app.audit_count().await,
            audit_before + 1,
            "{label}: the export is audited"
        );

        // A talent records their own on 我的人才档案 (the page keeps what was typed on an error).
        let (s, body) = app
            .put(
                "/api/me/talent/bank-account",
                &gaofeng,
                json!({"account": "6217 0000 1111 2222", "bank_name": "中国建设银行阿拉山口分行"}),
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{label}: {body}");
        let (_, mine) = app.get("/api/me/talent", &gaofeng).await;
        assert_eq!(mine["bank_account_masked"], "**** **** **** 2222", "{label}");
        // Masked on the record, for the office as for the talent.
        let (_, page) = app
            .browser("coord")
            .await
            .get(&format!("/talents/{}", mine["id"]))
            .await;
        assert!(
            page.contains("**** **** **** 2222") && !page.contains("6217000011112222"),
            "{label}: masked on the record"
        );
        let own = app.browser("gaofeng").await;
        let (s, page) = own
            .submit(
                "/me/talent/bank-account",
                &[("account", "12ab"), ("bank_name", "中国建设银行阿拉山口分行")],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(
            page.contains("银行账号：请填写 8 至 30 位数字") && page.contains("value=\"中国建设银行阿拉山口分行\""),
            "{label}"
        );
        app.stop().await;
    }
}
