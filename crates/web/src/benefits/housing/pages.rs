//! Housing in the browser (Art. 14): `/housing` (the register of housing units with the
//! form to register one, and every allocation with its gift and return actions, for the
//! coordination office) and `/housing/talents/{id}` (a talent's housing entitlement from the
//! current report (the last re-evaluation), their allocations, and the form to allocate a free unit large enough).

use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use yincai_app::housing::{AllocateInput, CloseInput, HousingOverview, TalentHousing, UnitInput};
use yincai_domain::lifecycle::HousingUnitState;

use crate::auth::{Form, PageCall};
use crate::layout::Layout;
use crate::pages::{FieldErrors, after_submit, form_status, render_with};
use crate::{AppState, PageResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/housing", get(overview))
        .route("/housing/units", post(add_unit))
        .route("/housing/allocations", post(allocate))
        .route("/housing/allocations/{id}/gift", post(gift))
        .route("/housing/allocations/{id}/return", post(return_unit))
        .route("/housing/talents/{id}", get(talent))
}

/// What was typed in the page's forms, shown again with the errors.
#[derive(Default)]
struct Typed {
    unit: UnitInput,
    allocate: AllocateInput,
    /// The allocation whose return form failed, with what was typed.
    returning: Option<(i64, CloseInput)>,
}

#[derive(Template)]
#[template(path = "housing.html")]
struct OverviewPage {
    layout: Layout,
    o: HousingOverview,
    /// The talents the allocation form may name.
    talents: Vec<yincai_app::talents::TalentListRow>,
    typed: Typed,
    errors: FieldErrors,
}

impl OverviewPage {
    fn return_date(&self, id: &i64) -> &str {
        match &self.typed.returning {
            Some((r, input)) if r == id => &input.date,
            _ => "",
        }
    }
    fn return_reason(&self, id: &i64) -> &str {
        match &self.typed.returning {
            Some((r, input)) if r == id => &input.reason,
            _ => "",
        }
    }
    fn free_units(&self) -> Vec<&yincai_app::housing::UnitView> {
        self.o
            .units
            .iter()
            .filter(|u| u.row.status == HousingUnitState::Free)
            .collect()
    }
}

async fn overview_page(call: &PageCall, typed: Typed, errors: FieldErrors) -> PageResult {
    let o = call.app.housing_overview(&call.actor).await?;
    Ok(render_with(
        form_status(&errors),
        &OverviewPage {
            layout: call.layout("人才住房", "/housing"),
            o,
            talents: crate::pages::talent_choices(call).await?,
            typed,
            errors,
        },
    ))
}

async fn overview(call: PageCall) -> PageResult {
    overview_page(&call, Typed::default(), FieldErrors::default()).await
}

async fn add_unit(call: PageCall, form: Form<UnitInput>) -> PageResult {
    let result = call.app.add_housing_unit(&call.actor, &form.value, &call.ctx).await;
    after_submit(
        result,
        |u| format!("/housing?added={}#units", u.row.id),
        |errors| async move {
            let typed = Typed {
                unit: form.value,
                ..Typed::default()
            };
            overview_page(&call, typed, errors).await
        },
    )
    .await
}

/// The allocation form of `/housing` and of a talent's page (`from=talent` goes back there).
#[derive(Debug, Default, serde::Deserialize)]
struct AllocateForm {
    #[serde(flatten)]
    input: AllocateInput,
    #[serde(default)]
    from: String,
}

async fn allocate(call: PageCall, form: Form<AllocateForm>) -> PageResult {
    let input = &form.value.input;
    match call.app.allocate_housing(&call.actor, input, &call.ctx).await {
        Ok(a) if form.value.from == "talent" => {
            Ok(Redirect::to(&format!("/housing/talents/{}", a.row.talent_id)).into_response())
        }
        Ok(a) => Ok(Redirect::to(&format!("/housing?allocated={}#allocations", a.row.id)).into_response()),
        Err(e) if !e.field_errors().is_empty() => {
            let errors = e.field_errors();
            if form.value.from == "talent"
                && let Ok(id) = input.talent_id.trim().parse::<i64>()
            {
                return talent_page(&call, id, input.clone(), errors.into()).await;
            }
            let typed = Typed {
                allocate: input.clone(),
                ..Typed::default()
            };
            overview_page(&call, typed, errors.into()).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn gift(call: PageCall, Path(id): Path<i64>, form: Form<CloseInput>) -> PageResult {
    let result = call.app.gift_housing(&call.actor, id, &form.value, &call.ctx).await;
    after_submit(
        result,
        |a| format!("/housing?gifted={}#allocations", a.row.id),
        |errors| overview_page(&call, Typed::default(), errors),
    )
    .await
}

async fn return_unit(call: PageCall, Path(id): Path<i64>, form: Form<CloseInput>) -> PageResult {
    let result = call.app.return_housing(&call.actor, id, &form.value, &call.ctx).await;
    after_submit(
        result,
        |a| format!("/housing?returned={}#allocations", a.row.id),
        |errors| async move {
            let typed = Typed {
                returning: Some((id, form.value)),
                ..Typed::default()
            };
            overview_page(&call, typed, errors).await
        },
    )
    .await
}

// ---- /housing/talents/{id} --------------------------------------------------------------

#[derive(Template)]
#[template(path = "housing_talent.html")]
struct TalentPage {
    layout: Layout,
    t: TalentHousing,
    form: AllocateInput,
    errors: FieldErrors,
}

impl TalentPage {}

async fn talent_page(call: &PageCall, id: i64, form: AllocateInput, errors: FieldErrors) -> PageResult {
    let t = call.app.talent_housing(&call.actor, id).await?;
    Ok(render_with(
        form_status(&errors),
        &TalentPage {
            layout: call.layout(format!("{} 的住房", t.talent_name), "/talents"),
            t,
            form,
            errors,
        },
    ))
}

async fn talent(call: PageCall, Path(id): Path<i64>) -> PageResult {
    talent_page(&call, id, AllocateInput::default(), FieldErrors::default()).await
}
