//! The demo's cases: plans, meetings, candidates, applications and talents in every state,
//! made through the same use cases a person would use (so every record has its history,
//! tasks, audit records and resolution numbers), so that each demo account finds work on
//! its workbench:
//! - unit: a draft plan, and an application whose employment contract is to be recorded;
//! - dept: a plan of another unit to review;
//! - coord: a plan to review, an application to review, one to confirm, a 一事一议 draft;
//! - leader: a scheduled meeting with a plan and a proposed-hire list to decide, and next
//!   week's meeting (a plan of 综合保税区服务中心 waits to be put on an agenda);
//! - applicants: 王磊 (wanglei) an intent letter to accept, 李娜 (lina) a 补正 to make;
//!   the account `talent` stays blank for a newcomer to register and apply with;
//! - talents introduced, with entitlements, for the talent database; one of them (高峰,
//!   in service since 2024) with money at every stage of payment.

use yincai_domain::Role;
use yincai_domain::workflow::Action;
use yincai_store::{NewUser, WorkflowItemRow};

use crate::applications::{CheckItem, Checklist, Finding, Findings, ReviewInput};
use crate::candidates::{Education, ProfileInput};
use crate::fixings::FixingInput;
use crate::meetings::{AgendaDecision, MeetingInput};
use crate::plans::{AnnouncementInput, PlanInput, PositionInput};
use crate::recovery::FactsChange;
use crate::special_cases::SpecialCaseInput;
use crate::talents::ProcedureInput;
use crate::workflow::ActInput;
use crate::{Actor, App, AppError, RequestCtx, Result};

/// Demo applicants (the account `talent` is not one: it stays blank): (username, name, gender, 身份证号, phone, degree,
/// institution, major, 985/211, title, honours).
type Applicant = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);
pub const APPLICANTS: [Applicant; 9] = [
    (
        "hemin",
        "何敏",
        "female",
        "652701199104050626",
        "13900000008",
        "master",
        "石河子大学",
        "农业经济管理",
        "211",
        "none",
        &[],
    ),
    (
        "wanglei",
        "王磊",
        "male",
        "652702198805120318",
        "13900000001",
        "master",
        "新疆大学",
        "物流工程",
        "211",
        "intermediate",
        &[],
    ),
    (
        "lina",
        "李娜",
        "female",
        "652701198509230428",
        "13900000002",
        "master",
        "兰州大学",
        "国际贸易",
        "985",
        "none",
        &[],
    ),
    (
        "chenchen",
        "陈晨",
        "male",
        "620102199003010314",
        "13900000003",
        "doctor",
        "西安交通大学",
        "交通运输规划",
        "985",
        "vice_senior",
        &[],
    ),
    (
        "liuyang",
        "刘洋",
        "male",
        "410102198707150311",
        "13900000004",
        "master",
        "郑州大学",
        "供应链管理",
        "211",
        "intermediate",
        &[],
    ),
    (
        "zhaoxue",
        "赵雪",
        "female",
        "652702199308170423",
        "13900000005",
        "doctor",
        "华中科技大学",
        "材料科学与工程",
        "985",
        "vice_senior",
        &["provincial_leader"],
    ),
    (
        "sunjianguo",
        "孙建国",
        "male",
        "650102197902280314",
        "13900000006",
        "doctor",
        "清华大学",
        "口岸经济",
        "985",
        "senior",
        &["national_expert"],
    ),
    (
        "zhoujie",
        "周杰",
        "male",
        "320102198206100314",
        "13900000007",
        "bachelor",
        "南京工业大学",
        "机械设计",
        "none",
        "junior",
        &[],
    ),
    (
        "gaofeng",
        "高峰",
        "male",
        "65270219861120031X",
        "13900000009",
        "doctor",
        "新疆大学",
        "物流工程",
        "211",
        "vice_senior",
        &[],
    ),
];

fn ctx() -> RequestCtx {
    RequestCtx {
        request_id: "demo".into(),
    }
}

