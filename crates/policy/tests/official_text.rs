//! The shipped policy file carries every article of the measures in the official words: a
//! page or a citation that shows an article shows what the city issued, not a summary.

use yincai_policy::compile_policy;
use yincai_policy::report::cite_zh;

const POLICY: &str = include_str!("../../../policies/alashankou-2014.toml");
const OFFICIAL: &str = include_str!("../../../policies/alashankou-2014.txt");
const ITEM_MARKS: &str = "㈠㈡㈢㈣㈤㈥㈦㈧";

/// Article number (1..=30) of a line that opens an article (`第十二条 ...`), with its text:
/// the numbers are read with the engine's own citation format ([`cite_zh`]).
fn article_opening(line: &str) -> Option<(u32, &str)> {
    let line = line.trim();
    (1..=30u32).find_map(|n| {
        line.strip_prefix(cite_zh(&n.to_string()).as_str())
            .map(|text| (n, text.trim()))
    })
}

/// The official text as (number, lead text, items), e.g. ("12", "按照…程序为：", [...]).
fn official_articles() -> Vec<(String, String, Vec<String>)> {
    let mut out: Vec<(String, String, Vec<String>)> = Vec::new();
    let mut open = false;
    for line in OFFICIAL.lines() {
        let line = line.trim();
        if let Some((n, text)) = article_opening(line) {
            out.push((n.to_string(), text.to_string(), Vec::new()));
            open = true;
        } else if line.starts_with('第') && line.contains('章') || line.starts_with("抄送") {
            open = false;
        } else if open && line.starts_with(|c| ITEM_MARKS.contains(c)) {
            let item = line.chars().skip(1).collect::<String>();
            out.last_mut()
                .expect("an item follows its article")
                .2
                .push(item.trim().to_string());
        }
    }
    out
}

/// The policy text of an item may leave out the item's own heading ("身份编制。"): a
/// phrase of at most 12 characters ending in "。" that the file keeps as its title.
fn same_words(policy: &str, official: &str) -> bool {
    policy == official
        || official.strip_suffix(policy).is_some_and(|heading| {
            heading.ends_with('。') && (2..=12).contains(&heading.chars().count()) && !policy.is_empty()
        })
}

#[test]
fn every_article_and_item_is_in_the_policy_file_in_the_official_words() {
    let plan = compile_policy("alashankou-2014.toml", POLICY).expect("the shipped policy compiles");
    let official = official_articles();
    assert_eq!(official.len(), 30, "the measures have 30 articles");
    let mut problems = Vec::new();
    for (number, lead, items) in &official {
        let mut expected = vec![(number.clone(), lead.clone())];
        expected.extend(
            items
                .iter()
                .enumerate()
                .map(|(i, t)| (format!("{number}({})", i + 1), t.clone())),
        );
        for (n, words) in expected {
            match plan.articles.iter().find(|a| a.number == n) {
                None => problems.push(format!("第{n}条：政策文件中没有")),
                Some(a) if !same_words(a.text.as_deref().unwrap_or(""), &words) => problems.push(format!(
                    "第{n}条：与正式文本不一致\n  文件：{}\n  正式：{words}",
                    a.text.as_deref().unwrap_or("（无）")
                )),
                Some(_) => {}
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_truncated_article_is_named() {
    // The check can fail: cut the second sentence of Art. 27 (as the file once had it).
    let cut = POLICY.replace(
        "用人单位在引进人才中有违反规定，弄虚作假行为的，并追究单位领导和有关责任人的责任。",
        "",
    );
    let plan = compile_policy("alashankou-2014.toml", &cut).expect("still compiles");
    let a = plan.articles.iter().find(|a| a.number == "27").unwrap();
    let official = official_articles();
    let (_, words, _) = official.iter().find(|(n, _, _)| n == "27").unwrap();
    assert!(!same_words(a.text.as_deref().unwrap(), words));
}

#[test]
fn article_numerals_read_as_numbers() {
    for (line, n) in [
        ("第一条 x", 1),
        ("第十条 x", 10),
        ("第十四条 x", 14),
        ("第二十条 x", 20),
        ("第三十条 x", 30),
        ("第二十七条 x", 27),
    ] {
        assert_eq!(article_opening(line).map(|(n, _)| n), Some(n), "{line}");
    }
    assert_eq!(article_opening("第五章  考核与管理"), None);
}
