//! One's own account: changing the password (forced at first login). The change ends the
//! account's other sessions and keeps this one.

use askama::Template;
use axum::Router;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use crate::AppState;
use crate::auth::{Form, PageCall};
use crate::layout::Layout;
use crate::pages::{FieldErrors, render, render_with};

pub fn routes() -> Router<AppState> {
    Router::new().route("/account/password", get(password_page).post(change_password))
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    layout: Layout,
    forced: bool,
    /// Just changed: say so, and that the other sessions ended.
    changed: bool,
    errors: FieldErrors,
}

#[derive(Debug, Default, serde::Deserialize)]
struct PasswordQuery {
    ok: Option<String>,
}

async fn password_page(call: PageCall, Query(q): Query<PasswordQuery>) -> Response {
    render(&PasswordPage {
        forced: call.actor.must_change_password,
        changed: q.ok.is_some(),
        layout: call.layout("修改密码", "/account/password"),
        errors: FieldErrors::default(),
    })
}

#[derive(Debug, Default, serde::Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password_confirm: String,
}

async fn change_password(call: PageCall, form: Form<PasswordForm>) -> Response {
    let f = form.value;
    match call
        .app
        .change_password(
            &call.actor,
            &call.token,
            &f.current_password,
            &f.new_password,
            &f.new_password_confirm,
            &call.ctx,
        )
        .await
    {
        // The account's other sessions ended; this one goes on.
        Ok(()) => Redirect::to("/account/password?ok=changed").into_response(),
        Err(e) if !e.field_errors().is_empty() => render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PasswordPage {
                forced: call.actor.must_change_password,
                changed: false,
                layout: call.layout("修改密码", "/account/password"),
                errors: e.field_errors().into(),
            },
        ),
        Err(e) => crate::PageError(e).into_response(),
    }
}
