//! Several policies side by side: the built-in ones, or every `*.toml` of a directory.
//! A case names its policy id, or gets the policy in force on its start date; versions of one
//! id (amendments) are told apart by their effective dates.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::facts::{FactError, Facts};
use crate::plan::{Plan, PolicyErrors, compile_policy};
use crate::report::{self, Report};

/// The policy files shipped in the binary (policies/*.toml).
const BUILTIN: &[(&str, &str)] = &[(
    "alashankou-2014.toml",
    include_str!("../../../policies/alashankou-2014.toml"),
)];

#[derive(Debug, thiserror::Error)]
pub enum SetError {
    #[error("{0}")]
    Policy(#[from] PolicyErrors),
    #[error("{}: 无法读取 (cannot read): {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: 政策 {id} 版本 {version} 重复 (two files define the same policy version): remove one")]
    Duplicate { path: String, id: String, version: String },
    #[error("没有政策 `{0}` (unknown policy id): use one of {1}")]
    UnknownPolicy(String, String),
    #[error("没有加载任何政策 (no policy loaded)")]
    Empty,
    #[error("{0}")]
    Facts(#[from] FactError),
}

#[derive(Debug, Clone)]
pub struct PolicySet {
    /// Sorted by effective date.
    plans: Vec<Plan>,
}

impl PolicySet {
    /// The policies embedded in the binary; they are validated by the crate's tests.
    pub fn builtin() -> PolicySet {
        PolicySet::from_sources(BUILTIN.iter().copied())
            .unwrap_or_else(|e| panic!("built-in policy files are invalid: {e}"))
    }

    /// Compiles named sources (file name, TOML text).
    pub fn from_sources<'a>(sources: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<PolicySet, SetError> {
        let mut set = PolicySet { plans: Vec::new() };
        for (name, source) in sources {
            set.add(name, compile_policy(name, source)?)?;
        }
        Ok(set)
    }

    /// Loads every `*.toml` file of a directory.
    pub fn load_dir(dir: &Path) -> Result<PolicySet, SetError> {
        let io = |path: &Path, source| SetError::Io {
            path: path.to_owned(),
            source,
        };
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| io(dir, e))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        let mut set = PolicySet { plans: Vec::new() };
        for path in &paths {
            let source = std::fs::read_to_string(path).map_err(|e| io(path, e))?;
            let name = path.display().to_string();
            set.add(&name, compile_policy(&name, &source)?)?;
        }
        if set.plans.is_empty() {
            return Err(SetError::Empty);
        }
        Ok(set)
    }

    /// Adds a compiled plan (an amendment is the same id with a later effective date).
    pub fn add(&mut self, name: &str, plan: Plan) -> Result<(), SetError> {
        if self
            .plans
            .iter()
            .any(|p| p.meta.id == plan.meta.id && p.meta.effective == plan.meta.effective)
        {
            return Err(SetError::Duplicate {
                path: name.to_owned(),
                id: plan.meta.id,
                version: plan.meta.version,
            });
        }
        self.plans.push(plan);
        self.plans.sort_by_key(|p| p.meta.effective);
        Ok(())
    }

    pub fn plans(&self) -> &[Plan] {
        &self.plans
    }

    /// The version of policy `id` in force on `date` (the earliest version before any is).
    pub fn get(&self, id: &str, date: Date) -> Option<&Plan> {
        Self::in_force_among(self.plans.iter().filter(|p| p.meta.id == id), date)
    }

    /// The policy in force on `date`, whatever its id.
    pub fn in_force(&self, date: Date) -> Option<&Plan> {
        Self::in_force_among(self.plans.iter(), date)
    }

    fn in_force_among<'a>(plans: impl Iterator<Item = &'a Plan> + Clone, date: Date) -> Option<&'a Plan> {
        plans
            .clone()
            .filter(|p| p.meta.effective <= date && p.meta.expires.is_none_or(|x| date < x))
            .last()
            .or_else(|| plans.into_iter().next())
    }

    /// The plan for an introduction: its policy id (or `default_id`) in the version in force
    /// on its start date, else whatever policy is in force on that date.
    pub fn select(&self, facts: &Facts, default_id: Option<&str>) -> Result<&Plan, SetError> {
        match facts.policy.as_deref().or(default_id) {
            Some(id) => self.get(id, facts.start).ok_or_else(|| {
                let mut ids: Vec<&str> = self.plans.iter().map(|p| p.meta.id.as_str()).collect();
                ids.dedup();
                SetError::UnknownPolicy(id.to_owned(), ids.join(", "))
            }),
            None => self.in_force(facts.start).ok_or(SetError::Empty),
        }
    }

    /// Checks the facts, selects the policy and evaluates: what `POST /api/policy/evaluate` does.
    pub fn evaluate(&self, facts: &Facts, with_trace: bool) -> Result<Report, SetError> {
        facts.check()?;
        let plan = self.select(facts, None)?;
        Ok(report::evaluate(plan, facts, with_trace))
    }
}
