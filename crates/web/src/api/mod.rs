//! The JSON API under `/api/`, documented at `/api/openapi.json`. Errors are JSON with a
//! stable `code` and a Chinese `message` ([`crate::error::ErrorBody`]).

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::AppState;
use crate::error::ApiError;

// The API handlers of every feature, by their short names (each lives in its feature's folder).
use crate::administration::accounts::api as accounts;
use crate::administration::audit::api as audit;
use crate::administration::orgs::api as orgs;
pub(crate) use crate::attachments::api as attachments;
use crate::benefits::endings::api as endings;
use crate::benefits::fixings::api as fixings;
use crate::benefits::fund::api as fund;
use crate::benefits::gate::api as gate;
use crate::benefits::housing::api as housing;
use crate::benefits::projection::api as projection;
use crate::benefits::recovery::api as recovery;
use crate::benefits::service_record::api as service_record;
use crate::benefits::talents::api as talents;
use crate::introduction::applications::api as applications;
use crate::introduction::candidates::api as candidates;
use crate::introduction::meetings::api as meetings;
use crate::introduction::plans::api as plans;
pub(crate) use crate::policy::api as policy;
use crate::workflow::api as workflow;
use crate::workflow::tasks_api as tasks;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi_json))
        .merge(accounts::routes())
        .merge(attachments::routes())
        .merge(orgs::routes())
        .merge(candidates::routes())
        .merge(applications::routes())
        .merge(talents::routes())
        .merge(tasks::routes())
        .merge(workflow::routes())
        .merge(meetings::routes())
        .merge(plans::routes())
        .merge(audit::routes())
        .merge(policy::routes())
        .merge(projection::routes())
        .merge(fund::routes())
        .merge(recovery::routes())
        .merge(housing::routes())
        .merge(gate::routes())
        .merge(service_record::routes())
        .merge(fixings::routes())
        .merge(endings::routes())
        .fallback(|| async { ApiError(yincai_app::AppError::NotFound("接口".into())) })
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "yincai 引才 API",
        description = "阿拉山口市人才引进服务平台接口。登录取得令牌后以 `Authorization: Bearer <token>` 调用；错误以 JSON 返回稳定的 code 与中文 message。",
        version = "0.1.0"
    ),
    paths(
        accounts::login, accounts::logout, accounts::register, accounts::me, accounts::change_password,
        accounts::list_users, accounts::create_user, accounts::get_user, accounts::unlock_user,
        accounts::reset_password, accounts::set_roles, accounts::disable_user, accounts::enable_user, accounts::roles,
        accounts::list_proposals, accounts::confirm_proposal, accounts::reject_proposal,
        orgs::list_orgs, orgs::create_org, orgs::get_org, orgs::update_org,
        candidates::get_my_profile, candidates::put_my_profile, candidates::list_candidates,
        candidates::get_candidate, candidates::reveal_candidate,
        applications::apply, applications::my_applications, applications::list_applications, applications::get_application, applications::put_checklist, applications::generate_letter, applications::get_letter,
        tasks::my_tasks,
        attachments::upload_attachment, attachments::list_attachments, attachments::download_attachment,
        workflow::get_item, workflow::act_on_item,
        plans::list_plans, plans::create_plan, plans::get_plan, plans::update_plan, plans::delete_plan, plans::put_announcement, plans::list_announcements,
        meetings::list_meetings, meetings::create_meeting, meetings::get_meeting, meetings::add_agenda_item,
        meetings::decide_agenda_item, meetings::remove_agenda_item, meetings::close_meeting, meetings::reschedule_meeting,
        talents::get_procedure, talents::put_procedure, talents::list_talents, talents::get_talent, talents::put_bank_account, talents::get_my_talent, talents::put_my_bank_account,
        talents::list_special_cases, talents::open_special_case, talents::get_special_case, talents::put_special_case, talents::submit_special_case,
        audit::list_audit, audit::verify_audit,
        policy::evaluate_policy, policy::list_policies,
        projection::fund_projection,
        gate::list_assessments, gate::record_assessment, gate::file_assessment, gate::due_installments, gate::start_releases, gate::get_certificate, gate::my_benefits,
        service_record::list_service_months, service_record::record_service_months, service_record::confirm_service_months,
        fund::get_fund, fund::put_budget, fund::get_installment, fund::pay_installment, fund::list_batches, fund::create_batch, fund::get_batch, fund::pay_batch,
        recovery::get_evaluations, recovery::reevaluate, recovery::list_recoveries, recovery::get_recovery, recovery::repay,
        fixings::talent_fixings, fixings::propose_fixing, fixings::get_fixing, fixings::put_fixing, fixings::submit_fixing,
        endings::talent_endings, endings::propose_ending, endings::get_ending, endings::put_ending, endings::submit_ending,
        housing::get_housing, housing::add_unit, housing::update_unit, housing::allocate, housing::gift, housing::return_unit, housing::talent_housing,
    ),
    modifiers(&BearerAuth, &StandardResponses),
    tags(
        (name = "accounts", description = "登录、注册、账号与角色"),
        (name = "organisations", description = "机构（第四至八条）"),
        (name = "candidates", description = "人才登记表（第十二条第二项）：证件号、手机号加密存储、脱敏显示，查看完整号码须说明理由并记入审计"),
        (name = "applications", description = "报名与资格审查（第十二条第二、三项）：报名、审查清单、第十条人才类别及理由、补正修改对比、招聘/特聘意向书；各环节操作经 /api/workflow/{item_id}/act 办理"),
        (name = "tasks", description = "待办"),
        (name = "attachments", description = "附件：PDF、JPG、PNG，单个不超过 5 MB，按文件内容识别类型（名称或声明类型不符即拒收）；只有能查看所属对象的人可以下载"),
        (name = "workflow", description = "审批事项：办理进度、办理记录与操作（乐观版本：提交读取时的 version）"),
        (name = "meetings", description = "领导小组会议：议程、逐项决定与批复文号（领导小组只在会议上作出决定）"),
        (name = "plans", description = "年度引进计划与特设岗位（第十二条第一项、第二十一条；第十三条第一项：不设年龄、编制限制）；引进公告（公开，无需登录）"),
        (name = "talents", description = "引进手续（第十一条、第十二条第四至五项：招聘合同、调动手续、特聘服务协议）与人才库（第六条）：确认入库时固定政策版本、事实与计算结果"),
        (name = "special_cases", description = "一事一议：协调办提出事由与拟议待遇，领导小组在会议上审议决定"),
        (name = "audit", description = "审计日志（仅审计管理员）"),
        (name = "benefits", description = "待遇兑现关口（第十九条、第二十二至二十三条）：年度考核录入与备案、到期待遇、提请发放、兑现证明、本人待遇"),
        (name = "housing", description = "人才住房（第十四条）：住房登记、按层次面积分配、免费居住、满年限赠予、提前离开收回"),
        (name = "recovery", description = "重新评估与追回（第二十七条）：事实变化重新评估并显示差异（不改写冻结的评估）；领导小组批准因故解除后取消未发放待遇、按政策文件指定的解释追回已发金额、逐笔登记还款"),
        (name = "endings", description = "因故解除（第二十七条）：协调办核实后提出解除议案（情形、解除日期、核实情况与依据；用人单位弄虚作假须写明责任人），报领导小组在会议上审批；批准后取消未发放待遇、追回已发金额、收回未赠予住房，单位弄虚作假记入该单位"),
        (name = "fixings", description = "待遇额度核定（第十四条第㈠、㈡、㈦项）：项目启动资金等政策规定幅度或由领导小组酌定的待遇，协调办拟定额度，领导小组在会议上核定；核定后生成发放计划，经第十九条关口发放"),
        (name = "fund", description = "专项资金（第二十九条）：年度预算、分期支付与今后 10 年应付预测"),
        (name = "policy", description = "政策计算（公开，无需登录）：引进范围、人才类别、待遇与条款依据，见 docs/adr/0002-policy-engine.md"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// The refusals every operation may meet, added where the operation does not describe
/// them itself (its own description wins). Each rule states when the status can really
/// occur: 400 for an operation with parameters or a body (a path segment or query value of
/// the wrong type, malformed JSON); 401 for one that needs a login; 403 for one that needs
/// a login (permission, CSRF token) or changes state (cross-site guard); 404 for one with a
/// path parameter (no such record, or not visible); 409 for a state change that needs a
/// login (stale version, duplicate, already handled); 415 for one with a JSON body; 422 for
/// every operation, since a control character in any query value is refused with 422
/// naming the parameter.
struct StandardResponses;

impl utoipa::Modify for StandardResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let response = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build()
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let has_path_param = path.contains('{');
            let ops = [
                (false, &mut item.get),
                (true, &mut item.put),
                (true, &mut item.post),
                (true, &mut item.delete),
                (true, &mut item.patch),
            ];
            for (writes, op) in ops {
                let Some(op) = op.as_mut() else { continue };
                let has_params = op.parameters.as_ref().is_some_and(|p| !p.is_empty()) || has_path_param;
                let has_body = op.request_body.is_some();
                let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
                let rules = [
                    (
                        "400",
                        has_params || has_body,
                        "请求无法读取：路径或查询参数类型不符，或 JSON 格式错误",
                    ),
                    ("401", secured, "未登录、令牌无效或登录已超时"),
                    (
                        "403",
                        secured || writes,
                        "无权执行此操作、须先修改密码、缺少 X-CSRF-Token 或跨站请求",
                    ),
                    ("404", has_path_param, "记录不存在或不在可见范围内"),
                    ("409", secured && writes, "版本已过期、记录重复或事项已被处理"),
                    (
                        "415",
                        has_body,
                        "请求体类型不符：JSON 接口须设置 Content-Type: application/json",
                    ),
                    (
                        "422",
                        true,
                        "输入不符合要求（含不可见的控制字符等），errors 逐项指出字段",
                    ),
                ];
                for (status, applies, description) in rules {
                    if applies && !op.responses.responses.contains_key(status) {
                        op.responses
                            .responses
                            .insert(status.to_string(), response(description).into());
                    }
                }
            }
        }
    }
}

