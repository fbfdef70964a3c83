//! The world the fund, release-gate and recovery suites share: a unit under a department,
//! the coordination office, the leading group, finance, an applicant with a registration
//! form, and the policy facts of one introduced talent; on SQLite and (when
//! `YINCAI_TEST_POSTGRES_URL` is set) PostgreSQL.
#![allow(dead_code)]

use std::sync::Arc;

use yincai_app::clock::ManualClock;
use yincai_app::endings::EndingInput;
use yincai_app::fund::BudgetInput;
use yincai_app::gate::AssessmentInput;
use yincai_app::housing::{AllocateInput, UnitInput};
use yincai_app::meetings::{AgendaDecision, MeetingInput};
use yincai_app::recovery::{EvaluationsView, FactsChange};
use yincai_app::{Actor, App, AppError, OrgKind, RequestCtx, Role};
use yincai_domain::crypto::FieldCipher;
use yincai_domain::workflow::Action;
use yincai_policy::facts::{Assessment, Degree, Employer, Facts, Mode, Person, Title};
use yincai_store::test_support::{TestDb, new_candidate, new_talent, new_user};
use yincai_store::{
    AuditQuery, AuditRecord, HousingAllocationRow, InstallmentQuery, NewCandidate, NewOrg, NewTalent, NewUser,
    RecoveryRow, Store, Tx,
};

/// Milliseconds since the epoch of an RFC 3339 instant, for a [`ManualClock`].
pub fn ms(at: &str) -> i64 {
    at.parse::<jiff::Timestamp>().unwrap().as_millisecond()
}

/// 2026-11-24 10:00 Beijing.
pub fn today_ms() -> i64 {
    ms("2026-11-24T02:00:00Z")
}

/// The app over `store` with the tests' field key, its clock standing at `at_ms`.
pub fn app_at(store: Store, at_ms: i64) -> App {
    app_with_clock(store, Arc::new(ManualClock::new(at_ms)))
}

/// The app over `store` with the tests' field key and a clock the test moves.
pub fn app_with_clock(store: Store, clock: Arc<ManualClock>) -> App {
    App::new(store, clock, FieldCipher::from_master_key(&[7; 32]))
}

pub fn ctx() -> RequestCtx {
    RequestCtx {
        request_id: "req-test".into(),
    }
}

pub struct World {
    pub app: App,
    pub finance: Actor,
    pub leader: Actor,
    pub coord: Actor,
    pub unit: Actor,
    pub sysadmin: Actor,
    pub talent: Actor,
    pub unit_org: i64,
    pub candidate: i64,
}

pub async fn org(tx: &mut Tx, name: &str, kind: OrgKind, parent: Option<i64>) -> i64 {
    tx.insert_org(
        &NewOrg {
            name: name.into(),
            kind: kind.code().into(),
            credit_code: None,
            parent_id: parent,
        },
        1,
    )
    .await
    .unwrap()
}

/// An account of one role, shown as `{username}（显示名）`, and the actor it acts as.
pub async fn actor(tx: &mut Tx, username: &str, org_id: i64, kind: OrgKind, role: Role) -> Actor {
    named_actor(tx, username, &format!("{username}（显示名）"), org_id, kind, role).await
}

/// An account of one role shown as `display_name`, and the actor it acts as.
pub async fn named_actor(
    tx: &mut Tx,
    username: &str,
    display_name: &str,
    org_id: i64,
    kind: OrgKind,
    role: Role,
) -> Actor {
    let user = NewUser {
        roles: vec![role.code().into()],
        ..new_user(username, display_name, org_id)
    };
    let user_id = tx.insert_user(&user, 1).await.unwrap();
    Actor {
        user_id,
        username: username.into(),
        display_name: display_name.into(),
        org_id,
        org_name: String::new(),
        org_kind: kind,
        roles: vec![role],
        must_change_password: false,
        csrf_token: String::new(),
    }
}

