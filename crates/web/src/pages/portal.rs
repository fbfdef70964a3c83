//! The public portal: home (with the published announcements), login, logout, applicant
//! registration.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use yincai_app::AppError;
use yincai_app::accounts::{Registration, SessionKind};
use yincai_app::plans::AnnouncementView;

use super::{FieldErrors, render, render_with};
use crate::AppState;
use crate::auth::{
    AnonymousForm, Ctx, Form, MaybeUser, NoFields, PageCall, clear_session_cookie, safe_next, session_cookie,
    url_encode,
};
use crate::layout::Layout;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/register", get(register_page).post(register))
}

#[derive(Template)]
#[template(path = "portal.html")]
struct HomePage {
    layout: Layout,
    logged_in: bool,
    /// Published announcements open for applications now (Beijing date).
    open: Vec<AnnouncementView>,
    /// Published, applications not open yet.
    upcoming: Vec<AnnouncementView>,
    /// Published, past the close date: 已截止.
    closed: Vec<AnnouncementView>,
}

async fn home(State(state): State<AppState>, MaybeUser(actor): MaybeUser) -> Response {
    let announcements = match state.app.published_announcements().await {
        Ok(a) => a,
        Err(e) => return crate::PageError(e).into_response(),
    };
    let (open, rest): (Vec<_>, Vec<_>) = announcements.into_iter().partition(|a| a.is_open());
    let (closed, upcoming): (Vec<_>, Vec<_>) = rest.into_iter().partition(|a| a.is_closed());
    render(&HomePage {
        logged_in: actor.is_some(),
        layout: Layout::new("首页", actor.as_ref(), "/"),
        open,
        upcoming,
        closed,
    })
}

#[derive(Debug, Default, serde::Deserialize)]
struct LoginQuery {
    next: Option<String>,
    m: Option<String>,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    username: String,
    next: String,
    /// Registration, carrying `next` so a new applicant lands where they were going.
    register_link: String,
    notice: String,
    error: String,
}

async fn login_page(Query(q): Query<LoginQuery>) -> Response {
    let notice = match q.m.as_deref() {
        Some("expired") => "登录已超时，请重新登录",
        Some("registered") => "注册成功，请登录",
        Some("password_changed") => "密码已修改，请用新密码登录",
        Some("logged_out") => "已安全退出",
        _ => "",
    };
    let next = q.next.unwrap_or_default();
    render(&LoginPage {
        layout: Layout::new("登录", None, "/login"),
        username: String::new(),
        register_link: register_link(&next),
        next,
        notice: notice.into(),
        error: String::new(),
    })
}

#[derive(Debug, Default, serde::Deserialize)]
struct LoginFields {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

async fn login(State(state): State<AppState>, Ctx(ctx): Ctx, form: AnonymousForm<LoginFields>) -> Response {
    let f = form.value;
    match state.app.login(&f.username, &f.password, SessionKind::Web, &ctx).await {
        Ok(outcome) => {
            let target = if outcome.actor.must_change_password {
                "/account/password".to_string()
            } else if f.next.is_empty() {
                "/workbench".to_string()
            } else {
                safe_next(&f.next).to_string()
            };
            let mut response = Redirect::to(&target).into_response();
            response
                .headers_mut()
                .insert(header::SET_COOKIE, session_cookie(&outcome.token, state.secure_cookies));
            response
        }
        Err(e) => {
            let status = crate::error::status_of(&e);
            if let AppError::Internal(inner) = &e {
                tracing::error!(error = ?inner, "login failed");
            }
            render_with(
                status,
                &LoginPage {
                    layout: Layout::new("登录", None, "/login"),
                    username: f.username,
                    register_link: register_link(&f.next),
                    next: f.next,
                    notice: String::new(),
                    error: e.to_string(),
                },
            )
        }
    }
}

async fn logout(call: PageCall, _checked: Form<NoFields>) -> Response {
    if let Err(e) = call.app.logout(&call.actor, &call.token, &call.ctx).await {
        return crate::PageError(e).into_response();
    }
    let mut response = Redirect::to("/login?m=logged_out").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, clear_session_cookie());
    response
}

/// The registration page, carrying where the visitor was going (checked again on use).
fn register_link(next: &str) -> String {
    if next.is_empty() {
        "/register".into()
    } else {
        format!("/register?next={}", url_encode(safe_next(next)))
    }
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    layout: Layout,
    form: Registration,
    /// Where to go once registered (and logged in).
    next: String,
    errors: FieldErrors,
}

#[derive(Debug, Default, serde::Deserialize)]
struct RegisterQuery {
    next: Option<String>,
}

async fn register_page(Query(q): Query<RegisterQuery>) -> Response {
    render(&RegisterPage {
        layout: Layout::new("申请人注册", None, "/register"),
        form: Registration::default(),
        next: q.next.unwrap_or_default(),
        errors: FieldErrors::default(),
    })
}

#[derive(Debug, Default, serde::Deserialize)]
struct RegisterForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
    #[serde(default)]
    next: String,
}

async fn register(State(state): State<AppState>, Ctx(ctx): Ctx, form: AnonymousForm<RegisterForm>) -> Response {
    let f = form.value;
    let reg = Registration {
        username: f.username,
        display_name: f.display_name,
        password: f.password,
        password_confirm: f.password_confirm,
    };
    match state.app.register(&reg, &ctx).await {
        // Registered: logged in at once and taken where they were going (the position they
        // clicked 报名 on), or to the workbench.
        Ok(_) => match state
            .app
            .login(&reg.username, &reg.password, SessionKind::Web, &ctx)
            .await
        {
            Ok(outcome) => {
                let target = if f.next.is_empty() {
                    "/workbench"
                } else {
                    safe_next(&f.next)
                };
                let mut response = Redirect::to(target).into_response();
                response
                    .headers_mut()
                    .insert(header::SET_COOKIE, session_cookie(&outcome.token, state.secure_cookies));
                response
            }
            Err(_) => Redirect::to("/login?m=registered").into_response(),
        },
        Err(e) => {
            let errors = e.field_errors();
            if errors.is_empty() {
                return crate::PageError(e).into_response();
            }
            // Keep what was typed, except the passwords.
            let form = Registration {
                password: String::new(),
                password_confirm: String::new(),
                ..reg
            };
            render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &RegisterPage {
                    layout: Layout::new("申请人注册", None, "/register"),
                    form,
                    next: f.next,
                    errors: errors.into(),
                },
            )
        }
    }
}
