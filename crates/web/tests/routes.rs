//! Every route, walked as every role and as nobody: no unauthorised 2xx anywhere.
//! Grows with every feature: a new route is added to `ROUTES` with who may use it.

use crate::common;

use common::{DEMO_USERS, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// Who may use a route: these demo accounts get `ok`, every other account `denied`
/// (404 for a record outside one's scope: its existence is not revealed).
struct Route {
    method: Method,
    /// `{own}` is the unit user's organisation, `{foreign}` another department's unit,
    /// `{user}` the demo talent's account, `{cand}` another applicant's registration form,
    /// `{mine}` the demo talent's own, `{item}` a workflow item of the unit's, `{meeting}` a
    /// leading-group meeting, `{plan}` a draft annual plan of the unit's, `{splan}` one it
    /// submitted, `{otalent}` a talent
    /// of the unit's, `{ftalent}` a talent of another unit of the same department with
    /// `{finst}` an installment of its money, `{ffix}` a fixing and `{fend}` an ending for cause
    /// proposed for it, `{fatt}` a
    /// file another applicant attached to their form, `{procedure}` the demo's application
    /// waiting at 办理引进手续.
    path: &'static str,
    body: Option<serde_json::Value>,
    allowed: &'static [&'static str],
    ok: u16,
    denied: u16,
    /// Accounts that get 404 rather than `denied` (an applicant asking for another's record).
    hidden_from: &'static [&'static str],
}

const ORG_READERS: &[&str] = &[
    "unit", "dept", "coord", "leader", "assessor", "finance", "mayor", "sysadmin",
];
const CITY_WIDE_ORG_READERS: &[&str] = &["coord", "leader", "assessor", "finance", "mayor", "sysadmin"];
const ALL: &[&str] = &DEMO_USERS;
/// Who takes part in workflows and sees the unit's items (the talent sees only their own).
const ITEM_VIEWERS: &[&str] = &["unit", "dept", "coord", "leader"];
const MEETING_READERS: &[&str] = &["coord", "leader", "mayor"];
/// Who reads the special fund (Art. 29).
const FUND_READERS: &[&str] = &["coord", "finance", "mayor"];
/// Who sees an application: the applicant, the unit and its department, the city offices.
const APPLICATION_VIEWERS: &[&str] = &["talent", "unit", "dept", "coord", "leader"];
/// Who reads the unit's annual plans: the unit, its department, the city offices and leaders.
const PLAN_READERS: &[&str] = &["unit", "dept", "coord", "leader", "mayor"];
/// Who reads the talent database (Art. 6), each within their scope.
const TALENT_READERS: &[&str] = &["unit", "dept", "coord", "leader", "assessor", "finance", "mayor"];
/// Who reads a talent of another unit of the same department (the unit: 404).
const FOREIGN_TALENT_READERS: &[&str] = &["dept", "coord", "leader", "assessor", "finance", "mayor"];
const FOREIGN_ITEM_VIEWERS: &[&str] = &["dept", "coord", "leader"];
const TASK_READERS: &[&str] = &[
    "talent", "unit", "dept", "coord", "leader", "assessor", "finance", "mayor", "service", "sysadmin", "secadmin",
];

