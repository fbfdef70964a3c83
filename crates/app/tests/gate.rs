//! The release gate (Art. 19) through the app, on SQLite and (when
//! `YINCAI_TEST_POSTGRES_URL` is set) PostgreSQL: assessments recorded by the unit and
//! filed by the coordination office open the gate; a release is started only when due and
//! assessed; the leading group's approval in a meeting commits the money (or is refused
//! with the figures and undone); the certificate is numbered uniquely; finance pays.

use yincai_app::AppError;
use yincai_app::gate::{AssessmentInput, certificate_number};
use yincai_app::workflow::ActInput;
use yincai_domain::workflow::Action;
use yincai_policy::facts::Facts;
use yincai_store::test_support::TestDb;
use yincai_store::{NewCertificate, NewInstallment};

use crate::common;
use common::*;

impl World {
    /// Installments of a new talent who started on 2024-03-01 (service year 1 ended on
    /// 2025-03-01, year 2 on 2026-03-01), nothing assessed yet: (service year, due on, amount
    /// in fen), scheduled. A yearly row is the engine's own (13(2), 2,000 元 a month, due at
    /// the year's end), so the re-derivation after each filed assessment keeps it; a row
    /// without a service year is an amount the leading group fixed. Returns (talent id,
    /// installment ids in the order given).
    async fn gated_installments(&self, name: &str, rows: &[(Option<i64>, &str, i64)]) -> (i64, Vec<i64>) {
        let talent = self
            .talent_since(
                Facts {
                    assessments: Vec::new(),
                    ..facts(name)
                },
                "2024-03-01",
            )
            .await;
        let new: Vec<NewInstallment> = rows
            .iter()
            .enumerate()
            .map(|(n, (year, due_on, amount_fen))| NewInstallment {
                talent_id: talent,
                org_id: self.unit_org,
                benefit_code: if year.is_some() {
                    "living_subsidy"
                } else {
                    "startup_fund"
                }
                .into(),
                benefit_name: if year.is_some() {
                    "生活补贴"
                } else {
                    "项目启动资金"
                }
                .into(),
                article: if year.is_some() { "13(2)" } else { "14(1)" }.into(),
                seq: year.unwrap_or(100 + n as i64),
                service_year: *year,
                due_on: (*due_on).into(),
                amount_fen: *amount_fen,
                engine_status: yincai_domain::lifecycle::EngineVerdict::Future,
            })
            .collect();
        let mut tx = self.app.store.begin_write().await.unwrap();
        tx.insert_installments(&new, today_ms()).await.unwrap();
        let ids = installment_ids(&mut tx, talent).await;
        tx.commit().await.unwrap();
        // As at an introduction: the engine's verdicts, and the rest of the talent's money.
        self.app.schedule_installments_for(talent, &ctx()).await.unwrap();
        (talent, ids)
    }

    async fn state(&self, item: i64) -> (String, i64) {
        let v = self.app.workflow_item(&self.coord, item).await.unwrap();
        (v.item.state, v.item.version)
    }

    /// The coordination office issues the certificate.
    async fn certify_release(&self, item: i64) {
        let (state, version) = self.state(item).await;
        assert_eq!(state, "approved");
        self.app
            .act(&self.coord, item, version, &ActInput::new(Action::Submit), &ctx())
            .await
            .unwrap();
        assert_eq!(self.state(item).await.0, "certified");
    }
}

