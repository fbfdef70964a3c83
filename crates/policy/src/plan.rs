//! Loading a policy file: parse, validate, and compile it into a [`Plan`] the evaluator runs.
//!
//! Validation collects every problem it can find, each naming the file, the line and the fix
//! (Chinese first, English second), so an analyst fixes a file in one pass.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::ops::Range;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::expr::{self, Cond, Stage};
use crate::file::*;
use crate::money::Fen;

/// What a section's citations are checked against: the file's articles and interpretations.
struct Known {
    articles: HashMap<String, ()>,
    interpretations: HashMap<String, ()>,
}

/// Most entitlement codes with amounts or housing a policy may define (fixed output arrays).
pub const MAX_VALUED_CODES: usize = 12;
/// Most non-monetary benefit rules (a 64-bit set in the output).
pub const MAX_BENEFIT_RULES: usize = 64;

/// Policy metadata, as shown to users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    pub id: String,
    pub title: String,
    pub document_number: String,
    pub issuer: String,
    pub issued: Date,
    pub effective: Date,
    pub expires: Option<Date>,
    pub version: String,
    pub interpreted_by: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    pub number: String,
    pub title: String,
    pub text: Option<String>,
    /// The chapter this article opens, if it is a chapter's first.
    #[serde(default)]
    pub chapter: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interpretation {
    pub id: String,
    pub number: Option<u32>,
    pub question: String,
    pub switch: Option<String>,
    pub chosen: String,
    pub reading: String,
    pub alternative: String,
    pub alternative_reading: String,
}

/// The readings the engine itself can switch (the `switch` key of an interpretation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Switches {
    /// Interpretation 2: money of year n is due only after year n's assessment is passed.
    pub assessment_gate: bool,
    /// Interpretation 4: a degree counts only when full-time.
    pub degree_needs_full_time: bool,
    /// Interpretation 6: the settlement allowance needs year 1's own assessment passed
    /// (instead of the first passed assessment).
    pub settlement_needs_year_one_pass: bool,
    /// Interpretation 11: Art. 27 cancels everything (instead of keeping what was due by the end).
    pub cancel_all: bool,
}

impl Default for Switches {
    fn default() -> Self {
        Switches {
            assessment_gate: true,
            degree_needs_full_time: true,
            settlement_needs_year_one_pass: false,
            cancel_all: true,
        }
    }
}

/// Switch name → (option that turns it on, option that turns it off).
const SWITCHES: &[(&str, &str, &str)] = &[
    ("assessment_gate", "gate", "no_gate"),
    ("degree_full_time", "full_time_only", "any_degree"),
    ("settlement_timing", "year_one_assessment", "first_passed_assessment"),
    ("cancellation", "cancel_all", "keep_due_before_end"),
];

/// A condition with its source text (for explanations and why-not).
#[derive(Debug, Clone)]
pub struct Condition {
    pub cond: Cond,
    pub source: String,
}

