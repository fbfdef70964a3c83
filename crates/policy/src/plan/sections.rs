//! One compilation step a section of the file (`[policy]`, `[[article]]`, `[[rule]]`, ...):
//! each checks its citations and conditions and reports into the compiler's sink.

use std::collections::HashMap;
use std::ops::Range;

use jiff::civil::Date;
use toml::Spanned;

use super::compile::{Compiler, Known};
use super::*;
use crate::expr::{self, Cond, Stage};
use crate::file::*;

/// Switch name → (option that turns it on, option that turns it off).
const SWITCHES: &[(&str, &str, &str)] = &[
    ("assessment_gate", "gate", "no_gate"),
    ("degree_full_time", "full_time_only", "any_degree"),
    ("settlement_timing", "year_one_assessment", "first_passed_assessment"),
    ("cancellation", "cancel_all", "keep_due_before_end"),
];

impl Compiler<'_> {
    /// The `[policy]` table: identity and dates in order.
    pub(super) fn compile_meta(&mut self, meta_span: &Range<usize>, m: RawMeta) -> Meta {
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
    pub(super) fn compile_articles(&mut self, raw: &[Spanned<RawArticle>]) -> (Vec<Article>, HashMap<String, ()>) {
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
    pub(super) fn compile_interpretations(
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
    pub(super) fn compile_categories(
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
            let article = self.cite(&span, &what, c, known);
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

    /// `[[exclusion]]` and `[[cancellation]]`: each cites, reads the category, gives a reason;
    /// `make` builds the one or the other.
    pub(super) fn compile_reasoned<T>(
        &mut self,
        label: &str,
        raw: &[Spanned<RawReasoned>],
        known: &Known,
        make: impl Fn(String, String, Condition, String) -> T,
    ) -> Vec<T> {
        let mut out = Vec::new();
        for x in raw {
            let span = x.span();
            let x = x.get_ref();
            let what = format!("{label} {}", x.id);
            let article = self.cite(&span, &what, x, known);
            let when = self.condition(&x.when, &what, Stage::Category);
            out.push(make(x.id.clone(), article, when, x.reason.clone()));
        }
        out
    }

    /// `[[tier]]`: levels run 1, 2, 3... without overlap.
    pub(super) fn compile_tiers(
        &mut self,
        meta_span: &Range<usize>,
        raw: &[Spanned<RawTier>],
        known: &Known,
    ) -> Vec<Tier> {
        let mut tiers = Vec::new();
        for t in raw {
            let span = t.span();
            let t = t.get_ref();
            let what = format!("档次 {}", t.level);
            let article = self.cite(&span, &what, t, known);
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
    pub(super) fn compile_rules(
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
            let article = self.cite(&span, &what, r, known);
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
    pub(super) fn compile_routes(
        &mut self,
        raw: &[Spanned<RawRoute>],
        known: &Known,
        valued_codes: &[String],
    ) -> Vec<Route> {
        let mut routes = Vec::new();
        for r in raw {
            let span = r.span();
            let r = r.get_ref();
            let what = format!("路径 {}", r.id);
            let article = self.cite(&span, &what, r, known);
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
    pub(super) fn compile_obligations(&mut self, raw: &[Spanned<RawObligation>], known: &Known) -> Vec<Obligation> {
        let mut obligations = Vec::new();
        for o in raw {
            let span = o.span();
            let o = o.get_ref();
            let what = format!("义务 {}", o.id);
            let article = self.cite(&span, &what, o, known);
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

    /// A reading that no rule uses documents nothing the engine does.
    pub(super) fn check_interpretations_used(&mut self, raw: &[Spanned<RawInterpretation>]) {
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
    pub(super) fn check_tier_references(
        &mut self,
        meta_span: &Range<usize>,
        defined: usize,
        rules: &[Rule],
        routes: &[Route],
    ) {
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