/// The registration form of [`facts`]: [`new_candidate`] with a vice-senior title.
pub fn form(name: &str) -> NewCandidate {
    NewCandidate {
        title: "vice_senior".into(),
        ..new_candidate(name)
    }
}

pub async fn world(db: &TestDb) -> World {
    let store = db.open_store().await;
    let mut tx = store.begin_write().await.unwrap();
    let dept = org(&mut tx, "商务和口岸局", OrgKind::Department, None).await;
    let unit = org(&mut tx, "口岸经济研究中心", OrgKind::CityUnit, Some(dept)).await;
    let coord = org(&mut tx, "人才工作协调办公室", OrgKind::CoordinationOffice, None).await;
    let lg = org(&mut tx, "人才工作领导小组", OrgKind::LeadingGroup, None).await;
    let fin = org(&mut tx, "财政局", OrgKind::FinanceBureau, None).await;
    let public = tx.org_by_name("社会公众").await.unwrap().unwrap().id;
    let finance = actor(&mut tx, "finance", fin, OrgKind::FinanceBureau, Role::Finance).await;
    let leader = actor(&mut tx, "leader", lg, OrgKind::LeadingGroup, Role::LeadingGroup).await;
    let w_coord = actor(&mut tx, "coord", coord, OrgKind::CoordinationOffice, Role::Coordination).await;
    let w_unit = actor(&mut tx, "unit", unit, OrgKind::CityUnit, Role::Unit).await;
    let sysadmin = actor(&mut tx, "sysadmin", coord, OrgKind::CoordinationOffice, Role::SysAdmin).await;
    let talent = actor(&mut tx, "talent", public, OrgKind::Public, Role::Talent).await;
    let candidate = tx.insert_candidate(talent.user_id, &form("张明"), 1).await.unwrap();
    tx.commit().await.unwrap();
    let app = app_at(store, today_ms());
    World {
        app,
        finance,
        leader,
        coord: w_coord,
        unit: w_unit,
        sysadmin,
        talent,
        unit_org: unit,
        candidate,
    }
}

/// The audit records `query` selects.
pub async fn audit_rows(app: &App, query: AuditQuery) -> Vec<AuditRecord> {
    let mut tx = app.store.begin_read().await.unwrap();
    tx.audit_records(&query).await.unwrap().rows
}

/// The ids of a talent's installments, as the store lists them.
pub async fn installment_ids(tx: &mut Tx, talent: i64) -> Vec<i64> {
    let query = InstallmentQuery {
        talent_id: Some(talent),
        limit: 100_000,
        ..InstallmentQuery::default()
    };
    let rows = tx.installments(&query).await.unwrap().rows;
    rows.into_iter().map(|r| r.id).collect()
}

/// The fields an invalid-input error names, in its order.
pub fn fields(e: &AppError) -> Vec<String> {
    e.field_errors().into_iter().map(|f| f.field).collect()
}

/// Asserts that `err` is invalid input whose first error is on `field`.
pub fn assert_invalid(err: &AppError, field: &str, label: &str) {
    assert!(
        matches!(err, AppError::Invalid(e) if e[0].field == field),
        "{label}: {field}: {err:?}"
    );
}

/// A doctor with a vice-senior title and research results (Art. 10(4)) recruited by a city unit on 2024-03-01, two passed
/// assessments, evaluated on 2026-11-24.
pub fn facts(name: &str) -> Facts {
    Facts {
        name: Some(name.into()),
        policy: None,
        as_of: "2026-11-24".parse().unwrap(),
        person: Person {
            degree: Degree::Doctor,
            full_time: true,
            title: Title::ViceSenior,
            research_results: true,
            ..Person::default()
        },
        employer: Employer::CityUnit,
        mode: Mode::Recruit,
        start: "2024-03-01".parse().unwrap(),
        end: None,
        ended_for_cause: false,
        assessments: vec![Assessment::Passed, Assessment::Passed],
        service_months: Vec::new(),
        project_verified: false,
        project_benefit_significant: false,
    }
}

