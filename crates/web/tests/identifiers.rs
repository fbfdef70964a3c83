//! Identifiers and dates by the standards (issue 9, security review F9 and F13), each
//! finding reproduced over HTTP on every backend and refused with a Chinese message that
//! names the field: 身份证号 with a future birth date, a region that is no GB/T 2260 code or
//! a gender digit that contradicts the form; 统一社会信用代码 positions 1-2 outside GB 32100;
//! a meeting or an end of service dated 9999-12-31; an assessment of a service year that
//! has not ended, or dated before it began.

use crate::common;

use common::{SeedTalent, TestApp, profile_json};
use reqwest::StatusCode;
use serde_json::{Value, json};
use yincai_domain::ids::{citizen_id_check_char, credit_code_check_char, org_code_check_char};

/// A 身份证号 with a correct check character.
fn citizen(first17: &str) -> String {
    format!("{first17}{}", citizen_id_check_char(first17).unwrap())
}

/// A 统一社会信用代码 with correct checks, positions 1-2 as given.
fn credit(p12: &str) -> String {
    let org8 = "MA01C3K5";
    let first17 = format!("{p12}652702{org8}{}", org_code_check_char(org8).unwrap());
    format!("{first17}{}", credit_code_check_char(&first17).unwrap())
}

/// The fields of a 422 and the whole message text.
fn refused(status: StatusCode, body: &Value) -> (Vec<String>, String) {
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields = body["errors"]
        .as_array()
        .map(|e| e.iter().filter_map(|f| f["field"].as_str().map(String::from)).collect())
        .unwrap_or_default();
    (fields, body.to_string())
}

