//! yincai's use cases. Each command checks the actor's permission and scope, changes
//! state, and writes its audit record in the same transaction. No HTTP here: the web
//! layer turns requests into these calls and [`AppError`]s into responses.
#![forbid(unsafe_code)]

use std::sync::Arc;

use yincai_domain::crypto::FieldCipher;
use yincai_store::{NewAudit, Store};

pub mod administration;
pub mod attachments;
pub mod authz;
pub mod benefits;
pub mod clock;
pub mod demo;
pub mod demo_cases;
pub mod error;
pub mod introduction;
pub mod startup;
pub mod workflow;

// The modules by their short names, so that `crate::fund` and `yincai_app::fund` read
// as before; each lives in the folder of its context.
pub use administration::{accounts, audit, orgs, passwords};
pub use benefits::{endings, fixings, fund, gate, housing, projection, recovery, service_record, talents};
pub use introduction::{applications, candidates, meetings, plans, special_cases};
pub use workflow::tasks;

pub use authz::{Actor, Permission};
pub use clock::Clock;
pub use error::{AppError, FieldError};
pub use yincai_domain::{OrgKind, Role};

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// The built-in policies, compiled once per process.
static POLICIES: std::sync::LazyLock<yincai_policy::PolicySet> =
    std::sync::LazyLock::new(yincai_policy::PolicySet::builtin);

/// The policies the system applies (the same set the calculator and the API use).
pub fn policies() -> &'static yincai_policy::PolicySet {
    &POLICIES
}

/// Everything a use case needs; cheap to clone.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub cipher: Arc<FieldCipher>,
}

/// Facts of the request that every audit record carries.
#[derive(Debug, Clone, Default)]
pub struct RequestCtx {
    pub request_id: String,
}

impl App {
    pub fn new(store: Store, clock: Arc<dyn Clock>, cipher: FieldCipher) -> App {
        App {
            store,
            clock,
            cipher: Arc::new(cipher),
        }
    }

    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Today in Beijing (UTC+8), by the app's clock: the date every deadline and every
    /// open or close date is compared with.
    pub fn today(&self) -> jiff::civil::Date {
        clock::beijing_date(self.now())
    }

    /// The audit record of a change the system makes on its own (no one acting: the
    /// installments derived at start or by `yincai rederive`).
    pub(crate) fn audit_by_system(
        &self,
        ctx: &RequestCtx,
        action: &str,
        object: (&str, String),
        summary: String,
    ) -> NewAudit {
        NewAudit {
            at: self.now(),
            actor_id: None,
            actor_name: "system".into(),
            actor_role: String::new(),
            action: action.into(),
            object_type: object.0.into(),
            object_id: object.1,
            summary,
            reason: String::new(),
            request_id: ctx.request_id.clone(),
            result: "ok".into(),
        }
    }

    /// The audit record of a state change by `actor`.
    pub(crate) fn audit_by(
        &self,
        actor: &Actor,
        ctx: &RequestCtx,
        action: &str,
        object: (&str, String),
        summary: String,
    ) -> NewAudit {
        NewAudit {
            at: self.now(),
            actor_id: Some(actor.user_id),
            actor_name: actor.username.clone(),
            actor_role: actor.role_codes().join(","),
            action: action.into(),
            object_type: object.0.into(),
            object_id: object.1,
            summary,
            reason: String::new(),
            request_id: ctx.request_id.clone(),
            result: "ok".into(),
        }
    }
}
