//! Every list exports what it shows under its filters (issue 12): a real workbook read back
//! with calamine, numbers as numbers, dates as dates, a 合计 row under money, the filter
//! honoured, and one audit record per export. Also the filters the lists gained, and the
//! audit log read as sentences with links.

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use reqwest::StatusCode;

use crate::common::{Browser, TestApp};

/// The number of audit records of `action` so far.
async fn audited(app: &TestApp, action: &str) -> i64 {
    let mut tx = app.app.store.begin_read().await.unwrap();
    let sql = format!("select cast(count(*) as text) from audit_log where action = '{action}'");
    tx.execute_raw_scalar(&sql).await.unwrap().parse().unwrap()
}

/// Downloads `path` as `who`, checks it is an .xlsx written with exactly one audit record
/// of `action`, and returns the sheet's name and its cells.
async fn export(app: &TestApp, who: &Browser, path: &str, action: &str) -> (String, Vec<Vec<Data>>) {
    let before = audited(app, action).await;
    let resp = who.http.get(app.url(path)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "{path}");
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml"),
        "{path}: an .xlsx"
    );
    let bytes = resp.bytes().await.unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("a real .xlsx");
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    let rows = range.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(audited(app, action).await, before + 1, "{path}: one audit record");
    (name, rows)
}

fn text(d: &Data) -> String {
    d.to_string()
}

fn is_number(d: &Data) -> bool {
    matches!(d, Data::Float(_) | Data::Int(_))
}

fn is_date(d: &Data) -> bool {
    matches!(d, Data::DateTime(_))
}

/// The page at `page` offers an export link carrying its filter `filter`.
async fn offers(who: &Browser, page: &str, export: &str) {
    let (status, html) = who.get(page).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        html.contains(&format!("href=\"{export}")),
        "{page} offers {export}:\n{html}"
    );
}

#[tokio::test]
async fn the_review_list_exports_its_filtered_applications() {
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    let coord = app.browser("coord").await;
    let (sheet, all) = export(&app, &coord, "/applications/export.xlsx", "applications_exported").await;
    assert_eq!(sheet, "报名审查");
    assert_eq!(text(&all[0][0]), "编号");
    assert!(all.len() > 3, "the demo's applications: {all:?}");
    assert!(all[1..].iter().all(|r| is_number(&r[0])), "the number is a number");
    // The plan filter: only that plan's applications.
    let plan_title = text(&all[1][3]);
    let plan_id = {
        let mut tx = app.app.store.begin_read().await.unwrap();
        let sql = format!("select cast(min(id) as text) from plans where title = '{plan_title}'");
        tx.execute_raw_scalar(&sql).await.unwrap()
    };
    offers(
        &coord,
        &format!("/applications?plan={plan_id}"),
        &format!("/applications/export.xlsx?plan={plan_id}"),
    )
    .await;
    let (_, some) = export(
        &app,
        &coord,
        &format!("/applications/export.xlsx?plan={plan_id}"),
        "applications_exported",
    )
    .await;
    assert!(
        some.len() >= 2 && some[1..].iter().all(|r| text(&r[3]) == plan_title),
        "{some:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_plans_export_one_row_per_position_under_the_filter() {
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    let coord = app.browser("coord").await;
    let (sheet, rows) = export(&app, &coord, "/plans/export.xlsx", "plans_exported").await;
    assert_eq!(sheet, "年度计划");
    assert_eq!(text(&rows[0][6]), "岗位");
    assert!(rows.len() > 2, "{rows:?}");
    let with_position: Vec<_> = rows[1..].iter().filter(|r| r.len() > 7 && is_number(&r[7])).collect();
    assert!(
        !with_position.is_empty(),
        "the count of a position is a number: {rows:?}"
    );
    assert!(rows[1..].iter().all(|r| is_number(&r[0])), "the year is a number");
    let year = match rows[1][0] {
        Data::Float(y) => y as i64,
        Data::Int(y) => y,
        _ => unreachable!(),
    };
    offers(
        &coord,
        &format!("/plans?year={year}"),
        &format!("/plans/export.xlsx?year={year}"),
    )
    .await;
    let (_, of_year) = export(
        &app,
        &coord,
        &format!("/plans/export.xlsx?year={year}"),
        "plans_exported",
    )
    .await;
    assert!(
        of_year[1..].iter().all(|r| text(&r[0]) == year.to_string()),
        "{of_year:?}"
    );
    let (_, none) = export(&app, &coord, "/plans/export.xlsx?year=1999", "plans_exported").await;
    assert_eq!(none.len(), 1, "a year without plans: the heading only");
    app.stop().await;
}

#[tokio::test]
async fn the_registration_list_filters_by_degree_major_and_title_and_exports_masked() {
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    let coord = app.browser("coord").await;
    let (_, all) = export(&app, &coord, "/candidates/export.xlsx", "candidates_exported").await;
    assert_eq!(text(&all[0][0]), "姓名");
    assert!(all.len() > 3, "{all:?}");
    assert!(
        all[1..]
            .iter()
            .all(|r| text(&r[3]).chars().filter(char::is_ascii_digit).count() < 18),
        "ID numbers stay masked"
    );
    assert!(
        all[1..].iter().all(|r| is_date(&r[7])),
        "the date of the last change is a date"
    );
    // The degree filter on the page and in the export.
    offers(
        &coord,
        "/candidates?degree=doctor",
        "/candidates/export.xlsx?degree=doctor",
    )
    .await;
    let (_, doctors) = export(
        &app,
        &coord,
        "/candidates/export.xlsx?degree=doctor",
        "candidates_exported",
    )
    .await;
    assert!(doctors.len() < all.len(), "the filter narrows the list");
    assert!(doctors[1..].iter().all(|r| text(&r[4]) == "博士"), "{doctors:?}");
    let (status, page) = coord
        .get("/candidates?major=%E6%97%A0%E6%AD%A4%E4%B8%93%E4%B8%9A")
        .await; // 无此专业
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("没有符合条件的登记表"), "an unknown major finds no one");
    app.stop().await;
}

