//! The registration form (人才登记表) end to end over HTTP: the applicant's own form, the
//! coordination office's masked view, the reasoned and audited full view, and PIPL at rest.

use crate::common;

use common::{TestApp, profile_json, register_applicant, save_new_applicant, save_profile};
use reqwest::StatusCode;
use serde_json::json;
use yincai_store::{AuditQuery, AuditRecord};

const ID: &str = "110101199003071233";
const PHONE: &str = "13812345678";

async fn audits(app: &TestApp, action: &str) -> Vec<AuditRecord> {
    let q = AuditQuery {
        action: Some(action.into()),
        limit: 100,
        ..Default::default()
    };
    let mut tx = app.app.store.begin_read().await.unwrap();
    tx.audit_records(&q).await.unwrap().rows
}

#[tokio::test]
async fn the_applicant_saves_and_edits_their_own_form_masked_and_audited_without_clear_numbers() {
    for app in TestApp::on_every_backend().await {
        let l = app.label;
        let talent = app.login("talent").await;
        let (status, _) = app.get("/api/me/profile", &talent).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{l}: nothing before the first save");

        let before = app.audit_count().await;
        let (status, body) = app
            .put("/api/me/profile", &talent, profile_json("张三", ID, PHONE))
            .await;
        assert_eq!(status, StatusCode::OK, "{l}: {body}");
        let id = body["id"].as_i64().unwrap();
        assert_eq!(app.audit_count().await, before + 1, "{l}: one audit record per save");
        let (status, me) = app.get("/api/me/profile", &talent).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert_eq!(me["id"].as_i64(), Some(id), "{l}");
        assert_eq!(me["id_number_masked"], "*****************3", "{l}");
        assert_eq!(me["phone_masked"], "*******5678", "{l}");
        assert_eq!(
            me["birth_date"], "1990-03-07",
            "{l}: from the 身份证号, for the applicant"
        );
        assert_eq!(me["birth_year"], 1990, "{l}");
        assert_eq!(me["highest_degree"], "doctor", "{l}");
        assert!(
            !me.to_string().contains(ID) && !me.to_string().contains(PHONE),
            "{l}: {me}"
        );

        // An edit that leaves the numbers empty keeps them; a new phone replaces the old.
        let mut edit = profile_json("张三", "", "13900001111");
        edit["gender"] = json!("male"); // as the stored 身份证号 states
        edit["version"] = me["version"].clone();
        let (status, body) = app.put("/api/me/profile", &talent, edit).await;
        assert_eq!(status, StatusCode::OK, "{l}: {body}");
        assert_eq!(
            (
                body["id"].as_i64(),
                body["name"].as_str(),
                body["phone_masked"].as_str()
            ),
            (Some(id), Some("张三"), Some("*******1111")),
            "{l}"
        );
        assert_eq!(body["id_number_masked"], "*****************3", "{l}");
        assert_eq!(app.audit_count().await, before + 2, "{l}");

        // A stale version is refused.
        let mut stale = profile_json("张三", "", "");
        stale["gender"] = json!("male");
        stale["version"] = me["version"].clone();
        let (status, _) = app.put("/api/me/profile", &talent, stale).await;
        assert_eq!(status, StatusCode::CONFLICT, "{l}");

        // The talent's own records (the demo's applicants have theirs).
        let mut records = audits(&app, "candidate_created").await;
        records.extend(audits(&app, "candidate_updated").await);
        records.retain(|r| r.actor_name == "talent");
        assert_eq!(records.len(), 2, "{l}");
        for r in &records {
            for clear in [ID, PHONE, "13900001111"] {
                assert!(!r.summary.contains(clear), "{l}: {}", r.summary);
            }
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn invalid_id_numbers_and_phones_are_refused_naming_the_field() {
    for app in TestApp::on_every_backend().await {
        let l = app.label;
        let talent = app.login("talent").await;
        let before = app.audit_count().await;
        for (bad, why) in [("110101199003071235", "校验"), ("110101199002301236", "日期")] {
            let (status, body) = app
                .put("/api/me/profile", &talent, profile_json("张三", bad, PHONE))
                .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{l}: {bad}: {body}");
            let fields = body.to_string();
            assert!(fields.contains("\"id_number\""), "{l}: {bad} ({why}): {body}");
        }
        let (status, body) = app
            .put("/api/me/profile", &talent, profile_json("张三", ID, "2381234567"))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(body.to_string().contains("\"phone\""), "{l}: {body}");
        assert_eq!(app.audit_count().await, before, "{l}: nothing written");
        app.stop().await;
    }
}

#[tokio::test]
async fn one_person_is_one_record_across_applicants() {
    for app in TestApp::on_every_backend().await {
        let l = app.label;
        save_profile(&app, "talent", "11010519491231002X", PHONE).await;
        register_applicant(&app, "applicant2").await;
        let other = app.login("applicant2").await;
        // The same number, typed with a lower-case check character.
        let (status, body) = app
            .put(
                "/api/me/profile",
                &other,
                profile_json("李四", " 11010519491231002x", "13911112222"),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{l}: {body}");
        assert!(body.to_string().contains("\"id_number\""), "{l}: {body}");
        assert!(
            body["message"].as_str().unwrap_or("").contains("证件号码"),
            "{l}: {body}"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn applicants_see_only_themselves_and_the_coordination_office_reveals_only_with_a_reason() {
    for app in TestApp::on_every_backend().await {
        let l = app.label;
        let mine = save_profile(&app, "talent", ID, PHONE).await;
        let theirs = save_new_applicant(&app, "applicant2", "11010519491231002X", "13911112222").await;
        let talent = app.login("talent").await;
        let (status, _) = app.get(&format!("/api/candidates/{theirs}"), &talent).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{l}: another applicant's form");
        let (status, _) = app.get(&format!("/api/candidates/{mine}"), &talent).await;
        assert_eq!(status, StatusCode::OK, "{l}: one's own");
        let (status, _) = app.get("/api/candidates", &talent).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{l}");
        let (status, _) = app
            .post(
                &format!("/api/candidates/{mine}/reveal"),
                &talent,
                json!({"reason": "我想看看自己的"}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{l}");

        let coord = app.login("coord").await;
        let (status, list) = app.get("/api/candidates?q=applicant2", &coord).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert_eq!(list["total"], 1, "{l}: search by name: {list}");
        assert_eq!(list["rows"][0]["id_number_masked"], "*****************X", "{l}");
        // The office's list: the birth year, not the date beside the masked number.
        assert_eq!(list["rows"][0]["birth_year"], 1949, "{l}: {list}");
        assert!(list["rows"][0].get("birth_date").is_none(), "{l}: {list}");
        let (_, all) = app.get("/api/candidates?limit=1", &coord).await;
        assert_eq!(
            (all["total"].as_i64(), all["rows"].as_array().map(Vec::len)),
            (Some(2 + yincai_app::demo_cases::APPLICANTS.len() as i64), Some(1)),
            "{l}"
        );
        let (status, one) = app.get(&format!("/api/candidates/{mine}"), &coord).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert_eq!(
            (one["id_number_masked"].as_str(), one["phone_masked"].as_str()),
            (Some("*****************3"), Some("*******5678")),
            "{l}"
        );
        assert!(one.get("birth_date").is_none(), "{l}: {one}");

        let before = app.audit_count().await;
        let (status, body) = app
            .post(
                &format!("/api/candidates/{mine}/reveal"),
                &coord,
                json!({"reason": "核对"}),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{l}: a reason of 2 characters"
        );
        assert!(body.to_string().contains("\"reason\""), "{l}: {body}");
        assert_eq!(app.audit_count().await, before, "{l}: nothing shown, nothing written");

        let (status, body) = app
            .post(
                &format!("/api/candidates/{mine}/reveal"),
                &coord,
                json!({"reason": "资格审查核对身份"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{l}: {body}");
        assert_eq!(
            (
                body["id_number"].as_str(),
                body["phone"].as_str(),
                body["birth_date"].as_str()
            ),
            (Some(ID), Some(PHONE), Some("1990-03-07")),
            "{l}: the birth date only with the full number"
        );
        assert_eq!(app.audit_count().await, before + 1, "{l}: exactly one audit record");
        let records = audits(&app, "personal_data_viewed").await;
        assert_eq!(records.len(), 1, "{l}");
        assert_eq!(records[0].reason, "资格审查核对身份", "{l}");
        assert_eq!(records[0].object_id, mine.to_string(), "{l}");
        assert!(records[0].summary.contains("查看完整身份证号"), "{l}");
        assert!(!records[0].summary.contains(ID), "{l}");
        app.stop().await;
    }
}

#[tokio::test]
async fn the_raw_database_file_holds_no_clear_id_number_or_phone() {
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    save_profile(&app, "talent", ID, PHONE).await;
    let coord = app.login("coord").await;
    let (_, list) = app.get("/api/candidates", &coord).await;
    let id = list["rows"][0]["id"].as_i64().unwrap();
    let (status, _) = app
        .post(
            &format!("/api/candidates/{id}/reveal"),
            &coord,
            json!({"reason": "资格审查核对身份"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let path = app.sqlite_path().expect("a SQLite database");
    let mut bytes = Vec::new();
    // The database and its write-ahead log: a committed row may still sit in the WAL.
    for suffix in ["", "-wal"] {
        let mut p = path.clone().into_os_string();
        p.push(suffix);
        if let Ok(b) = std::fs::read(&p) {
            bytes.extend(b);
        }
    }
    assert!(bytes.len() > 10_000, "read the database file");
    let contains = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(
        contains("*****************3"),
        "the masked number is there, so the search works"
    );
    assert!(!contains(ID), "a clear ID number in the database file");
    assert!(!contains(PHONE), "a clear phone in the database file");
    app.stop().await;
}

#[tokio::test]
async fn the_pages_keep_typed_input_on_an_error_and_reveal_once_with_a_reason() {
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    let b = app.browser("talent").await;
    let (status, page) = b.get("/me/profile").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("我的人才登记表"));
    let (_, wb) = b.get("/workbench").await;
    assert!(wb.contains("/me/profile"), "a shortcut on the talent's workbench");

    let mut fields = vec![
        ("_csrf", b.csrf.as_str()),
        ("name", "王五"),
        ("gender", "male"),
        ("id_type", "citizen_id"),
        ("id_number", "110101199003071235"),
        ("phone", PHONE),
        ("email", "w@example.com"),
        ("edu_degree", "master"),
        ("edu_institution", "石河子大学"),
        ("edu_major", "农学"),
        ("edu_full_time", "yes"),
        ("edu_tier", "211"),
        ("edu_year", "2012"),
        ("edu_degree", "none"),
        ("edu_institution", ""),
        ("edu_major", ""),
        ("edu_full_time", "yes"),
        ("edu_tier", "none"),
        ("edu_year", ""),
        ("title", "intermediate"),
        ("honours", "provincial_leader"),
        ("projects", "棉花育种"),
    ];
    let (status, page) = b.post_form("/me/profile", &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for kept in [
        "王五",
        "110101199003071235",
        "石河子大学",
        "农学",
        "棉花育种",
        "w@example.com",
    ] {
        assert!(page.contains(kept), "the form keeps {kept}");
    }
    assert!(page.contains("value=\"provincial_leader\" checked"));
    assert!(page.contains("身份证号"), "the message names the field");

    fields[4] = ("id_number", ID);
    let (status, location) = b.post_form("/me/profile", &fields).await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/me/profile?ok=saved")
    );
    let (_, page) = b.get("/me/profile?ok=saved").await;
    assert!(page.contains("已保存") && page.contains("*****************3") && !page.contains(ID));
    assert!(page.contains("石河子大学"));

    let c = app.browser("coord").await;
    let (status, list) = c.get("/candidates?q=王").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("王五") && list.contains("*****************3") && list.contains("硕士"));
    assert!(!list.contains(ID));
    let id = common::quoted_after(&list, "href=\"/candidates/").unwrap();
    let (status, detail) = c.get(&format!("/candidates/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(detail.contains("查看完整证件号") && !detail.contains(ID) && !detail.contains(PHONE));
    // The birth year, never the birth date beside the masked number.
    assert!(detail.contains("出生年份") && detail.contains("1990 年") && !detail.contains("1990-03-07"));
    assert!(
        detail.contains("硕士") && detail.contains("“211工程”高校"),
        "education by name"
    );
    let (_, wb) = c.get("/workbench").await;
    assert!(
        wb.contains("href=\"/candidates\""),
        "a shortcut on the coordination office's workbench"
    );
    let path = format!("/candidates/{id}/reveal");
    let (status, page) = c
        .post_form(&path, &[("_csrf", c.csrf.as_str()), ("reason", "看")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("查看理由") && !page.contains(ID));
    let before = app.audit_count().await;
    let (status, page) = c
        .post_form(&path, &[("_csrf", c.csrf.as_str()), ("reason", "资格审查核对")])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(ID) && page.contains(PHONE) && page.contains("1990-03-07"));
    assert_eq!(app.audit_count().await, before + 1);
    let (_, again) = c.get(&format!("/candidates/{id}")).await;
    assert!(!again.contains(ID), "shown once, not kept");
    app.stop().await;
}
