//! The compiler: parses the file, then runs each section's compilation (`sections.rs`,
//! `payout.rs`) into one sink of errors.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use jiff::civil::Date;
use toml::Spanned;

use super::*;
use crate::expr::{self, Cond, Stage};
use crate::file::*;
use crate::money::Fen;

/// What a section's citations are checked against: the file's articles and interpretations.
pub(super) struct Known {
    pub(super) articles: HashMap<String, ()>,
    pub(super) interpretations: HashMap<String, ()>,
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

pub(super) struct Compiler<'a> {
    file: &'a str,
    source: &'a str,
    errors: Vec<PolicyError>,
    pub(super) used_interpretations: BTreeSet<String>,
    /// (byte offset, article number), to suggest the nearest preceding article for a rule.
    pub(super) article_spans: Vec<(usize, String)>,
}

impl Compiler<'_> {
    pub(super) fn line(&self, offset: usize) -> usize {
        let end = offset.min(self.source.len());
        self.source.as_bytes()[..end].iter().filter(|b| **b == b'\n').count() + 1
    }

    pub(super) fn error(&mut self, span: &Range<usize>, message: String, fix: String) {
        let line = Some(self.line(span.start));
        self.errors.push(PolicyError {
            file: self.file.to_owned(),
            line,
            message,
            fix,
        });
    }

    pub(super) fn date(&mut self, span: &Range<usize>, what: &str, value: &toml::value::Datetime) -> Date {
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

    pub(super) fn condition(&mut self, source: &Spanned<String>, what: &str, max_stage: Stage) -> Condition {
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

    pub(super) fn citation(
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

    pub(super) fn interpretations(
        &mut self,
        span: &Range<usize>,
        what: &str,
        ids: &[String],
        known: &HashMap<String, ()>,
    ) {
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

    /// What every cited entry checks first: its citation, and the interpretations it
    /// invokes (marked used). Returns the article.
    pub(super) fn cite(&mut self, span: &Range<usize>, what: &str, entry: &impl Cited, known: &Known) -> String {
        let article = self.citation(span, what, entry.article(), &known.articles);
        self.interpretations(span, what, entry.interpretations(), &known.interpretations);
        article
    }

    pub(super) fn param(&mut self, what: &str, raw: &Spanned<RawParam>, effective: Date) -> Param {
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
    pub(super) fn compile(&mut self, raw: RawPolicy) -> Plan {
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
        let exclusions = self.compile_reasoned("排除规则", &raw.exclusion, &known, |id, article, when, reason| {
            Exclusion {
                id,
                article,
                when,
                reason,
            }
        });
        let tiers = self.compile_tiers(&meta_span, &raw.tier, &known);
        let (rules, valued_codes) = self.compile_rules(&meta_span, &raw.rule, &known, meta.effective);
        let routes = self.compile_routes(&raw.route, &known, &valued_codes);
        let obligations = self.compile_obligations(&raw.obligation, &known);
        let cancellations = self.compile_reasoned(
            "取消规则",
            &raw.cancellation,
            &known,
            |id, article, when, reason| Cancellation {
                id,
                article,
                when,
                reason,
            },
        );
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
}