fn routes() -> Vec<Route> {
    let r = |method: Method, path, body: Option<serde_json::Value>, allowed, ok, denied| Route {
        method,
        path,
        body,
        allowed,
        ok,
        denied,
        hidden_from: &[],
    };
    let hidden = |method: Method, path, hidden_from| Route {
        method,
        path,
        body: None,
        allowed: &["coord"],
        ok: 200,
        denied: 403,
        hidden_from,
    };
    let bad_org = Some(json!({"name": "", "kind": "nonsense"}));
    let bad_user = Some(json!({"username": "", "display_name": "", "org_id": 0, "roles": []}));
    let no_reason = Some(json!({"reason": ""}));
    vec![
        // API: accounts
        r(Method::GET, "/api/me", None, ALL, 200, 0),
        r(Method::GET, "/api/roles", None, ALL, 200, 0),
        r(Method::GET, "/api/tasks", None, TASK_READERS, 200, 403),
        r(Method::GET, "/api/users", None, &["sysadmin", "secadmin"], 200, 403),
        r(Method::POST, "/api/users", bad_user, &["sysadmin"], 422, 403),
        r(
            Method::GET,
            "/api/users/{user}",
            None,
            &["sysadmin", "secadmin"],
            200,
            403,
        ),
        r(
            Method::POST,
            "/api/users/{user}/unlock",
            no_reason.clone(),
            &["secadmin"],
            422,
            403,
        ),
        r(
            Method::POST,
            "/api/users/{user}/reset-password",
            no_reason.clone(),
            &["secadmin"],
            422,
            403,
        ),
        r(
            Method::PUT,
            "/api/users/{user}/roles",
            Some(json!({"roles": ["talent"], "reason": ""})),
            &["secadmin"],
            422,
            403,
        ),
        r(
            Method::POST,
            "/api/users/{user}/disable",
            no_reason.clone(),
            &["sysadmin"],
            422,
            403,
        ),
        r(
            Method::POST,
            "/api/users/{user}/enable",
            no_reason.clone(),
            &["sysadmin"],
            422,
            403,
        ),
        // 双人复核: the security admin proposes (above), either admin confirms or rejects.
        r(
            Method::GET,
            "/api/account-proposals",
            None,
            &["sysadmin", "secadmin"],
            200,
            403,
        ),
        r(
            Method::POST,
            "/api/account-proposals/999999/confirm",
            Some(json!({})),
            &["sysadmin", "secadmin"],
            404,
            403,
        ),
        r(
            Method::POST,
            "/api/account-proposals/999999/reject",
            no_reason,
            &["sysadmin", "secadmin"],
            422,
            403,
        ),
        // API: organisations (out-of-scope records answer 404)
        r(Method::GET, "/api/orgs", None, ORG_READERS, 200, 403),
        r(Method::GET, "/api/orgs/{own}", None, ORG_READERS, 200, 403),
        r(
            Method::GET,
            "/api/orgs/{foreign}",
            None,
            CITY_WIDE_ORG_READERS,
            200,
            404,
        ),
        r(Method::POST, "/api/orgs", bad_org.clone(), &["sysadmin"], 422, 403),
        r(Method::PUT, "/api/orgs/{own}", bad_org.clone(), &["sysadmin"], 422, 403),
        // API: registration forms (人才登记表)
        r(Method::GET, "/api/me/profile", None, &["talent"], 200, 403),
        r(
            Method::PUT,
            "/api/me/profile",
            Some(json!({"name": "", "id_type": "citizen_id", "gender": ""})),
            &["talent"],
            422,
            403,
        ),
        r(Method::GET, "/api/candidates", None, &["coord"], 200, 403),
        hidden(Method::GET, "/api/candidates/{cand}", &["talent"]),
        // API: attachments (a JSON body is not an upload: 415 for those who may upload)
        r(
            Method::POST,
            "/api/attachments",
            Some(json!({})),
            &["talent", "unit", "dept", "coord", "leader"],
            415,
            403,
        ),
        r(
            Method::GET,
            "/api/attachments?object_type=candidate&object_id={mine}",
            None,
            &["talent", "coord"],
            200,
            403,
        ),
        hidden(
            Method::GET,
            "/api/attachments?object_type=candidate&object_id={cand}",
            &["talent"],
        ),
        r(
            Method::GET,
            "/api/candidates/{mine}",
            None,
            &["talent", "coord"],
            200,
            403,
        ),
        r(
            Method::POST,
            "/api/candidates/{cand}/reveal",
            Some(json!({"reason": ""})),
            &["coord"],
            422,
            403,
        ),
        // API: procedures, the talent database (no record 999999: readers get 404) and 一事一议
        r(
            Method::GET,
            "/api/talents",
            None,
            &["unit", "dept", "coord", "leader", "assessor", "finance", "mayor"],
            200,
            403,
        ),
        // {otalent}: a talent of the unit's own (all talent readers see it); {ftalent}: of
        // another unit of the same department (the department sees it, the unit does not).
        r(Method::GET, "/api/talents/{otalent}", None, TALENT_READERS, 200, 403),
        r(Method::GET, "/talents/{otalent}", None, TALENT_READERS, 200, 403),
        // The bank account paid into: the coordination office on the record, the talent on
        // their own (the demo talent is not introduced: 404).
        r(
            Method::PUT,
            "/api/talents/{otalent}/bank-account",
            Some(json!({"account": "", "bank_name": ""})),
            &["coord"],
            422,
            403,
        ),
        r(
            Method::POST,
            "/talents/{otalent}/bank-account",
            None,
            &["coord"],
            422,
            403,
        ),
        r(
            Method::PUT,
            "/api/me/talent/bank-account",
            Some(json!({"account": "6222021234567890123", "bank_name": "中国工商银行"})),
            &["talent"],
            404,
            403,
        ),
        r(Method::POST, "/me/talent/bank-account", None, &["talent"], 404, 403),
        Route {
            hidden_from: &["unit"],
            ..r(
                Method::GET,
                "/api/talents/{ftalent}",
                None,
                FOREIGN_TALENT_READERS,
                200,
                403,
            )
        },
        r(Method::GET, "/api/me/talent", None, &["talent"], 404, 403),
        r(
            Method::GET,
            "/api/applications/{appl}/procedure",
            None,
            &["unit", "dept", "coord", "leader"],
            200,
            403,
        ),
        r(
            Method::PUT,
            "/api/applications/{procedure}/procedure",
            Some(json!({})),
            &["unit"],
            422,
            403,
        ),
        r(
            Method::GET,
            "/api/special-cases",
            None,
            &["coord", "leader", "mayor"],
            200,
            403,
        ),
        r(
            Method::POST,
            "/api/special-cases",
            Some(json!({})),
            &["coord"],
            422,
            403,
        ),
        r(
            Method::GET,
            "/api/special-cases/{case}",
            None,
            &["coord", "leader", "mayor"],
            200,
            403,
        ),
        // The demo's case is decided: nobody may change it any more; a stale submit is a
        // conflict for those who act on its item.
        r(Method::PUT, "/api/special-cases/{case}", Some(json!({})), &[], 0, 403),
        r(
            Method::POST,
            "/api/special-cases/{case}/submit",
            Some(json!({"item_version": 1})),
            &["coord", "leader"],
            409,
            403,
        ),
        // 待遇额度核定 (Art. 14 ranges and 14(7))
        Route {
            hidden_from: &["unit"],
            ..r(
                Method::GET,
                "/api/talents/{ftalent}/fixings",
                None,
                FOREIGN_TALENT_READERS,
                200,
                403,
            )
        },
        Route {
            hidden_from: &[],
            ..r(
                Method::POST,
                "/api/talents/{ftalent}/fixings",
                Some(json!({"benefit_code": "startup_fund", "amount": "", "project": "", "reason": ""})),
                &["coord"],
                422,
                403,
            )
        },
        // {ffix}: a fixing proposed for the other unit's talent (the unit: 404)
        Route {
            hidden_from: &["unit"],
            ..r(
                Method::GET,
                "/api/fixings/{ffix}",
                None,
                FOREIGN_TALENT_READERS,
                200,
                403,
            )
        },
        Route {
            hidden_from: &["unit"],
            ..r(
                Method::PUT,
                "/api/fixings/{ffix}",
                Some(json!({"amount": "", "project": "", "reason": ""})),
                &["coord"],
                422,
                403,
            )
        },
        Route {
            hidden_from: &["unit"],
            ..r(
                Method::POST,
                "/api/fixings/{ffix}/submit",
                // A stale version: refused (409) for those who see the item, before any step.
                Some(json!({"item_version": 0})),
                FOREIGN_ITEM_VIEWERS,
                409,
                403,
            )
        },
        // API and pages: applications ({appl}: the demo talent's application to a position of the unit's)
        r(Method::GET, "/api/me/applications", None, &["talent"], 200, 403),
        r(
            Method::POST,
            "/api/applications",
            Some(json!({"position_id": 999999})),
            &["talent"],
            404,
            403,
        ),
        r(Method::GET, "/api/applications", None, ITEM_VIEWERS, 200, 403),
        r(
            Method::GET,
            "/api/applications/{appl}",
            None,
            APPLICATION_VIEWERS,
            200,
            403,
        ),
        r(
            Method::PUT,
            "/api/applications/{appl}/checklist",
            Some(json!({"items": {"bogus": {}}})),
            &["coord"],
            422,
            403,
        ),
        r(
            Method::POST,
            "/api/applications/{appl}/letter",
            None,
            &["coord"],
            422,
            403,
        ),
        r(
            Method::GET,
            "/api/applications/{appl}/letter",
            None,
            APPLICATION_VIEWERS,
            404,
            403,
        ),
        r(Method::GET, "/me/applications", None, &["talent"], 200, 403),
        r(Method::GET, "/positions/999999/apply", None, &["talent"], 404, 403),
        r(Method::POST, "/positions/999999/apply", None, &["talent"], 404, 403),
        r(Method::GET, "/applications", None, ITEM_VIEWERS, 200, 403),
        r(Method::GET, "/applications/export.xlsx", None, ITEM_VIEWERS, 200, 403),
        r(Method::GET, "/applications/{appl}", None, APPLICATION_VIEWERS, 200, 403),
        // {fappl}: another applicant's application to another unit of the same department.
        Route {
            hidden_from: &["talent", "unit"],
            ..r(
                Method::GET,
                "/applications/{fappl}",
                None,
                FOREIGN_ITEM_VIEWERS,
                200,
                403,
            )
        },
        Route {
            hidden_from: &["talent", "unit"],
            ..r(
                Method::GET,
                "/api/applications/{fappl}",
                None,
                FOREIGN_ITEM_VIEWERS,
                200,
                403,
            )
        },
        r(
            Method::POST,
            "/applications/{appl}/checklist",
            None,
            &["coord"],
            303,
            403,
        ),
        r(
            Method::GET,
            "/applications/{appl}/letter",
            None,
            APPLICATION_VIEWERS,
            404,
            403,
        ),
        r(Method::POST, "/applications/{appl}/letter", None, &["coord"], 422, 403),
        // API: audit
        r(Method::GET, "/api/audit", None, &["auditor"], 200, 403),
        r(Method::GET, "/api/audit/verify", None, &["auditor"], 200, 403),
        // API: the fund projection (finance, the coordination office, city leaders)
        r(
            Method::GET,
            "/api/fund/projection?departure_rate=50",
            None,
            &["coord", "finance", "mayor"],
            200,
            403,
        ),
        r(
            Method::GET,
            "/api/fund/projection?departure_rate=x",
            None,
            &["coord", "finance", "mayor"],
            422,
            403,
        ),
        // API and pages: the special fund (read: finance, the coordination office, city leaders;
        // budgets, payments and batches: finance; release approval: the leading group)
        r(Method::GET, "/api/fund", None, FUND_READERS, 200, 403),
        r(
            Method::POST,
            "/api/fund/budgets",
            Some(json!({"year": 0, "amount": ""})),
            &["finance"],
            422,
            403,
        ),
        Route {
            hidden_from: &[],
            ..r(
                Method::GET,
                "/api/fund/installments/{finst}",
                None,
                &["coord", "leader", "finance", "mayor"],
                200,
                403,
            )
        },
        Route {
            hidden_from: &[],
            ..r(
                Method::POST,
                "/api/fund/installments/{finst}/pay",
                None,
                &["finance"],
                422,
                403,
            )
        },
        r(Method::GET, "/api/fund/batches", None, FUND_READERS, 200, 403),
        r(
            Method::POST,
            "/api/fund/batches",
            Some(json!({"installment_ids": []})),
            &["finance"],
            422,
            403,
        ),
        r(Method::GET, "/api/fund/batches/{batch}", None, FUND_READERS, 200, 403),
        r(
            Method::POST,
            "/api/fund/batches/{batch}/pay",
            None,
            &["finance"],
            // Paid already: paying again pays nothing (200, no installment twice).
            200,
            403,
        ),
        r(Method::GET, "/fund", None, FUND_READERS, 200, 403),
        r(Method::POST, "/fund/budgets", None, &["finance"], 422, 403),
        r(Method::GET, "/fund/batches", None, FUND_READERS, 200, 403),
        r(Method::POST, "/fund/batches", None, &["finance"], 422, 403),
        r(Method::GET, "/fund/batches/{batch}", None, FUND_READERS, 200, 403),
        r(Method::POST, "/fund/batches/{batch}/pay", None, &["finance"], 200, 403),
        // API and pages: re-evaluation and Art. 27 recovery (change of facts and ending: the
        // coordination office; repayments: finance; no record 999999: 404)
        Route {
            hidden_from: &["unit"],
            ..r(
                Method::GET,
                "/api/talents/{ftalent}/evaluations",
                None,
                FOREIGN_TALENT_READERS,
                200,
                403,
            )
        },
        Route {
            hidden_from: &[],
            ..r(
                Method::POST,
                "/api/talents/{ftalent}/evaluations",
                Some(json!({"title": "", "reason": ""})),
                &["coord"],
                422,
                403,
            )
        },
        // 因故解除 (Art. 27): the office proposes, the leading group decides in a meeting;
        // {fend}: an ending proposed for the other unit's talent (only meeting readers see it).
        Route {
            hidden_from: &["unit"],
            ..r(
                Method::GET,
                "/api/talents/{ftalent}/endings",
                None,
                FOREIGN_TALENT_READERS,
                200,
                403,
            )
        },
        r(
            Method::POST,
            "/api/talents/{ftalent}/endings",
            Some(json!({"cause": "", "ended_on": "", "reason": "", "basis": ""})),
            &["coord"],
            422,
            403,
        ),
        r(Method::GET, "/api/endings/{fend}", None, MEETING_READERS, 200, 403),
        r(
            Method::PUT,
            "/api/endings/{fend}",
            Some(json!({"cause": "", "ended_on": "", "reason": "", "basis": ""})),
            &["coord"],
            422,
            403,
        ),
        r(
            Method::POST,
            "/api/endings/{fend}/submit",
            // A stale version: refused (409) for those who see the item, before any step.
            Some(json!({"item_version": 0})),
            &["coord", "leader"],
            409,
            403,
        ),
        r(Method::GET, "/api/recoveries", None, FUND_READERS, 200, 403),
        r(Method::GET, "/api/recoveries/999999", None, FUND_READERS, 404, 403),
        r(
            Method::POST,
            "/api/recoveries/999999/repayments",
            Some(json!({"paid_on": "2026-11-20", "amount": "1", "version": 1})),
            &["finance"],
            404,
            403,
        ),
        Route {
            hidden_from: &["unit"],
            ..r(
                Method::GET,
                "/talents/{ftalent}/evaluations",
                None,
                FOREIGN_TALENT_READERS,
                200,
                403,
            )
        },
        r(
            Method::POST,
            "/talents/{ftalent}/evaluations",
            None,
            &["coord"],
            422,
            403,
        ),
        r(
            Method::GET,
            "/talents/{ftalent}/endings/new",
            None,
            &["coord"],
            200,
            403,
        ),
        r(Method::POST, "/talents/{ftalent}/endings", None, &["coord"], 422, 403),
        r(Method::GET, "/endings/{fend}", None, MEETING_READERS, 200, 403),
        r(Method::POST, "/endings/{fend}", None, &["coord"], 422, 403),
        r(Method::GET, "/recoveries", None, FUND_READERS, 200, 403),
        r(Method::GET, "/recoveries/999999", None, FUND_READERS, 404, 403),
        r(
            Method::POST,
            "/recoveries/999999/repayments",
            None,
            &["finance"],
            404,
            403,
        ),
        // API and pages: housing (Art. 14; the coordination office manages, talent readers see a talent's)
        r(Method::GET, "/api/housing", None, &["coord"], 200, 403),
        r(
            Method::POST,
            "/api/housing/units",
            Some(json!({"address": "", "area": ""})),
            &["coord"],
            422,
            403,
        ),
        r(
            Method::PUT,
            "/api/housing/units/999999",
            Some(json!({"address": "x", "area": "1", "version": 1})),
            &["coord"],
            404,
            403,
        ),
        r(
            Method::POST,
            "/api/housing/allocations",
            Some(json!({"unit_id": 999999, "talent_id": 999999, "start_date": "2026-01-01"})),
            &["coord"],
            404,
            403,
        ),
        r(
            Method::POST,
            "/api/housing/allocations/999999/gift",
            Some(json!({"version": 1})),
            &["coord"],
            404,
            403,
        ),
        r(
            Method::POST,
            "/api/housing/allocations/999999/return",
            Some(json!({"version": 1, "date": "2026-01-01", "reason": "x"})),
            &["coord"],
            404,
            403,
        ),
        Route {
            hidden_from: &["unit"],
            ..r(
                Method::GET,
                "/api/housing/talents/{ftalent}",
                None,
                FOREIGN_TALENT_READERS,
                200,
                403,
            )
        },
        r(Method::GET, "/housing", None, &["coord"], 200, 403),
        Route {
            hidden_from: &["unit"],
            ..r(
                Method::GET,
                "/housing/talents/{ftalent}",
                None,
                FOREIGN_TALENT_READERS,
                200,
                403,
            )
        },
        r(Method::POST, "/housing/units", None, &["coord"], 422, 403),
        r(Method::POST, "/housing/allocations", None, &["coord"], 422, 403),
        r(
            Method::POST,
            "/housing/allocations/999999/gift",
            None,
            &["coord"],
            422,
            403,
        ),
        r(
            Method::POST,
            "/housing/allocations/999999/return",
            None,
            &["coord"],
            422,
            403,
        ),
        r(
            Method::GET,
            "/fund/batches/{batch}/export.xlsx",
            None,
            &["finance"],
            200,
            403,
        ),
        // API and pages: the release gate (assessments: the unit records, the coordination
        // office files; due list: fund readers; releases: the coordination office;
        // certificate: fund readers and the talent their own; /me/benefits: the talent)
        r(
            Method::GET,
            "/api/benefits/assessments",
            None,
            &["unit", "dept", "coord", "leader", "assessor", "finance", "mayor"],
            200,
            403,
        ),
        r(
            Method::POST,
            "/api/benefits/assessments",
            Some(json!({"talent_id": 0, "service_year": 0, "result": "", "document_number": "", "document_date": ""})),
            &["unit"],
            422,
            403,
        ),
        r(
            Method::POST,
            "/api/benefits/assessments/999999/file",
            Some(json!({"version": 1})),
            &["coord"],
            404,
            403,
        ),
        r(Method::GET, "/api/benefits/due", None, FUND_READERS, 200, 403),
        r(
            Method::POST,
            "/api/benefits/releases",
            Some(json!({"installment_ids": []})),
            &["coord"],
            422,
            403,
        ),
        Route {
            hidden_from: &["talent"],
            ..r(
                Method::GET,
                "/api/benefits/installments/{finst}/certificate",
                None,
                &["coord", "finance", "mayor"],
                404,
                403,
            )
        },
        r(Method::GET, "/api/me/benefits", None, &["talent"], 200, 403),
        r(Method::GET, "/benefits/due", None, FUND_READERS, 200, 403),
        r(Method::GET, "/benefits/due/export.xlsx", None, FUND_READERS, 200, 403),
        r(Method::POST, "/benefits/releases", None, &["coord"], 422, 403),
        r(
            Method::GET,
            "/assessments",
            None,
            &["unit", "dept", "coord", "leader", "assessor", "finance", "mayor"],
            200,
            403,
        ),
        r(Method::POST, "/assessments", None, &["unit"], 422, 403),
        r(
            Method::GET,
            "/assessments/export.xlsx",
            None,
            &["unit", "dept", "coord", "leader", "assessor", "finance", "mayor"],
            200,
            403,
        ),
        r(Method::POST, "/assessments/999999/file", None, &["coord"], 404, 403),
        Route {
            hidden_from: &["talent"],
            ..r(
                Method::GET,
                "/installments/{finst}/certificate",
                None,
                &["coord", "finance", "mayor"],
                404,
                403,
            )
        },
        r(Method::GET, "/me/benefits", None, &["talent"], 200, 403),
        // API and pages: months served (the unit records, the coordination office confirms)
        r(
            Method::GET,
            "/api/talents/{otalent}/service-months",
            None,
            TALENT_READERS,
            200,
            403,
        ),
        r(
            Method::GET,
            "/talents/{otalent}/service-months",
            None,
            TALENT_READERS,
            200,
            403,
        ),
        r(
            Method::POST,
            "/api/talents/{otalent}/service-months",
            Some(json!({"service_year": 0, "months": 0, "basis": ""})),
            &["unit"],
            422,
            403,
        ),
        r(
            Method::POST,
            "/talents/{otalent}/service-months",
            None,
            &["unit"],
            422,
            403,
        ),
        r(
            Method::POST,
            "/api/service-months/999999/confirm",
            Some(json!({"version": 1})),
            &["coord"],
            404,
            403,
        ),
        r(
            Method::POST,
            "/service-months/999999/confirm",
            None,
            &["coord"],
            404,
            403,
        ),
        // API: workflow items and leading-group meetings
        Route {
            hidden_from: &["talent"],
            ..r(Method::GET, "/api/workflow/{item}", None, ITEM_VIEWERS, 200, 403)
        },
        Route {
            hidden_from: &["talent"],
            ..r(
                Method::POST,
                "/api/workflow/{item}/act",
                Some(json!({"action": "submit", "version": 0})),
                ITEM_VIEWERS,
                409,
                403,
            )
        },
        r(Method::GET, "/api/meetings", None, MEETING_READERS, 200, 403),
        r(
            Method::POST,
            "/api/meetings",
            Some(json!({"number": "", "title": "", "held_on": ""})),
            &["coord"],
            422,
            403,
        ),
        r(Method::GET, "/api/meetings/{meeting}", None, MEETING_READERS, 200, 403),
        r(
            Method::POST,
            "/api/meetings/{meeting}/agenda",
            Some(json!({"items": []})),
            &["coord"],
            422,
            403,
        ),
        r(
            Method::POST,
            "/api/meetings/{meeting}/agenda/999999/decision",
            Some(json!({"action": "approve", "resolution_number": ""})),
            &["leader"],
            422,
            403,
        ),
        r(
            Method::POST,
            "/api/meetings/{meeting}/agenda/999999/removal",
            Some(json!({"reason": "议程调整"})),
            &["coord"],
            404,
            403,
        ),
        r(
            Method::POST,
            "/api/meetings/{meeting}/close",
            Some(json!({"version": 0})),
            &["coord"],
            409,
            403,
        ),
        r(
            Method::POST,
            "/api/meetings/{meeting}/reschedule",
            Some(json!({"held_on": "", "reason": "", "version": 0})),
            &["coord"],
            422,
            403,
        ),
        // API: annual plans (the plan is a draft: nobody may set its announcement yet)
        r(Method::GET, "/api/plans", None, PLAN_READERS, 200, 403),
        r(
            Method::POST,
            "/api/plans",
            Some(json!({"year": 0, "title": "", "positions": []})),
            &["unit"],
            422,
            403,
        ),
        r(Method::GET, "/api/plans/{plan}", None, PLAN_READERS, 200, 403),
        r(Method::DELETE, "/api/plans/{splan}", None, &["unit"], 409, 403),
        r(
            Method::PUT,
            "/api/plans/{plan}",
            Some(json!({"year": 0, "title": "", "positions": []})),
            &["unit"],
            422,
            403,
        ),
        r(
            Method::PUT,
            "/api/plans/{plan}/announcement",
            Some(json!({"title": "", "body": "", "open_date": "", "close_date": ""})),
            &[],
            0,
            403,
        ),
        // Routes the hand-kept list missed (found by the comparison with the router)
        // {fatt}: a file another applicant attached to their registration form.
        // Only who may see the object may download; to everyone else the file does not exist.
        Route {
            hidden_from: ALL,
            ..r(Method::GET, "/api/attachments/{fatt}", None, &["coord"], 200, 404)
        },
        Route {
            hidden_from: ALL,
            ..r(Method::GET, "/attachments/{fatt}", None, &["coord"], 200, 404)
        },
        r(
            Method::POST,
            "/api/me/password",
            Some(json!({"current_password": "", "new_password": "", "new_password_confirm": ""})),
            ALL,
            422,
            0,
        ),
        r(Method::POST, "/account/password", None, ALL, 422, 0),
        r(Method::POST, "/meetings/{meeting}/agenda", None, &["coord"], 422, 403),
        r(
            Method::POST,
            "/meetings/{meeting}/agenda/999999/decision",
            None,
            &["leader"],
            422,
            403,
        ),
        r(
            Method::POST,
            "/meetings/{meeting}/agenda/999999/removal",
            None,
            &["coord"],
            422,
            403,
        ),
        r(Method::POST, "/meetings/{meeting}/close", None, &["coord"], 422, 403),
        r(
            Method::POST,
            "/meetings/{meeting}/reschedule",
            None,
            &["coord"],
            422,
            403,
        ),
        r(
            Method::GET,
            "/meetings/by-agenda/999999",
            None,
            MEETING_READERS,
            404,
            403,
        ),
        r(Method::POST, "/orgs", bad_org.clone(), &["sysadmin"], 422, 403),
        r(Method::POST, "/orgs/{own}", bad_org.clone(), &["sysadmin"], 422, 403),
        r(Method::POST, "/admin/users", None, &["sysadmin"], 422, 403),
        r(Method::POST, "/admin/users/{user}/roles", None, &["secadmin"], 422, 403),
        r(
            Method::POST,
            "/admin/users/{user}/disable",
            None,
            &["sysadmin"],
            422,
            403,
        ),
        // Pages
        r(Method::GET, "/workbench", None, ALL, 200, 0),
        r(Method::GET, "/plans", None, PLAN_READERS, 200, 403),
        r(Method::GET, "/plans/export.xlsx", None, PLAN_READERS, 200, 403),
        r(Method::GET, "/plans/new", None, &["unit"], 200, 403),
        r(Method::POST, "/plans", None, &["unit"], 422, 403),
        r(Method::GET, "/plans/{plan}", None, PLAN_READERS, 200, 403),
        r(Method::POST, "/plans/{plan}", None, &["unit"], 422, 403),
        r(Method::GET, "/plans/{plan}/edit", None, &["unit"], 200, 403),
        // Deleting: only the unit's draft never submitted; a submitted plan is 409 to the unit.
        r(Method::POST, "/plans/{splan}/delete", None, &["unit"], 409, 403),
        r(Method::GET, "/plans/{plan}/announcement", None, &[], 0, 403),
        r(Method::POST, "/plans/{plan}/announcement", None, &[], 0, 403),
        Route {
            hidden_from: &["talent"],
            ..r(Method::GET, "/workflow/{item}", None, ITEM_VIEWERS, 200, 403)
        },
        Route {
            hidden_from: &["talent"],
            ..r(Method::POST, "/workflow/{item}/act", None, ITEM_VIEWERS, 422, 403)
        },
        r(Method::GET, "/meetings", None, MEETING_READERS, 200, 403),
        r(Method::POST, "/meetings", None, &["coord"], 422, 403),
        r(Method::GET, "/meetings/{meeting}", None, MEETING_READERS, 200, 403),
        r(Method::GET, "/account/password", None, ALL, 200, 0),
        r(Method::GET, "/orgs", None, ORG_READERS, 200, 403),
        r(Method::GET, "/orgs/{own}", None, ORG_READERS, 200, 403),
        r(Method::GET, "/orgs/{foreign}", None, CITY_WIDE_ORG_READERS, 200, 404),
        r(Method::GET, "/orgs/new", None, &["sysadmin"], 200, 403),
        r(Method::GET, "/orgs/export.xlsx", None, ORG_READERS, 200, 403),
        r(Method::GET, "/orgs/{own}/edit", None, &["sysadmin"], 200, 403),
        r(Method::GET, "/admin/users", None, &["sysadmin", "secadmin"], 200, 403),
        r(Method::GET, "/admin/users/new", None, &["sysadmin"], 200, 403),
        r(
            Method::GET,
            "/admin/users/{user}",
            None,
            &["sysadmin", "secadmin"],
            200,
            403,
        ),
        r(
            Method::POST,
            "/admin/proposals/999999/confirm",
            None,
            &["sysadmin", "secadmin"],
            404,
            403,
        ),
        r(
            Method::POST,
            "/admin/proposals/999999/reject",
            None,
            &["sysadmin", "secadmin"],
            404,
            403,
        ),
        r(Method::GET, "/me/profile", None, &["talent"], 200, 403),
        r(Method::POST, "/me/profile", None, &["talent"], 422, 403),
        r(Method::GET, "/candidates", None, &["coord"], 200, 403),
        r(Method::GET, "/candidates/export.xlsx", None, &["coord"], 200, 403),
        hidden(Method::GET, "/candidates/{cand}", &["talent"]),
        r(Method::POST, "/candidates/{cand}/reveal", None, &["coord"], 422, 403),
        r(
            Method::POST,
            "/attachments",
            None,
            &["talent", "unit", "dept", "coord", "leader"],
            415,
            403,
        ),
        r(
            Method::GET,
            "/talents",
            None,
            &["unit", "dept", "coord", "leader", "assessor", "finance", "mayor"],
            200,
            403,
        ),
        r(
            Method::GET,
            "/talents/export.xlsx",
            None,
            &["unit", "dept", "coord", "leader", "assessor", "finance", "mayor"],
            200,
            403,
        ),
        Route {
            hidden_from: &["unit"],
            ..r(
                Method::GET,
                "/talents/{ftalent}",
                None,
                FOREIGN_TALENT_READERS,
                200,
                403,
            )
        },
        r(Method::GET, "/me/talent", None, &["talent"], 200, 403),
        r(
            Method::GET,
            "/applications/{appl}/procedure",
            None,
            &["unit", "dept", "coord", "leader"],
            200,
            403,
        ),
        // Only the unit records the procedure (Art. 12(4)), of an application at 办理引进手续.
        r(
            Method::POST,
            "/applications/{procedure}/procedure",
            None,
            &["unit"],
            422,
            403,
        ),
        r(
            Method::GET,
            "/special-cases",
            None,
            &["coord", "leader", "mayor"],
            200,
            403,
        ),
        r(
            Method::GET,
            "/special-cases/export.xlsx",
            None,
            &["coord", "leader", "mayor"],
            200,
            403,
        ),
        r(Method::GET, "/special-cases/new", None, &["coord"], 200, 403),
        r(Method::POST, "/special-cases", None, &["coord"], 422, 403),
        r(
            Method::GET,
            "/special-cases/{case}",
            None,
            &["coord", "leader", "mayor"],
            200,
            403,
        ),
        r(Method::POST, "/special-cases/{case}", None, &[], 0, 403),
        r(
            Method::POST,
            "/special-cases/{case}/submit",
            None,
            &["coord", "leader"],
            409,
            403,
        ),
        Route {
            hidden_from: &["unit"],
            ..r(
                Method::GET,
                "/talents/{ftalent}/fixings/new",
                None,
                FOREIGN_ITEM_VIEWERS,
                200,
                403,
            )
        },
        r(Method::POST, "/talents/{ftalent}/fixings", None, &["coord"], 422, 403),
        Route {
            hidden_from: &["unit"],
            ..r(Method::GET, "/fixings/{ffix}", None, FOREIGN_TALENT_READERS, 200, 403)
        },
        Route {
            hidden_from: &["unit"],
            ..r(Method::POST, "/fixings/{ffix}", None, &["coord"], 422, 403)
        },
        r(Method::GET, "/audit", None, &["auditor"], 200, 403),
        r(Method::GET, "/audit/verify", None, &["auditor"], 200, 403),
        r(Method::GET, "/audit/export.xlsx", None, &["auditor"], 200, 403),
        r(
            Method::GET,
            "/fund/projection",
            None,
            &["coord", "finance", "mayor"],
            200,
            403,
        ),
        r(
            Method::GET,
            "/fund/projection.xlsx",
            None,
            &["coord", "finance", "mayor"],
            200,
            403,
        ),
    ]
}