impl World {
    /// A talent row with the report of [`facts`], frozen as the introduction would.
    pub async fn talent(&self, name: &str) -> i64 {
        self.talent_with(facts(name)).await
    }

    /// A talent row with the report of `facts`, frozen as the introduction would.
    pub async fn talent_with(&self, facts: Facts) -> i64 {
        self.talent_since(facts, "2024-03-01").await
    }

    /// [`World::talent_with`], the service having started on `start_date` (ISO): service
    /// years must have ended before they are assessed.
    pub async fn talent_since(&self, facts: Facts, start_date: &str) -> i64 {
        // The facts and the talent's row tell one story: the service starts on `start_date`.
        let facts = Facts {
            start: start_date.parse().unwrap(),
            ..facts
        };
        let name = facts.name.clone().unwrap_or_default();
        let report = yincai_app::policies().evaluate(&facts, false).unwrap();
        let mut tx = self.app.store.begin_write().await.unwrap();
        let id = tx
            .insert_talent(
                &NewTalent {
                    category: report.category.map(i64::from),
                    policy_id: report.policy.id.clone(),
                    policy_version: report.policy.version.clone(),
                    facts: serde_json::to_string(&facts).unwrap(),
                    report: serde_json::to_string(&report).unwrap(),
                    start_date: start_date.into(),
                    ..new_talent(self.candidate, self.unit_org, &name)
                },
                today_ms(),
            )
            .await
            .unwrap();
        tx.commit().await.unwrap();
        id
    }

    /// A 120 m² housing unit in the register, allocated to `talent` from `start` (the talent
    /// of [`facts`] is entitled to 120 m², gift after 5 years: 2029-03-01).
    pub async fn housed(&self, talent: i64, address: &str, start: &str) -> HousingAllocationRow {
        let unit = self
            .app
            .add_housing_unit(
                &self.coord,
                &UnitInput {
                    address: address.into(),
                    area: "120".into(),
                    ..UnitInput::default()
                },
                &ctx(),
            )
            .await
            .unwrap();
        let input = AllocateInput {
            unit_id: unit.row.id.to_string(),
            talent_id: talent.to_string(),
            start_date: start.into(),
        };
        self.app
            .allocate_housing(&self.coord, &input, &ctx())
            .await
            .unwrap()
            .row
    }

    /// Puts workflow items on a new meeting's agenda and records the leading group's
    /// approval with `resolution`.
    pub async fn decide(&self, items: &[i64], number: &str, resolution: &str) -> Result<(), AppError> {
        let meeting = self
            .app
            .create_meeting(
                &self.coord,
                &MeetingInput {
                    number: number.into(),
                    title: "人才工作领导小组会议".into(),
                    held_on: "2026-11-24".into(),
                },
                &ctx(),
            )
            .await?;
        let agenda = self
            .app
            .add_agenda_item(&self.coord, meeting, "", items, &ctx())
            .await?;
        self.app
            .decide_agenda_item(
                &self.leader,
                meeting,
                agenda,
                &AgendaDecision {
                    action: Some(Action::Approve),
                    resolution_number: resolution.into(),
                    reason: String::new(),
                },
                &ctx(),
            )
            .await
    }

