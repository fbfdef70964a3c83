//! Organisations (Art. 4-8): employer units with their 统一社会信用代码 and supervising
//! department, and the city's bodies. Managed by the system admin; read within scope.

use serde::{Deserialize, Serialize};
use yincai_domain::ids::CreditCode;
use yincai_domain::{OrgKind, Role};
use yincai_store::{NewOrg, OrgQuery, OrgRow, Page, Tx};

use crate::{Actor, App, AppError, FieldError, Permission, RequestCtx, Result};

const UNIQUE_ORG: [(&str, &str, &str); 2] = [
    ("organisations.name", "name", "机构名称：已存在同名机构，请核对或改名"),
    (
        "organisations.credit_code",
        "credit_code",
        "统一社会信用代码：已被其他机构使用，请核对",
    ),
];

/// The organisation form, as typed (kept whole on an error so nothing is lost).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OrgInput {
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub credit_code: String,
    #[serde(default, deserialize_with = "empty_as_none")]
    pub parent_id: Option<i64>,
    /// Optimistic version when editing.
    #[serde(default)]
    pub version: Option<i64>,
}

/// Accepts an id, an empty string or nothing (HTML selects send "").
fn empty_as_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Int(i64),
        Text(String),
    }
    match Option::<Raw>::deserialize(d)? {
        None => Ok(None),
        Some(Raw::Int(i)) => Ok(Some(i)),
        Some(Raw::Text(t)) if t.trim().is_empty() => Ok(None),
        Some(Raw::Text(t)) => t
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom("parent_id：应为机构编号")),
    }
}

/// An organisation with what the pages show beside it.
#[derive(Debug, Clone, Serialize)]
pub struct OrgView {
    #[serde(flatten)]
    pub org: OrgRow,
    pub kind_name: String,
    pub parent_name: Option<String>,
}

