//! The demo data set (`yincai serve --demo`): the Alashankou organisation, one account per
//! role, and cases in every state (`demo_cases`), so that a newcomer can click through
//! every role's work.
//! Loaded once; a second start finds the marker and changes nothing.

use yincai_domain::ids::{CreditCode, credit_code_check_char, org_code_check_char};
use yincai_domain::{OrgKind, Role};
use yincai_store::{NewAudit, NewOrg, NewUser, Tx};

use crate::accounts::{CreateUser, ProposalKind};
use crate::{Actor, App, AppError, RequestCtx, Result, passwords};

/// A staff account the system admin created without roles, with a pending proposal of the
/// security admin to grant it the coordination role: a newcomer confirms it as `secadmin2`
/// or `sysadmin` (not as `secadmin`, who proposed it).
pub const DEMO_PENDING_ACCOUNT: (&str, &str) = ("qianjin", "钱进");

/// The password of every demo account (listed in the README). Demo only.
pub const DEMO_PASSWORD: &str = "Yincai@Demo2026";

const MARKER: &str = "demo_loaded";

/// (username, display name, role, organisation name)
pub const DEMO_ACCOUNTS: [(&str, &str, Role, &str); 17] = [
    ("talent", "张明", Role::Talent, "社会公众"),
    ("unit", "李华", Role::Unit, "阿拉山口市口岸经济研究中心"),
    // A second unit under the same department, so the department has another's plan to review.
    ("unit2", "李雷", Role::Unit, "阿拉山口市综合保税区服务中心"),
    ("dept", "王芳", Role::Department, "阿拉山口市商务和口岸局"),
    ("coord", "赵敏", Role::Coordination, "阿拉山口市人才工作协调办公室"),
    ("leader", "刘强", Role::LeadingGroup, "阿拉山口市人才工作领导小组"),
    // More members of the leading group: it decides in meetings, not one person alone.
    ("leader2", "马丽", Role::LeadingGroup, "阿拉山口市人才工作领导小组"),
    ("leader3", "何军", Role::LeadingGroup, "阿拉山口市人才工作领导小组"),
    ("leader4", "高洁", Role::LeadingGroup, "阿拉山口市人才工作领导小组"),
    ("assessor", "陈静", Role::Assessor, "中共阿拉山口市委组织部"),
    ("finance", "孙丽", Role::Finance, "阿拉山口市财政局"),
    ("mayor", "周涛", Role::CityLeader, "阿拉山口市人民政府市领导"),
    ("service", "吴昊", Role::ServiceDept, "阿拉山口市教育局"),
    ("sysadmin", "郑伟", Role::SysAdmin, "阿拉山口市信息中心"),
    ("secadmin", "冯雪", Role::SecAdmin, "阿拉山口市信息中心"),
    // A second security admin: a role change, reset or unlock takes two people (ADR 0009).
    ("secadmin2", "韩梅", Role::SecAdmin, "阿拉山口市信息中心"),
    ("auditor", "蒋琳", Role::AuditAdmin, "阿拉山口市信息中心"),
];

const BODIES: [(&str, OrgKind); 10] = [
    ("阿拉山口市人才工作领导小组", OrgKind::LeadingGroup),
    ("阿拉山口市人才工作协调办公室", OrgKind::CoordinationOffice),
    ("中共阿拉山口市委组织部", OrgKind::OrganizationDept),
    ("阿拉山口市人力资源和社会保障局", OrgKind::HrBureau),
    ("阿拉山口市财政局", OrgKind::FinanceBureau),
    ("阿拉山口市人民政府市领导", OrgKind::CityLeadership),
    ("阿拉山口市信息中心", OrgKind::ItCentre),
    ("阿拉山口市教育局", OrgKind::ServiceDept),
    ("阿拉山口市公安局", OrgKind::ServiceDept),
    ("阿拉山口市卫生健康委员会", OrgKind::ServiceDept),
];

