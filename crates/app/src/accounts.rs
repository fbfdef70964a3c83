//! Accounts: login with lockout, sessions with idle timeout, passwords, self-registration
//! of applicants, and account administration by the system and security admins.

use serde::Serialize;
use yincai_domain::crypto::{random_token, token_digest};
use yincai_domain::password::check_strength;
use yincai_domain::roles::check_role_set;
use yincai_domain::{OrgKind, Role};
use yincai_store::{NewAudit, NewTask, NewUser, Page, SessionRow, Tx, UserQuery, UserRow};

use crate::clock::format_beijing;
use crate::{Actor, App, AppError, FieldError, Permission, RequestCtx, Result, passwords};

/// After this many wrong passwords in a row the account is locked...
pub const LOCK_AFTER_FAILURES: i64 = 5;
/// ...for this long.
pub const LOCK_MINUTES: i64 = 30;
/// A session's last-seen time is written at most this often.
const TOUCH_EVERY_MS: i64 = 60_000;

const UNIQUE_USERNAME: (&str, &str, &str) = ("users.username", "username", "用户名：已被使用，请换一个");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// A browser session (cookie + CSRF token).
    Web,
    /// A bearer token for the JSON API.
    Api,
}

impl SessionKind {
    fn code(self) -> &'static str {
        match self {
            SessionKind::Web => "web",
            SessionKind::Api => "api",
        }
    }
}

/// Administrative actions on an account; each needs a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountAction {
    /// Security admin: lift a lockout.
    Unlock,
    /// Security admin: a new one-time password; the user must change it.
    ResetPassword,
    /// System admin: the account can no longer log in; its sessions end.
    Disable,
    /// System admin: the account can log in again.
    Enable,
}

impl AccountAction {
    /// The action's code in URLs and the audit trail.
    pub fn code(self) -> &'static str {
        match self {
            AccountAction::Unlock => "user_unlocked",
            AccountAction::ResetPassword => "password_reset",
            AccountAction::Disable => "user_disabled",
            AccountAction::Enable => "user_enabled",
        }
    }

    /// Parses the last segment of `/admin/users/{id}/{action}`.
    pub fn from_slug(slug: &str) -> Option<AccountAction> {
        match slug {
            "unlock" => Some(AccountAction::Unlock),
            "reset-password" => Some(AccountAction::ResetPassword),
            "disable" => Some(AccountAction::Disable),
            "enable" => Some(AccountAction::Enable),
            _ => None,
        }
    }

    fn permission(self) -> Permission {
        match self {
            AccountAction::Unlock | AccountAction::ResetPassword => Permission::UserSecurity,
            AccountAction::Disable | AccountAction::Enable => Permission::UserManage,
        }
    }

    fn verb_zh(self) -> &'static str {
        match self {
            AccountAction::Unlock => "解锁",
            AccountAction::ResetPassword => "重置密码：",
            AccountAction::Disable => "停用",
            AccountAction::Enable => "启用",
        }
    }
}

/// What a successful login hands back: the token (shown once, stored only as a digest).
#[derive(Debug, Clone)]
pub struct LoginOutcome {
    pub token: String,
    pub actor: Actor,
}

/// A user account as the admin pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct UserView {
    #[serde(flatten)]
    pub user: UserRow,
    pub roles: Vec<String>,
    pub locked: bool,
}

/// Input for creating an account (system admin).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CreateUser {
    pub username: String,
    pub display_name: String,
    pub org_id: i64,
    pub roles: Vec<String>,
}

/// Input of the public registration form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Registration {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub password_confirm: String,
}

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

fn check_username(username: &str) -> Option<FieldError> {
    let ok_chars = username
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '@'));
    let len = username.chars().count();
    if !(3..=32).contains(&len) || !ok_chars {
        return Some(FieldError::new(
            "username",
            "用户名：3-32 位，只能使用字母、数字和 _ . - @，请修改",
        ));
    }
    None
}

fn check_display_name(name: &str) -> Option<FieldError> {
    let len = name.trim().chars().count();
    if len == 0 || len > 50 {
        return Some(FieldError::new("display_name", "姓名：必填，最多 50 个字，请填写"));
    }
    None
}

fn parse_roles(codes: &[String]) -> Result<Vec<Role>> {
    codes
        .iter()
        .map(|c| {
            Role::parse(c.trim())
                .ok_or_else(|| AppError::invalid("roles", format!("角色：未知的角色代码“{c}”，请从列表中选择")))
        })
        .collect()
}