#[tokio::test]
async fn an_installment_without_a_passed_assessment_cannot_be_released() {
    on_every_backend!(|w, label| {
        w.budget(2026, "1,000,000.00").await;
        let (talent, ids) = w
            .gated_installments(
                "王考核",
                &[
                    (Some(1), "2025-03-01", 2_400_000),
                    (Some(2), "2026-03-01", 2_400_000),
                    (Some(3), "2027-03-01", 2_400_000),
                ],
            )
            .await;
        // Not assessed yet.
        let e = w.app.start_release(&w.coord, ids[0], &ctx()).await.unwrap_err();
        assert_eq!(fields(&e), ["assessment"], "{label}: {e:?}");
        // Failed: year 1's money is cancelled with the engine's reason, and it says so.
        assert!(w.assess(talent, 1, "failed").await > 0, "{label}");
        let e = w.app.start_release(&w.coord, ids[0], &ctx()).await.unwrap_err();
        assert!(format!("{e:?}").contains("考核未合格"), "{label}: {e:?}");
        // Passed (excellent) year 2 opens only year 2.
        assert!(w.assess(talent, 2, "excellent").await > 0, "{label}");
        let gate = w.app.gate_status(&w.coord, ids[1]).await.unwrap();
        assert!(gate.startable, "{label}: {gate:?}");
        // Year 3 has not ended: not due.
        let e = w.app.start_release(&w.coord, ids[2], &ctx()).await.unwrap_err();
        assert_eq!(fields(&e), ["due_on"], "{label}: {e:?}");
        // Only the unit records, only the coordination office files, once per year.
        let input = AssessmentInput {
            talent_id: talent.to_string(),
            service_year: "2".into(),
            result: "passed".into(),
            document_number: "X".into(),
            document_date: "2026-11-20".into(),
            note: String::new(),
        };
        let e = w.app.record_assessment(&w.unit, &input, &ctx()).await.unwrap_err();
        assert_eq!(fields(&e), ["service_year"], "{label}: {e:?}");
        assert!(matches!(
            w.app.record_assessment(&w.coord, &input, &ctx()).await,
            Err(AppError::Forbidden(_))
        ));
        let bad = AssessmentInput {
            talent_id: talent.to_string(),
            service_year: "0".into(),
            result: "good".into(),
            document_number: String::new(),
            document_date: "2026-13-01".into(),
            note: String::new(),
        };
        let e = w.app.record_assessment(&w.unit, &bad, &ctx()).await.unwrap_err();
        assert_eq!(
            fields(&e),
            ["service_year", "result", "document_number", "document_date"],
            "{label}"
        );
        // The due list shows every due installment with its gate status: the 安家费 (due
        // since year 2 passed: any passed assessment, interpretation 6) and year 2's subsidy;
        // year 1's was cancelled.
        let all = yincai_app::gate::DueFilter::default();
        let due = w.app.due_installments(&w.coord, &all, 0, 100).await.unwrap();
        assert_eq!(due.total, 2, "{label}");
        // The filters narrow it, and a date that is not one is refused by its field.
        let nothing = yincai_app::gate::DueFilter {
            unit: Some("无此单位".into()),
            ..Default::default()
        };
        assert_eq!(
            w.app.due_installments(&w.coord, &nothing, 0, 100).await.unwrap().total,
            0,
            "{label}"
        );
        let bad_date = yincai_app::gate::DueFilter {
            from: Some("2026-13-01".into()),
            ..Default::default()
        };
        let e = w.app.due_installments(&w.coord, &bad_date, 0, 100).await.unwrap_err();
        assert_eq!(fields(&e), ["from"], "{label}");
        assert_eq!(
            due.rows
                .iter()
                .map(|r| (r.installment.benefit_code.as_str(), r.startable))
                .collect::<Vec<_>>(),
            [("settlement_allowance", true), ("living_subsidy", true)],
            "{label}"
        );
        // Starting the selection: one refused, one started.
        let out = w.app.start_releases(&w.coord, &[ids[0], ids[1]], &ctx()).await.unwrap();
        assert!(out[0].error.is_some() && out[0].item_id.is_none(), "{label}");
        assert!(out[1].item_id.is_some(), "{label}");
        let e = w.app.start_release(&w.coord, ids[1], &ctx()).await.unwrap_err();
        assert!(matches!(e, AppError::Duplicate(_)), "{label}: {e:?}");
        // Only the coordination office starts releases.
        assert!(matches!(
            w.app.start_release(&w.unit, ids[1], &ctx()).await,
            Err(AppError::Forbidden(_)) | Err(AppError::Invalid(_)) | Err(AppError::Duplicate(_))
        ));
    });
}