async fn openapi_json() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

/// A JSON body whose rejections (bad syntax, wrong types, too large) are answered in
/// the API's error format, in Chinese. Every string of the body, at any depth, is
/// checked for control characters before it is read into `T`
/// ([`crate::edge::check_json`]: 422 naming the field by its JSON key).
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let value = match Json::<serde_json::Value>::from_request(req, state).await {
            Ok(Json(v)) => v,
            Err(rejection) => return Err(json_rejection(rejection)),
        };
        if let Err(e) = crate::edge::check_json(&value) {
            return Err(crate::error::reject(
                true,
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_input",
                e.message.clone(),
                vec![e],
            ));
        }
        serde_json::from_value::<T>(value).map(ApiJson).map_err(|e| {
            ApiError::bad_request(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_input",
                format!("字段缺失或类型不符：{e}。请对照接口文档 /api/openapi.json 修改"),
            )
        })
    }
}

fn json_rejection(r: JsonRejection) -> Response {
    match r {
        JsonRejection::MissingJsonContentType(_) => ApiError::bad_request(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "请求体须为 JSON，并设置 Content-Type: application/json".into(),
        ),
        JsonRejection::JsonSyntaxError(e) => ApiError::bad_request(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("JSON 格式错误：{}。请检查请求体", e.body_text()),
        ),
        JsonRejection::JsonDataError(e) => ApiError::bad_request(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            format!(
                "字段缺失或类型不符：{}。请对照接口文档 /api/openapi.json 修改",
                e.body_text()
            ),
        ),
        JsonRejection::BytesRejection(_) => ApiError::bad_request(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "请求体过大（上限 1 MiB）或不完整，请精简后重试".into(),
        ),
        other => ApiError::bad_request(
            other.status(),
            "bad_request",
            format!("无法读取请求：{}", other.body_text()),
        ),
    }
}