impl App {
    /// Loads the actor of a user id (with roles and organisation).
    pub(crate) async fn load_actor(&self, tx: &mut Tx, user: &UserRow, csrf_token: String) -> Result<Actor> {
        let org = tx
            .org(user.org_id)
            .await?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("user without organisation")))?;
        let roles = tx
            .user_roles(user.id)
            .await?
            .iter()
            .filter_map(|c| Role::parse(c))
            .collect();
        Ok(Actor {
            user_id: user.id,
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            org_id: org.id,
            org_name: org.name,
            org_kind: OrgKind::parse(&org.kind).unwrap_or(OrgKind::Public),
            roles,
            must_change_password: user.must_change_password,
            csrf_token,
        })
    }

    /// Checks a user name and password. Five wrong passwords in a row lock the account
    /// for 30 minutes; while locked even the right password is refused.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        kind: SessionKind,
        ctx: &RequestCtx,
    ) -> Result<LoginOutcome> {
        let username = username.trim();
        let mut missing = Vec::new();
        if username.is_empty() {
            missing.push(FieldError::new("username", "用户名：必填，请输入"));
        }
        if password.is_empty() {
            missing.push(FieldError::new("password", "密码：必填，请输入"));
        }
        if !missing.is_empty() {
            return Err(AppError::Invalid(missing));
        }
        // Verify outside the write transaction: argon2 takes tens of milliseconds and
        // SQLite has one writer.
        let user = self.store.begin_read().await?.user_by_username(username).await?;
        let password_ok = passwords::verify(
            password,
            user.as_ref().map_or(passwords::DUMMY_HASH, |u| &u.password_hash),
        )
        .await;

        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let Some(user) = (match user {
            Some(u) => tx.user(u.id).await?,
            None => None,
        }) else {
            tx.append_audit(&anonymous_audit(
                self,
                ctx,
                "login_failed",
                username,
                "未知用户名登录失败".into(),
                "refused",
            ))
            .await?;
            tx.commit().await?;
            return Err(AppError::BadCredentials { remaining: None });
        };
        if user.disabled {
            tx.append_audit(&anonymous_audit(
                self,
                ctx,
                "login_refused",
                username,
                "账号已停用".into(),
                "refused",
            ))
            .await?;
            tx.commit().await?;
            return Err(AppError::Disabled);
        }
        if let Some(until) = user.locked_until.filter(|until| *until > now) {
            tx.append_audit(&anonymous_audit(
                self,
                ctx,
                "login_refused",
                username,
                "账号锁定期间尝试登录".into(),
                "refused",
            ))
            .await?;
            tx.commit().await?;
            return Err(AppError::Locked {
                until: format_beijing(until),
            });
        }
        if !password_ok {
            let lock_until = now + LOCK_MINUTES * 60_000;
            let (failures, locked_until) = tx
                .record_login_failure(user.id, LOCK_AFTER_FAILURES, lock_until, now)
                .await?;
            let now_locked = locked_until == Some(lock_until);
            let summary = if now_locked {
                format!(
                    "连续 {LOCK_AFTER_FAILURES} 次密码错误，账号锁定至 {}",
                    format_beijing(lock_until)
                )
            } else {
                format!("密码错误（连续第 {failures} 次）")
            };
            tx.append_audit(&anonymous_audit(
                self,
                ctx,
                if now_locked { "account_locked" } else { "login_failed" },
                username,
                summary,
                "refused",
            ))
            .await?;
            if now_locked {
                tx.delete_user_sessions(user.id).await?;
                tx.insert_task(
                    &NewTask {
                        kind: "account_locked".into(),
                        title: format!("账号 {} 因连续密码错误被锁定，请核实后决定是否解锁", user.username),
                        link: format!("/admin/users/{}", user.id),
                        role: Some(Role::SecAdmin.code().into()),
                        org_id: None,
                        user_id: None,
                        object_type: "user".into(),
                        object_id: user.id.to_string(),
                        due_date: None,
                    },
                    now,
                )
                .await?;
            }
            tx.commit().await?;
            return Err(if now_locked {
                AppError::Locked {
                    until: format_beijing(lock_until),
                }
            } else {
                AppError::BadCredentials {
                    remaining: Some(LOCK_AFTER_FAILURES - failures),
                }
            });
        }

        tx.record_login_success(user.id, now).await?;
        let token = random_token(32);
        let csrf = random_token(24);
        tx.insert_session(&SessionRow {
            token_digest: token_digest(&token),
            user_id: user.id,
            kind: kind.code().into(),
            csrf_token: csrf.clone(),
            created_at: now,
            last_seen_at: now,
        })
        .await?;
        let actor = self.load_actor(&mut tx, &user, csrf).await?;
        let audit = self.audit_by(
            &actor,
            ctx,
            "login",
            ("user", user.id.to_string()),
            format!("登录成功（{}）", kind.code()),
        );
        tx.append_audit(&audit).await?;
        tx.commit().await?;
        Ok(LoginOutcome { token, actor })
    }

    /// Resolves a session token to its actor, enforcing the idle timeout
    /// (15 minutes for staff, 30 for applicants).
    pub async fn authenticate(&self, token: &str) -> Result<Actor> {
        let digest = token_digest(token);
        let now = self.now();
        let mut tx = self.store.begin_read().await?;
        let session = tx.session(&digest).await?.ok_or(AppError::Unauthenticated)?;
        let user = tx.user(session.user_id).await?.ok_or(AppError::Unauthenticated)?;
        let actor = self.load_actor(&mut tx, &user, session.csrf_token.clone()).await?;
        drop(tx);
        if user.disabled {
            return Err(AppError::Disabled);
        }
        let idle_minutes = actor.roles.iter().map(|r| r.idle_timeout_minutes()).min().unwrap_or(15);
        if now - session.last_seen_at > idle_minutes * 60_000 {
            let mut tx = self.store.begin_write().await?;
            tx.delete_session(&digest).await?;
            tx.commit().await?;
            return Err(AppError::SessionExpired { minutes: idle_minutes });
        }
        if now - session.last_seen_at > TOUCH_EVERY_MS {
            let mut tx = self.store.begin_write().await?;
            tx.touch_session(&digest, now).await?;
            tx.commit().await?;
        }
        Ok(actor)
    }

    pub async fn logout(&self, actor: &Actor, token: &str, ctx: &RequestCtx) -> Result<()> {
        let mut tx = self.store.begin_write().await?;
        if tx.delete_session(&token_digest(token)).await? {
            tx.append_audit(&self.audit_by(
                actor,
                ctx,
                "logout",
                ("user", actor.user_id.to_string()),
                "退出登录".into(),
            ))
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Changes one's own password; other sessions of the account end.
    pub async fn change_password(
        &self,
        actor: &Actor,
        current: &str,
        new: &str,
        confirm: &str,
        ctx: &RequestCtx,
    ) -> Result<()> {
        let mut errors = Vec::new();
        if let Err(e) = check_strength(new, &actor.username) {
            errors.push(FieldError::new(
                "new_password",
                e.to_string().replacen("密码", "新密码", 1),
            ));
        }
        if new != confirm {
            errors.push(FieldError::new(
                "new_password_confirm",
                "确认新密码：与新密码不一致，请重新输入",
            ));
        }
        if new == current && errors.is_empty() {
            errors.push(FieldError::new("new_password", "新密码：不能与当前密码相同，请换一个"));
        }
        let user = self
            .store
            .begin_read()
            .await?
            .user(actor.user_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        if !passwords::verify(current, &user.password_hash).await {
            errors.insert(0, FieldError::new("current_password", "当前密码：不正确，请重新输入"));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let hash = passwords::hash(new).await?;
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        tx.set_password(actor.user_id, &hash, false, now).await?;
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "password_changed",
            ("user", actor.user_id.to_string()),
            "修改本人密码".into(),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Public self-registration of an applicant (人才/申请人).
    pub async fn register(&self, form: &Registration, ctx: &RequestCtx) -> Result<i64> {
        let username = form.username.trim();
        let mut errors: Vec<FieldError> = [check_username(username), check_display_name(&form.display_name)]
            .into_iter()
            .flatten()
            .collect();
        if let Err(e) = check_strength(&form.password, username) {
            errors.push(FieldError::new("password", e.to_string()));
        }
        if form.password != form.password_confirm {
            errors.push(FieldError::new(
                "password_confirm",
                "确认密码：与密码不一致，请重新输入",
            ));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let hash = passwords::hash(&form.password).await?;
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let public = tx
            .org_by_name("社会公众")
            .await?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("public organisation missing")))?;
        let id = tx
            .insert_user(
                &NewUser {
                    username: username.into(),
                    display_name: form.display_name.trim().into(),
                    org_id: public.id,
                    password_hash: hash,
                    must_change_password: false,
                    roles: vec![Role::Talent.code().into()],
                },
                now,
            )
            .await
            .map_err(|e| AppError::from_store(e, &[UNIQUE_USERNAME]))?;
        let mut audit = anonymous_audit(
            self,
            ctx,
            "register",
            username,
            format!("申请人自助注册：{}", form.display_name.trim()),
            "ok",
        );
        audit.actor_id = Some(id);
        audit.actor_role = Role::Talent.code().into();
        audit.object_id = id.to_string();
        tx.append_audit(&audit).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Creates a staff account with a one-time password that must be changed at first
    /// login (system admin). Returns the new id and the one-time password, shown once.
    pub async fn create_user(&self, actor: &Actor, input: &CreateUser, ctx: &RequestCtx) -> Result<(i64, String)> {
        actor.require(Permission::UserManage)?;
        let username = input.username.trim();
        let mut errors: Vec<FieldError> = [check_username(username), check_display_name(&input.display_name)]
            .into_iter()
            .flatten()
            .collect();
        let roles = match parse_roles(&input.roles) {
            Ok(r) => r,
            Err(AppError::Invalid(mut e)) => {
                errors.append(&mut e);
                Vec::new()
            }
            Err(e) => return Err(e),
        };
        let mut tx = self.store.begin_write().await?;
        let org = tx.org(input.org_id).await?;
        match &org {
            None => errors.push(FieldError::new("org_id", "所属机构：请选择一个已有机构")),
            Some(org) if errors.is_empty() => {
                let kind = OrgKind::parse(&org.kind).unwrap_or(OrgKind::Public);
                if let Err(e) = check_role_set(&roles, kind) {
                    errors.push(FieldError::new("roles", e.to_string()));
                }
            }
            Some(_) => {}
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let password = passwords::one_time_password();
        let hash = passwords::hash(&password).await?;
        let now = self.now();
        let id = tx
            .insert_user(
                &NewUser {
                    username: username.into(),
                    display_name: input.display_name.trim().into(),
                    org_id: input.org_id,
                    password_hash: hash,
                    must_change_password: true,
                    roles: roles.iter().map(|r| r.code().to_string()).collect(),
                },
                now,
            )
            .await
            .map_err(|e| AppError::from_store(e, &[UNIQUE_USERNAME]))?;
        let role_names: Vec<_> = roles.iter().map(|r| r.name_zh()).collect();
        let summary = format!(
            "创建账号 {username}（{}），角色：{}",
            input.display_name.trim(),
            role_names.join("、")
        );
        tx.append_audit(&self.audit_by(actor, ctx, "user_created", ("user", id.to_string()), summary))
            .await?;
        tx.commit().await?;
        Ok((id, password))
    }

    pub async fn users(&self, actor: &Actor, q: &UserQuery) -> Result<Page<UserView>> {
        actor.require(Permission::UserRead)?;
        let now = self.now();
        let mut tx = self.store.begin_read().await?;
        let page = tx.users(q).await?;
        let mut rows = Vec::with_capacity(page.rows.len());
        for user in page.rows {
            let roles = tx.user_roles(user.id).await?;
            let locked = user.locked_until.is_some_and(|t| t > now);
            rows.push(UserView { user, roles, locked });
        }
        Ok(Page {
            rows,
            total: page.total,
            offset: page.offset,
            limit: page.limit,
        })
    }

    pub async fn user(&self, actor: &Actor, id: i64) -> Result<UserView> {
        actor.require(Permission::UserRead)?;
        let now = self.now();
        let mut tx = self.store.begin_read().await?;
        let user = tx.user(id).await?.ok_or_else(|| AppError::NotFound("账号".into()))?;
        let roles = tx.user_roles(id).await?;
        let locked = user.locked_until.is_some_and(|t| t > now);
        Ok(UserView { user, roles, locked })
    }

    /// An administrative action on an account, always with a reason (recorded in the
    /// audit trail). Returns the one-time password of a reset, shown once.
    pub async fn account_action(
        &self,
        actor: &Actor,
        id: i64,
        action: AccountAction,
        reason: &str,
        ctx: &RequestCtx,
    ) -> Result<Option<String>> {
        actor.require(action.permission())?;
        let reason = require_reason(reason)?;
        if id == actor.user_id && action == AccountAction::Disable {
            return Err(AppError::Forbidden("不能停用本人账号".into()));
        }
        let one_time = match action {
            AccountAction::ResetPassword => {
                let password = passwords::one_time_password();
                Some((passwords::hash(&password).await?, password))
            }
            _ => None,
        };
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let user = tx.user(id).await?.ok_or_else(|| AppError::NotFound("账号".into()))?;
        match (action, &one_time) {
            (AccountAction::Unlock, _) => {
                tx.unlock_user(id, now).await?;
                tx.close_tasks("account_locked", "user", &id.to_string(), now).await?;
            }
            (AccountAction::ResetPassword, Some((hash, _))) => {
                tx.set_password(id, hash, true, now).await?;
                tx.delete_user_sessions(id).await?;
            }
            (AccountAction::Disable, _) => {
                tx.set_user_disabled(id, true, now).await?;
                tx.delete_user_sessions(id).await?;
            }
            (AccountAction::Enable, _) => tx.set_user_disabled(id, false, now).await?,
            (AccountAction::ResetPassword, None) => unreachable!("a reset always has a password"),
        }
        let summary = format!("{}账号 {}", action.verb_zh(), user.username);
        let mut audit = self.audit_by(actor, ctx, action.code(), ("user", id.to_string()), summary);
        audit.reason = reason;
        tx.append_audit(&audit).await?;
        tx.commit().await?;
        Ok(one_time.map(|(_, password)| password))
    }

    /// Replaces an account's roles (security admin).
    pub async fn set_user_roles(
        &self,
        actor: &Actor,
        id: i64,
        role_codes: &[String],
        reason: &str,
        ctx: &RequestCtx,
    ) -> Result<()> {
        actor.require(Permission::UserSecurity)?;
        let reason = require_reason(reason)?;
        let roles = parse_roles(role_codes)?;
        let mut tx = self.store.begin_write().await?;
        let user = tx.user(id).await?.ok_or_else(|| AppError::NotFound("账号".into()))?;
        let org = tx
            .org(user.org_id)
            .await?
            .ok_or_else(|| AppError::NotFound("机构".into()))?;
        check_role_set(&roles, OrgKind::parse(&org.kind).unwrap_or(OrgKind::Public))
            .map_err(|e| AppError::invalid("roles", e.to_string()))?;
        if id == actor.user_id {
            return Err(AppError::Forbidden("不能修改本人的角色".into()));
        }
        let before = tx.user_roles(id).await?;
        let codes: Vec<String> = roles.iter().map(|r| r.code().to_string()).collect();
        tx.set_roles(id, &codes).await?;
        tx.delete_user_sessions(id).await?;
        let mut audit = self.audit_by(
            actor,
            ctx,
            "user_roles_changed",
            ("user", id.to_string()),
            format!(
                "账号 {} 角色：{} → {}",
                user.username,
                before.join(","),
                codes.join(",")
            ),
        );
        audit.reason = reason;
        tx.append_audit(&audit).await?;
        tx.commit().await?;
        Ok(())
    }
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

impl App {
    /// Creates the first administrator of a fresh installation from the command line
    /// (there are no default accounts). Returns the one-time password to hand over.
    pub async fn bootstrap_admin(
        &self,
        username: &str,
        display_name: &str,
        role: Role,
        ctx: &RequestCtx,
    ) -> Result<String> {
        if !role.is_separated_admin() {
            return Err(AppError::invalid(
                "role",
                "角色：只能是 sys_admin、sec_admin 或 audit_admin",
            ));
        }
        let errors: Vec<FieldError> = [check_username(username.trim()), check_display_name(display_name)]
            .into_iter()
            .flatten()
            .collect();
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let password = passwords::one_time_password();
        let hash = passwords::hash(&password).await?;
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        const IT_CENTRE: &str = "信息中心";
        let org_id = match tx
            .orgs(&yincai_store::OrgQuery {
                kind: Some(OrgKind::ItCentre.code().into()),
                limit: 1,
                ..Default::default()
            })
            .await?
            .rows
            .first()
        {
            Some(org) => org.id,
            None => {
                let org = yincai_store::NewOrg {
                    name: IT_CENTRE.into(),
                    kind: OrgKind::ItCentre.code().into(),
                    credit_code: None,
                    parent_id: None,
                };
                tx.insert_org(&org, now).await?
            }
        };
        let id = tx
            .insert_user(
                &NewUser {
                    username: username.trim().into(),
                    display_name: display_name.trim().into(),
                    org_id,
                    password_hash: hash,
                    must_change_password: true,
                    roles: vec![role.code().into()],
                },
                now,
            )
            .await
            .map_err(|e| AppError::from_store(e, &[UNIQUE_USERNAME]))?;
        let mut audit = anonymous_audit(
            self,
            ctx,
            "admin_bootstrapped",
            "system",
            format!("命令行创建管理员 {username}（{}）", role.name_zh()),
            "ok",
        );
        audit.actor_role = "system".into();
        audit.object_id = id.to_string();
        tx.append_audit(&audit).await?;
        tx.commit().await?;
        Ok(password)
    }
}