#[tokio::test]
async fn the_due_list_filters_and_exports_amounts_with_a_total_row() {
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    let coord = app.browser("coord").await;
    let (sheet, rows) = export(&app, &coord, "/benefits/due/export.xlsx", "due_installments_exported").await;
    assert_eq!(sheet, "到期待遇");
    assert!(rows.len() >= 3, "the demo's due installments and the total: {rows:?}");
    let body = &rows[1..rows.len() - 1];
    assert!(body.iter().all(|r| is_number(&r[6]) && is_date(&r[5])), "{rows:?}");
    assert_eq!(text(&rows[rows.len() - 1][0]), "合计");
    // The status filter: only paid ones, on the page and in the export.
    offers(
        &coord,
        "/benefits/due?status=paid",
        "/benefits/due/export.xlsx?status=paid",
    )
    .await;
    let (_, paid) = export(
        &app,
        &coord,
        "/benefits/due/export.xlsx?status=paid",
        "due_installments_exported",
    )
    .await;
    assert!(paid.len() >= 3, "{paid:?}");
    assert!(
        paid[1..paid.len() - 1].iter().all(|r| text(&r[9]) == "已支付"),
        "{paid:?}"
    );
    assert!(paid.len() < rows.len(), "the filter narrows the list");
    // A unit no one belongs to: nothing; a date that is not one: refused, naming the field.
    let (_, none) = coord
        .get("/benefits/due?unit=%E6%97%A0%E6%AD%A4%E5%8D%95%E4%BD%8D")
        .await;
    assert!(none.contains("没有符合条件的已到期待遇"), "{none}");
    let (status, bad) = coord.get("/benefits/due?from=2026-02-30").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.contains("到期日（自）"), "{bad}");
    assert!(bad.contains("value=\"2026-02-30\""), "what was typed is kept");
    app.stop().await;
}

