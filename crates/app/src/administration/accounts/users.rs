//! Accounts: self-registration of applicants, staff accounts created without roles, the
//! lists the administrators read, and the first administrators of a fresh installation.

use super::*;

const UNIQUE_USERNAME: (&str, &str, &str) = ("users.username", "username", "用户名：已被使用，请换一个");

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

pub(super) fn parse_roles(codes: &[String]) -> Result<Vec<Role>> {
    codes
        .iter()
        .map(|c| {
            Role::parse(c.trim())
                .ok_or_else(|| AppError::invalid("roles", format!("角色：未知的角色代码“{c}”，请从列表中选择")))
        })
        .collect()
}

impl App {
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

    /// Creates a staff account (system admin) with no role and no usable password: roles
    /// come only by a confirmed role proposal, the first password by a confirmed reset
    /// (ADR 0009). Applicants register themselves; an account of 社会公众 is not created here.
    pub async fn create_user(&self, actor: &Actor, input: &CreateUser, ctx: &RequestCtx) -> Result<i64> {
        actor.require(Permission::UserManage)?;
        let username = input.username.trim();
        let mut errors: Vec<FieldError> = [check_username(username), check_display_name(&input.display_name)]
            .into_iter()
            .flatten()
            .collect();
        if input.roles.iter().any(|r| !r.trim().is_empty()) {
            errors.push(FieldError::new(
                "roles",
                "角色：系统管理员创建账号时不能授予任何角色；请创建后由安全管理员提出角色申请，经另一名管理员复核后生效",
            ));
        }
        let mut tx = self.store.begin_write().await?;
        match tx.org(input.org_id).await? {
            None => errors.push(FieldError::new("org_id", "所属机构：请选择一个已有机构")),
            Some(org) if org.kind == OrgKind::Public.code() => errors.push(FieldError::new(
                "org_id",
                "所属机构：社会公众（申请人）的账号由本人自助注册，请选择工作人员所在的机构",
            )),
            Some(_) => {}
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        // Nobody knows this password: the first one is issued by a confirmed reset.
        let hash = passwords::hash(&random_token(32)).await?;
        let now = self.now();
        let id = tx
            .insert_user(
                &NewUser {
                    username: username.into(),
                    display_name: input.display_name.trim().into(),
                    org_id: input.org_id,
                    password_hash: hash,
                    must_change_password: true,
                    roles: Vec::new(),
                },
                now,
            )
            .await
            .map_err(|e| AppError::from_store(e, &[UNIQUE_USERNAME]))?;
        let summary = format!(
            "创建账号 {username}（{}），无角色；角色与初始密码须经安全管理员申请、另一名管理员复核",
            input.display_name.trim()
        );
        tx.append_audit(&self.audit_by(actor, ctx, "user_created", ("user", id.to_string()), summary))
            .await?;
        tx.commit().await?;
        Ok(id)
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

    /// Creates the first administrator of each kind on a fresh installation from the command
    /// line (there are no default accounts). Returns the one-time password to hand over. Only
    /// the first of each admin role: later administrators are created without roles and
    /// granted one by a confirmed proposal (ADR 0009), so the shell is no side door.
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
        let existing = tx
            .users(&UserQuery {
                role: Some(role.code().into()),
                limit: 1,
                ..Default::default()
            })
            .await?;
        if existing.total > 0 {
            return Err(AppError::invalid(
                "role",
                format!(
                    "角色：已有{}账号；后续管理员须由系统管理员在系统中创建，并经安全管理员申请、另一名管理员复核授予角色",
                    role.name_zh()
                ),
            ));
        }
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
