//! The condition language of policy files, compiled to bit masks.
//!
//! A condition such as `(degree >= master or title >= vice_senior) and research_results`
//! speaks of a handful of discrete facts. Each fact value gets one bit of a `u128` feature
//! word (one-hot: a boolean has a `false` bit and a `true` bit), so every comparison is a
//! set of bits, negation is the complement within the fact, and a whole condition compiles
//! to conjunctive normal form: a list of clause masks, true when the word meets every clause.
//! Evaluation is then a few AND instructions, with no tree walk and no allocation.

use std::fmt::Write as _;

/// One fact a condition may test.
#[derive(Debug)]
pub struct Var {
    pub name: &'static str,
    pub zh: &'static str,
    pub base: u32,
    /// Value names in order (ordered facts allow `<`, `>=`...), with their Chinese labels.
    pub values: &'static [(&'static str, &'static str)],
    pub ordered: bool,
    pub stage: Stage,
}

/// When a fact becomes known during evaluation: a condition may only use facts of its stage or earlier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Given in the input (or derived from it and the dates).
    Input,
    /// Art. 10 categories.
    Category,
    /// The housing / settlement tier.
    Tier,
}

const BOOL: &[(&str, &str)] = &[("false", "否"), ("true", "是")];
// The value names of the facts come from the one vocabulary.
use crate::vocabulary::{DEGREES, EMPLOYERS, MODES, TITLES};
/// Tier levels: 0 means none; 1 is the highest.
pub const MAX_TIERS: usize = 7;
const TIERS: &[(&str, &str)] = &[
    ("0", "无"),
    ("1", "1"),
    ("2", "2"),
    ("3", "3"),
    ("4", "4"),
    ("5", "5"),
    ("6", "6"),
    ("7", "7"),
];

macro_rules! var {
    ($name:expr, $zh:expr, $base:expr, $values:expr, $ordered:expr, $stage:ident) => {
        Var {
            name: $name,
            zh: $zh,
            base: $base,
            values: $values,
            ordered: $ordered,
            stage: Stage::$stage,
        }
    };
    ($name:expr, $zh:expr, $base:expr) => {
        var!($name, $zh, $base, BOOL, false, Input)
    };
}

pub const DEGREE: u32 = 0;
pub const TITLE: u32 = 4;
pub const MODE: u32 = 9;
pub const EMPLOYER: u32 = 14;
pub const TIER: u32 = 17;
pub const FULL_TIME: u32 = 25;
pub const REGISTERED_PRACTITIONER: u32 = 27;
pub const LEADING_TECHNOLOGY: u32 = 29;
pub const RESEARCH_RESULTS: u32 = 31;
pub const SHORTAGE_FIELD: u32 = 33;
pub const PRACTICAL_TALENT: u32 = 35;
pub const AID_XINJIANG: u32 = 37;
pub const PROJECT_VERIFIED: u32 = 39;
pub const PROJECT_BENEFIT_SIGNIFICANT: u32 = 41;
pub const ENDED_FOR_CAUSE: u32 = 43;
pub const ENDED: u32 = 45;
pub const BEFORE_EFFECTIVE: u32 = 47;
pub const HONOURS: u32 = 49; // four booleans, 2 bits each
pub const CATEGORY: u32 = 57; // six booleans, 2 bits each
pub const ANY_CATEGORY: u32 = 69;
pub const MAX_CATEGORIES: usize = 6;