    /// Ends `talent`'s relation for cause the one way there is (ADR 0010): `coord` proposes
    /// `input` and submits it, the leading group approves it in a meeting held on `app`'s
    /// day with `resolution`. Returns the recovery the approval opened.
    pub async fn end_in_meeting(
        &self,
        app: &App,
        talent: i64,
        input: &EndingInput,
        resolution: &str,
    ) -> Result<RecoveryRow, AppError> {
        let id = app.propose_ending(&self.coord, talent, input, &ctx()).await?;
        let e = app.ending(&self.coord, id).await?;
        app.submit_ending(&self.coord, id, e.item_version.unwrap(), &ctx())
            .await?;
        let meeting = app
            .create_meeting(
                &self.coord,
                &MeetingInput {
                    number: format!("解除{id}：{resolution}"),
                    title: "人才工作领导小组会议".into(),
                    held_on: app.today().to_string(),
                },
                &ctx(),
            )
            .await?;
        let item = e.row.item_id.unwrap();
        let agenda = app.add_agenda_item(&self.coord, meeting, "", &[item], &ctx()).await?;
        app.decide_agenda_item(
            &self.leader,
            meeting,
            agenda,
            &AgendaDecision {
                action: Some(Action::Approve),
                resolution_number: resolution.into(),
                reason: String::new(),
            },
            &ctx(),
        )
        .await?;
        let e = app.ending(&self.coord, id).await?;
        let mut tx = app.store.begin_read().await?;
        Ok(tx.recovery(e.row.recovery_id.unwrap()).await?.unwrap())
    }

    /// The allocation and its unit's status, as stored.
    pub async fn allocation(&self, id: i64) -> (HousingAllocationRow, String) {
        let mut tx = self.app.store.begin_read().await.unwrap();
        let a = tx.housing_allocation(id).await.unwrap().unwrap();
        let unit = tx.housing_unit(a.unit_id).await.unwrap().unwrap();
        (a, unit.status.code().to_owned())
    }

    /// The talent's end date, as stored.
    pub async fn end_date(&self, talent: i64) -> Option<String> {
        let mut tx = self.app.store.begin_read().await.unwrap();
        tx.talent(talent).await.unwrap().unwrap().end_date
    }

    /// The audit summaries of `action` on `object_id`.
    pub async fn audit_summaries(&self, action: &str, object_id: i64) -> Vec<String> {
        let query = AuditQuery {
            action: Some(action.into()),
            object_id: Some(object_id.to_string()),
            limit: 100,
            ..AuditQuery::default()
        };
        audit_rows(&self.app, query)
            .await
            .into_iter()
            .map(|r| r.summary)
            .collect()
    }

    /// `who` re-evaluates a talent after a change of facts, with `reason`.
    pub async fn reevaluate(
        &self,
        who: &Actor,
        talent: i64,
        change: &FactsChange,
        reason: &str,
    ) -> Result<EvaluationsView, AppError> {
        self.app.reevaluate_talent(who, talent, change, reason, &ctx()).await
    }

    /// The unit records and the coordination office files an assessment.
    pub async fn assess(&self, talent: i64, year: i64, result: &str) -> u64 {
        let a = self
            .app
            .record_assessment(
                &self.unit,
                &AssessmentInput {
                    talent_id: talent.to_string(),
                    service_year: year.to_string(),
                    result: result.into(),
                    document_number: format!("口岸经研考〔2026〕{year}号"),
                    document_date: "2026-11-20".into(),
                    note: String::new(),
                },
                &ctx(),
            )
            .await
            .unwrap();
        assert_eq!(a.status.code(), "recorded");
        let (filed, set) = self
            .app
            .file_assessment(&self.coord, a.id, a.version, &ctx())
            .await
            .unwrap();
        assert_eq!(filed.status.code(), "filed");
        set
    }

    pub async fn budget(&self, year: i64, yuan: &str) {
        self.app
            .set_budget(
                &self.finance,
                &BudgetInput {
                    year: year.to_string(),
                    amount: yuan.into(),
                    note: "年初预算".into(),
                    version: String::new(),
                },
                &ctx(),
            )
            .await
            .unwrap();
    }
}

#[macro_export]
macro_rules! on_every_backend {
    (|$w:ident, $label:ident| $body:block) => {
        for db in TestDb::all().await {
            let $w = world(&db).await;
            let $label = db.label;
            $body
            $w.app.store.close().await;
            db.cleanup().await;
        }
    };
}