#[derive(Debug, Clone)]
pub struct Category {
    pub number: u8,
    pub article: String,
    pub when: Condition,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct Exclusion {
    pub id: String,
    pub article: String,
    pub when: Condition,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct Tier {
    pub level: u8,
    pub article: String,
    pub when: Condition,
}

#[derive(Debug, Clone)]
pub struct Route {
    pub id: String,
    pub article: String,
    pub when: Condition,
    /// Bit i set: applies to valued code slot i.
    pub slots: u32,
}

/// A dated amount in fen: the value in force on a date is the last step from on or before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    steps: Box<[(Date, Fen)]>,
}

impl Param {
    #[inline]
    pub fn at(&self, date: Date) -> Option<Fen> {
        self.steps.iter().rev().find(|(from, _)| *from <= date).map(|(_, v)| *v)
    }
    /// Every (from, value) step, oldest first.
    pub fn steps(&self) -> &[(Date, Fen)] {
        &self.steps
    }
}

#[derive(Debug, Clone)]
pub struct Bracket {
    pub when: Condition,
    pub amount: Param,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LumpDue {
    /// Interpretation 6: at the first passed assessment once a service year is complete.
    FirstPassedAssessment,
    /// After this many complete years (and `due_if`), with no assessment gate.
    AfterYears(u32),
}

#[derive(Debug, Clone)]
pub enum Payout {
    Monthly {
        brackets: Vec<Bracket>,
        max_months: u32,
    },
    LumpSum {
        amount: Param,
        due: LumpDue,
        due_if: Option<Condition>,
    },
    Housing {
        area_m2: u32,
        gift_after_years: Option<u32>,
        gift_if: Option<Condition>,
    },
    Range {
        min: Param,
        max: Param,
    },
    Discretionary,
    PerYear {
        per_year: Param,
        cap: Option<Param>,
        max_years: Option<u32>,
        min_service_months: u8,
    },
    Benefit,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub code: String,
    pub name: String,
    pub article: String,
    pub when: Condition,
    pub description: Option<String>,
    pub interpretations: Vec<String>,
    pub payout: Payout,
    /// Index into the valued codes (money or housing), or the benefit bit for `Benefit`.
    pub slot: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duty {
    ContinuousYears(u32),
    MonthsPerYear(u8),
}

#[derive(Debug, Clone)]
pub struct Obligation {
    pub id: String,
    pub name: String,
    pub article: String,
    pub when: Condition,
    pub duty: Duty,
}

#[derive(Debug, Clone)]
pub struct Cancellation {
    pub id: String,
    pub article: String,
    pub when: Condition,
    pub reason: String,
}

/// A validated, compiled policy: what the evaluator runs.
#[derive(Debug, Clone)]
pub struct Plan {
    pub meta: Meta,
    pub articles: Vec<Article>,
    pub interpretations: Vec<Interpretation>,
    pub categories: Vec<Category>,
    pub exclusions: Vec<Exclusion>,
    pub tiers: Vec<Tier>,
    pub routes: Vec<Route>,
    pub rules: Vec<Rule>,
    /// Entitlement codes with money or housing, by slot.
    pub valued_codes: Vec<String>,
    pub obligations: Vec<Obligation>,
    pub cancellations: Vec<Cancellation>,
    pub switches: Switches,
}

impl Plan {
    /// The article's title and text, for showing it where a result cites it.
    pub fn article(&self, number: &str) -> Option<&Article> {
        self.articles.iter().find(|a| a.number == number)
    }
}

/// One problem in a policy file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyError {
    pub file: String,
    pub line: Option<usize>,
    /// What is wrong, in Chinese then English.
    pub message: String,
    /// What to do about it.
    pub fix: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}: {}", self.file, line, self.message, self.fix),
            None => write!(f, "{}: {}: {}", self.file, self.message, self.fix),
        }
    }
}

/// Every problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PolicyErrors(pub Vec<PolicyError>);

impl fmt::Display for PolicyErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

/// Parses, validates and compiles one policy file. `file` names it in errors.
pub fn compile_policy(file: &str, source: &str) -> Result<Plan, PolicyErrors> {
    let mut cx = Compiler {
        file,
        source,
        errors: Vec::new(),
        used_interpretations: BTreeSet::new(),
        article_spans: Vec::new(),
    };
    let raw: RawPolicy = match toml::from_str(source) {
        Ok(raw) => raw,
        Err(e) => {
            let line = e.span().map(|s| cx.line(s.start));
            let message = e.message().trim().to_owned();
            let fix = if message.contains("unknown field") {
                "删除或更正该键 (remove or correct the key)".to_owned()
            } else if message.contains("missing field") {
                "补上该键 (add the key)".to_owned()
            } else {
                "按 docs/adr/0002-policy-engine.md 的格式修改 (follow the file format)".to_owned()
            };
            return Err(PolicyErrors(vec![PolicyError {
                file: file.to_owned(),
                line,
                message: format!("文件格式错误 (invalid policy file): {message}"),
                fix,
            }]));
        }
    };
    let plan = cx.compile(raw);
    if cx.errors.is_empty() {
        Ok(plan)
    } else {
        cx.errors.sort_by_key(|e| e.line);
        Err(PolicyErrors(cx.errors))
    }
}

struct Compiler<'a> {
    file: &'a str,
    source: &'a str,
    errors: Vec<PolicyError>,
    used_interpretations: BTreeSet<String>,
    /// (byte offset, article number), to suggest the nearest preceding article for a rule.
    article_spans: Vec<(usize, String)>,
}