/// Every fact the condition language knows.
pub static VARS: &[Var] = &[
    var!("degree", "学位(计入的)", DEGREE, DEGREES, true, Input),
    var!("title", "职称", TITLE, TITLES, true, Input),
    var!("mode", "引进方式", MODE, MODES, false, Input),
    var!("employer", "引进单位", EMPLOYER, EMPLOYERS, false, Input),
    var!("tier", "待遇档次", TIER, TIERS, true, Tier),
    var!("full_time", "全日制学历", FULL_TIME),
    var!("registered_practitioner", "注册师执业资格", REGISTERED_PRACTITIONER),
    var!("leading_technology", "领先或填补空白的技术来阿创业", LEADING_TECHNOLOGY),
    var!("research_results", "有创新能力和科研成果", RESEARCH_RESULTS),
    var!("shortage_field", "急需紧缺专业", SHORTAGE_FIELD),
    var!("practical_talent", "实用性人才", PRACTICAL_TALENT),
    var!("aid_xinjiang", "援疆专业技术人才", AID_XINJIANG),
    var!("project_verified", "项目已落地并经论证", PROJECT_VERIFIED),
    var!(
        "project_benefit_significant",
        "项目连续实施且效益显著",
        PROJECT_BENEFIT_SIGNIFICANT
    ),
    var!("ended_for_cause", "因第二十七条情形解除", ENDED_FOR_CAUSE),
    var!("ended", "关系已结束", ENDED),
    var!("before_effective", "开始日期早于办法生效日", BEFORE_EFFECTIVE),
    var!("national_expert", crate::vocabulary::HONOURS[0].1, HONOURS),
    var!("national_leader", crate::vocabulary::HONOURS[1].1, HONOURS + 2),
    var!("provincial_expert", crate::vocabulary::HONOURS[2].1, HONOURS + 4),
    var!("provincial_leader", crate::vocabulary::HONOURS[3].1, HONOURS + 6),
    var!("category(1)", "第十条第㈠项", CATEGORY, BOOL, false, Category),
    var!("category(2)", "第十条第㈡项", CATEGORY + 2, BOOL, false, Category),
    var!("category(3)", "第十条第㈢项", CATEGORY + 4, BOOL, false, Category),
    var!("category(4)", "第十条第㈣项", CATEGORY + 6, BOOL, false, Category),
    var!("category(5)", "第十条第㈤项", CATEGORY + 8, BOOL, false, Category),
    var!("category(6)", "第十条第㈥项", CATEGORY + 10, BOOL, false, Category),
    var!("any_category", "属于第十条任一类", ANY_CATEGORY, BOOL, false, Category),
];

impl Var {
    fn group(&self) -> u128 {
        ((1u128 << self.values.len()) - 1) << self.base
    }
    fn bit(&self, value: usize) -> u128 {
        1u128 << (self.base + value as u32)
    }
    fn value_index(&self, name: &str) -> Option<usize> {
        self.values.iter().position(|(v, _)| *v == name)
    }
}

/// The single bit for `value` of the fact starting at `base`.
#[inline(always)]
pub fn bit(base: u32, value: u32) -> u128 {
    1u128 << (base + value)
}

/// The `false`/`true` bit of a boolean fact.
#[inline(always)]
pub fn flag(base: u32, value: bool) -> u128 {
    1u128 << (base + value as u32)
}

/// A compiled condition: clause masks in conjunctive normal form (empty = always true).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cond {
    clauses: Box<[u128]>,
    stage: Option<Stage>,
}

impl Cond {
    pub fn always() -> Cond {
        Cond::default()
    }

    #[inline(always)]
    pub fn holds(&self, word: u128) -> bool {
        self.clauses.iter().all(|c| word & c != 0)
    }

    /// The first clause the word fails, rendered for a person (Chinese, English).
    pub fn why_not(&self, word: u128) -> Option<(String, String)> {
        self.clauses.iter().find(|c| word & **c == 0).map(|c| render_clause(*c))
    }

    /// The latest stage of any fact this condition reads.
    pub fn stage(&self) -> Stage {
        self.stage.unwrap_or(Stage::Input)
    }

    /// A tier level above `defined` that this condition singles out (a tier the file lacks).
    pub fn undefined_tier(&self, defined: usize) -> Option<u32> {
        let undefined = (defined + 1..=MAX_TIERS).fold(0u128, |m, l| m | bit(TIER, l as u32));
        self.clauses.iter().find_map(|c| {
            let hit = c & undefined;
            (hit != 0 && hit != undefined).then(|| (hit >> TIER).trailing_zeros())
        })
    }

    /// Bits this condition reads (for enumerating its inputs during validation).
    pub fn vars(&self) -> Vec<&'static Var> {
        let all = self.clauses.iter().fold(0u128, |a, c| a | c);
        VARS.iter().filter(|v| v.group() & all != 0).collect()
    }
}

