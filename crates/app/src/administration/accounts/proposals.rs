//! What one administrator does alone (disable, enable, with a reason) and what takes two
//! (双人复核, ADR 0009): role changes, password resets and unlocks, proposed and confirmed.

use super::*;

/// Administrative actions one administrator takes alone; each needs a reason. What could
/// hand someone an account (roles, passwords, unlocking) is a [`ProposalKind`] instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountAction {
    /// System admin: the account can no longer log in; its sessions end.
    Disable,
    /// System admin: the account can log in again.
    Enable,
}

impl AccountAction {
    /// The action's code in URLs and the audit trail.
    pub fn code(self) -> &'static str {
        match self {
            AccountAction::Disable => "user_disabled",
            AccountAction::Enable => "user_enabled",
        }
    }

    /// Parses the last segment of `/admin/users/{id}/{action}`.
    pub fn from_slug(slug: &str) -> Option<AccountAction> {
        match slug {
            "disable" => Some(AccountAction::Disable),
            "enable" => Some(AccountAction::Enable),
            _ => None,
        }
    }

    fn verb_zh(self) -> &'static str {
        match self {
            AccountAction::Disable => "停用",
            AccountAction::Enable => "启用",
        }
    }
}

/// A change to an account that takes two administrators (双人复核, ADR 0009): the security
/// admin proposes, another administrator (security or system admin) confirms or rejects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalKind {
    /// Replace the account's roles (granting a business role, any role change).
    Roles,
    /// A new one-time password, in two halves: the proposer's and the confirmer's.
    ResetPassword,
    /// Lift a lockout.
    Unlock,
}

impl ProposalKind {
    pub fn code(self) -> &'static str {
        match self {
            ProposalKind::Roles => "roles",
            ProposalKind::ResetPassword => "reset_password",
            ProposalKind::Unlock => "unlock",
        }
    }

    pub fn parse(code: &str) -> Option<ProposalKind> {
        [ProposalKind::Roles, ProposalKind::ResetPassword, ProposalKind::Unlock]
            .into_iter()
            .find(|k| k.code() == code)
    }

    /// Parses the last segment of `/admin/users/{id}/{action}` (`reset-password`, `unlock`, `roles`).
    pub fn from_slug(slug: &str) -> Option<ProposalKind> {
        ProposalKind::parse(&slug.replace('-', "_"))
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ProposalKind::Roles => "调整角色",
            ProposalKind::ResetPassword => "重置密码",
            ProposalKind::Unlock => "解锁",
        }
    }
}

/// One half of a one-time password: the proposer's are the first eight characters, the
/// confirmer's the last eight. The user types them together.
pub const PASSWORD_PART_LEN: usize = 8;

/// A proposal with the names people read.
#[derive(Debug, Clone, Serialize)]
pub struct ProposalView {
    #[serde(flatten)]
    pub row: AccountProposalRow,
    pub username: String,
    pub kind_zh: &'static str,
    /// For a role change: the proposed roles in Chinese (or “无角色”).
    pub roles_zh: String,
    pub proposer: String,
    pub decider: String,
}

fn roles_zh(codes: &str) -> String {
    let names: Vec<_> = codes
        .split(',')
        .filter(|c| !c.is_empty())
        .map(|c| Role::parse(c).map_or(c, |r| r.name_zh()))
        .collect();
    if names.is_empty() {
        "无角色".into()
    } else {
        names.join("、")
    }
}