impl App {
    async fn validate_org(&self, tx: &mut Tx, input: &OrgInput, editing: Option<i64>) -> Result<NewOrg> {
        let mut errors = Vec::new();
        let name = input.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            errors.push(FieldError::new("name", "机构名称：必填，最多 100 字，请填写"));
        }
        let kind = OrgKind::parse(input.kind.trim());
        match kind {
            None => errors.push(FieldError::new("kind", "机构类型：请从列表中选择")),
            Some(OrgKind::Public) => errors.push(FieldError::new(
                "kind",
                "机构类型：“社会公众”由系统维护，请选择其他类型",
            )),
            Some(_) => {}
        }
        let code = input.credit_code.trim();
        let credit_code = if code.is_empty() {
            if kind.is_some_and(|k| k.is_employer()) {
                errors.push(FieldError::new(
                    "credit_code",
                    "统一社会信用代码：用人单位必须填写，18 位，请填写",
                ));
            }
            None
        } else {
            match CreditCode::parse(code) {
                Ok(c) => Some(c.as_str().to_string()),
                Err(e) => {
                    errors.push(FieldError::new("credit_code", e.to_string()));
                    None
                }
            }
        };
        if let Some(parent_id) = input.parent_id {
            if Some(parent_id) == editing {
                errors.push(FieldError::new("parent_id", "主管部门：不能是机构本身，请重新选择"));
            } else {
                match tx.org(parent_id).await? {
                    Some(p) if p.kind == OrgKind::Department.code() => {}
                    Some(_) => errors.push(FieldError::new(
                        "parent_id",
                        "主管部门：所选机构不是主管部门，请重新选择",
                    )),
                    None => errors.push(FieldError::new("parent_id", "主管部门：所选机构不存在，请重新选择")),
                }
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        Ok(NewOrg {
            name: name.into(),
            kind: kind.map(|k| k.code().to_string()).unwrap_or_default(),
            credit_code,
            parent_id: input.parent_id,
        })
    }

    pub async fn create_org(&self, actor: &Actor, input: &OrgInput, ctx: &RequestCtx) -> Result<i64> {
        actor.require(Permission::OrgManage)?;
        let mut tx = self.store.begin_write().await?;
        let org = self.validate_org(&mut tx, input, None).await?;
        let id = tx
            .insert_org(&org, self.now())
            .await
            .map_err(|e| AppError::from_store(e, &UNIQUE_ORG))?;
        let summary = format!(
            "新建机构：{}（{}）",
            org.name,
            OrgKind::parse(&org.kind).map_or("", |k| k.name_zh())
        );
        tx.append_audit(&self.audit_by(actor, ctx, "org_created", ("organisation", id.to_string()), summary))
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn update_org(&self, actor: &Actor, id: i64, input: &OrgInput, ctx: &RequestCtx) -> Result<()> {
        actor.require(Permission::OrgManage)?;
        let mut tx = self.store.begin_write().await?;
        let before = tx.org(id).await?.ok_or_else(|| AppError::NotFound("机构".into()))?;
        if before.kind == OrgKind::Public.code() {
            return Err(AppError::Forbidden("“社会公众”由系统维护，不能修改".into()));
        }
        let org = self.validate_org(&mut tx, input, Some(id)).await?;
        if org.kind != before.kind {
            self.check_members_fit_kind(&mut tx, id, &org.kind).await?;
        }
        let version = input.version.unwrap_or(before.version);
        tx.update_org(id, version, &org, self.now())
            .await
            .map_err(|e| AppError::from_store(e, &UNIQUE_ORG))?;
        let summary = describe_changes(&before, &org);
        tx.append_audit(&self.audit_by(actor, ctx, "org_updated", ("organisation", id.to_string()), summary))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A new kind must fit every account of the organisation: the system admin cannot turn
    /// 信息中心 into a leading group to give its accounts business roles (ADR 0009).
    async fn check_members_fit_kind(&self, tx: &mut Tx, org_id: i64, kind: &str) -> Result<()> {
        let kind = OrgKind::parse(kind).unwrap_or(OrgKind::Public);
        let members = tx
            .users(&yincai_store::UserQuery {
                org_id: Some(org_id),
                limit: 100_000,
                ..Default::default()
            })
            .await?
            .rows;
        for user in members {
            let roles: Vec<Role> = tx
                .user_roles(user.id)
                .await?
                .iter()
                .filter_map(|c| Role::parse(c))
                .collect();
            if roles.is_empty() {
                continue;
            }
            if let Err(e) = yincai_domain::roles::check_role_set(&roles, kind) {
                return Err(AppError::invalid(
                    "kind",
                    format!(
                        "类型：本机构的账号 {} 不能随机构改为“{}”（{}）；请先经双人复核调整该账号的角色",
                        user.username,
                        kind.name_zh(),
                        e.to_string().trim_start_matches("角色：")
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The organisations under `q` for an Excel export; the export is audited with the
    /// filter and the count.
    pub async fn export_orgs(&self, actor: &Actor, q: OrgQuery, ctx: &RequestCtx) -> Result<Page<OrgView>> {
        let filter = format!(
            "类型={}，关键词={}",
            q.kind
                .as_deref()
                .and_then(OrgKind::parse)
                .map_or("全部", |k| k.name_zh()),
            q.text.as_deref().filter(|t| !t.trim().is_empty()).unwrap_or("无")
        );
        let page = self.orgs(actor, q).await?;
        let summary = format!("导出机构名录 {} 条（{filter}）", page.rows.len());
        self.record_export(actor, ctx, "orgs_exported", "organisation", summary)
            .await?;
        Ok(page)
    }

    pub async fn orgs(&self, actor: &Actor, mut q: OrgQuery) -> Result<Page<OrgView>> {
        actor.require(Permission::OrgRead)?;
        q.scope_root = actor.org_scope();
        let mut tx = self.store.begin_read().await?;
        let page = tx.orgs(&q).await?;
        // Many rows share a few supervising departments: look each one up once, not per row
        // (an export holds up to 100,000 rows).
        let mut parents = std::collections::HashMap::new();
        let mut rows = Vec::with_capacity(page.rows.len());
        for org in page.rows {
            rows.push(self.org_view(&mut tx, org, &mut parents).await?);
        }
        Ok(Page {
            rows,
            total: page.total,
            offset: page.offset,
            limit: page.limit,
        })
    }

    /// One organisation, if the actor may see it; otherwise "not found".
    pub async fn org(&self, actor: &Actor, id: i64) -> Result<OrgView> {
        actor.require(Permission::OrgRead)?;
        let mut tx = self.store.begin_read().await?;
        let org = tx
            .org(id)
            .await?
            .filter(|o| actor.can_see_org(o.id, o.parent_id))
            .ok_or_else(|| AppError::NotFound("机构".into()))?;
        self.org_view(&mut tx, org, &mut Default::default()).await
    }

    /// The departments, for the supervising-department choice.
    pub async fn departments(&self, actor: &Actor) -> Result<Vec<OrgRow>> {
        actor.require(Permission::OrgRead)?;
        let q = OrgQuery {
            kind: Some(OrgKind::Department.code().into()),
            limit: 1000,
            ..Default::default()
        };
        Ok(self.store.begin_read().await?.orgs(&q).await?.rows)
    }

    /// `parents` remembers the names of supervising departments already looked up.
    async fn org_view(
        &self,
        tx: &mut Tx,
        org: OrgRow,
        parents: &mut std::collections::HashMap<i64, Option<String>>,
    ) -> Result<OrgView> {
        let parent_name = match org.parent_id {
            Some(p) => match parents.get(&p) {
                Some(name) => name.clone(),
                None => {
                    let name = tx.org(p).await?.map(|p| p.name);
                    parents.insert(p, name.clone());
                    name
                }
            },
            None => None,
        };
        let kind_name = OrgKind::parse(&org.kind).map_or(org.kind.clone(), |k| k.name_zh().to_string());
        Ok(OrgView {
            org,
            kind_name,
            parent_name,
        })
    }
}

fn describe_changes(before: &OrgRow, after: &NewOrg) -> String {
    let mut changes = Vec::new();
    if before.name != after.name {
        changes.push(format!("名称：{} → {}", before.name, after.name));
    }
    if before.kind != after.kind {
        changes.push(format!("类型：{} → {}", before.kind, after.kind));
    }
    if before.credit_code != after.credit_code {
        changes.push(format!(
            "信用代码：{} → {}",
            before.credit_code.as_deref().unwrap_or("无"),
            after.credit_code.as_deref().unwrap_or("无")
        ));
    }
    if before.parent_id != after.parent_id {
        changes.push(format!("主管部门：{:?} → {:?}", before.parent_id, after.parent_id));
    }
    if changes.is_empty() {
        format!("保存机构 {}（无变化）", before.name)
    } else {
        format!("修改机构 {}：{}", before.name, changes.join("；"))
    }
}