fn render_clause(clause: u128) -> (String, String) {
    let mut zh = Vec::new();
    let mut en = Vec::new();
    for var in VARS.iter().filter(|v| v.group() & clause != 0) {
        let picked: Vec<usize> = (0..var.values.len()).filter(|i| clause & var.bit(*i) != 0).collect();
        if var.values == BOOL {
            let yes = picked == [1];
            zh.push(format!("{}{}", if yes { "" } else { "非" }, var.zh));
            en.push(format!("{}{}", if yes { "" } else { "not " }, var.name));
        } else {
            let zh_values: Vec<&str> = picked.iter().map(|i| var.values[*i].1).collect();
            let en_values: Vec<&str> = picked.iter().map(|i| var.values[*i].0).collect();
            zh.push(format!("{}为{}", var.zh, zh_values.join("或")));
            if en_values.len() == 1 {
                en.push(format!("{} == {}", var.name, en_values[0]));
            } else {
                en.push(format!("{} in [{}]", var.name, en_values.join(", ")));
            }
        }
    }
    (zh.join("，或"), en.join(" or "))
}

/// A syntax or meaning error inside one condition, at a character offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    pub offset: usize,
    pub message: String,
}

/// Most clauses a condition may expand to (guards against an exponential CNF).
const MAX_CLAUSES: usize = 256;