impl Compiler<'_> {
    fn line(&self, offset: usize) -> usize {
        let end = offset.min(self.source.len());
        self.source.as_bytes()[..end].iter().filter(|b| **b == b'\n').count() + 1
    }

    fn error(&mut self, span: &Range<usize>, message: String, fix: String) {
        let line = Some(self.line(span.start));
        self.errors.push(PolicyError {
            file: self.file.to_owned(),
            line,
            message,
            fix,
        });
    }

    fn date(&mut self, span: &Range<usize>, what: &str, value: &toml::value::Datetime) -> Date {
        let parsed = value.date.and_then(|d| {
            Date::new(
                i16::try_from(d.year).ok()?,
                i8::try_from(d.month).ok()?,
                i8::try_from(d.day).ok()?,
            )
            .ok()
        });
        match (parsed, value.time.is_some()) {
            (Some(date), false) => date,
            _ => {
                self.error(
                    span,
                    format!("{what} 不是日期 (not a date): {value}"),
                    "写成 2014-11-05 (write a plain date)".to_owned(),
                );
                Date::MIN
            }
        }
    }

    fn condition(&mut self, source: &Spanned<String>, what: &str, max_stage: Stage) -> Condition {
        let text = source.get_ref().clone();
        match expr::compile(&text) {
            Ok(cond) => {
                if cond.stage() > max_stage {
                    self.error(
                        &source.span(),
                        format!(
                            "{what} 的条件引用了尚未确定的事实 (condition uses a fact decided later): `{text}`"
                        ),
                        "类别条件不能引用 category()/tier，档次条件不能引用 tier (categories may not use category() or tier; tiers may not use tier)".to_owned(),
                    );
                }
                Condition { cond, source: text }
            }
            Err(e) => {
                self.error(
                    &source.span(),
                    format!(
                        "{what} 的条件有误 (bad condition) `{text}` 第 {} 个字符: {}",
                        e.offset + 1,
                        e.message
                    ),
                    "按条件语法修改 (see the condition syntax in docs/adr/0002-policy-engine.md)".to_owned(),
                );
                Condition {
                    cond: Cond::always(),
                    source: text,
                }
            }
        }
    }

    fn citation(
        &mut self,
        span: &Range<usize>,
        what: &str,
        article: &Option<String>,
        known: &HashMap<String, ()>,
    ) -> String {
        match article {
            Some(a) if known.contains_key(a) => a.clone(),
            Some(a) => {
                self.error(
                    span,
                    format!("{what} 引用的条款 {a} 不在文件中 (cites an article not in the file)"),
                    format!("add an [[article]] with number = \"{a}\", or correct the citation"),
                );
                a.clone()
            }
            None => {
                let suggestion = self
                    .article_spans
                    .iter()
                    .rev()
                    .find(|(offset, _)| *offset < span.start)
                    .map_or("13(2)".to_owned(), |(_, n)| n.clone());
                self.error(
                    span,
                    format!("{what} 缺少条款引用 (has no citation)"),
                    format!("add article = \"{suggestion}\""),
                );
                String::new()
            }
        }
    }

    fn interpretations(&mut self, span: &Range<usize>, what: &str, ids: &[String], known: &HashMap<String, ()>) {
        for id in ids {
            if known.contains_key(id) {
                self.used_interpretations.insert(id.clone());
            } else {
                self.error(
                    span,
                    format!("{what} 引用了未定义的解释 `{id}` (unknown interpretation)"),
                    "add an [[interpretation]] with that id, or correct it".to_owned(),
                );
            }
        }
    }

    fn param(&mut self, what: &str, raw: &Spanned<RawParam>, effective: Date) -> Param {
        let span = raw.span();
        let mut steps: Vec<(Date, Fen)> = Vec::new();
        for (from, value) in &raw.get_ref().0 {
            let date = match from {
                Some(d) => self.date(&span, what, d),
                None => effective,
            };
            if *value < 0 {
                self.error(
                    &span,
                    format!("{what} 金额为负 (negative amount): {value}"),
                    "amounts are whole yuan >= 0".to_owned(),
                );
            }
            if let Some((prev, _)) = steps.last()
                && *prev >= date
            {
                self.error(
                    &span,
                    format!("{what} 的日期未按先后排列 (dates out of order): {date} 不晚于 {prev}"),
                    "list the values by increasing `from` date".to_owned(),
                );
            }
            steps.push((date, value.saturating_mul(100)));
        }
        if steps.is_empty() {
            self.error(
                &span,
                format!("{what} 没有取值 (no value)"),
                "give at least one {from, value}".to_owned(),
            );
            steps.push((effective, 0));
        }
        Param {
            steps: steps.into_boxed_slice(),
        }
    }

    /// Compiles the file section by section; every section reports its errors to the same
    /// sink, so one run lists every problem of the file.
    fn compile(&mut self, raw: RawPolicy) -> Plan {
        let meta_span = raw.policy.span();
        let meta = self.compile_meta(&meta_span, raw.policy.into_inner());
        // Articles first: every citation is checked against them.
        let (articles, known_articles) = self.compile_articles(&raw.article);
        let (interpretations, switches, known_interpretations) = self.compile_interpretations(&raw.interpretation);
        let known = Known {
            articles: known_articles,
            interpretations: known_interpretations,
        };
        let categories = self.compile_categories(&meta_span, &raw.category, &known);
        let exclusions = self.compile_exclusions(&raw.exclusion, &known);
        let tiers = self.compile_tiers(&meta_span, &raw.tier, &known);
        let (rules, valued_codes) = self.compile_rules(&meta_span, &raw.rule, &known, meta.effective);
        let routes = self.compile_routes(&raw.route, &known, &valued_codes);
        let obligations = self.compile_obligations(&raw.obligation, &known);
        let cancellations = self.compile_cancellations(&raw.cancellation, &known);
        self.check_interpretations_used(&raw.interpretation);
        self.check_tier_references(&meta_span, tiers.len(), &rules, &routes);
        Plan {
            meta,
            articles,
            interpretations,
            categories,
            exclusions,
            tiers,
            routes,
            rules,
            valued_codes,
            obligations,
            cancellations,
            switches,
        }
    }

    /// The `[policy]` table: identity and dates in order.
    fn compile_meta(&mut self, meta_span: &Range<usize>, m: RawMeta) -> Meta {
        let issued = self.date(meta_span, "issued", &m.issued);
        let effective = self.date(meta_span, "effective", &m.effective);
        let expires = m.expires.as_ref().map(|d| self.date(meta_span, "expires", d));
        if issued > effective {
            self.error(
                meta_span,
                format!("发布日期 {issued} 晚于生效日期 {effective} (dates out of order)"),
                "effective must be on or after issued".to_owned(),
            );
        }
        if let Some(x) = expires
            && x <= effective
        {
            self.error(
                meta_span,
                format!("失效日期 {x} 不晚于生效日期 {effective} (dates out of order)"),
                "expires must be after effective".to_owned(),
            );
        }
        Meta {
            id: m.id,
            title: m.title,
            document_number: m.document_number,
            issuer: m.issuer,
            issued,
            effective,
            expires,
            version: m.version,
            interpreted_by: m.interpreted_by,
            note: m.note,
        }
    }

    /// `[[article]]`: numbers well formed and unique.
    fn compile_articles(&mut self, raw: &[Spanned<RawArticle>]) -> (Vec<Article>, HashMap<String, ()>) {
        let mut known_articles = HashMap::new();
        let mut articles = Vec::new();
        for a in raw {
            let span = a.span();
            let a = a.get_ref();
            if !is_citation(&a.number) {
                self.error(
                    &span,
                    format!("条款编号 `{}` 格式不对 (bad article number)", a.number),
                    "write 13 or 13(2)".to_owned(),
                );
            }
            if known_articles.insert(a.number.clone(), ()).is_some() {
                self.error(
                    &span,
                    format!("条款 {} 重复 (duplicate article)", a.number),
                    "keep one [[article]] per number".to_owned(),
                );
            }
            self.article_spans.push((span.start, a.number.clone()));
            articles.push(Article {
                number: a.number.clone(),
                title: a.title.clone(),
                text: a.text.clone(),
                chapter: a.chapter.clone(),
            });
        }
        (articles, known_articles)
    }

    /// `[[interpretation]]`: unique ids; a switch names an engine switch and one of its options.
    fn compile_interpretations(
        &mut self,
        raw: &[Spanned<RawInterpretation>],
    ) -> (Vec<Interpretation>, Switches, HashMap<String, ()>) {
        let mut known_interpretations = HashMap::new();
        let mut switches = Switches::default();
        let mut interpretations = Vec::new();
        for i in raw {
            let span = i.span();
            let i = i.get_ref();
            if known_interpretations.insert(i.id.clone(), ()).is_some() {
                self.error(
                    &span,
                    format!("解释 {} 重复 (duplicate interpretation)", i.id),
                    "give each interpretation its own id".to_owned(),
                );
            }
            if let Some(switch) = &i.switch {
                match SWITCHES.iter().find(|(name, _, _)| name == switch) {
                    None => {
                        let names: Vec<&str> = SWITCHES.iter().map(|s| s.0).collect();
                        self.error(
                            &span,
                            format!("引擎没有开关 `{switch}` (unknown switch)"),
                            format!("use one of {}", names.join(", ")),
                        );
                    }
                    Some((name, on, off)) => {
                        let options = [*on, *off];
                        for (key, value) in [("chosen", &i.chosen), ("alternative", &i.alternative)] {
                            if !options.contains(&value.as_str()) {
                                self.error(
                                    &span,
                                    format!("开关 {name} 没有选项 `{value}` ({key}: unknown option)"),
                                    format!("use {on} or {off}"),
                                );
                            }
                        }
                        let on = i.chosen == *on;
                        match *name {
                            "assessment_gate" => switches.assessment_gate = on,
                            "degree_full_time" => switches.degree_needs_full_time = on,
                            "settlement_timing" => switches.settlement_needs_year_one_pass = on,
                            _ => switches.cancel_all = on,
                        }
                    }
                }
            }
            interpretations.push(Interpretation {
                id: i.id.clone(),
                number: i.number,
                question: i.question.clone(),
                switch: i.switch.clone(),
                chosen: i.chosen.clone(),
                reading: i.reading.clone(),
                alternative: i.alternative.clone(),
                alternative_reading: i.alternative_reading.clone(),
            });
        }
        (interpretations, switches, known_interpretations)
    }

    /// `[[category]]`: cited, numbered 1..n without gaps.
    fn compile_categories(
        &mut self,
        meta_span: &Range<usize>,
        raw: &[Spanned<RawCategory>],
        known: &Known,
    ) -> Vec<Category> {
        let mut categories = Vec::new();
        for c in raw {
            let span = c.span();
            let c = c.get_ref();
            let what = format!("类别 {}", c.number);
            let article = self.citation(&span, &what, &c.article, &known.articles);
            self.interpretations(&span, &what, &c.interpretations, &known.interpretations);
            let when = self.condition(&c.when, &what, Stage::Input);
            categories.push(Category {
                number: c.number,
                article,
                when,
                reason: c.reason.clone(),
            });
        }
        categories.sort_by_key(|c| c.number);
        for (i, c) in categories.iter().enumerate() {
            if usize::from(c.number) != i + 1 {
                self.error(
                    meta_span,
                    format!(
                        "类别编号须为 1 到 {} 且不重复 (categories must be numbered 1..n without gaps), 见类别 {}",
                        expr::MAX_CATEGORIES,
                        c.number
                    ),
                    "renumber the [[category]] entries".to_owned(),
                );
                break;
            }
        }
        if categories.len() > expr::MAX_CATEGORIES {
            self.error(
                meta_span,
                format!("最多 {} 个类别 (too many categories)", expr::MAX_CATEGORIES),
                "merge categories".to_owned(),
            );
        }
        categories
    }

    /// `[[exclusion]]`.
    fn compile_exclusions(&mut self, raw: &[Spanned<RawExclusion>], known: &Known) -> Vec<Exclusion> {
        let mut exclusions = Vec::new();
        for x in raw {
            let span = x.span();
            let x = x.get_ref();
            let what = format!("排除规则 {}", x.id);
            let article = self.citation(&span, &what, &x.article, &known.articles);
            self.interpretations(&span, &what, &x.interpretations, &known.interpretations);
            let when = self.condition(&x.when, &what, Stage::Category);
            exclusions.push(Exclusion {
                id: x.id.clone(),
                article,
                when,
                reason: x.reason.clone(),
            });
        }
        exclusions
    }

    /// `[[tier]]`: levels run 1, 2, 3... without overlap.
    fn compile_tiers(&mut self, meta_span: &Range<usize>, raw: &[Spanned<RawTier>], known: &Known) -> Vec<Tier> {
        let mut tiers = Vec::new();
        for t in raw {
            let span = t.span();
            let t = t.get_ref();
            let what = format!("档次 {}", t.level);
            let article = self.citation(&span, &what, &t.article, &known.articles);
            self.interpretations(&span, &what, &t.interpretations, &known.interpretations);
            let when = self.condition(&t.when, &what, Stage::Category);
            tiers.push((
                span,
                Tier {
                    level: t.level,
                    article,
                    when,
                },
            ));
        }
        tiers.sort_by_key(|(_, t)| t.level);
        for (i, (span, t)) in tiers.iter().enumerate() {
            let expected = i + 1;
            match usize::from(t.level).cmp(&expected) {
                std::cmp::Ordering::Less => self.error(
                    span,
                    format!(
                        "档次 {} 重复 (overlapping tiers: two tiers of level {})",
                        t.level, t.level
                    ),
                    "give each [[tier]] its own level".to_owned(),
                ),
                std::cmp::Ordering::Greater => self.error(
                    span,
                    format!("缺少档次 {expected} (missing tier {expected}): levels must run 1, 2, 3..."),
                    format!("add a [[tier]] with level = {expected} or renumber"),
                ),
                std::cmp::Ordering::Equal => {}
            }
        }
        if tiers.len() > expr::MAX_TIERS {
            self.error(
                meta_span,
                format!("最多 {} 个档次 (too many tiers)", expr::MAX_TIERS),
                "merge tiers".to_owned(),
            );
        }
        tiers.into_iter().map(|(_, t)| t).collect()
    }

    /// `[[rule]]`: unique ids, one kind per code; codes get slots in order of first appearance.
    fn compile_rules(
        &mut self,
        meta_span: &Range<usize>,
        raw: &[Spanned<RawRule>],
        known: &Known,
        effective: Date,
    ) -> (Vec<Rule>, Vec<String>) {
        let mut valued_codes: Vec<String> = Vec::new();
        let mut code_kinds: HashMap<String, RawKind> = HashMap::new();
        let mut rule_ids = HashMap::new();
        let mut rules = Vec::new();
        let mut benefit_count = 0usize;
        for r in raw {
            let span = r.span();
            let r = r.get_ref();
            let what = format!("规则 {}", r.id);
            if rule_ids.insert(r.id.clone(), ()).is_some() {
                self.error(
                    &span,
                    format!("规则 {} 重复 (duplicate rule id)", r.id),
                    "give each rule its own id".to_owned(),
                );
            }
            let article = self.citation(&span, &what, &r.article, &known.articles);
            self.interpretations(&span, &what, &r.interpretations, &known.interpretations);
            let when = match &r.when {
                Some(w) => self.condition(w, &what, Stage::Tier),
                None => Condition {
                    cond: Cond::always(),
                    source: "true".to_owned(),
                },
            };
            if let Some(kind) = code_kinds.insert(r.code.clone(), r.kind)
                && kind != r.kind
            {
                self.error(
                    &span,
                    format!("{what}: 同一待遇 {} 的种类不一致 (code used with two kinds)", r.code),
                    "use one kind per code".to_owned(),
                );
            }
            let payout = self.payout(&span, &what, r, effective);
            let slot = if matches!(payout, Payout::Benefit) {
                benefit_count += 1;
                (benefit_count - 1).min(MAX_BENEFIT_RULES - 1) as u8
            } else {
                match valued_codes.iter().position(|c| *c == r.code) {
                    Some(i) => i as u8,
                    None => {
                        valued_codes.push(r.code.clone());
                        (valued_codes.len() - 1).min(MAX_VALUED_CODES - 1) as u8
                    }
                }
            };
            rules.push(Rule {
                id: r.id.clone(),
                code: r.code.clone(),
                name: r.name.clone(),
                article,
                when,
                description: r.description.clone(),
                interpretations: r.interpretations.clone(),
                payout,
                slot,
            });
        }
        if valued_codes.len() > MAX_VALUED_CODES {
            self.error(
                meta_span,
                format!("有金额或住房的待遇最多 {MAX_VALUED_CODES} 种 (too many entitlement codes)"),
                "merge codes".to_owned(),
            );
        }
        if benefit_count > MAX_BENEFIT_RULES {
            self.error(
                meta_span,
                format!("非货币待遇规则最多 {MAX_BENEFIT_RULES} 条 (too many benefit rules)"),
                "merge benefit rules".to_owned(),
            );
        }
        (rules, valued_codes)
    }

    /// `[[route]]`: the codes it routes must be valued codes of the rules.
    fn compile_routes(&mut self, raw: &[Spanned<RawRoute>], known: &Known, valued_codes: &[String]) -> Vec<Route> {
        let mut routes = Vec::new();
        for r in raw {
            let span = r.span();
            let r = r.get_ref();
            let what = format!("路径 {}", r.id);
            let article = self.citation(&span, &what, &r.article, &known.articles);
            self.interpretations(&span, &what, &r.interpretations, &known.interpretations);
            let when = self.condition(&r.when, &what, Stage::Tier);
            let mut slots = 0u32;
            for code in &r.codes {
                match valued_codes.iter().position(|c| c == code) {
                    Some(i) => slots |= 1 << i,
                    None => self.error(
                        &span,
                        format!("{what} 引用了未定义的待遇 `{code}` (unknown code)"),
                        format!("use one of {}", valued_codes.join(", ")),
                    ),
                }
            }
            routes.push(Route {
                id: r.id.clone(),
                article,
                when,
                slots,
            });
        }
        routes
    }

    /// `[[obligation]]`: exactly one duty each.
    fn compile_obligations(&mut self, raw: &[Spanned<RawObligation>], known: &Known) -> Vec<Obligation> {
        let mut obligations = Vec::new();
        for o in raw {
            let span = o.span();
            let o = o.get_ref();
            let what = format!("义务 {}", o.id);
            let article = self.citation(&span, &what, &o.article, &known.articles);
            self.interpretations(&span, &what, &o.interpretations, &known.interpretations);
            let when = self.condition(&o.when, &what, Stage::Tier);
            let duty = match (o.continuous_years, o.months_per_year) {
                (Some(y), None) => Duty::ContinuousYears(y),
                (None, Some(m)) if m <= 12 => Duty::MonthsPerYear(m),
                _ => {
                    self.error(
                        &span,
                        format!("{what} 须恰有 continuous_years 或 months_per_year 之一 (needs exactly one duty)"),
                        "write continuous_years = 5 or months_per_year = 6".to_owned(),
                    );
                    Duty::ContinuousYears(0)
                }
            };
            obligations.push(Obligation {
                id: o.id.clone(),
                name: o.name.clone(),
                article,
                when,
                duty,
            });
        }
        obligations
    }

    /// `[[cancellation]]`.
    fn compile_cancellations(&mut self, raw: &[Spanned<RawCancellation>], known: &Known) -> Vec<Cancellation> {
        let mut cancellations = Vec::new();
        for c in raw {
            let span = c.span();
            let c = c.get_ref();
            let what = format!("取消规则 {}", c.id);
            let article = self.citation(&span, &what, &c.article, &known.articles);
            self.interpretations(&span, &what, &c.interpretations, &known.interpretations);
            let when = self.condition(&c.when, &what, Stage::Category);
            cancellations.push(Cancellation {
                id: c.id.clone(),
                article,
                when,
                reason: c.reason.clone(),
            });
        }
        cancellations
    }

    /// A reading that no rule uses documents nothing the engine does.
    fn check_interpretations_used(&mut self, raw: &[Spanned<RawInterpretation>]) {
        for i in raw {
            if !self.used_interpretations.contains(&i.get_ref().id) {
                let id = i.get_ref().id.clone();
                self.error(
                    &i.span(),
                    format!("解释 {id} 未被任何规则引用 (interpretation no rule uses)"),
                    format!("add \"{id}\" to the interpretations of the rules it governs, or remove it"),
                );
            }
        }
    }

    /// Conditions testing a tier level the file does not define.
    fn check_tier_references(&mut self, meta_span: &Range<usize>, defined: usize, rules: &[Rule], routes: &[Route]) {
        let all_conditions = rules
            .iter()
            .map(|r| (&r.id, &r.when))
            .chain(routes.iter().map(|r| (&r.id, &r.when)));
        let missing: Vec<(String, u32)> = all_conditions
            .filter_map(|(id, c)| c.cond.undefined_tier(defined).map(|l| (id.clone(), l)))
            .collect();
        for (id, level) in missing {
            self.error(
                meta_span,
                format!("规则 {id} 引用了未定义的档次 {level} (missing tier)"),
                format!("add a [[tier]] with level = {level}"),
            );
        }
    }

    fn payout(&mut self, span: &Range<usize>, what: &str, r: &RawRule, effective: Date) -> Payout {
        let missing = |cx: &mut Self, key: &str, example: &str| {
            cx.error(
                span,
                format!("{what} ({:?}) 缺少 {key} (missing {key})", r.kind),
                format!("add {key} = {example}"),
            );
        };
        match r.kind {
            RawKind::Monthly => {
                let mut brackets = Vec::new();
                for b in &r.bracket {
                    let when = self.condition(&b.get_ref().when, what, Stage::Tier);
                    let amount = self.param(what, &b.get_ref().amount, effective);
                    brackets.push(Bracket { when, amount });
                }
                if brackets.is_empty() {
                    missing(
                        self,
                        "[[rule.bracket]]",
                        "{ when = \"degree == doctor\", amount = 2000 }",
                    );
                }
                self.check_brackets_exclusive(span, what, &brackets);
                let max_months = r.max_months.unwrap_or_else(|| {
                    missing(self, "max_months", "60");
                    0
                });
                Payout::Monthly { brackets, max_months }
            }
            RawKind::LumpSum => {
                let amount = match &r.amount {
                    Some(a) => self.param(what, a, effective),
                    None => {
                        missing(self, "amount", "100000");
                        Param {
                            steps: Box::new([(effective, 0)]),
                        }
                    }
                };
                let due = match (r.due, r.due_after_years) {
                    (Some(RawDue::FirstPassedAssessment), None) => LumpDue::FirstPassedAssessment,
                    (Some(RawDue::AfterYears), Some(y)) => LumpDue::AfterYears(y),
                    _ => {
                        missing(
                            self,
                            "due",
                            "\"first_passed_assessment\" (or \"after_years\" with due_after_years = 5)",
                        );
                        LumpDue::FirstPassedAssessment
                    }
                };
                let due_if = r.due_if.as_ref().map(|c| self.condition(c, what, Stage::Tier));
                Payout::LumpSum { amount, due, due_if }
            }
            RawKind::Housing => {
                let area_m2 = r.area_m2.unwrap_or_else(|| {
                    missing(self, "area_m2", "120");
                    0
                });
                let gift_if = r.gift_if.as_ref().map(|c| self.condition(c, what, Stage::Tier));
                Payout::Housing {
                    area_m2,
                    gift_after_years: r.gift_after_years,
                    gift_if,
                }
            }
            RawKind::Range if r.discretionary => Payout::Discretionary,
            RawKind::Range => match (&r.min, &r.max) {
                (Some(min), Some(max)) => {
                    let (min, max) = (self.param(what, min, effective), self.param(what, max, effective));
                    Payout::Range { min, max }
                }
                _ => {
                    missing(self, "min/max", "500000 / 3000000 (or discretionary = true)");
                    Payout::Discretionary
                }
            },
            RawKind::PerYear => {
                let per_year = match &r.per_year {
                    Some(p) => self.param(what, p, effective),
                    None => {
                        missing(self, "per_year", "100000");
                        Param {
                            steps: Box::new([(effective, 0)]),
                        }
                    }
                };
                let cap = r.cap.as_ref().map(|c| self.param(what, c, effective));
                if cap.is_none() && r.max_years.is_none() {
                    missing(self, "cap or max_years", "500000 / 3");
                }
                Payout::PerYear {
                    per_year,
                    cap,
                    max_years: r.max_years,
                    min_service_months: r.min_service_months.unwrap_or(0),
                }
            }
            RawKind::Benefit => Payout::Benefit,
        }
    }

    /// Brackets of one rule must not overlap: every combination of the facts they read
    /// (a small finite set) may match at most one bracket.
    fn check_brackets_exclusive(&mut self, span: &Range<usize>, what: &str, brackets: &[Bracket]) {
        let mut vars: Vec<&'static expr::Var> = brackets.iter().flat_map(|b| b.when.cond.vars()).collect();
        vars.sort_by_key(|v| v.base);
        vars.dedup_by_key(|v| v.base);
        let combos: usize = vars.iter().map(|v| v.values.len()).product();
        if combos > 1 << 16 {
            return; // too many to enumerate; the evaluator takes the first match anyway
        }
        for n in 0..combos {
            let mut word = 0u128;
            let mut rest = n;
            let mut described = Vec::new();
            for v in &vars {
                let i = rest % v.values.len();
                rest /= v.values.len();
                word |= expr::bit(v.base, i as u32);
                described.push(format!("{} = {}", v.name, v.values[i].0));
            }
            let matching: Vec<&str> = brackets
                .iter()
                .filter(|b| b.when.cond.holds(word))
                .map(|b| b.when.source.as_str())
                .collect();
            if matching.len() > 1 {
                self.error(
                    span,
                    format!(
                        "{what} 的分档重叠 (overlapping brackets) 当 {}: {}",
                        described.join(", "),
                        matching.join(" | ")
                    ),
                    "make the bracket conditions mutually exclusive".to_owned(),
                );
                return;
            }
        }
    }
}

/// `13` or `13(2)`.
fn is_citation(s: &str) -> bool {
    let (article, item) = match s.split_once('(') {
        Some((a, rest)) => match rest.strip_suffix(')') {
            Some(item) => (a, Some(item)),
            None => return false,
        },
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    digits(article) && item.is_none_or(digits)
}