#[tokio::test]
async fn the_whole_path_assessment_meeting_certificate_payment() {
    on_every_backend!(|w, label| {
        w.budget(2026, "100,000.00").await;
        let (talent, ids) = w
            .gated_installments(
                "李全程",
                &[(Some(2), "2026-03-01", 2_400_000), (None, "2026-06-01", 5_000_000)],
            )
            .await;
        w.assess(talent, 1, "passed").await;
        w.assess(talent, 2, "passed").await;
        let before = w.app.fund_balances(&w.finance, 2026).await.unwrap();
        let item = w.app.start_release(&w.coord, ids[0], &ctx()).await.unwrap();
        // The lump sum without a service year needs no assessment.
        let lump = w.app.start_release(&w.coord, ids[1], &ctx()).await.unwrap();
        assert_eq!(w.state(item).await.0, "requested", "{label}");
        // The leading group cannot decide outside a meeting.
        let (_, v) = w.state(item).await;
        w.app
            .act(&w.coord, item, v, &ActInput::new(Action::Submit), &ctx())
            .await
            .unwrap();
        let (_, v) = w.state(item).await;
        let e = w
            .app
            .act(
                &w.leader,
                item,
                v,
                &ActInput::new(Action::Approve).resolution("阿人才领字〔2026〕9号"),
                &ctx(),
            )
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "{label}: {e:?}");
        w.decide(&[item, lump], "2026年第9次", "阿人才领字〔2026〕9号")
            .await
            .unwrap();
        assert_eq!(w.state(item).await.0, "approved", "{label}");
        let inst = w.app.installment(&w.finance, ids[0]).await.unwrap();
        assert_eq!(inst.status.code(), "approved", "{label}");
        assert_eq!(
            inst.resolution_number.as_deref(),
            Some("阿人才领字〔2026〕9号"),
            "{label}"
        );
        let after = w.app.fund_balances(&w.finance, 2026).await.unwrap();
        assert_eq!(after.committed_fen - before.committed_fen, 7_400_000, "{label}");
        assert_eq!(before.available_fen - after.available_fen, 7_400_000, "{label}");
        // The certificate.
        w.certify_release(item).await;
        w.certify_release(lump).await;
        let cert = w.app.certificate(&w.coord, ids[0]).await.unwrap();
        assert_eq!(cert.certificate.number, certificate_number(2026, 1), "{label}");
        assert_eq!(cert.certificate.number, "阿人才证〔2026〕1号", "{label}");
        assert_eq!(
            cert.content.amount_text, "人民币 24,000.00 元（大写：贰万肆仟元整）",
            "{label}"
        );
        assert_eq!(cert.content.article_zh, "第十三条第㈡项", "{label}");
        assert!(
            cert.content.body.contains("李全程") && cert.content.body.contains("阿人才领字〔2026〕9号"),
            "{label}"
        );
        assert_eq!(cert.content.issuer, "人才工作协调办公室", "{label}");
        assert_eq!(cert.content.date_zh, "2026年11月24日", "{label}");
        let cert2 = w.app.certificate(&w.coord, ids[1]).await.unwrap();
        assert_eq!(cert2.certificate.number, "阿人才证〔2026〕2号", "{label}");
        assert!(!cert2.content.body.contains("考核"), "{label}: {}", cert2.content.body);
        // The talent sees their own certificate and benefits.
        assert_eq!(
            w.app.certificate(&w.talent, ids[0]).await.unwrap().certificate.id,
            cert.certificate.id
        );
        // Finance pays.
        let receipt = w.app.pay(&w.finance, ids[0], None, None, &ctx()).await.unwrap();
        assert_eq!(receipt.amount_fen, 2_400_000, "{label}");
        assert_eq!(
            w.app.installment(&w.finance, ids[0]).await.unwrap().status.code(),
            "paid",
            "{label}"
        );
        let paid = w.app.fund_balances(&w.finance, 2026).await.unwrap();
        assert_eq!(paid.paid_fen - before.paid_fen, 2_400_000, "{label}");
        assert_eq!(paid.committed_fen - before.committed_fen, 5_000_000, "{label}");
        let mine = w.app.my_benefits(&w.talent).await.unwrap();
        assert_eq!(mine.talent_id, Some(talent), "{label}");
        assert_eq!(mine.paid_fen, 2_400_000, "{label}");
        // Due: the fixed 50,000 元, year 1's subsidy and the 安家费 (both due since year 1
        // passed).
        assert_eq!(mine.due_fen, 5_000_000 + 2_400_000 + 10_000_000, "{label}");
        assert_eq!(
            mine.entitled_fen,
            mine.paid_fen + mine.due_fen + mine.pending_fen,
            "{label}"
        );
        assert_eq!(mine.paid, "24,000.00 元", "{label}");
        assert!(
            mine.installments.iter().any(|i| i.article_zh == "第十三条第㈡项"),
            "{label}"
        );
        // Every step audited.
        let mut tx = w.app.store.begin_read().await.unwrap();
        let audited = tx
            .execute_raw_scalar(
                "select cast(count(*) as text) from audit_log where action in \
                 ('assessment_record', 'assessment_file', 'release_approve', 'release_certify')",
            )
            .await
            .unwrap();
        // Two years recorded and filed, two releases approved and certified.
        assert_eq!(audited, "8", "{label}");
    });
}