const DEPARTMENTS: [&str; 6] = [
    "阿拉山口市发展和改革委员会",
    "阿拉山口市工业和信息化局",
    "阿拉山口市商务和口岸局",
    "阿拉山口市科学技术局",
    "阿拉山口市农业农村局",
    "阿拉山口市文化体育广电和旅游局",
];

/// City units with the index of their supervising department.
const CITY_UNITS: [(&str, usize); 12] = [
    ("阿拉山口市口岸经济研究中心", 2),
    ("阿拉山口市检验检测中心", 1),
    ("阿拉山口市综合保税区服务中心", 2),
    ("阿拉山口市科技创新服务中心", 3),
    ("阿拉山口市农业技术推广站", 4),
    ("阿拉山口市工业园区管理服务中心", 1),
    ("阿拉山口市物流发展中心", 2),
    ("阿拉山口市文化馆", 5),
    ("阿拉山口市投资促进中心", 0),
    ("阿拉山口市节能监察中心", 0),
    ("阿拉山口市气象灾害防御中心", 3),
    ("阿拉山口市城乡规划设计院", 1),
];

const ENTERPRISES: [&str; 12] = [
    "阿拉山口丝路物流有限公司",
    "阿拉山口亚欧国际贸易有限公司",
    "阿拉山口天山新材料科技有限公司",
    "阿拉山口博乐能源开发有限公司",
    "阿拉山口口岸国际物流园有限公司",
    "阿拉山口西域精密机械有限公司",
    "阿拉山口中欧班列服务有限公司",
    "阿拉山口绿洲农业科技有限公司",
    "阿拉山口矿产资源加工有限公司",
    "阿拉山口跨境电子商务有限公司",
    "阿拉山口新能源装备制造有限公司",
    "阿拉山口边贸仓储有限公司",
];

const CENTRAL_UNITS: [&str; 12] = [
    "阿拉山口海关",
    "阿拉山口出入境边防检查站",
    "中国铁路乌鲁木齐局集团有限公司阿拉山口站",
    "国网新疆电力有限公司阿拉山口供电公司",
    "中国石油天然气管道局阿拉山口输油站",
    "阿拉山口气象站",
    "中国邮政集团有限公司阿拉山口分公司",
    "中国银行阿拉山口支行",
    "新疆维吾尔自治区阿拉山口口岸管理办公室",
    "中国电信阿拉山口分公司",
    "国家税务总局阿拉山口市税务局",
    "阿拉山口市消防救援大队",
];

/// A valid 统一社会信用代码 for the n-th demo organisation (region 652702: Alashankou).
fn demo_credit_code(n: usize, kind: OrgKind) -> String {
    let (registry, org_type) = match kind {
        OrgKind::Enterprise => ('9', '1'),
        _ => ('1', '2'),
    };
    let org8 = format!("MA{:06}", 100 + n);
    let org_check = org_code_check_char(&org8).expect("eight code characters");
    let first17 = format!("{registry}{org_type}652702{org8}{org_check}");
    let check = credit_code_check_char(&first17).expect("seventeen code characters");
    let code = CreditCode::parse(&format!("{first17}{check}")).expect("demo credit codes are valid");
    code.as_str().to_string()
}