/// Parses and compiles a condition.
pub fn compile(source: &str) -> Result<Cond, ExprError> {
    let tokens = lex(source)?;
    let mut parser = Parser {
        tokens,
        pos: 0,
        len: source.len(),
    };
    let nnf = parser.or(false)?;
    if let Some((offset, tok)) = parser.tokens.get(parser.pos) {
        return Err(ExprError {
            offset: *offset,
            message: format!("多余的内容 `{tok}` (unexpected `{tok}`): join conditions with and / or"),
        });
    }
    // Keep the clauses in the order written, so why-not names the first condition as written.
    let (mut clauses, stage) = nnf;
    let mut seen = Vec::new();
    clauses.retain(|c| {
        let first = !seen.contains(c);
        seen.push(*c);
        first
    });
    Ok(Cond {
        clauses: clauses.into_boxed_slice(),
        stage,
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Num(String),
    Sym(&'static str),
}

impl std::fmt::Display for Tok {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Tok::Ident(s) | Tok::Num(s) => f.write_str(s),
            Tok::Sym(s) => f.write_str(s),
        }
    }
}

fn lex(source: &str) -> Result<Vec<(usize, Tok)>, ExprError> {
    const SYMS: [&str; 11] = ["==", "!=", ">=", "<=", ">", "<", "(", ")", "[", "]", ","];
    let mut out = Vec::new();
    let mut rest = source.char_indices().peekable();
    while let Some(&(i, c)) = rest.peek() {
        if c.is_whitespace() {
            rest.next();
        } else if c.is_ascii_alphabetic() || c == '_' || c.is_ascii_digit() {
            let mut word = String::new();
            while let Some(&(_, c)) = rest.peek() {
                if c.is_ascii_alphanumeric() || c == '_' {
                    word.push(c);
                    rest.next();
                } else {
                    break;
                }
            }
            let tok = if word.bytes().all(|b| b.is_ascii_digit()) {
                Tok::Num(word)
            } else {
                Tok::Ident(word)
            };
            out.push((i, tok));
        } else if let Some(sym) = SYMS.iter().find(|s| source[i..].starts_with(**s)) {
            for _ in 0..sym.len() {
                rest.next();
            }
            out.push((i, Tok::Sym(sym)));
        } else {
            return Err(ExprError {
                offset: i,
                message: format!(
                    "无法识别的字符 `{c}` (unexpected character): use names, numbers, == != >= <= > < in [..] and or not ( )"
                ),
            });
        }
    }
    Ok(out)
}

type Nnf = (Vec<u128>, Option<Stage>);

struct Parser {
    tokens: Vec<(usize, Tok)>,
    pos: usize,
    len: usize,
}

fn and_of(a: Nnf, b: Nnf) -> Nnf {
    let mut clauses = a.0;
    clauses.extend(b.0);
    (clauses, a.1.max(b.1))
}

fn or_of(a: Nnf, b: Nnf, offset: usize) -> Result<Nnf, ExprError> {
    let mut clauses = Vec::with_capacity(a.0.len() * b.0.len());
    for x in &a.0 {
        for y in &b.0 {
            clauses.push(x | y);
        }
    }
    if clauses.len() > MAX_CLAUSES {
        return Err(ExprError {
            offset,
            message: "条件过于复杂 (condition too complex): split it into several rules".to_owned(),
        });
    }
    Ok((clauses, a.1.max(b.1)))
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|(_, t)| t)
    }
    fn offset(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.len, |(o, _)| *o)
    }
    fn err<T>(&self, message: String) -> Result<T, ExprError> {
        Err(ExprError {
            offset: self.offset(),
            message,
        })
    }
    fn eat_word(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Ident(w)) if w == word) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn eat_sym(&mut self, sym: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Sym(s)) if *s == sym) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn expect_sym(&mut self, sym: &str) -> Result<(), ExprError> {
        if self.eat_sym(sym) {
            Ok(())
        } else {
            self.err(format!("此处应为 `{sym}` (expected `{sym}`)"))
        }
    }

    // `negate` is pushed down to the literals (negation normal form), by De Morgan.
    fn or(&mut self, negate: bool) -> Result<Nnf, ExprError> {
        let mut acc = self.and(negate)?;
        loop {
            let offset = self.offset();
            if !self.eat_word("or") {
                return Ok(acc);
            }
            let rhs = self.and(negate)?;
            acc = if negate {
                and_of(acc, rhs)
            } else {
                or_of(acc, rhs, offset)?
            };
        }
    }

    fn and(&mut self, negate: bool) -> Result<Nnf, ExprError> {
        let mut acc = self.unary(negate)?;
        loop {
            let offset = self.offset();
            if !self.eat_word("and") {
                return Ok(acc);
            }
            let rhs = self.unary(negate)?;
            acc = if negate {
                or_of(acc, rhs, offset)?
            } else {
                and_of(acc, rhs)
            };
        }
    }

    fn unary(&mut self, negate: bool) -> Result<Nnf, ExprError> {
        if self.eat_word("not") {
            return self.unary(!negate);
        }
        if self.eat_sym("(") {
            let inner = self.or(negate)?;
            self.expect_sym(")")?;
            return Ok(inner);
        }
        if self.eat_word("true") {
            return Ok(constant(!negate));
        }
        if self.eat_word("false") {
            return Ok(constant(negate));
        }
        let (var, values) = self.comparison()?;
        let mut mask = values;
        if negate {
            mask = var.group() & !mask;
        }
        Ok((vec![mask], Some(var.stage)))
    }

    /// `name`, `name == v`, `name != v`, `name >= v`, `name in [a, b]`, `category(n)`.
    fn comparison(&mut self) -> Result<(&'static Var, u128), ExprError> {
        let Some(Tok::Ident(mut name)) = self.peek().cloned() else {
            return self.err(
                "此处应为事实名称 (expected a fact name such as degree, title, mode, research_results)".to_owned(),
            );
        };
        let name_offset = self.offset();
        self.pos += 1;
        if self.eat_sym("(") {
            let Some(Tok::Num(n)) = self.peek().cloned() else {
                return self.err("此处应为数字 (expected a number)".to_owned());
            };
            self.pos += 1;
            self.expect_sym(")")?;
            name = format!("{name}({n})");
        }
        let Some(var) = VARS.iter().find(|v| v.name == name) else {
            let known: Vec<&str> = VARS.iter().map(|v| v.name).collect();
            return Err(ExprError {
                offset: name_offset,
                message: format!("未知的事实 `{name}` (unknown fact): use one of {}", known.join(", ")),
            });
        };
        let op = match self.peek() {
            Some(Tok::Sym(s)) if ["==", "!=", ">=", "<=", ">", "<"].contains(s) => *s,
            Some(Tok::Ident(w)) if w == "in" => "in",
            _ => {
                if var.values != BOOL {
                    return self.err(format!(
                        "`{name}` 不是是非事实，须写比较 (not a yes/no fact): write e.g. `{name} == {}`",
                        var.values[1].0
                    ));
                }
                return Ok((var, var.bit(1)));
            }
        };
        self.pos += 1;
        if op == "in" {
            self.expect_sym("[")?;
            let mut mask = 0;
            loop {
                mask |= var.bit(self.value(var)?);
                if self.eat_sym("]") {
                    return Ok((var, mask));
                }
                self.expect_sym(",")?;
            }
        }
        let value_offset = self.offset();
        let v = self.value(var)?;
        if matches!(op, ">=" | "<=" | ">" | "<") && !var.ordered {
            return Err(ExprError {
                offset: value_offset,
                message: format!("`{name}` 没有大小顺序 (not ordered): use == or in [..]"),
            });
        }
        let n = var.values.len();
        let range = |lo: usize, hi: usize| (lo..hi).fold(0u128, |m, i| m | var.bit(i));
        let mask = match op {
            "==" => var.bit(v),
            "!=" => var.group() & !var.bit(v),
            ">=" => range(v, n),
            ">" => range(v + 1, n),
            "<=" => range(0, v + 1),
            _ => range(0, v),
        };
        Ok((var, mask))
    }

    fn value(&mut self, var: &Var) -> Result<usize, ExprError> {
        let word = match self.peek() {
            Some(Tok::Ident(w) | Tok::Num(w)) => w.clone(),
            _ => return self.err("此处应为取值 (expected a value)".to_owned()),
        };
        match var.value_index(&word) {
            Some(i) => {
                self.pos += 1;
                Ok(i)
            }
            None => {
                let mut known = String::new();
                for (i, (v, _)) in var.values.iter().enumerate() {
                    let _ = write!(known, "{}{v}", if i > 0 { ", " } else { "" });
                }
                self.err(format!(
                    "`{}` 没有取值 `{word}` (unknown value): use one of {known}",
                    var.name
                ))
            }
        }
    }
}

