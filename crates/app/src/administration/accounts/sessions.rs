//! Signing in and staying signed in: login with lockout, sessions with idle and absolute
//! timeouts, logout, one's own password and what the user is shown at login.

use super::*;

/// After this many wrong passwords in a row the account is locked...
pub const LOCK_AFTER_FAILURES: i64 = 5;
/// ...for this long.
pub const LOCK_MINUTES: i64 = 30;
/// A session ends this long after its login, however active it is (等保: absolute lifetime).
pub const SESSION_MAX_HOURS: i64 = 12;
/// A session's last-seen time is written at most this often.
const TOUCH_EVERY_MS: i64 = 60_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// A browser session (cookie + CSRF token).
    Web,
    /// A bearer token for the JSON API.
    Api,
}

impl SessionKind {
    /// How the session was opened, as the audit log says it.
    fn name_zh(self) -> &'static str {
        match self {
            SessionKind::Web => "网页",
            SessionKind::Api => "接口",
        }
    }

    fn code(self) -> &'static str {
        match self {
            SessionKind::Web => "web",
            SessionKind::Api => "api",
        }
    }
}

/// What a user is shown at login: when the password was last set (changed or reset) and
/// the last successful login before the current one (epoch ms).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct LoginInfo {
    pub password_changed_at: Option<i64>,
    pub previous_login_at: Option<i64>,
}

impl LoginInfo {
    /// The facts in words, for the workbench and the login answer.
    pub fn notice_zh(&self) -> String {
        let last = self
            .previous_login_at
            .map_or("无（这是首次登录）".to_string(), format_beijing);
        let changed = self.password_changed_at.map_or("从未修改".to_string(), format_beijing);
        format!("上次登录：{last}；密码最近一次修改或重置：{changed}。如非本人操作，请立即修改密码并联系安全管理员")
    }
}

/// What a successful login hands back: the token (shown once, stored only as a digest).
#[derive(Debug, Clone)]
pub struct LoginOutcome {
    pub token: String,
    pub actor: Actor,
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
        let refusal =
            |action: &'static str, summary: String| anonymous_audit(self, ctx, action, username, summary, "refused");
        let Some(user) = (match user {
            Some(u) => tx.user(u.id).await?,
            None => None,
        }) else {
            tx.append_audit(&refusal("login_failed", "未知用户名登录失败".into()))
                .await?;
            tx.commit().await?;
            return Err(AppError::BadCredentials);
        };
        // Whether an account exists, is disabled or is locked is told only to whoever knows
        // its password: to anyone else every refusal reads "用户名或密码错误" (issue 9, F7).
        let locked_until = user.locked_until.filter(|until| *until > now);
        let barred = if user.disabled {
            Some(("账号已停用", AppError::Disabled))
        } else {
            locked_until.map(|until| {
                let until = format_beijing(until);
                ("账号锁定期间尝试登录", AppError::Locked { until })
            })
        };
        if let Some((summary, error)) = barred {
            let (action, summary, error) = if password_ok {
                ("login_refused", summary.to_string(), error)
            } else {
                (
                    "login_failed",
                    format!("{summary}，且密码错误"),
                    AppError::BadCredentials,
                )
            };
            tx.append_audit(&refusal(action, summary)).await?;
            tx.commit().await?;
            return Err(error);
        }
        if !password_ok {
            self.count_wrong_password(&mut tx, &user, &refusal, now).await?;
            tx.commit().await?;
            return Err(AppError::BadCredentials);
        }

        let outcome = self.open_session(&mut tx, &user, kind, ctx, now).await?;
        tx.commit().await?;
        Ok(outcome)
    }

    /// A wrong password for an existing account: counts it, and at the
    /// [`LOCK_AFTER_FAILURES`]th in a row locks the account and tells the security admin.
    async fn count_wrong_password(
        &self,
        tx: &mut Tx,
        user: &UserRow,
        refusal: &impl Fn(&'static str, String) -> NewAudit,
        now: i64,
    ) -> Result<()> {
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
        tx.append_audit(&refusal(
            if now_locked { "account_locked" } else { "login_failed" },
            summary,
        ))
        .await?;
        // A lock stops new logins only: the failures may be anyone's, so the account's
        // live sessions stay (nobody can end a leader's session by guessing at her name),
        // and the caller is not told (the security administrator is, by a task).
        if now_locked {
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
        Ok(())
    }

    /// A successful login: the failures are forgotten and a session begins.
    async fn open_session(
        &self,
        tx: &mut Tx,
        user: &UserRow,
        kind: SessionKind,
        ctx: &RequestCtx,
        now: i64,
    ) -> Result<LoginOutcome> {
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
        let actor = self.load_actor(tx, user, csrf).await?;
        let audit = self.audit_by(
            &actor,
            ctx,
            "login",
            ("user", user.id.to_string()),
            format!("登录成功（{}）", kind.name_zh()),
        );
        tx.append_audit(&audit).await?;
        Ok(LoginOutcome { token, actor })
    }

    /// Resolves a session token to its actor, enforcing the idle timeout
    /// (15 minutes for staff, 30 for applicants) and the absolute lifetime
    /// ([`SESSION_MAX_HOURS`] after login, whatever the activity).
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
        let too_old = now - session.created_at > SESSION_MAX_HOURS * 3_600_000;
        if too_old || now - session.last_seen_at > idle_minutes * 60_000 {
            let mut tx = self.store.begin_write().await?;
            tx.delete_session(&digest).await?;
            tx.commit().await?;
            return Err(if too_old {
                AppError::SessionExpired {
                    minutes: SESSION_MAX_HOURS * 60,
                    absolute: true,
                }
            } else {
                AppError::SessionExpired {
                    minutes: idle_minutes,
                    absolute: false,
                }
            });
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

    /// Changes one's own password; the account's other sessions end, the one of `token`
    /// (where the change is made) stays.
    pub async fn change_password(
        &self,
        actor: &Actor,
        token: &str,
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
        let user = self.own_user(actor).await?;
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
        let ended = tx.delete_other_sessions(actor.user_id, &token_digest(token)).await?;
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "password_changed",
            ("user", actor.user_id.to_string()),
            format!("修改本人密码，结束其他 {ended} 个登录会话"),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// When one's password was last set and one's last login before this one.
    pub async fn login_info(&self, actor: &Actor) -> Result<LoginInfo> {
        let user = self.own_user(actor).await?;
        Ok(LoginInfo {
            password_changed_at: user.password_changed_at,
            previous_login_at: user.previous_login_at,
        })
    }

    /// The signed-in user's own account row; gone means the session no longer stands.
    async fn own_user(&self, actor: &Actor) -> Result<UserRow> {
        self.store
            .begin_read()
            .await?
            .user(actor.user_id)
            .await?
            .ok_or(AppError::Unauthenticated)
    }
}