/// A page row's form: `_csrf` and the row's body, each value as text (placeholders filled).
fn form_of(csrf: &str, body: Option<&serde_json::Value>, fill: &dyn Fn(&str) -> String) -> Vec<(String, String)> {
    let mut form = vec![("_csrf".to_string(), csrf.to_string())];
    if let Some(serde_json::Value::Object(fields)) = body {
        for (k, v) in fields {
            let text = v.as_str().map_or_else(|| v.to_string(), String::from);
            form.push((k.clone(), fill(&text)));
        }
    }
    form
}

/// Routes anyone may use (no row in the matrix: they are walked below, anonymously).
const OPEN_ROUTES: &[(&str, &str)] = &[
    ("GET", "/"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("GET", "/register"),
    ("POST", "/register"),
    ("GET", "/calculator"),
    ("GET", "/policy"),
    ("GET", "/announcements/{id}"),
    ("GET", "/api/announcements"),
    ("GET", "/api/policies"),
    ("POST", "/api/policy/evaluate"),
    ("POST", "/api/auth/login"),
    ("POST", "/api/auth/logout"),
    ("POST", "/api/auth/register"),
];

/// Whether `row` (a path with placeholders or literal ids) is a request for `route` (axum's
/// syntax); the number of literal segments matched, to prefer `/orgs/new` over `/orgs/{id}`
/// as axum does.
fn matches(route: &str, row: &str) -> Option<usize> {
    let row = row.split('?').next().unwrap_or_default();
    let (route, row): (Vec<&str>, Vec<&str>) = (route.split('/').collect(), row.split('/').collect());
    if route.len() != row.len() {
        return None;
    }
    let mut literal = 0;
    for (r, w) in route.iter().zip(&row) {
        if r.starts_with('{') {
            continue;
        }
        if r != w {
            return None;
        }
        literal += 1;
    }
    Some(literal)
}

/// The application's routes (the API's from its OpenAPI document, the pages' from
/// `yincai_web::page_routes()`) that have no row here, and rows for no route.
async fn uncovered_routes(app: &TestApp) -> Vec<String> {
    let (status, doc) = app.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK, "{}: the OpenAPI document", app.label);
    let mut known: Vec<(String, String)> = doc["paths"]
        .as_object()
        .expect("the document's paths")
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .expect("a path's operations")
                .keys()
                .filter(|m| ["get", "post", "put", "delete", "patch"].contains(&m.as_str()))
                .map(move |m| (m.to_uppercase(), path.clone()))
        })
        .collect();
    assert!(
        known.len() > 80,
        "{}: the API documents {} routes",
        app.label,
        known.len()
    );
    known.extend(
        yincai_web::page_routes()
            .iter()
            .map(|(m, p)| (m.to_string(), p.to_string())),
    );
    let rows: Vec<(String, String)> = routes()
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .chain(OPEN_ROUTES.iter().map(|(m, p)| (m.to_string(), p.to_string())))
        .collect();
    let mut covered = vec![false; known.len()];
    let mut failures = Vec::new();
    for (method, row) in &rows {
        // The route axum would take: the one matching with the most literal segments.
        let best = known
            .iter()
            .enumerate()
            .filter(|(_, (m, _))| m == method)
            .filter_map(|(i, (_, route))| matches(route, row).map(|n| (n, i)))
            .max();
        match best {
            Some((_, i)) => covered[i] = true,
            None => failures.push(format!("a row for no route of the application: {method} {row}")),
        }
    }
    for ((method, route), covered) in known.iter().zip(covered) {
        if !covered {
            failures.push(format!("no row in the route × role matrix for {method} {route}"));
        }
    }
    failures
}

