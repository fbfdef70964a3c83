//! Accounts: login with lockout, sessions with idle and absolute timeouts, passwords,
//! self-registration of applicants, and account administration: the system admin creates
//! accounts without roles; role changes, password resets and unlocks are proposed by the
//! security admin and confirmed by another administrator (双人复核, ADR 0009).

use serde::Serialize;
use yincai_domain::crypto::{random_token, token_digest};
use yincai_domain::password::check_strength;
use yincai_domain::roles::check_role_set;
use yincai_domain::{OrgKind, Role};
use yincai_store::{
    AccountProposalRow, NewAccountProposal, NewAudit, NewTask, NewUser, Page, SessionRow, Tx, UserQuery, UserRow,
};

use crate::clock::format_beijing;
use crate::{Actor, App, AppError, FieldError, Permission, RequestCtx, Result, passwords};

mod proposals;
mod sessions;
mod users;

pub use proposals::{AccountAction, PASSWORD_PART_LEN, ProposalKind, ProposalView};
pub use sessions::{LOCK_AFTER_FAILURES, LOCK_MINUTES, LoginInfo, LoginOutcome, SESSION_MAX_HOURS, SessionKind};
use users::parse_roles;
pub use users::{CreateUser, Registration, UserView};

fn anonymous_audit(
    app: &App,
    ctx: &RequestCtx,
    action: &str,
    username: &str,
    summary: String,
    result: &str,
) -> NewAudit {
    NewAudit {
        at: app.now(),
        actor_id: None,
        actor_name: username.into(),
        actor_role: String::new(),
        action: action.into(),
        object_type: "user".into(),
        object_id: username.into(),
        summary,
        reason: String::new(),
        request_id: ctx.request_id.clone(),
        result: result.into(),
    }
}

/// Whether `roles` may be held by `user` in its organisation (admin and business roles never
/// together; each role in its kind of organisation). An empty set (no role) is allowed.
async fn check_roles_for(tx: &mut Tx, user: &UserRow, roles: &[Role]) -> Result<()> {
    if roles.is_empty() {
        return Ok(());
    }
    let org = tx
        .org(user.org_id)
        .await?
        .ok_or_else(|| AppError::NotFound("机构".into()))?;
    check_role_set(roles, OrgKind::parse(&org.kind).unwrap_or(OrgKind::Public))
        .map_err(|e| AppError::invalid("roles", e.to_string()))
}

pub(crate) fn require_reason(reason: &str) -> Result<String> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid(
            "reason",
            "原因：必填，请说明操作原因（将记入审计日志）",
        ));
    }
    if reason.chars().count() > 500 {
        return Err(AppError::invalid("reason", "原因：最多 500 字，请精简"));
    }
    Ok(reason.into())
}