#[tokio::test]
async fn a_release_that_would_overspend_is_refused_with_the_figures_and_undone() {
    on_every_backend!(|w, label| {
        w.budget(2026, "10,000.00").await;
        let (talent, ids) = w
            .gated_installments("赵超支", &[(Some(2), "2026-03-01", 2_400_000)])
            .await;
        w.assess(talent, 1, "passed").await;
        w.assess(talent, 2, "passed").await;
        let item = w.app.start_release(&w.coord, ids[0], &ctx()).await.unwrap();
        let e = w
            .decide(&[item], "2026年第10次", "阿人才领字〔2026〕10号")
            .await
            .unwrap_err();
        let text = format!("{e:?}");
        assert!(
            text.contains("10,000.00") && text.contains("24,000.00"),
            "{label}: {text}"
        );
        // The decision is undone: still waiting for the leading group, nothing committed.
        assert_eq!(w.state(item).await.0, "group_decision", "{label}");
        let inst = w.app.installment(&w.finance, ids[0]).await.unwrap();
        assert_eq!(inst.status.code(), "scheduled", "{label}");
        assert_eq!(inst.resolution_number, None, "{label}");
        let b = w.app.fund_balances(&w.finance, 2026).await.unwrap();
        assert_eq!((b.committed_fen, b.available_fen), (0, 1_000_000), "{label}");
    });
}

#[tokio::test]
async fn the_certificate_number_is_unique() {
    on_every_backend!(|w, label| {
        w.budget(2026, "1,000,000.00").await;
        let (_, ids) = w
            .gated_installments(
                "钱编号",
                &[
                    (None, "2026-02-01", 100_000),
                    (None, "2026-03-01", 100_000),
                    (None, "2026-04-01", 100_000),
                ],
            )
            .await;
        let mut items = Vec::new();
        for id in &ids {
            items.push(w.app.start_release(&w.coord, *id, &ctx()).await.unwrap());
        }
        w.decide(&items, "2026年第11次", "阿人才领字〔2026〕11号")
            .await
            .unwrap();
        for item in &items {
            w.certify_release(*item).await;
        }
        let mut numbers = Vec::new();
        for id in &ids {
            numbers.push(w.app.certificate(&w.coord, *id).await.unwrap().certificate.number);
        }
        assert_eq!(
            numbers,
            ["阿人才证〔2026〕1号", "阿人才证〔2026〕2号", "阿人才证〔2026〕3号"],
            "{label}"
        );
        // The database refuses a second certificate with the same number.
        let mut tx = w.app.store.begin_write().await.unwrap();
        let more = ids[0];
        let dup = tx
            .insert_certificate(&NewCertificate {
                installment_id: more,
                number: numbers[0].clone(),
                year: 2026,
                seq: 99,
                content: "{}".into(),
                issued_by: w.coord.user_id,
                issued_at: today_ms(),
            })
            .await;
        assert!(
            matches!(dup, Err(yincai_store::StoreError::Unique { .. })),
            "{label}: {dup:?}"
        );
        drop(tx);
        // A certified installment cannot be started again.
        let e = w.app.start_release(&w.coord, ids[0], &ctx()).await.unwrap_err();
        assert_eq!(fields(&e), ["status"], "{label}");
    });
}

#[tokio::test]
async fn only_a_service_year_that_has_ended_is_assessed_with_a_document_dated_within_or_after_it() {
    on_every_backend!(|w, label| {
        // Service from 2024-03-01; today 2026-11-24: years 1 and 2 have ended, 3 has not.
        let talent = w.talent("赵年度").await;
        let input = |year: &str, date: &str| AssessmentInput {
            talent_id: talent.to_string(),
            service_year: year.into(),
            result: "passed".into(),
            document_number: format!("口岸考〔2026〕{year}号"),
            document_date: date.into(),
            note: String::new(),
        };
        let e = w
            .app
            .record_assessment(&w.unit, &input("3", "2026-11-20"), &ctx())
            .await
            .unwrap_err();
        assert_eq!(fields(&e), ["service_year"], "{label}: {e:?}");
        assert!(
            format!("{e:?}").contains("第 3 个服务年度（2026-03-01 至 2027-02-28）尚未结束"),
            "{label}: {e:?}"
        );
        // Dated before the year began (before service began, for year 1), in the future, or
        // an impossible year: refused, naming the document date.
        for date in ["2024-02-29", "2023-03-01", "2026-11-25", "9999-12-31", "0000-01-01"] {
            let e = w
                .app
                .record_assessment(&w.unit, &input("1", date), &ctx())
                .await
                .unwrap_err();
            assert_eq!(fields(&e), ["document_date"], "{label}: {date}: {e:?}");
            assert!(format!("{e:?}").contains("文件日期："), "{label}: {e:?}");
        }
        // Year 2 (2025-03-01 to 2026-02-28) with a document dated within it or after it.
        let a = w
            .app
            .record_assessment(&w.unit, &input("2", "2026-02-20"), &ctx())
            .await
            .unwrap();
        assert_eq!((a.service_year, a.status.code()), (2, "recorded"), "{label}");
        let a = w
            .app
            .record_assessment(&w.unit, &input("1", "2025-03-10"), &ctx())
            .await
            .unwrap();
        assert_eq!(a.service_year, 1, "{label}");
    });
}
