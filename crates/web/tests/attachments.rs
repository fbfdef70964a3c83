//! Attachments over HTTP on every backend: real (tiny) PDF, PNG and JPEG files go up and
//! come back byte for byte; files that lie about what they are, empty or oversized files
//! and a missing purpose are refused in Chinese with a 4xx naming the field, and nothing
//! is stored; nobody who may not see the object can download its files.

use crate::common;

use common::{DEMO_USERS, TestApp};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use yincai_app::RequestCtx;
use yincai_app::workflow::WorkflowObject;
use yincai_domain::files::{human_size, sha256_hex};

/// A minimal valid PDF (one empty page).
fn pdf() -> Vec<u8> {
    let body = "%PDF-1.4\n\
        1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n\
        2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n\
        3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 200 200]>> endobj\n\
        trailer <</Root 1 0 R>>\n%%EOF\n";
    let mut bytes = body.as_bytes().to_vec();
    // A binary comment line, as real PDFs have, with the bytes 0x00 and 0xFF.
    bytes.extend([b'%', 0x00, 0xFF, 0xE2, 0xE3, b'\n']);
    bytes
}

/// A 1×1 transparent PNG.
const PNG: [u8; 67] = [
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0A, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00,
    0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// A 1×1 greyscale JPEG (baseline header, arithmetic coding).
const JPEG: [u8; 125] = [
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x01, 0x00, 0x48, 0x00, 0x48, 0x00,
    0x00, 0xFF, 0xDB, 0x00, 0x43, 0x00, 0x03, 0x02, 0x02, 0x02, 0x02, 0x02, 0x03, 0x02, 0x02, 0x02, 0x03, 0x03, 0x03,
    0x03, 0x04, 0x06, 0x04, 0x04, 0x04, 0x04, 0x04, 0x08, 0x06, 0x06, 0x05, 0x06, 0x09, 0x08, 0x0A, 0x0A, 0x09, 0x08,
    0x09, 0x09, 0x0A, 0x0C, 0x0F, 0x0C, 0x0A, 0x0B, 0x0E, 0x0B, 0x09, 0x09, 0x0D, 0x11, 0x0D, 0x0E, 0x0F, 0x10, 0x10,
    0x11, 0x10, 0x0A, 0x0C, 0x12, 0x13, 0x12, 0x10, 0x13, 0x0F, 0x10, 0x10, 0x10, 0xFF, 0xC9, 0x00, 0x0B, 0x08, 0x00,
    0x01, 0x00, 0x01, 0x01, 0x01, 0x11, 0x00, 0xFF, 0xCC, 0x00, 0x06, 0x00, 0x10, 0x10, 0x05, 0xFF, 0xDA, 0x00, 0x08,
    0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0xD2, 0xCF, 0x20, 0xFF, 0xD9,
];

/// One file part of an upload.
struct File<'a> {
    name: &'a str,
    bytes: Vec<u8>,
    content_type: Option<&'a str>,
}

fn file<'a>(name: &'a str, bytes: &[u8], content_type: Option<&'a str>) -> File<'a> {
    File {
        name,
        bytes: bytes.to_vec(),
        content_type,
    }
}

fn form(object_type: &str, object_id: &str, purpose: Option<&str>, f: Option<File<'_>>) -> Form {
    let mut form = Form::new()
        .text("object_type", object_type.to_string())
        .text("object_id", object_id.to_string());
    if let Some(p) = purpose {
        form = form.text("purpose", p.to_string());
    }
    if let Some(f) = f {
        let mut part = Part::bytes(f.bytes).file_name(f.name.to_string());
        if let Some(ct) = f.content_type {
            part = part.mime_str(ct).unwrap();
        }
        form = form.part("file", part);
    }
    form
}