/// Pages and API routes that anyone may open.
const PUBLIC: [&str; 7] = [
    "/api/announcements",
    "/",
    "/login",
    "/register",
    "/healthz",
    "/api/openapi.json",
    "/api/roles",
];

#[tokio::test]
async fn every_route_as_every_role() {
    for app in TestApp::on_every_backend().await {
        let own = app.org_id("阿拉山口市口岸经济研究中心").await.to_string();
        let foreign = app.org_id("阿拉山口市文化馆").await.to_string();
        let user = app.user_id("talent").await.to_string();
        let mine = common::save_profile(&app, "talent", "110101199003071233", "13812345678")
            .await
            .to_string();
        let cand = common::save_new_applicant(&app, "applicant2", "11010519491231002X", "13912345678")
            .await
            .to_string();
        let item = {
            let unit = app.app.authenticate(&app.login("unit").await).await.unwrap();
            let object = yincai_app::workflow::WorkflowObject {
                object_type: "route_test".into(),
                object_id: "1".into(),
            };
            let def = &yincai_domain::workflow::ANNUAL_PLAN;
            let ctx = Default::default();
            app.app
                .start_workflow(&unit, def, &object, unit.org_id, &ctx)
                .await
                .unwrap()
                .to_string()
        };
        let meeting = {
            let coord = app.app.authenticate(&app.login("coord").await).await.unwrap();
            let input = yincai_app::meetings::MeetingInput {
                number: "路由测试会议".into(),
                title: "人才工作领导小组会议".into(),
                held_on: "2026-01-05".into(),
            };
            app.app
                .create_meeting(&coord, &input, &Default::default())
                .await
                .unwrap()
                .to_string()
        };
        let plan = {
            let unit = app.login("unit").await;
            let body = json!({"year": 2027, "title": "路由测试计划", "positions": [
                {"title": "研究员", "openings": 1, "field": "口岸物流", "mode": "recruit"}]});
            let (_, plan) = app.post("/api/plans", &unit, body).await;
            plan["id"].to_string()
        };
        // {splan}: a plan of the unit's that was submitted (no longer a draft to delete).
        let splan = {
            let unit = app.login("unit").await;
            let body = json!({"year": 2027, "title": "路由测试已提交计划", "positions": [
                {"title": "研究员", "openings": 1, "field": "口岸物流", "mode": "recruit"}]});
            let (_, plan) = app.post("/api/plans", &unit, body).await;
            let act = json!({"action": "submit", "version": plan["workflow_version"]});
            let path = format!("/api/workflow/{}/act", plan["workflow_item_id"]);
            app.post_ok(&path, &unit, act).await;
            plan["id"].to_string()
        };
        // An open position of `org`; `who` applies to it: the application's id.
        let apply = async |org: &str, who: &str| {
            let today = app.app.today();
            let day = |n: i64| today.checked_add(jiff::Span::new().days(n)).unwrap().to_string();
            let by = app.user_id("coord").await;
            let mut tx = app.app.store.begin_write().await.unwrap();
            let (_, position) = tx
                .insert_test_plan_position(
                    org.parse().unwrap(),
                    by,
                    &day(-1),
                    &day(1),
                    Some(app.app.now()),
                    "路由测试岗位",
                    1,
                    "recruit",
                )
                .await
                .unwrap();
            tx.commit().await.unwrap();
            let token = app.login(who).await;
            let body = json!({"position_id": position});
            let (status, a) = app.post("/api/applications", &token, body).await;
            assert!(status.is_success(), "{}: {who} applies: {status} {a}", app.label);
            a["id"].to_string()
        };
        let appl = apply(&own, "talent").await;
        let sibling = app.org_id("阿拉山口市综合保税区服务中心").await.to_string();
        let fappl = apply(&sibling, "applicant2").await;
        // Real records for the scope rows: a talent of another unit of the same department
        // (the unit must not see it, the department must) with an installment of its money.
        let ftalent = app
            .seed_talent(common::SeedTalent {
                name: "他单位人才",
                unit_user: "unit2",
                // Category 3 with a verified project: a 项目启动资金 for the leading group to fix.
                facts: Some(yincai_policy::facts::Facts {
                    person: yincai_policy::facts::Person {
                        degree: yincai_policy::facts::Degree::Bachelor,
                        full_time: true,
                        leading_technology: true,
                        ..Default::default()
                    },
                    mode: yincai_policy::facts::Mode::Special,
                    assessments: Vec::new(),
                    project_verified: true,
                    ..common::doctor_facts("他单位人才")
                }),
                ..Default::default()
            })
            .await;
        let finst = app.seed_installments(ftalent, 500_000, &["2025-03-01"]).await[0].to_string();
        let ftalent = ftalent.to_string();
        let otalent = app
            .seed_talent(common::SeedTalent {
                name: "本单位人才",
                facts: Some(common::doctor_facts("本单位人才")),
                ..Default::default()
            })
            .await
            .to_string();
        // The demo's 刘洋: his application (the unit's) waits at 办理引进手续.
        let procedure = {
            let coord = app.login("coord").await;
            let (_, list) = app.get("/api/applications?limit=200", &coord).await;
            list["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["candidate_name"] == "刘洋")
                .unwrap_or_else(|| panic!("{}: 刘洋's application in {list}", app.label))["id"]
                .to_string()
        };
        // Another applicant's file, on their registration form.
        let fatt = {
            let part = reqwest::multipart::Part::bytes(b"%PDF-1.4\n%%EOF\n".to_vec()).file_name("degree.pdf");
            let form = reqwest::multipart::Form::new()
                .text("object_type", "candidate")
                .text("object_id", cand.clone())
                .text("purpose", "学历学位证书")
                .part("file", part);
            let resp = app
                .http
                .post(app.url("/api/attachments"))
                .bearer_auth(app.login("applicant2").await)
                .multipart(form)
                .send()
                .await
                .unwrap();
            let body: serde_json::Value = resp.json().await.unwrap();
            body["id"]
                .as_i64()
                .unwrap_or_else(|| panic!("{}: upload: {body}", app.label))
                .to_string()
        };
        // A fixing (待遇额度核定) proposed for the other unit's talent.
        let ffix = {
            let coord = app.login("coord").await;
            let body = json!({"benefit_code": "startup_fund", "amount": "500000", "project": "口岸物流课题",
                "reason": "牵头口岸物流重点课题"});
            let path = format!("/api/talents/{ftalent}/fixings");
            let (status, fixing) = app.post(&path, &coord, body).await;
            fixing["id"]
                .as_i64()
                .unwrap_or_else(|| panic!("{}: propose a fixing: {status} {fixing}", app.label))
                .to_string()
        };
        // An ending (因故解除) proposed for the other unit's talent: a draft, nothing ended.
        let fend = {
            let coord = app.login("coord").await;
            let body = json!({"cause": "breach", "ended_on": "2026-06-30", "reason": "未履行服务协议，经市协调办核实",
                "basis": "市协调办核实报告"});
            let path = format!("/api/talents/{ftalent}/endings");
            let (status, ending) = app.post(&path, &coord, body).await;
            ending["id"]
                .as_i64()
                .unwrap_or_else(|| panic!("{}: propose an ending: {status} {ending}", app.label))
                .to_string()
        };
        // The demo's paid batch (高峰's first year) and its decided 一事一议 case (孙建国).
        let first_id = async |who: &str, path: &str| {
            let (status, list) = app.get(path, &app.login(who).await).await;
            let rows = list["rows"].as_array().or(list.as_array()).cloned().unwrap_or_default();
            rows.first()
                .and_then(|r| r["id"].as_i64())
                .unwrap_or_else(|| panic!("{}: a record in {path}: {status} {list}", app.label))
                .to_string()
        };
        let batch = first_id("finance", "/api/fund/batches").await;
        let case = first_id("coord", "/api/special-cases").await;
        let fill = |p: &str| {
            p.replace("{own}", &own)
                .replace("{ftalent}", &ftalent)
                .replace("{batch}", &batch)
                .replace("{case}", &case)
                .replace("{fappl}", &fappl)
                .replace("{otalent}", &otalent)
                .replace("{procedure}", &procedure)
                .replace("{fatt}", &fatt)
                .replace("{ffix}", &ffix)
                .replace("{fend}", &fend)
                .replace("{finst}", &finst)
                .replace("{splan}", &splan)
                .replace("{plan}", &plan)
                .replace("{appl}", &appl)
                .replace("{item}", &item)
                .replace("{meeting}", &meeting)
                .replace("{foreign}", &foreign)
                .replace("{user}", &user)
                .replace("{cand}", &cand)
                .replace("{mine}", &mine)
        };
        let mut tokens = Vec::new();
        for name in DEMO_USERS {
            let token = app.login(name).await;
            let csrf = app.page_csrf(&token).await;
            tokens.push((name, token, csrf));
        }
        let mut failures = uncovered_routes(&app).await;
        for route in routes() {
            let path = fill(route.path);
            for (name, token, csrf) in &tokens {
                let expected = if route.allowed.contains(name) {
                    route.ok
                } else if route.hidden_from.contains(name) {
                    404
                } else if route.denied == 404 && !ORG_READERS.contains(name) {
                    403 // without the permission at all, scope is never reached
                } else {
                    route.denied
                };
                assert_ne!(expected, 0, "{} {}: {name} must be allowed", route.method, route.path);
                let status = if route.path.starts_with("/api/") {
                    app.call(route.method.clone(), &path, Some(token), route.body.clone())
                        .await
                        .0
                        .as_u16()
                } else {
                    // A page's form: the session's CSRF token and the row's fields, so a
                    // refusal is the use case's, not the CSRF check's.
                    let cookie = format!("yincai_session={token}");
                    let request = app
                        .http
                        .request(route.method.clone(), app.url(&path))
                        .header("cookie", cookie);
                    let request = if route.method == Method::POST {
                        request.form(&form_of(csrf, route.body.as_ref(), &fill))
                    } else {
                        request
                    };
                    request.send().await.unwrap().status().as_u16()
                };
                if status != expected {
                    failures.push(format!(
                        "{} {} as {name}: {status}, expected {expected}",
                        route.method, route.path
                    ));
                }
            }
            // Nobody: the API answers 401, a page sends to the login page.
            let status = app
                .call(route.method.clone(), &path, None, route.body.clone())
                .await
                .0
                .as_u16();
            let expected = if route.path.starts_with("/api/") && route.path != "/api/roles" {
                401
            } else if route.path == "/api/roles" {
                200
            } else {
                303
            };
            if status != expected {
                failures.push(format!(
                    "{} {} anonymously: {status}, expected {expected}",
                    route.method, route.path
                ));
            }
        }
        for path in PUBLIC {
            let status = app.http.get(app.url(path)).send().await.unwrap().status();
            if status != StatusCode::OK {
                failures.push(format!("GET {path} anonymously: {status}"));
            }
        }
        // The policy calculator's API is public: anyone may evaluate facts.
        let facts = json!({"as_of": "2016-06-30", "mode": "recruit", "start": "2015-01-10"});
        let (status, _) = app.post_anonymous("/api/policy/evaluate", facts).await;
        if status != StatusCode::OK {
            failures.push(format!("POST /api/policy/evaluate anonymously: {status}"));
        }
        assert!(failures.is_empty(), "{}:\n{}", app.label, failures.join("\n"));
        app.stop().await;
    }
}

#[tokio::test]
async fn unknown_routes_answer_404_in_the_right_language() {
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    let (status, body) = app.call(Method::GET, "/api/nothing-here", None, None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let resp = app.http.get(app.url("/nothing-here")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert!(resp.text().await.unwrap().contains("页面不存在"));
    app.stop().await;
}