impl App {
    /// An action one administrator takes alone (disable, enable), always with a reason
    /// (recorded in the audit trail).
    pub async fn account_action(
        &self,
        actor: &Actor,
        id: i64,
        action: AccountAction,
        reason: &str,
        ctx: &RequestCtx,
    ) -> Result<()> {
        actor.require(Permission::UserManage)?;
        let reason = require_reason(reason)?;
        if id == actor.user_id && action == AccountAction::Disable {
            return Err(AppError::Forbidden("不能停用本人账号".into()));
        }
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let user = tx.user(id).await?.ok_or_else(|| AppError::NotFound("账号".into()))?;
        match action {
            AccountAction::Disable => {
                tx.set_user_disabled(id, true, now).await?;
                tx.delete_user_sessions(id).await?;
            }
            AccountAction::Enable => tx.set_user_disabled(id, false, now).await?,
        }
        let summary = format!("{}账号 {}", action.verb_zh(), user.username);
        let mut audit = self.audit_by(actor, ctx, action.code(), ("user", id.to_string()), summary);
        audit.reason = reason;
        tx.append_audit(&audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Proposes a role change, a password reset or an unlock (security admin). Nothing
    /// changes until another administrator confirms. Returns the proposal's id and, for a
    /// reset, the proposer's half of the one-time password (shown once, to the proposer only).
    pub async fn propose_account_change(
        &self,
        actor: &Actor,
        id: i64,
        kind: ProposalKind,
        role_codes: &[String],
        reason: &str,
        ctx: &RequestCtx,
    ) -> Result<(i64, Option<String>)> {
        actor.require(Permission::UserSecurity)?;
        let reason = require_reason(reason)?;
        let roles = if kind == ProposalKind::Roles {
            parse_roles(role_codes)?
        } else {
            Vec::new()
        };
        let mut tx = self.store.begin_write().await?;
        let user = tx.user(id).await?.ok_or_else(|| AppError::NotFound("账号".into()))?;
        if id == actor.user_id {
            return Err(AppError::Forbidden(
                "不能为本人账号提出角色、密码或解锁申请，请由其他管理员办理".into(),
            ));
        }
        if kind == ProposalKind::Roles {
            check_roles_for(&mut tx, &user, &roles).await?;
        }
        if kind == ProposalKind::Unlock && user.locked_until.is_none_or(|t| t <= self.now()) {
            return Err(AppError::invalid("reason", "解锁：该账号当前未被锁定，无需解锁"));
        }
        let pending = tx.account_proposals(Some(id), 100).await?;
        if pending.iter().any(|p| p.status == "pending" && p.kind == kind.code()) {
            return Err(AppError::AlreadyHandled(format!(
                "该账号已有一项待复核的“{}”申请，请先由另一名管理员复核或驳回",
                kind.name_zh()
            )));
        }
        let part = (kind == ProposalKind::ResetPassword)
            .then(|| passwords::one_time_password()[..PASSWORD_PART_LEN].to_string());
        let codes: Vec<&str> = roles.iter().map(|r| r.code()).collect();
        let now = self.now();
        let pid = tx
            .insert_account_proposal(
                &NewAccountProposal {
                    user_id: id,
                    kind: kind.code().into(),
                    roles: codes.join(","),
                    reason: reason.clone(),
                    proposed_by: actor.user_id,
                    password_part: part.clone().unwrap_or_default(),
                },
                now,
            )
            .await?;
        for role in [Role::SecAdmin, Role::SysAdmin] {
            tx.insert_task(
                &NewTask {
                    kind: "account_proposal".into(),
                    title: format!(
                        "待复核：{} 申请为 {} {}",
                        actor.display_name,
                        user.display_name,
                        kind.name_zh()
                    ),
                    link: format!("/admin/users/{id}"),
                    role: Some(role.code().into()),
                    org_id: None,
                    user_id: None,
                    object_type: "account_proposal".into(),
                    object_id: pid.to_string(),
                    due_date: None,
                },
                now,
            )
            .await?;
        }
        let detail = if kind == ProposalKind::Roles {
            format!(
                "：{} → {}",
                roles_zh(&tx.user_roles(id).await?.join(",")),
                roles_zh(&codes.join(","))
            )
        } else {
            String::new()
        };
        let mut audit = self.audit_by(
            actor,
            ctx,
            "account_change_proposed",
            ("user", id.to_string()),
            format!(
                "申请{}账号 {}{detail}（申请 {pid}，待另一名管理员复核）",
                kind.name_zh(),
                user.username
            ),
        );
        audit.reason = reason;
        tx.append_audit(&audit).await?;
        tx.commit().await?;
        Ok((pid, part))
    }

    /// Confirms another administrator's proposal: the change takes effect now. Returns, for
    /// a reset, the confirmer's half of the one-time password (shown once, to the confirmer).
    pub async fn confirm_account_proposal(
        &self,
        actor: &Actor,
        proposal_id: i64,
        reason: &str,
        ctx: &RequestCtx,
    ) -> Result<Option<String>> {
        actor.require(Permission::UserConfirm)?;
        let reason = reason.trim().to_string();
        if reason.chars().count() > 500 {
            return Err(AppError::invalid("reason", "复核意见：最多 500 字，请精简"));
        }
        let second = passwords::one_time_password()[PASSWORD_PART_LEN..].to_string();
        // Hash outside the write transaction (argon2 takes tens of milliseconds and SQLite has
        // one writer); the proposal is read again, and must be unchanged, inside it.
        let first = self
            .store
            .begin_read()
            .await?
            .account_proposal(proposal_id)
            .await?
            .filter(|p| p.kind == ProposalKind::ResetPassword.code() && p.status == "pending")
            .map(|p| p.password_part);
        let new_hash = match &first {
            Some(first) => Some(passwords::hash(&format!("{first}{second}")).await?),
            None => None,
        };
        let mut tx = self.store.begin_write().await?;
        let (p, user) = self.decidable(&mut tx, actor, proposal_id).await?;
        let kind = ProposalKind::parse(&p.kind).ok_or_else(|| AppError::Internal(anyhow::anyhow!("proposal kind")))?;
        let now = self.now();
        let mut half = None;
        match kind {
            ProposalKind::Roles => {
                let roles = parse_roles(
                    &p.roles
                        .split(',')
                        .filter(|c| !c.is_empty())
                        .map(String::from)
                        .collect::<Vec<_>>(),
                )?;
                // The organisation may have changed since the proposal: check again.
                check_roles_for(&mut tx, &user, &roles).await?;
                let codes: Vec<String> = roles.iter().map(|r| r.code().to_string()).collect();
                tx.set_roles(user.id, &codes).await?;
                tx.delete_user_sessions(user.id).await?;
            }
            ProposalKind::ResetPassword => {
                let (Some(hash), true) = (&new_hash, first.as_deref() == Some(p.password_part.as_str())) else {
                    return Err(AppError::AlreadyHandled(
                        "该申请已被其他管理员处理，请刷新后查看".into(),
                    ));
                };
                tx.set_password(user.id, hash, true, now).await?;
                tx.delete_user_sessions(user.id).await?;
                half = Some(second);
            }
            ProposalKind::Unlock => {
                tx.unlock_user(user.id, now).await?;
                tx.close_tasks("account_locked", "user", &user.id.to_string(), now)
                    .await?;
            }
        }
        record_decision(&mut tx, p.id, "confirmed", actor, &reason, now).await?;
        let detail = if kind == ProposalKind::Roles {
            format!("，角色改为：{}", roles_zh(&p.roles))
        } else {
            String::new()
        };
        let mut audit = self.audit_by(
            actor,
            ctx,
            "account_change_confirmed",
            ("user", user.id.to_string()),
            format!(
                "复核通过申请 {}：{}账号 {}{detail}",
                p.id,
                kind.name_zh(),
                user.username
            ),
        );
        audit.reason = reason;
        tx.append_audit(&audit).await?;
        tx.commit().await?;
        Ok(half)
    }

    /// Rejects another administrator's proposal, with a reason; nothing changes.
    pub async fn reject_account_proposal(
        &self,
        actor: &Actor,
        proposal_id: i64,
        reason: &str,
        ctx: &RequestCtx,
    ) -> Result<()> {
        actor.require(Permission::UserConfirm)?;
        let reason = require_reason(reason)?;
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let (p, user) = self.decidable(&mut tx, actor, proposal_id).await?;
        record_decision(&mut tx, p.id, "rejected", actor, &reason, now).await?;
        let kind = ProposalKind::parse(&p.kind).map_or("", |k| k.name_zh());
        let mut audit = self.audit_by(
            actor,
            ctx,
            "account_change_rejected",
            ("user", user.id.to_string()),
            format!("驳回申请 {}：{kind}账号 {}", p.id, user.username),
        );
        audit.reason = reason;
        tx.append_audit(&audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A pending proposal the actor may decide: not their own, not on their own account.
    async fn decidable(&self, tx: &mut Tx, actor: &Actor, proposal_id: i64) -> Result<(AccountProposalRow, UserRow)> {
        let p = tx
            .account_proposal(proposal_id)
            .await?
            .ok_or_else(|| AppError::NotFound("账号变更申请".into()))?;
        if p.status != "pending" {
            return Err(AppError::AlreadyHandled(
                "该申请已处理（已复核通过或已驳回），不能再次处理".into(),
            ));
        }
        if p.proposed_by == actor.user_id {
            return Err(AppError::Forbidden(
                "不能复核本人提出的申请，须由另一名安全管理员或系统管理员复核".into(),
            ));
        }
        if p.user_id == actor.user_id {
            return Err(AppError::Forbidden("不能复核针对本人账号的申请".into()));
        }
        let user = tx
            .user(p.user_id)
            .await?
            .ok_or_else(|| AppError::NotFound("账号".into()))?;
        Ok((p, user))
    }

    /// Proposals on one account (newest first), or all pending ones (oldest first).
    pub async fn account_proposals(&self, actor: &Actor, user_id: Option<i64>) -> Result<Vec<ProposalView>> {
        actor.require(Permission::UserRead)?;
        let mut tx = self.store.begin_read().await?;
        let rows = tx.account_proposals(user_id, 200).await?;
        let mut names: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let mut name = async |tx: &mut Tx, id: Option<i64>| -> Result<String> {
                let Some(id) = id else { return Ok(String::new()) };
                if let Some(n) = names.get(&id) {
                    return Ok(n.clone());
                }
                let n = tx.user(id).await?.map(|u| u.username).unwrap_or_default();
                names.insert(id, n.clone());
                Ok(n)
            };
            let username = name(&mut tx, Some(row.user_id)).await?;
            let proposer = name(&mut tx, Some(row.proposed_by)).await?;
            let decider = name(&mut tx, row.decided_by).await?;
            out.push(ProposalView {
                kind_zh: ProposalKind::parse(&row.kind).map_or("", |k| k.name_zh()),
                roles_zh: roles_zh(&row.roles),
                username,
                proposer,
                decider,
                row,
            });
        }
        Ok(out)
    }
}

/// Marks a proposal decided (once: a second decision is "already handled") and closes its task.
async fn record_decision(
    tx: &mut Tx,
    proposal_id: i64,
    status: &str,
    actor: &Actor,
    reason: &str,
    now: i64,
) -> Result<()> {
    if !tx
        .decide_account_proposal(proposal_id, status, actor.user_id, reason, now)
        .await?
    {
        return Err(AppError::AlreadyHandled(
            "该申请已被其他管理员处理，请刷新后查看".into(),
        ));
    }
    tx.close_tasks("account_proposal", "account_proposal", &proposal_id.to_string(), now)
        .await?;
    Ok(())
}