/// `POST /api/attachments` as the bearer of `token`.
async fn upload(app: &TestApp, token: &str, form: Form) -> (StatusCode, Value) {
    let resp = app
        .http
        .post(app.url("/api/attachments"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("the server answers");
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Status, headers and bytes of a download.
async fn download(app: &TestApp, token: &str, id: i64) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let resp = app
        .http
        .get(app.url(&format!("/api/attachments/{id}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    (status, headers, resp.bytes().await.unwrap().to_vec())
}

async fn count(app: &TestApp, token: &str, object_type: &str, object_id: &str) -> usize {
    let (status, body) = app
        .get(
            &format!("/api/attachments?object_type={object_type}&object_id={object_id}"),
            token,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{}: list: {body}", app.label);
    body.as_array().unwrap().len()
}

#[tokio::test]
async fn candidate_files_go_up_and_come_back_and_lies_are_refused_with_nothing_stored() {
    for app in TestApp::on_every_backend().await {
        let label = app.label;
        let cand = common::save_profile(&app, "talent", "110101199003071233", "13812345678")
            .await
            .to_string();
        let talent = app.login("talent").await;
        let audits_before = app.audit_count().await;

        // Three real files; the PDF's name carries a browser's fake path.
        let uploads = [
            (
                "C:\\fakepath\\身份证 扫描件.pdf",
                pdf(),
                "application/pdf",
                "身份证件",
                "PDF",
            ),
            ("毕业证.PNG", PNG.to_vec(), "image/png", "学历学位证书", "PNG"),
            ("荣誉.jpeg", JPEG.to_vec(), "image/jpeg", "荣誉证书", "JPG"),
        ];
        let mut ids = Vec::new();
        for (name, bytes, ct, purpose, kind) in &uploads {
            let (status, body) = upload(
                &app,
                &talent,
                form("candidate", &cand, Some(purpose), Some(file(name, bytes, Some(ct)))),
            )
            .await;
            assert_eq!(status, StatusCode::CREATED, "{label}: {name}: {body}");
            assert_eq!(body["content_type"], *ct, "{label}");
            assert_eq!(body["kind"], *kind, "{label}");
            assert_eq!(body["purpose"], *purpose, "{label}");
            assert_eq!(body["size"], bytes.len() as i64, "{label}");
            assert_eq!(body["sha256"], sha256_hex(bytes), "{label}");
            ids.push(body["id"].as_i64().unwrap());
        }
        assert_eq!(
            app.audit_count().await,
            audits_before + 3,
            "{label}: one audit record per upload"
        );
        let (status, list) = app
            .get(
                &format!("/api/attachments?object_type=candidate&object_id={cand}"),
                &talent,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{label}: {list}");
        let names: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["file_name"].as_str().unwrap())
            .collect();
        assert_eq!(names, vec!["身份证 扫描件.pdf", "毕业证.PNG", "荣誉.jpeg"], "{label}");
        let records = app
            .app
            .store
            .begin_read()
            .await
            .unwrap()
            .audit_records(&yincai_store::AuditQuery {
                action: Some("attachment_uploaded".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        let summaries: Vec<&str> = records.rows.iter().map(|r| r.summary.as_str()).collect();
        let expected = format!(
            "上传附件：身份证件 身份证 扫描件.pdf（PDF，{}）",
            human_size(pdf().len() as u64)
        );
        assert!(summaries.contains(&expected.as_str()), "{label}: {summaries:?}");
        assert!(
            records
                .rows
                .iter()
                .all(|r| r.object_type == "candidate" && r.object_id == cand)
        );

        // Every file comes back byte for byte, with its detected type, as a download.
        for ((name, bytes, ct, _, _), id) in uploads.iter().zip(&ids) {
            let (status, headers, body) = download(&app, &talent, *id).await;
            assert_eq!(status, StatusCode::OK, "{label}: {name}");
            assert_eq!(&body, bytes, "{label}: {name}: the bytes come back exactly");
            assert_eq!(headers["content-type"], *ct, "{label}");
            assert_eq!(headers["x-content-type-options"], "nosniff", "{label}");
            let disposition = headers["content-disposition"].to_str().unwrap();
            assert!(disposition.starts_with("attachment;"), "{label}: {disposition}");
            assert!(disposition.contains("filename*=UTF-8''"), "{label}: {disposition}");
        }
        let (_, headers, _) = download(&app, &talent, ids[0]).await;
        assert!(
            headers["content-disposition"]
                .to_str()
                .unwrap()
                .ends_with("filename*=UTF-8''%E8%BA%AB%E4%BB%BD%E8%AF%81%20%E6%89%AB%E6%8F%8F%E4%BB%B6.pdf"),
            "{label}"
        );

        // Lies and mistakes: a 4xx in Chinese naming the field, and nothing stored.
        let mut big = b"%PDF-1.4\n".to_vec();
        big.resize(5 * 1024 * 1024 + 1, b' ');
        let text = b"this is plain text, not a PDF".to_vec();
        let refused: Vec<(&str, Form, StatusCode, &str, &str)> = vec![
            (
                "empty file",
                form("candidate", &cand, Some("身份证件"), Some(file("a.pdf", b"", None))),
                StatusCode::BAD_REQUEST,
                "file",
                "文件为空",
            ),
            (
                "no file at all",
                form("candidate", &cand, Some("身份证件"), None),
                StatusCode::BAD_REQUEST,
                "file",
                "未选择文件",
            ),
            (
                "over 5 MiB",
                form("candidate", &cand, Some("身份证件"), Some(file("big.pdf", &big, None))),
                StatusCode::PAYLOAD_TOO_LARGE,
                "file",
                "超过上限 5 MB",
            ),
            (
                "a PNG called .pdf",
                form(
                    "candidate",
                    &cand,
                    Some("身份证件"),
                    Some(file("scan.pdf", &PNG, Some("application/pdf"))),
                ),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "file",
                "内容实际是 PNG 文件",
            ),
            (
                "text called .pdf",
                form(
                    "candidate",
                    &cand,
                    Some("身份证件"),
                    Some(file("scan.pdf", &text, None)),
                ),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "file",
                "内容不是有效的 PDF 文件",
            ),
            (
                "a .docx",
                form(
                    "candidate",
                    &cand,
                    Some("其他"),
                    Some(file("简历.docx", b"PK\x03\x04rest", None)),
                ),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "file",
                "不支持 .docx 类型",
            ),
            (
                "an .exe",
                form(
                    "candidate",
                    &cand,
                    Some("其他"),
                    Some(file("setup.exe", b"MZ\x90\x00", None)),
                ),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "file",
                "不支持 .exe 类型",
            ),
            (
                "a real PDF declared as text",
                form(
                    "candidate",
                    &cand,
                    Some("身份证件"),
                    Some(file("x.pdf", &pdf(), Some("text/plain"))),
                ),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "file",
                "声明的类型为 text/plain",
            ),
            (
                "no purpose",
                form("candidate", &cand, None, Some(file("new.pdf", b"%PDF-1.4 new", None))),
                StatusCode::BAD_REQUEST,
                "purpose",
                "附件用途：必填",
            ),
            (
                "a purpose that does not exist",
                form(
                    "candidate",
                    &cand,
                    Some("附件"),
                    Some(file("new.pdf", b"%PDF-1.4 new", None)),
                ),
                StatusCode::BAD_REQUEST,
                "purpose",
                "附件用途：只能是",
            ),
            (
                "the same file twice",
                form("candidate", &cand, Some("其他"), Some(file("again.png", &PNG, None))),
                StatusCode::CONFLICT,
                "file",
                "无需重复上传",
            ),
        ];
        for (what, form, status, field, fragment) in refused {
            let (got, body) = upload(&app, &talent, form).await;
            assert_eq!(got, status, "{label}: {what}: {body}");
            assert_eq!(body["errors"][0]["field"], field, "{label}: {what}: {body}");
            let message = body["errors"][0]["message"].as_str().unwrap_or_default();
            assert!(message.contains(fragment), "{label}: {what}: {message}");
            assert!(
                body["message"].as_str().unwrap_or_default().contains(fragment),
                "{label}: {what}"
            );
        }
        // A body over the upload limit itself is refused too, in Chinese.
        let mut huge = b"%PDF-1.4\n".to_vec();
        huge.resize(7 * 1024 * 1024, b' ');
        let (status, body) = upload(
            &app,
            &talent,
            form(
                "candidate",
                &cand,
                Some("身份证件"),
                Some(file("huge.pdf", &huge, None)),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{label}: {body}");
        assert_eq!(body["errors"][0]["field"], "file", "{label}: {body}");
        // Not multipart at all.
        let (status, body) = app
            .post(
                "/api/attachments",
                &talent,
                serde_json::json!({"object_type": "candidate"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{label}: {body}");
        assert!(
            body["message"].as_str().unwrap().contains("multipart/form-data"),
            "{label}"
        );

        assert_eq!(
            count(&app, &talent, "candidate", &cand).await,
            3,
            "{label}: nothing stored"
        );
        assert_eq!(
            app.audit_count().await,
            audits_before + 3,
            "{label}: no audit record for a refusal"
        );

        // Another applicant: the files do not exist for them.
        let other_cand = common::save_new_applicant(&app, "applicant2", "11010519491231002X", "13912345678").await;
        let other = app.login("applicant2").await;
        for id in &ids {
            let (status, _, body) = download(&app, &other, *id).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{label}: another applicant downloads");
            assert!(
                String::from_utf8_lossy(&body).contains("附件不存在或无权查看"),
                "{label}"
            );
        }
        let (status, _) = app
            .get(
                &format!("/api/attachments?object_type=candidate&object_id={cand}"),
                &other,
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{label}: another applicant lists");
        let (status, _) = upload(
            &app,
            &other,
            form("candidate", &cand, Some("其他"), Some(file("x.pdf", &pdf(), None))),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{label}: another applicant uploads");
        assert_eq!(
            count(&app, &other, "candidate", &other_cand.to_string()).await,
            0,
            "{label}"
        );

        // The coordination office reads every candidate's files but uploads none.
        let coord = app.login("coord").await;
        assert_eq!(count(&app, &coord, "candidate", &cand).await, 3, "{label}");
        let (status, _) = upload(
            &app,
            &coord,
            form("candidate", &cand, Some("其他"), Some(file("c.pdf", &pdf(), None))),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "{label}: the office does not upload for a candidate"
        );

        // Every role: only the applicant and the office may download; the rest get 404.
        for name in DEMO_USERS {
            let token = app.login(name).await;
            let (status, _, _) = download(&app, &token, ids[1]).await;
            let expected = if ["talent", "coord"].contains(&name) {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            assert_eq!(status, expected, "{label}: {name} downloads");
        }
        let resp = app
            .http
            .get(app.url(&format!("/api/attachments/{}", ids[0])))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "{label}: anonymous");
        let (status, _, _) = download(&app, &talent, 999_999).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{label}");
        app.stop().await;
    }
}

#[tokio::test]
async fn workflow_item_files_follow_the_items_visibility() {
    for app in TestApp::on_every_backend().await {
        let label = app.label;
        let unit_token = app.login("unit").await;
        let unit = app.app.authenticate(&unit_token).await.unwrap();
        let item = app
            .app
            .start_workflow(
                &unit,
                &yincai_domain::workflow::ANNUAL_PLAN,
                &WorkflowObject {
                    object_type: "plan".into(),
                    object_id: "900".into(),
                },
                unit.org_id,
                &RequestCtx::default(),
            )
            .await
            .unwrap()
            .to_string();

        let (status, body) = upload(
            &app,
            &unit_token,
            form(
                "workflow_item",
                &item,
                Some("附件"),
                Some(file("计划说明.pdf", &pdf(), None)),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{label}: {body}");
        let id = body["id"].as_i64().unwrap();
        let (status, body) = upload(
            &app,
            &unit_token,
            form(
                "workflow_item",
                &item,
                Some("身份证件"),
                Some(file("b.png", &PNG, None)),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{label}: {body}");
        assert_eq!(body["errors"][0]["field"], "purpose", "{label}");
        let (status, body) = upload(
            &app,
            &unit_token,
            form("workflow_item", &item, Some("附件"), Some(file("b.pdf", &PNG, None))),
        )
        .await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{label}: {body}");
        let (status, body) = upload(
            &app,
            &unit_token,
            form(
                "workflow_item",
                "999999",
                Some("附件"),
                Some(file("c.pdf", &pdf(), None)),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{label}: {body}");
        let (status, body) = upload(
            &app,
            &unit_token,
            form("plan", &item, Some("附件"), Some(file("c.pdf", &pdf(), None))),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{label}: {body}");
        assert_eq!(body["errors"][0]["field"], "object_type", "{label}");

        // Who sees the item sees its files: the unit, its department, the city-wide roles
        // that act on workflows. An applicant who does not own it gets 404; a role with no
        // part in workflows 403 on the list, 404 on the file.
        for name in DEMO_USERS {
            let token = app.login(name).await;
            let (list_status, _) = app
                .get(
                    &format!("/api/attachments?object_type=workflow_item&object_id={item}"),
                    &token,
                )
                .await;
            let (file_status, _, _) = download(&app, &token, id).await;
            let (want_list, want_file) = match name {
                "unit" | "dept" | "coord" | "leader" => (StatusCode::OK, StatusCode::OK),
                "talent" => (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND),
                _ => (StatusCode::FORBIDDEN, StatusCode::NOT_FOUND),
            };
            assert_eq!(
                (list_status, file_status),
                (want_list, want_file),
                "{label}: {name} lists / downloads"
            );
        }
        app.stop().await;
    }
}

/// Extracts `name="_csrf" value="…"` from a page.
fn csrf_of(page: &str) -> String {
    page.split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn pages_show_the_files_and_the_upload_form_and_refuse_lies_in_place() {
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    let talent = app.browser("talent").await;

    // Before the form is saved there is nothing to attach files to.
    let (status, page) = talent.get("/me/profile").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("请先保存登记表"), "{page}");
    assert!(!page.contains("multipart/form-data"));

    let cand = common::save_profile(&app, "talent", "110101199003071233", "13812345678").await;
    let (_, page) = talent.get("/me/profile").await;
    assert!(page.contains("id=\"attachments\""));
    assert!(page.contains("enctype=\"multipart/form-data\""));
    assert!(page.contains("暂无附件"));
    let csrf = csrf_of(&page);

    let post = |fields: Vec<(&'static str, String)>, f: Option<File<'static>>| {
        let mut form = Form::new();
        for (k, v) in fields {
            form = form.text(k, v);
        }
        if let Some(f) = f {
            form = form.part("file", Part::bytes(f.bytes).file_name(f.name));
        }
        talent
            .http
            .post(format!("{}/attachments", talent.base))
            .multipart(form)
            .send()
    };
    let fields = |csrf: &str, purpose: &str| {
        vec![
            ("_csrf", csrf.to_string()),
            ("object_type", "candidate".to_string()),
            ("object_id", cand.to_string()),
            ("purpose", purpose.to_string()),
            ("back", "/me/profile".to_string()),
        ]
    };

    // Without the CSRF token: refused, nothing stored.
    let resp = post(fields("", "职称证书"), Some(file("t.pdf", &pdf(), None)))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);

    // A PNG called .pdf: the form again, with the reason at the field and the purpose kept.
    let resp = post(fields(&csrf, "职称证书"), Some(file("职称.pdf", &PNG, None)))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let page = resp.text().await.unwrap();
    assert!(page.contains("文件：文件名表明是 PDF，但内容实际是 PNG 文件"), "{page}");
    assert!(page.contains("<option value=\"职称证书\" selected>"), "{page}");
    assert!(page.contains("enctype=\"multipart/form-data\""));

    // A real file: back to the form, which lists it.
    let resp = post(fields(&csrf, "职称证书"), Some(file("职称.pdf", &pdf(), None)))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()["location"], "/me/profile#attachments");
    let (_, page) = talent.get("/me/profile").await;
    assert!(page.contains("职称.pdf"), "{page}");
    assert!(page.contains("职称证书"));
    let id: i64 = page
        .split("href=\"/attachments/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .and_then(|s| s.parse().ok())
        .expect("a download link");

    // The download page route: the talent's own file, with the safe headers.
    let resp = talent
        .http
        .get(format!("{}/attachments/{id}", talent.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
    assert_eq!(resp.bytes().await.unwrap().to_vec(), pdf());

    // The office sees the list on the candidate's page, without an upload form.
    let coord = app.browser("coord").await;
    let (status, page) = coord.get(&format!("/candidates/{cand}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("职称.pdf"), "{page}");
    assert!(!page.contains("multipart/form-data"));
    let (status, _) = coord.get(&format!("/attachments/{id}")).await;
    assert_eq!(status, StatusCode::OK);

    // A unit has no business with a candidate's files.
    let unit = app.browser("unit").await;
    let (status, page) = unit.get(&format!("/attachments/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("附件不存在或无权查看"));
    // The API documents the upload as a multipart form under its own tag.
    let (_, doc) = app.call(Method::GET, "/api/openapi.json", None, None).await;
    let post = &doc["paths"]["/api/attachments"]["post"];
    assert_eq!(post["tags"][0], "attachments", "{post}");
    assert!(
        post["requestBody"]["content"]["multipart/form-data"].is_object(),
        "{post}"
    );
    assert!(doc["paths"]["/api/attachments/{id}"]["get"].is_object());
    // Nobody logged in goes to the login page.
    let resp = app
        .http
        .get(app.url(&format!("/attachments/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    app.stop().await;
}

/// On their own item an applicant sees every change of state with its reason, their own
/// comments and files, and what the staff chose to share; never a staff comment or file left
/// internal, nor the review's checklist and findings (security review F14, ADR 0006).
#[tokio::test]
async fn an_applicant_sees_only_what_is_shared_on_their_own_item() {
    for app in TestApp::on_every_backend().await {
        let label = app.label;
        let [hemin, coord] = app.logins(["hemin", "coord"]).await;
        let (status, mine) = app.get("/api/me/applications", &hemin).await;
        assert_eq!(status, StatusCode::OK, "{label}: {mine}");
        let application = &mine.as_array().unwrap()[0];
        let (app_id, item) = (
            application["id"].as_i64().unwrap(),
            application["item_id"].as_i64().unwrap(),
        );
        let comment =
            |text: &str, shared: bool| json!({"action": "comment", "version": 0, "reason": text, "shared": shared});
        let version = |v: &Value| v["version"].as_i64().unwrap();
        let (_, now) = app.get(&format!("/api/workflow/{item}"), &coord).await;
        let mut body = comment("内部：学历证书待核实", false);
        body["version"] = json!(version(&now));
        let (status, after) = app.post(&format!("/api/workflow/{item}/act"), &coord, body).await;
        assert_eq!(status, StatusCode::OK, "{label}: {after}");
        let mut body = comment("请补充学位证书扫描件", true);
        body["version"] = json!(version(&after));
        let (status, _) = app.post(&format!("/api/workflow/{item}/act"), &coord, body).await;
        assert_eq!(status, StatusCode::OK, "{label}");

        // The staff see both, the internal one marked; the applicant only the shared one.
        let reasons = |v: &Value, key: &str| -> Vec<(String, bool)> {
            v[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    (
                        e["reason"].as_str().unwrap().to_string(),
                        e["shared"].as_bool().unwrap(),
                    )
                })
                .collect()
        };
        let (_, staff_view) = app.get(&format!("/api/workflow/{item}"), &coord).await;
        let staff = reasons(&staff_view, "events");
        assert!(
            staff.contains(&("内部：学历证书待核实".into(), false)),
            "{label}: {staff:?}"
        );
        assert!(
            staff.contains(&("请补充学位证书扫描件".into(), true)),
            "{label}: {staff:?}"
        );
        for path in [format!("/api/workflow/{item}"), format!("/api/applications/{app_id}")] {
            let (status, seen) = app.get(&path, &hemin).await;
            assert_eq!(status, StatusCode::OK, "{label}: {path}: {seen}");
            let key = if path.contains("workflow") { "events" } else { "history" };
            let seen = reasons(&seen, key);
            assert!(seen.iter().all(|(_, shared)| *shared), "{label}: {path}: {seen:?}");
            assert!(
                !seen.iter().any(|(r, _)| r.contains("内部")),
                "{label}: {path}: {seen:?}"
            );
            assert!(
                seen.iter().any(|(r, _)| r == "请补充学位证书扫描件"),
                "{label}: {path}: {seen:?}"
            );
        }
        let (_, seen) = app.get(&format!("/api/applications/{app_id}"), &hemin).await;
        assert_eq!(seen["checklist"], json!([]), "{label}");
        assert_eq!(seen["findings"], json!([]), "{label}");
        let (_, staff_app) = app.get(&format!("/api/applications/{app_id}"), &coord).await;
        assert!(!staff_app["checklist"].as_array().unwrap().is_empty(), "{label}");
        // The applicant's page does not show the internal comment either.
        let page = app.browser("hemin").await;
        let (_, html) = page.get(&format!("/workflow/{item}")).await;
        assert!(
            html.contains("请补充学位证书扫描件") && !html.contains("学历证书待核实"),
            "{label}"
        );

        // Files: the office's file is internal unless shared; the applicant's own is shared.
        let item_text = item.to_string();
        let upload_as = |token: String, name: &'static str, shared: Option<&'static str>| {
            // Each file its own content: the same bytes twice are refused as a duplicate.
            let mut bytes = pdf();
            bytes.extend_from_slice(name.as_bytes());
            let mut f = form(
                "workflow_item",
                &item_text,
                Some("附件"),
                Some(file(name, &bytes, None)),
            );
            if let Some(s) = shared {
                f = f.text("shared", s);
            }
            let app = &app;
            async move { upload(app, &token, f).await }
        };
        let (status, internal) = upload_as(coord.clone(), "审查记录.pdf", None).await;
        assert_eq!(status, StatusCode::CREATED, "{label}: {internal}");
        assert_eq!(internal["shared"], false, "{label}");
        let (_, shared) = upload_as(coord.clone(), "补正通知.pdf", Some("true")).await;
        assert_eq!(shared["shared"], true, "{label}");
        let (_, own) = upload_as(hemin.clone(), "学位证书.pdf", None).await;
        assert_eq!(own["shared"], true, "{label}: {own}");
        let list = format!("/api/attachments?object_type=workflow_item&object_id={item}");
        let names = |v: &Value| -> Vec<String> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|a| a["file_name"].as_str().unwrap().to_string())
                .collect()
        };
        let (_, for_hemin) = app.get(&list, &hemin).await;
        assert_eq!(names(&for_hemin), vec!["补正通知.pdf", "学位证书.pdf"], "{label}");
        let (_, for_coord) = app.get(&list, &coord).await;
        assert_eq!(names(&for_coord).len(), 3, "{label}");
        let (status, _, _) = download(&app, &hemin, internal["id"].as_i64().unwrap()).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "{label}: the internal file is not the applicant's"
        );
        let (status, _, _) = download(&app, &hemin, shared["id"].as_i64().unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        app.stop().await;
    }
}

#[tokio::test]
async fn an_object_id_is_stored_as_the_number_it_names_so_the_list_and_the_duplicate_check_find_it() {
    for app in TestApp::on_every_backend().await {
        let label = app.label;
        let cand = common::save_profile(&app, "talent", "110101199003071233", "13812345678").await;
        let talent = app.login("talent").await;
        // Typed as "+id" (the review's F13): authorised as id, and stored as id.
        let (status, body) = upload(
            &app,
            &talent,
            form(
                "candidate",
                &format!("+{cand}"),
                Some("身份证件"),
                Some(file("身份证.pdf", &pdf(), Some("application/pdf"))),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{label}: {body}");
        assert_eq!(body["object_id"], cand.to_string(), "{label}: {body}");
        assert_eq!(count(&app, &talent, "candidate", &cand.to_string()).await, 1, "{label}");
        // The same file again under the plain id: the duplicate check finds the first.
        let (status, body) = upload(
            &app,
            &talent,
            form(
                "candidate",
                &format!(" 0{cand} "),
                Some("身份证件"),
                Some(file("身份证.pdf", &pdf(), Some("application/pdf"))),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "{label}: {body}");
        app.stop().await;
    }
}