#[tokio::test]
async fn special_cases_and_assessments_export_typed_cells() {
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    let coord = app.browser("coord").await;
    offers(&coord, "/special-cases", "/special-cases/export.xlsx").await;
    let (sheet, cases) = export(&app, &coord, "/special-cases/export.xlsx", "special_cases_exported").await;
    assert_eq!(sheet, "一事一议");
    assert!(
        cases.len() >= 2 && is_number(&cases[1][0]) && is_date(&cases[1][6]),
        "{cases:?}"
    );
    let (_, nobody) = export(
        &app,
        &coord,
        "/special-cases/export.xlsx?q=%E6%97%A0%E6%AD%A4%E4%BA%BA",
        "special_cases_exported",
    )
    .await;
    assert_eq!(nobody.len(), 1, "the name filter is honoured: {nobody:?}");

    offers(
        &coord,
        "/assessments?status=filed",
        "/assessments/export.xlsx?status=filed",
    )
    .await;
    let (sheet, all) = export(&app, &coord, "/assessments/export.xlsx", "assessments_exported").await;
    assert_eq!(sheet, "年度考核");
    assert!(all.len() >= 2, "{all:?}");
    assert!(all[1..].iter().all(|r| is_number(&r[2]) && is_date(&r[5])), "{all:?}");
    let (_, filed) = export(
        &app,
        &coord,
        "/assessments/export.xlsx?status=filed",
        "assessments_exported",
    )
    .await;
    assert!(filed[1..].iter().all(|r| text(&r[6]) == "协调办已备案"), "{filed:?}");
    let (_, recorded) = export(
        &app,
        &coord,
        "/assessments/export.xlsx?status=recorded",
        "assessments_exported",
    )
    .await;
    assert_eq!(
        filed.len() + recorded.len() - 2,
        all.len() - 1,
        "the status filter splits the list"
    );
    // Who may not read the list may not export it.
    let talent = app.browser("talent").await;
    assert_eq!(talent.get("/assessments/export.xlsx").await.0, StatusCode::FORBIDDEN);
    assert_eq!(talent.get("/benefits/due/export.xlsx").await.0, StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test]
async fn the_audit_log_reads_as_sentences_with_links_and_filters_by_object() {
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    // A failed login, so that a result other than success is on the log.
    let resp = app
        .http
        .post(app.url("/login"))
        .form(&[("username", "coord"), ("password", "wrong-password-1"), ("next", "")])
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_client_error() || resp.status().is_success());
    let auditor = app.browser("auditor").await;
    let (status, html) = auditor.get("/audit?object_type=plan").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<ol class=\"audit-log\""), "{html}");
    // "2026-11-24 10:32 赵敏（用人单位）新建年度计划 — 年度计划 3：…"
    assert!(html.contains("新建年度计划 — "), "who did what to which record: {html}");
    assert!(html.contains("— <a href=\"/plans/"), "the plan is a link: {html}");
    assert!(html.contains("（用人单位）"), "the role follows the name");
    assert!(!html.contains("【成功】"), "a success is not stated");
    // The number narrows to one plan's records.
    let id = {
        let at = html.find("<a href=\"/plans/").unwrap() + "<a href=\"/plans/".len();
        html[at..html[at..].find('"').unwrap() + at].to_string()
    };
    let (_, one) = auditor.get(&format!("/audit?object_type=plan&object_id={id}")).await;
    assert!(one.contains(&format!("href=\"/plans/{id}\"")));
    let export = &one[one.find("/audit/export.xlsx?").expect("the export link")..];
    let export = &export[..export.find('"').unwrap()];
    assert!(
        export.contains("object_type=plan") && export.ends_with(&format!("object_id={id}")),
        "the export keeps the object filter: {export}"
    );
    let other = one.matches("href=\"/plans/").count();
    assert_eq!(
        other,
        one.matches(&format!("href=\"/plans/{id}\"")).count(),
        "only that plan"
    );
    // A result that is not a success is stated.
    let (_, failures) = auditor.get("/audit?action=%E7%99%BB%E5%BD%95%E5%A4%B1%E8%B4%A5").await; // 登录失败
    assert!(
        failures.contains("【失败】") || failures.contains("【拒绝】"),
        "{failures}"
    );
    // A number that is not one is refused, naming the field.
    let (_, bad) = auditor.get("/audit?object_id=x1").await;
    assert!(bad.contains("对象编号：请填写数字"), "{bad}");
    app.stop().await;
}
