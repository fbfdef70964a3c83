//! Input at the edge: no string a request carries may hold an invisible control
//! character. PostgreSQL refuses a NUL byte in text (a 500 before this check), and
//! control characters in names, comments or search terms are never meant.
//!
//! The rule, checked once per request here and in the body extractors
//! ([`crate::api::ApiJson`], [`crate::auth::Form`]):
//! - C0 control characters (U+0000–U+001F) and DEL (U+007F) are refused with a 422 that
//!   names the field;
//! - tab, CR and LF are allowed in the *values* of JSON bodies and page forms, where
//!   multi-line text (reasons, comments, notes) is typed; never in a JSON key, a form
//!   field name, a query string or a path segment.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;
use yincai_app::FieldError;

use crate::auth::percent_decode;
use crate::error::reject;

/// Whether `s` holds a character the request may not carry; `multiline` allows tab,
/// CR and LF.
pub fn has_control(s: &str, multiline: bool) -> bool {
    s.chars()
        .any(|c| (c < ' ' || c == '\u{7f}') && !(multiline && matches!(c, '\t' | '\n' | '\r')))
}

/// The Chinese name of a field, for the common ones; otherwise the key in quotes.
fn label(key: &str) -> String {
    let known = match key {
        "username" => "用户名",
        "password" => "密码",
        "current_password" => "当前密码",
        "new_password" => "新密码",
        "new_password2" | "confirm_password" => "确认新密码",
        "display_name" => "姓名",
        "name" => "名称",
        "id_number" => "证件号码",
        "id_type" => "证件类型",
        "phone" => "手机号码",
        "email" => "电子邮箱",
        "address" => "地址",
        "education" => "学历",
        "title" => "标题",
        "reason" => "理由",
        "note" | "notes" => "备注",
        "comment" => "意见",
        "q" => "查询词",
        "state" => "状态",
        "next" | "back" => "跳转地址",
        "_csrf" => "页面令牌",
        _ => "",
    };
    if known.is_empty() {
        format!("字段“{key}”")
    } else {
        known.to_string()
    }
}

pub(crate) fn control_error(field: String, key: &str) -> FieldError {
    FieldError::new(field, format!("{}：含有不可见的控制字符，请删除后重试", label(key)))
}

/// The first string of a JSON body (key or value, at any depth) with a control
/// character, named by its path (`a.b[2].c`) and its last key.
pub fn check_json(value: &Value) -> Result<(), FieldError> {
    fn walk(v: &Value, path: &str, key: &str) -> Result<(), FieldError> {
        match v {
            Value::String(s) if has_control(s, true) => Err(control_error(field_name(path), key)),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .try_for_each(|(i, item)| walk(item, &format!("{path}[{i}]"), key)),
            Value::Object(map) => map.iter().try_for_each(|(k, item)| {
                let child = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                if has_control(k, false) {
                    return Err(control_error(field_name(&child), k));
                }
                walk(item, &child, k)
            }),
            _ => Ok(()),
        }
    }
    walk(value, "", "")
}

fn field_name(path: &str) -> String {
    if path.is_empty() { "body".into() } else { path.into() }
}

/// The first field of a URL-encoded form with a control character.
pub fn check_form(bytes: &[u8]) -> Result<(), FieldError> {
    for (k, v) in form_urlencoded_pairs(bytes) {
        if has_control(&k, false) || has_control(&v, true) {
            return Err(control_error(k.clone(), &k));
        }
    }
    Ok(())
}

/// The first parameter of a query string with a control character (none allowed).
pub fn check_query(query: &str) -> Result<(), FieldError> {
    for (k, v) in form_urlencoded_pairs(query.as_bytes()) {
        if has_control(&k, false) || has_control(&v, false) {
            return Err(control_error(k.clone(), &k));
        }
    }
    Ok(())
}

/// A path with a control character in any segment, raw or percent-decoded.
pub fn path_has_control(path: &str) -> bool {
    path.bytes().any(|b| b.is_ascii_control())
        || percent_decode(path).is_some_and(|d| d.iter().any(|b| b.is_ascii_control()))
}

fn form_urlencoded_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes).unwrap_or_default()
}

/// Refuses, before routing, a request whose path or query string holds a control
/// character: 422 naming the parameter, as JSON under `/api/`, as the error page elsewhere.
pub async fn input_guard(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let failure = if path_has_control(path) {
        Some(FieldError::new("path", "地址：含有不可见的控制字符，请删除后重试"))
    } else {
        req.uri().query().and_then(|q| check_query(q).err())
    };
    match failure {
        Some(e) => reject(
            is_api(path),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            e.message.clone(),
            vec![e],
        ),
        None => next.run(req).await,
    }
}

/// Whether a path belongs to the JSON API (answered in its error format).
pub fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_where_they_are_refused() {
        assert!(has_control("a\0b", true));
        assert!(has_control("a\u{1}b", true));
        assert!(has_control("a\u{7f}", true));
        assert!(!has_control("第一行\n第二行\r\n\t缩进", true));
        assert!(has_control("a\tb", false));
        assert!(has_control("a\nb", false));
        assert!(!has_control("张三 ok", false));
    }

    #[test]
    fn json_names_the_field_by_its_key_at_any_depth() {
        let v = serde_json::json!({"a": 1, "facts": {"list": ["ok", "x\u{0}y"]}});
        let e = check_json(&v).unwrap_err();
        assert_eq!(e.field, "facts.list[1]");
        assert!(e.message.contains("“list”"), "{}", e.message);
        let e = check_json(&serde_json::json!({"username": "a\u{0}b"})).unwrap_err();
        assert_eq!(e.message, "用户名：含有不可见的控制字符，请删除后重试");
        assert!(check_json(&serde_json::json!({"reason": "一\n二\t三"})).is_ok());
        assert!(check_json(&serde_json::json!({"a\nb": 1})).is_err());
    }

    #[test]
    fn forms_allow_line_breaks_and_queries_do_not() {
        assert!(check_form(b"reason=a%0D%0Ab&_csrf=x").is_ok());
        assert_eq!(check_form(b"username=a%00b").unwrap_err().field, "username");
        assert_eq!(check_query("name=a%00b").unwrap_err().field, "name");
        assert!(check_query("name=a%0Ab").is_err());
        assert!(check_query("name=%E5%BC%A0+%E4%B8%89").is_ok());
        assert!(path_has_control("/plans/1%00"));
        assert!(path_has_control("/plans/%09"));
        assert!(!path_has_control("/plans/%E5%BC%A0"));
    }
}