fn position(title: &str, openings: &str, mode: &str, degree: &str, title_min: &str, field: &str) -> PositionInput {
    PositionInput {
        title: title.into(),
        openings: openings.into(),
        field: field.into(),
        mode: mode.into(),
        min_degree: degree.into(),
        majors: field.into(),
        min_title: title_min.into(),
        qualifications: String::new(),
        requirements: "遵纪守法，身体健康；服务期内在阿拉山口市工作".into(),
        ..Default::default()
    }
}

impl App {
    async fn demo_actor(&self, username: &str) -> Result<Actor> {
        let mut tx = self.store.begin_read().await?;
        let user = tx
            .user_by_username(username)
            .await?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("demo account {username} missing")))?;
        self.load_actor(&mut tx, &user, String::new()).await
    }

    async fn demo_item(&self, object_type: &str, id: i64) -> Result<WorkflowItemRow> {
        let mut tx = self.store.begin_read().await?;
        tx.workflow_items_for_object(object_type, &id.to_string())
            .await?
            .pop()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("{object_type} {id} has no workflow item")))
    }

    /// Acts on the current version of an object's item.
    async fn demo_act(&self, who: &Actor, object_type: &str, id: i64, input: ActInput) -> Result<()> {
        let item = self.demo_item(object_type, id).await?;
        self.act(who, item.id, item.version, &input, &ctx()).await.map(|_| ())
    }

    /// Puts items on a meeting's agenda and has the leading group decide them.
    async fn demo_decide(
        &self,
        coord: &Actor,
        leader: &Actor,
        meeting: i64,
        items: &[i64],
        resolution: &str,
    ) -> Result<()> {
        let agenda = self.add_agenda_item(coord, meeting, "", items, &ctx()).await?;
        let decision = AgendaDecision {
            action: Some(Action::Approve),
            resolution_number: resolution.into(),
            reason: "经会议研究，同意".into(),
        };
        self.decide_agenda_item(leader, meeting, agenda, &decision, &ctx())
            .await
    }

    /// 高峰's project lands and passes its 论证: the office records the change of facts, the
    /// re-evaluation grants the startup fund (Art. 14), and the office's proposal of its
    /// amount waits on meeting `meeting`'s agenda for the leading group.
    async fn demo_startup_fund(&self, coord: &Actor, application: i64, year: &str, meeting: i64) -> Result<()> {
        let talent = {
            let mut tx = self.store.begin_read().await?;
            tx.talent_by_application(application)
                .await?
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("demo talent of application {application} missing")))?
                .id
        };
        let change = FactsChange {
            project_verified: true,
            ..FactsChange::default()
        };
        let reason = format!("市科技局项目论证意见（阿科论〔{year}〕2号）");
        self.reevaluate_talent(coord, talent, &change, &reason, &ctx()).await?;
        let fixable = self.fixable_benefits(coord, talent).await?;
        let startup = fixable
            .first()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("demo: no startup fund after the project's 论证")))?;
        // The bottom of the range, or 20 万元 where the amount is the group's to set.
        let amount = startup.min_fen.unwrap_or(20_000_000);
        let input = FixingInput {
            benefit_code: startup.benefit_code.clone(),
            amount: yincai_domain::money::Fen(amount).yuan_string(),
            project: "口岸多式联运智能调度系统产业化".into(),
            reason: "项目已在综合保税区落地，经市科技局组织论证，总投资 800 万元，建议按项目规模核定".into(),
            version: None,
        };
        let fixing = self.propose_fixing(coord, talent, &input, &ctx()).await?;
        let item = self.demo_item(crate::fixings::OBJECT_TYPE, fixing).await?;
        self.add_agenda_item(coord, meeting, "", &[item.id], &ctx()).await?;
        Ok(())
    }

    /// A plan submitted by `unit` and moved on by the given reviewers.
    async fn demo_plan(&self, unit: &Actor, year: &str, title: &str, positions: Vec<PositionInput>) -> Result<i64> {
        let input = PlanInput {
            year: year.into(),
            title: title.into(),
            note: "根据单位发展需要编制".into(),
            positions,
            ..Default::default()
        };
        self.create_plan(unit, &input, &ctx()).await
    }

    async fn demo_applicant(&self, a: &Applicant, hash: &str) -> Result<Actor> {
        let (username, name, gender, id_number, phone, degree, institution, major, tier, title, honours) = *a;
        let mut tx = self.store.begin_write().await?;
        let public = tx
            .org_by_name("社会公众")
            .await?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("社会公众 missing")))?;
        tx.insert_user(
            &NewUser {
                username: username.into(),
                display_name: name.into(),
                org_id: public.id,
                password_hash: hash.into(),
                must_change_password: false,
                roles: vec![Role::Talent.code().into()],
            },
            self.now(),
        )
        .await?;
        tx.commit().await?;
        let actor = self.demo_actor(username).await?;
        let profile = ProfileInput {
            name: name.into(),
            id_type: "citizen_id".into(),
            id_number: id_number.into(),
            phone: phone.into(),
            email: format!("{username}@example.com"),
            gender: gender.into(),
            education: vec![Education {
                degree: degree.into(),
                institution: institution.into(),
                major: major.into(),
                full_time: true,
                school_tier: tier.into(),
                graduation_year: "2015".into(),
            }],
            title: title.into(),
            honours: honours.iter().map(|h| h.to_string()).collect(),
            projects: format!("{major}方向科研项目若干"),
            ..Default::default()
        };
        self.save_my_profile(&actor, &profile, &ctx()).await?;
        Ok(actor)
    }

    /// The coordination office reviews with a full checklist and takes `action`.
    async fn demo_review(&self, coord: &Actor, application: i64, action: Action, reason: &str) -> Result<()> {
        self.demo_review_with(coord, application, None, Some(action), reason)
            .await
    }

    /// The coordination office saves a full checklist with `findings` (审查认定; `None` keeps
    /// those recorded) and takes `action`, if any.
    async fn demo_review_with(
        &self,
        coord: &Actor,
        application: i64,
        findings: Option<Findings>,
        action: Option<Action>,
        reason: &str,
    ) -> Result<()> {
        let item = self.demo_item("application", application).await?;
        let checklist: Checklist = crate::applications::CHECKLIST_ITEMS
            .iter()
            .map(|(code, _)| {
                let item = CheckItem {
                    checked: true,
                    note: String::new(),
                };
                (code.to_string(), item)
            })
            .collect();
        let input = ReviewInput {
            version: None,
            checklist,
            findings,
            action,
            reason: reason.into(),
            item_version: Some(item.version),
        };
        self.review_application(coord, application, &input, &ctx()).await
    }

    /// Review passed, letter generated and sent.
    async fn demo_offer(&self, coord: &Actor, application: i64) -> Result<()> {
        self.demo_review(coord, application, Action::Approve, "").await?;
        self.generate_letter(coord, application, &ctx()).await?;
        self.demo_act(coord, "application", application, ActInput::new(Action::Submit))
            .await
    }

    /// An application introduced with a contract from 2024-09-01, then its first two service
    /// years' money taken through the release gate (see [`App::load_demo_cases`]).
    async fn demo_payment_stages(
        &self,
        unit: &Actor,
        coord: &Actor,
        leader: &Actor,
        finance: &Actor,
        application: i64,
        year: &str,
    ) -> Result<()> {
        let contract = ProcedureInput {
            contract_number: "口岸研聘〔2024〕3号".into(),
            signed_on: "2024-08-20".into(),
            start_date: "2024-09-01".into(),
            end_date: "2029-08-31".into(),
            term_years: "5".into(),
            probation_months: "6".into(),
            ..Default::default()
        };
        self.save_procedure(unit, application, &contract, &ctx()).await?;
        self.demo_act(unit, "application", application, ActInput::new(Action::Submit))
            .await?;
        self.demo_act(coord, "application", application, ActInput::new(Action::Approve))
            .await?;
        let talent = {
            let mut tx = self.store.begin_read().await?;
            tx.talent_by_application(application)
                .await?
                .map(|t| t.id)
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the demo talent was not created")))?
        };
        for (n, result) in [(1, "passed"), (2, "excellent")] {
            let input = crate::gate::AssessmentInput {
                talent_id: talent.to_string(),
                service_year: n.to_string(),
                result: result.into(),
                document_number: format!("口岸研考〔{}〕{n}号", 2024 + n),
                document_date: format!("{}-09-15", 2024 + n),
                note: String::new(),
            };
            let recorded = self.record_assessment(unit, &input, &ctx()).await?;
            self.file_assessment(coord, recorded.id, recorded.version, &ctx())
                .await?;
        }
        let due: Vec<yincai_store::InstallmentRow> = {
            let mut tx = self.store.begin_read().await?;
            let q = yincai_store::InstallmentQuery {
                talent_id: Some(talent),
                limit: 1000,
                ..Default::default()
            };
            tx.installments(&q).await?.rows
        };
        let today = self.today().to_string();
        let releasable: Vec<&yincai_store::InstallmentRow> = due
            .iter()
            .filter(|i| i.due_on <= today && i.service_year.is_none_or(|y| y <= 2))
            .collect();
        let mut items = Vec::new();
        for i in &releasable {
            items.push(self.start_release(coord, i.id, &ctx()).await?);
        }
        if items.is_empty() {
            return Ok(());
        }
        let fourth = MeetingInput {
            number: format!("{year}年第4次"),
            title: "人才工作领导小组会议（审定待遇发放）".into(),
            held_on: self.today().to_string(),
        };
        let meeting = self.create_meeting(coord, &fourth, &ctx()).await?;
        self.demo_decide(coord, leader, meeting, &items, &format!("阿人才领字〔{year}〕4号"))
            .await?;
        if let Some(m) = self.store.begin_read().await?.meeting(meeting).await? {
            self.close_meeting(coord, meeting, m.version, &ctx()).await?;
        }
        for item in &items {
            let row = self
                .store
                .begin_read()
                .await?
                .workflow_item(*item)
                .await?
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("release item {item} missing")))?;
            self.act(coord, row.id, row.version, &ActInput::new(Action::Submit), &ctx())
                .await?;
        }
        // Finance pays the first year's money; the second waits in the next batch.
        let first_year: Vec<i64> = releasable
            .iter()
            .filter(|i| i.service_year.is_none_or(|y| y == 1))
            .map(|i| i.id)
            .collect();
        if !first_year.is_empty() {
            let batch = crate::fund::BatchInput {
                installment_ids: first_year,
                note: "演示：第一服务年度待遇".into(),
            };
            let batch = self.create_batch(finance, &batch, &ctx()).await?;
            self.pay_batch(finance, batch.id, Some("demo-batch-1"), &ctx()).await?;
        }
        Ok(())
    }

    /// Loads the demo's cases (see the module documentation). `hash` is the demo password's.
    pub(crate) async fn load_demo_cases(&self, hash: &str) -> Result<()> {
        let unit = self.demo_actor("unit").await?;
        let unit2 = self.demo_actor("unit2").await?;
        let dept = self.demo_actor("dept").await?;
        let coord = self.demo_actor("coord").await?;
        let leader = self.demo_actor("leader").await?;
        let today = self.today();
        let year = today.year().to_string();
        let next_year = (today.year() + 1).to_string();
        let submit = || ActInput::new(Action::Submit);
        let approve = || ActInput::new(Action::Approve);

        // The special fund (Art. 29): last year's and this year's budgets, entered by finance.
        let finance = self.demo_actor("finance").await?;
        for (y, amount) in [(today.year() - 1, "16,000,000.00"), (today.year(), "20,000,000.00")] {
            let budget = crate::fund::BudgetInput {
                year: y.to_string(),
                amount: amount.into(),
                note: "市本级人才发展专项资金".into(),
                version: String::new(),
            };
            self.set_budget(&finance, &budget, &ctx()).await?;
        }

        // The unit's plan, through every step, published and open for applications.
        let open_plan = self
            .demo_plan(
                &unit,
                &year,
                &format!("{year}年度口岸经济研究中心高层次人才引进计划"),
                vec![
                    position(
                        "口岸物流研究员",
                        "5",
                        "recruit",
                        "master",
                        "none",
                        "物流工程、供应链管理",
                    ),
                    position(
                        "首席口岸经济专家",
                        "1",
                        "special",
                        "doctor",
                        "senior",
                        "口岸经济、国际贸易",
                    ),
                ],
            )
            .await?;
        self.demo_act(&unit, "plan", open_plan, submit()).await?;
        self.demo_act(&dept, "plan", open_plan, approve()).await?;
        self.demo_act(&coord, "plan", open_plan, approve()).await?;
        let first = MeetingInput {
            number: format!("{year}年第1次"),
            title: "人才工作领导小组会议（审定年度引进计划）".into(),
            held_on: today.to_string(),
        };
        let m1 = self.create_meeting(&coord, &first, &ctx()).await?;
        let plan_item = self.demo_item("plan", open_plan).await?;
        self.demo_decide(
            &coord,
            &leader,
            m1,
            &[plan_item.id],
            &format!("阿人才领字〔{year}〕1号"),
        )
        .await?;
        let announcement = AnnouncementInput {
            title: format!("阿拉山口市口岸经济研究中心{year}年度高层次人才引进公告"),
            body:
                "根据《阿拉山口市高层次和急需紧缺人才引进暂行办法》，现面向社会公开引进高层次人才，岗位与条件见下表。\
                   符合条件者请在报名期间内登录本平台填写人才登记表并报名。"
                    .into(),
            open_date: today.saturating_sub(jiff::Span::new().days(7)).to_string(),
            close_date: today.saturating_add(jiff::Span::new().days(30)).to_string(),
            version: None,
        };
        self.set_announcement(&coord, open_plan, &announcement, &ctx()).await?;
        self.demo_act(&coord, "plan", open_plan, ActInput::new(Action::Publish))
            .await?;
        let positions = self.store.begin_read().await?.positions(open_plan).await?;
        let (recruit, special) = (positions[0].id, positions[1].id);

        // Candidates and their applications, one per state. The demo account `talent` is
        // left blank: a newcomer registers and applies with it.
        let mut people = Vec::new();
        for a in &APPLICANTS {
            people.push(self.demo_applicant(a, hash).await?);
        }
        let [he, wang, li, chen, liu, zhao, sun, zhou, gao] = people
            .try_into()
            .map_err(|_| AppError::Internal(anyhow::anyhow!("nine demo applicants")))?;
        let mut applied = Vec::new();
        for (who, pos) in [
            (&he, recruit),
            (&wang, recruit),
            (&li, recruit),
            (&chen, recruit),
            (&liu, recruit),
            (&zhao, recruit),
            (&sun, special),
            (&zhou, recruit),
            (&gao, recruit),
        ] {
            applied.push(self.apply(who, pos, &ctx()).await?);
        }
        // 何敏 stays in 资格审查 (the office's work).
        let [_a_he, a_wang, a_li, a_chen, a_liu, a_zhao, a_sun, a_zhou, a_gao] = applied[..] else {
            return Err(AppError::Internal(anyhow::anyhow!("eight demo applications")));
        };
        // 李娜: returned for completion (her work); 周杰: not qualified.
        self.demo_review(&coord, a_li, Action::Return, "请补充学位证书扫描件及毕业年份")
            .await?;
        self.demo_review(&coord, a_zhou, Action::Reject, "学历与岗位最低学位要求（硕士）不符")
            .await?;
        // 王磊: letter sent (his work: accept it).
        self.demo_offer(&coord, a_wang).await?;
        // 高峰: his form (doctorate, 副高) meets no category by itself; the office finds his
        // research results (Art. 10(4)) from the materials he filed: category 4.
        let research = Finding {
            checked: true,
            basis: "科学引文索引收录论文 3 篇及新疆维吾尔自治区科技进步三等奖证书（原件已核）".into(),
        };
        let findings = Findings::from([("research_results".to_string(), research)]);
        self.demo_review_with(&coord, a_gao, Some(findings), None, "").await?;
        // 陈晨, 刘洋, 赵雪, 孙建国, 高峰: letters accepted.
        for (who, application) in [
            (&chen, a_chen),
            (&liu, a_liu),
            (&zhao, a_zhao),
            (&sun, a_sun),
            (&gao, a_gao),
        ] {
            self.demo_offer(&coord, application).await?;
            self.demo_act(who, "application", application, approve()).await?;
        }
        // The second meeting decides the proposed-hire list of 刘洋, 赵雪 and 孙建国.
        let second = MeetingInput {
            number: format!("{year}年第2次"),
            title: "人才工作领导小组会议（审定拟聘人员名单）".into(),
            held_on: today.to_string(),
        };
        let m2 = self.create_meeting(&coord, &second, &ctx()).await?;
        let mut hire = Vec::new();
        for application in [a_liu, a_zhao, a_sun, a_gao] {
            hire.push(self.demo_item("application", application).await?.id);
        }
        self.demo_decide(&coord, &leader, m2, &hire, &format!("阿人才领字〔{year}〕2号"))
            .await?;
        // A 一事一议 case decided in the same meeting: 孙建国's research funding.
        let case = SpecialCaseInput {
            candidate_id: self
                .store
                .begin_read()
                .await?
                .candidate_by_user(sun.user_id)
                .await?
                .map(|c| c.id)
                .unwrap_or_default()
                .to_string(),
            reason: "国家级有突出贡献的专家，拟牵头口岸经济重大课题，现有条款不能完全覆盖".into(),
            treatment: "一次性给予科研启动经费，专款专用".into(),
            amount_yuan: "300000".into(),
            version: None,
        };
        let case_id = self.open_special_case(&coord, &case, &ctx()).await?;
        let case_item = self.demo_item("special_case", case_id).await?;
        self.demo_decide(
            &coord,
            &leader,
            m2,
            &[case_item.id],
            &format!("阿人才领字〔{year}〕3号"),
        )
        .await?;
        let m2_row = self.store.begin_read().await?.meeting(m2).await?;
        if let Some(m) = m2_row {
            self.close_meeting(&coord, m2, m.version, &ctx()).await?;
        }
        let m1_row = self.store.begin_read().await?.meeting(m1).await?;
        if let Some(m) = m1_row {
            self.close_meeting(&coord, m1, m.version, &ctx()).await?;
        }

        // 赵雪: contract recorded and confirmed — introduced, with entitlements.
        let contract = |number: &str| ProcedureInput {
            contract_number: number.into(),
            signed_on: today.to_string(),
            start_date: today.to_string(),
            end_date: today.saturating_add(jiff::Span::new().years(5)).to_string(),
            term_years: "5".into(),
            probation_months: "6".into(),
            ..Default::default()
        };
        self.save_procedure(&unit, a_zhao, &contract(&format!("口岸研聘〔{year}〕1号")), &ctx())
            .await?;
        self.demo_act(&unit, "application", a_zhao, submit()).await?;
        self.demo_act(&coord, "application", a_zhao, approve()).await?;
        // 高峰: in service since 2024-09-01 (his contract is dated back), so his money is at
        // every stage of payment (Art. 19): year 1 assessed, released in a meeting, certified
        // and paid; year 2 assessed, released and certified, waiting for finance; later years
        // scheduled.
        self.demo_payment_stages(&unit, &coord, &leader, &finance, a_gao, &year)
            .await?;

        // 孙建国: service agreement recorded, waiting for the coordination office to confirm.
        let agreement = ProcedureInput {
            agreement_kind: "hire".into(),
            start_date: today.to_string(),
            term_years: "3".into(),
            months_per_year: "6".into(),
            ..Default::default()
        };
        self.save_procedure(&unit, a_sun, &agreement, &ctx()).await?;
        self.demo_act(&unit, "application", a_sun, submit()).await?;
        // 刘洋 stays in 办理引进手续 (the unit's work).

        // Work waiting elsewhere: another unit's plans at the department and at the office,
        // the unit's own draft, and a scheduled meeting with a plan and a hire list.
        let p_dept = self
            .demo_plan(
                &unit2,
                &next_year,
                &format!("{next_year}年度综合保税区服务中心人才引进计划"),
                vec![position("跨境贸易分析师", "2", "recruit", "master", "none", "国际贸易")],
            )
            .await?;
        self.demo_act(&unit2, "plan", p_dept, submit()).await?;
        let p_coord = self
            .demo_plan(
                &unit2,
                &year,
                &format!("{year}年度综合保税区服务中心急需紧缺人才引进计划"),
                vec![position(
                    "保税物流工程师",
                    "1",
                    "transfer",
                    "bachelor",
                    "intermediate",
                    "物流工程",
                )],
            )
            .await?;
        self.demo_act(&unit2, "plan", p_coord, submit()).await?;
        self.demo_act(&dept, "plan", p_coord, approve()).await?;
        let p_group = self
            .demo_plan(
                &unit,
                &next_year,
                &format!("{next_year}年度口岸经济研究中心人才引进计划"),
                vec![position(
                    "数据分析师",
                    "2",
                    "recruit",
                    "master",
                    "none",
                    "统计学、计算机",
                )],
            )
            .await?;
        self.demo_act(&unit, "plan", p_group, submit()).await?;
        self.demo_act(&dept, "plan", p_group, approve()).await?;
        self.demo_act(&coord, "plan", p_group, approve()).await?;
        self.demo_plan(
            &unit,
            &next_year,
            &format!("{next_year}年度口岸经济研究中心第二批引进计划（草稿）"),
            vec![position("口岸政策研究员", "1", "recruit", "master", "none", "公共管理")],
        )
        .await?;
        let third = MeetingInput {
            number: format!("{year}年第3次"),
            title: "人才工作领导小组会议".into(),
            held_on: today.to_string(),
        };
        let m3 = self.create_meeting(&coord, &third, &ctx()).await?;
        let group_item = self.demo_item("plan", p_group).await?;
        self.add_agenda_item(&coord, m3, "", &[group_item.id], &ctx()).await?;
        let chen_item = self.demo_item("application", a_chen).await?;
        self.add_agenda_item(&coord, m3, "", &[chen_item.id], &ctx()).await?;
        self.demo_startup_fund(&coord, a_gao, &year, m3).await?;

        // A plan the leading group has not put on an agenda yet, and the next meeting, dated
        // next week: the office can put the plan on it, reschedule it, and the leaders see
        // why they cannot decide before the date.
        let p_waiting = self
            .demo_plan(
                &unit2,
                &next_year,
                &format!("{next_year}年度综合保税区服务中心第二批人才引进计划"),
                vec![position(
                    "跨境电商运营主管",
                    "1",
                    "recruit",
                    "bachelor",
                    "intermediate",
                    "电子商务",
                )],
            )
            .await?;
        self.demo_act(&unit2, "plan", p_waiting, submit()).await?;
        self.demo_act(&dept, "plan", p_waiting, approve()).await?;
        self.demo_act(&coord, "plan", p_waiting, approve()).await?;
        let next_week = today
            .checked_add(jiff::Span::new().days(7))
            .map_err(|e| AppError::Internal(anyhow::anyhow!("demo date: {e}")))?;
        let fourth = MeetingInput {
            number: format!("{year}年第5次"),
            title: "人才工作领导小组会议".into(),
            held_on: next_week.to_string(),
        };
        self.create_meeting(&coord, &fourth, &ctx()).await?;
        Ok(())
    }
}