#[tokio::test]
async fn a_citizen_id_with_a_future_birth_date_an_unknown_region_or_the_wrong_gender_is_refused() {
    for app in TestApp::on_every_backend().await {
        let l = app.label;
        let talent = app.login("talent").await;
        let audits = app.audit_count().await;
        let tomorrow = app.app.today().tomorrow().unwrap().strftime("%Y%m%d").to_string();
        let put = |id_number: String, gender: &'static str| {
            let mut body = profile_json("张三", &id_number, "13812345678");
            body["gender"] = json!(gender);
            app.put("/api/me/profile", &talent, body)
        };
        for first17 in [format!("110101{tomorrow}123"), "11010120991231123".into()] {
            let (status, body) = put(citizen(&first17), "male").await;
            let (fields, text) = refused(status, &body);
            assert_eq!(fields, ["id_number"], "{l}: {text}");
            assert!(
                text.contains("身份证号：出生日期") && text.contains("不能晚于今天"),
                "{l}: {text}"
            );
        }
        // The review's examples: first digit 1-8 but no such county.
        for number in ["738458198108173108", "829025199309258712"] {
            assert_eq!(citizen(&number[..17]), number, "a valid check character");
            let (status, body) = put(number.into(), "female").await;
            let (fields, text) = refused(status, &body);
            assert_eq!(fields, ["id_number"], "{l}: {text}");
            assert!(
                text.contains("前 6 位地区码") && text.contains("GB/T 2260"),
                "{l}: {text}"
            );
        }
        // 110101199003071233: position 17 is 3, a man; the form says female.
        let (status, body) = put("110101199003071233".into(), "female").await;
        let (fields, text) = refused(status, &body);
        assert_eq!(fields, ["id_number", "gender"], "{l}: both fields: {text}");
        assert!(text.contains("身份证号与性别不一致"), "{l}: {text}");
        assert_eq!(app.audit_count().await, audits, "{l}: nothing written");
        let (status, _) = app.get("/api/me/profile", &talent).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{l}: nothing saved");

        // A 港澳居民居住证 number (810000) and an abolished county (崇文区, 110103) are fine.
        for first17 in ["81000019880423835", "11010319700101001"] {
            let number = citizen(first17);
            let gender = common::gender_of(&number);
            let (status, body) = put(number, gender).await;
            assert_eq!(status, StatusCode::OK, "{l}: {first17}: {body}");
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn a_credit_code_with_positions_1_2_outside_gb32100_is_refused() {
    for app in TestApp::on_every_backend().await {
        let l = app.label;
        let admin = app.login("sysadmin").await;
        let post = |name: &str, code: String| {
            app.post(
                "/api/orgs",
                &admin,
                json!({"name": name, "kind": "enterprise", "credit_code": code}),
            )
        };
        for (p12, position) in [
            ("KH", "第 1 位"),
            ("W0", "第 1 位"),
            ("2N", "第 2 位"),
            ("99", "第 2 位"),
        ] {
            let (status, body) = post("某某公司", credit(p12)).await;
            let (fields, text) = refused(status, &body);
            assert_eq!(fields, ["credit_code"], "{l}: {p12}: {text}");
            assert!(
                text.contains(&format!("统一社会信用代码：{position}")),
                "{l}: {p12}: {text}"
            );
        }
        // 农业 (N) and 其他 (Y) are GB 32100 authorities; lower case is normalised.
        let (status, body) = post("某村股份经济合作社", credit("N2").to_lowercase()).await;
        assert_eq!(status, StatusCode::CREATED, "{l}: {body}");
        let (_, org) = app.get(&format!("/api/orgs/{}", body["id"]), &admin).await;
        assert_eq!(org["credit_code"], credit("N2"), "{l}: stored upper case: {org}");
        app.stop().await;
    }
}

#[tokio::test]
async fn a_meeting_or_an_end_of_service_dated_9999_12_31_or_an_absurd_budget_is_refused() {
    for app in TestApp::on_every_backend().await {
        let l = app.label;
        let coord = app.login("coord").await;
        for date in ["9999-12-31", "0000-01-01"] {
            let (status, body) = app
                .post(
                    "/api/meetings",
                    &coord,
                    json!({"number": "2099年第1次", "title": "人才工作领导小组会议", "held_on": date}),
                )
                .await;
            let (fields, text) = refused(status, &body);
            assert_eq!(fields, ["held_on"], "{l}: {text}");
            assert!(text.contains("会议日期：不能"), "{l}: {text}");
        }
        let talent = app
            .seed_talent(SeedTalent {
                name: "钱远期",
                ..Default::default()
            })
            .await;
        let (status, body) = app
            .post(
                &format!("/api/talents/{talent}/endings"),
                &coord,
                json!({"cause": "breach", "ended_on": "9999-12-31", "reason": "学术不端，经核实", "basis": "核实报告"}),
            )
            .await;
        let (fields, text) = refused(status, &body);
        assert!(fields.contains(&"ended_on".to_string()), "{l}: {text}");
        assert!(text.contains("解除日期：不能晚于"), "{l}: {text}");
        // A budget of 92 quadrillion yuan (the review's i64 limit): refused, naming the field.
        let finance = app.login("finance").await;
        let (status, body) = app
            .post(
                "/api/fund/budgets",
                &finance,
                json!({"year": 2030, "amount": "92,233,720,368,547,758.07"}),
            )
            .await;
        let (fields, text) = refused(status, &body);
        assert_eq!(fields, ["amount"], "{l}: {text}");
        assert!(text.contains("不能超过 100 亿元"), "{l}: {text}");
        app.stop().await;
    }
}

#[tokio::test]
async fn an_assessment_of_a_service_year_not_yet_ended_or_dated_before_it_is_refused() {
    for app in TestApp::on_every_backend().await {
        let l = app.label;
        let today = app.app.today();
        // Service began two years ago less ten days: year 1 has ended, year 2 has not.
        let start = today
            .checked_sub(jiff::Span::new().years(2))
            .unwrap()
            .checked_add(jiff::Span::new().days(10))
            .unwrap();
        let talent = app
            .seed_talent(SeedTalent {
                name: "孙年度",
                start_date: &start.to_string(),
                ..Default::default()
            })
            .await;
        let unit = app.login("unit").await;
        let record = |year: i64, date: String| {
            app.post(
                "/api/benefits/assessments",
                &unit,
                json!({"talent_id": talent, "service_year": year, "result": "passed",
                            "document_number": "口岸考〔2026〕1号", "document_date": date}),
            )
        };
        let (status, body) = record(2, today.to_string()).await;
        let (fields, text) = refused(status, &body);
        assert_eq!(fields, ["service_year"], "{l}: {text}");
        assert!(
            text.contains("第 2 个服务年度") && text.contains("尚未结束"),
            "{l}: {text}"
        );
        // Dated before service began, or in the future.
        let before = start.yesterday().unwrap().to_string();
        let after = today.tomorrow().unwrap().to_string();
        for date in [before, after, "9999-12-31".to_string()] {
            let (status, body) = record(1, date.clone()).await;
            let (fields, text) = refused(status, &body);
            assert_eq!(fields, ["document_date"], "{l}: {date}: {text}");
            assert!(text.contains("文件日期："), "{l}: {text}");
        }
        // Year 1, dated within it: recorded.
        let (status, body) = record(1, start.to_string()).await;
        assert!(status.is_success(), "{l}: {body}");
        app.stop().await;
    }
}