/// A page of results with the total, for every list endpoint.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PageOf<T> {
    pub rows: Vec<T>,
    pub total: i64,
    pub offset: i64,
    pub limit: i64,
}

/// A store's page as the API's page, each row in its API shape: one conversion for every list endpoint.
impl<R, T: From<R>> From<yincai_store::Page<R>> for PageOf<T> {
    fn from(page: yincai_store::Page<R>) -> Self {
        PageOf {
            rows: page.rows.into_iter().map(T::from).collect(),
            total: page.total,
            offset: page.offset,
            limit: page.limit,
        }
    }
}

/// `offset` and `limit` (1-200, default 50) of a list endpoint.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct Window {
    pub offset: Option<i64>,
    pub limit: Option<i64>,
}

/// The largest `offset` a list endpoint takes (far beyond any real table), so that no
/// arithmetic on it can overflow.
pub const MAX_OFFSET: i64 = 1_000_000_000;

impl Window {
    /// The window a list filter's own `offset` and `limit` ask for (each filter names them for its parameters).
    pub fn new(offset: Option<i64>, limit: Option<i64>) -> Window {
        Window { offset, limit }
    }
    pub fn offset(&self) -> i64 {
        self.offset.unwrap_or(0).clamp(0, MAX_OFFSET)
    }
    pub fn limit(&self) -> i64 {
        self.limit.unwrap_or(50).clamp(1, 200)
    }
}