fn constant(value: bool) -> Nnf {
    if value { (Vec::new(), None) } else { (vec![0], None) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vars_do_not_overlap_and_fit() {
        let mut seen = 0u128;
        for v in VARS {
            assert_eq!(seen & v.group(), 0, "{} overlaps", v.name);
            seen |= v.group();
        }
        assert!(seen.leading_zeros() > 0);
    }

    #[test]
    fn category_four() {
        let c = compile("(degree >= master or title >= vice_senior) and research_results").unwrap();
        let doctor = bit(DEGREE, 3) | bit(TITLE, 0) | flag(RESEARCH_RESULTS, true);
        assert!(c.holds(doctor));
        let no_research = bit(DEGREE, 3) | bit(TITLE, 0) | flag(RESEARCH_RESULTS, false);
        assert!(!c.holds(no_research));
        assert!(c.why_not(no_research).unwrap().1.contains("research_results"));
        let bachelor_senior = bit(DEGREE, 1) | bit(TITLE, 4) | flag(RESEARCH_RESULTS, true);
        assert!(c.holds(bachelor_senior));
    }

    #[test]
    fn negation_and_sets() {
        let c = compile("not (mode in [recruit, transfer] or employer != city_unit)").unwrap();
        assert!(c.holds(bit(MODE, 2) | bit(EMPLOYER, 0)));
        assert!(!c.holds(bit(MODE, 0) | bit(EMPLOYER, 0)));
        assert!(!c.holds(bit(MODE, 2) | bit(EMPLOYER, 1)));
        assert!(compile("true").unwrap().holds(0));
        assert!(!compile("false").unwrap().holds(u128::MAX));
        assert_eq!(compile("category(3) and tier == 1").unwrap().stage(), Stage::Tier);
    }

    #[test]
    fn errors_point_at_the_problem() {
        assert!(compile("degree >= phd").unwrap_err().message.contains("doctor"));
        assert!(compile("mode > recruit").unwrap_err().message.contains("not ordered"));
        assert!(compile("colour == red").unwrap_err().message.contains("unknown fact"));
        assert!(compile("degree").is_err());
        assert!(compile("(research_results").is_err());
        assert!(compile("research_results research_results").is_err());
    }
}