impl App {
    /// Loads the demo data set unless it is there already. Returns whether it loaded.
    pub async fn load_demo(&self, ctx: &RequestCtx) -> Result<bool> {
        let hash = passwords::hash(DEMO_PASSWORD).await?;
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        if tx.setting(MARKER).await?.is_some() {
            return Ok(false);
        }
        let mut n = 0;
        let mut add = async |tx: &mut Tx, name: &str, kind: OrgKind, parent_id: Option<i64>| -> Result<i64> {
            n += 1;
            let credit_code = kind.is_employer().then(|| demo_credit_code(n, kind));
            Ok(tx
                .insert_org(
                    &NewOrg {
                        name: name.into(),
                        kind: kind.code().into(),
                        credit_code,
                        parent_id,
                    },
                    now,
                )
                .await?)
        };
        for (name, kind) in BODIES {
            add(&mut tx, name, kind, None).await?;
        }
        let mut departments = Vec::new();
        for name in DEPARTMENTS {
            departments.push(add(&mut tx, name, OrgKind::Department, None).await?);
        }
        for (name, dept) in CITY_UNITS {
            add(&mut tx, name, OrgKind::CityUnit, Some(departments[dept])).await?;
        }
        for name in ENTERPRISES {
            add(&mut tx, name, OrgKind::Enterprise, None).await?;
        }
        for name in CENTRAL_UNITS {
            add(&mut tx, name, OrgKind::CentralUnit, None).await?;
        }
        for (username, display_name, role, org_name) in DEMO_ACCOUNTS {
            let org = tx.org_by_name(org_name).await?.expect("demo organisation exists");
            tx.insert_user(
                &NewUser {
                    username: username.into(),
                    display_name: display_name.into(),
                    org_id: org.id,
                    password_hash: hash.clone(),
                    // Demo accounts are for clicking through; real accounts must change it.
                    must_change_password: false,
                    roles: vec![role.code().into()],
                },
                now,
            )
            .await?;
        }
        tx.put_setting(MARKER, &now.to_string()).await?;
        tx.append_audit(&NewAudit {
            at: now,
            actor_id: None,
            actor_name: "system".into(),
            actor_role: "system".into(),
            action: "demo_loaded".into(),
            object_type: "system".into(),
            object_id: "demo".into(),
            summary: format!("载入演示数据：{n} 个机构，{} 个账号", DEMO_ACCOUNTS.len()),
            reason: "yincai serve --demo".into(),
            request_id: ctx.request_id.clone(),
            result: "ok".into(),
        })
        .await?;
        tx.commit().await?;
        // The cases go through the use cases, each in its own transactions.
        self.load_demo_cases(&hash).await?;
        self.load_demo_proposal(&hash, ctx).await?;
        Ok(true)
    }

    async fn demo_admin(&self, username: &str) -> Result<Actor> {
        let mut tx = self.store.begin_read().await?;
        let user = tx
            .user_by_username(username)
            .await?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("demo account {username} missing")))?;
        self.load_actor(&mut tx, &user, String::new()).await
    }

    /// 双人复核 in the demo: `sysadmin` creates 钱进 without roles, `secadmin` proposes the
    /// coordination role; the proposal waits for a second administrator.
    async fn load_demo_proposal(&self, hash: &str, ctx: &RequestCtx) -> Result<()> {
        let sysadmin = self.demo_admin("sysadmin").await?;
        let secadmin = self.demo_admin("secadmin").await?;
        let mut tx = self.store.begin_read().await?;
        let coord_office = tx
            .org_by_name("阿拉山口市人才工作协调办公室")
            .await?
            .expect("demo organisation exists");
        drop(tx);
        let (username, display_name) = DEMO_PENDING_ACCOUNT;
        let id = self
            .create_user(
                &sysadmin,
                &CreateUser {
                    username: username.into(),
                    display_name: display_name.into(),
                    org_id: coord_office.id,
                    roles: Vec::new(),
                },
                ctx,
            )
            .await?;
        // Demo only: the demo password instead of a two-person reset, so that the account
        // can be tried once its role is confirmed.
        let mut tx = self.store.begin_write().await?;
        tx.set_password(id, hash, false, self.now()).await?;
        tx.commit().await?;
        self.propose_account_change(
            &secadmin,
            id,
            ProposalKind::Roles,
            &[Role::Coordination.code().to_string()],
            "新调入人才工作协调办公室，负责报名审查（人社任〔2026〕12号）",
            ctx,
        )
        .await?;
        Ok(())
    }
}
