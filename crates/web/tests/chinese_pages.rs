//! No code, English word or internal id on a Chinese page (issue 12): every demo role's pages,
//! reached by following the links from its workbench, are read as the user reads them (the
//! text between tags, the titles and labels of inputs) and searched for what a city's clerk
//! should never meet: an English word, a code such as `talent_create`, a policy id, an
//! internal number like `#21` or an article written `13(2)`.

use std::collections::{BTreeSet, VecDeque};

use crate::common::{self, TestApp};

/// The pages each role's crawl may read (the demo's lists are short; this bounds a regression).
const MAX_PAGES_PER_ROLE: usize = 120;

/// Latin words a Chinese page may carry: names of formats and units users know by them.
const ALLOWED_WORDS: [&str; 9] = ["Excel", "PDF", "JPG", "PNG", "MB", "KB", "yincai", "GB", "ID"];

/// The text a reader sees: tags, scripts, styles and comments removed, entities decoded, plus
/// the `title`, `placeholder`, `aria-label` and `alt` attributes (read aloud or shown on hover).
fn visible_text(html: &str) -> String {
    page_text(html).0
}

/// The text a reader sees, and the data the page marks `translate="no"` (login names, request
/// ids): such a value is data wherever it appears, for instance in an audit record's summary.
fn page_text(html: &str) -> (String, Vec<String>) {
    let mut data = Vec::new();
    let mut out = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        out.push(' ');
        rest = &rest[open..];
        let lower = rest.get(..9).unwrap_or(rest).to_ascii_lowercase();
        let skip_to = if lower.starts_with("<script") {
            "</script>"
        } else if lower.starts_with("<style") {
            "</style>"
        } else if lower.starts_with("<!--") {
            "-->"
        } else {
            ">"
        };
        let Some(end) = rest.find(skip_to) else { break };
        let tag = &rest[..end];
        // Data marked as such (a login name, a request id) is not words of the page.
        if skip_to == ">" && tag.contains("translate=\"no\"") {
            let name: String = tag[1..].chars().take_while(char::is_ascii_alphanumeric).collect();
            let close = format!("</{name}>");
            let Some(at) = rest.find(&close) else { break };
            data.push(rest[end + 1..at].trim().to_string());
            rest = &rest[at + close.len()..];
            continue;
        }
        for attr in ["title=\"", "placeholder=\"", "aria-label=\"", "alt=\""] {
            if let Some(at) = tag.find(attr) {
                let value = &tag[at + attr.len()..];
                out.push(' ');
                out.push_str(&value[..value.find('"').unwrap_or(value.len())]);
            }
        }
        rest = &rest[end + skip_to.len()..];
    }
    out.push_str(rest);
    let text = out
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ");
    (text, data)
}

/// What a clerk should not meet in `text`, each with a little context.
fn findings(text: &str, data: &BTreeSet<String>) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let context = |from: usize, to: usize| -> String {
        let a = from.saturating_sub(12);
        let b = (to + 12).min(chars.len());
        chars[a..b]
            .iter()
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_alphanumeric() {
            // A token of letters, digits, `_` and `-`: a word, a code, a number or a date.
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric()
                    || chars[i] == '_'
                    || chars[i] == '-'
                    || (matches!(chars[i], '@' | '.') && chars.get(i + 1).is_some_and(char::is_ascii_alphanumeric)))
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let letters = word.chars().filter(char::is_ascii_alphabetic).count();
            // One letter is a grade or a marker (A 类, 第 2 批 b); two or more is a word or a code.
            let is_data = word.contains('@') || is_document_number(&word) || data.contains(&word);
            if letters >= 2 && !ALLOWED_WORDS.contains(&word.as_str()) && !is_data && !word.contains('.') {
                found.push(format!("“{word}” in …{}…", context(start, i)));
            }
            // An article written the programmer's way, 13(2), where the measures say 第十三条第（二）项.
            if letters == 0 && chars.get(i) == Some(&'(') && chars.get(i + 1).is_some_and(char::is_ascii_digit) {
                found.push(format!("an article as code in …{}…", context(start, i + 3)));
            }
            continue;
        }
        if c == '#' && chars.get(i + 1).is_some_and(char::is_ascii_digit) {
            found.push(format!("an internal number in …{}…", context(i, i + 2)));
        }
        i += 1;
    }
    found
}

/// A number a page shows on purpose: a unified social credit code or an ID number (letters
/// among digits), or a payment batch number such as ZF2026-0001.
fn is_document_number(word: &str) -> bool {
    let digits = word.chars().filter(char::is_ascii_digit).count();
    digits >= 8 && (word.len() >= 15 || word.split('-').count() == 2)
}

/// The same-site page links of `html` worth following (no downloads, no logout, no API).
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in html.match_indices("href=\"/") {
        let rest = &html[at + "href=\"".len()..];
        let Some(end) = rest.find('"') else { continue };
        let href = rest[..end].replace("&amp;", "&");
        let path = href.split('#').next().unwrap_or_default().to_string();
        let file = path.split('?').next().unwrap_or_default();
        let skip = file.starts_with("/api")
            || path.starts_with("/assets")
            || path.starts_with("/logout")
            || file.contains("/download")
            || file.contains('.')
            || file.contains("/export");
        if !skip && !path.is_empty() {
            out.push(path);
        }
    }
    out
}

/// Crawls the pages of `username` from its workbench and returns every finding by page.
async fn crawl(app: &TestApp, username: &str, data: &mut BTreeSet<String>) -> (usize, Vec<String>) {
    let browser = app.browser(username).await;
    let mut queue: VecDeque<String> = ["/workbench", "/", "/calculator", "/policy"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut seen = BTreeSet::new();
    let mut problems = Vec::new();
    let mut read = 0;
    while let Some(path) = queue.pop_front() {
        // One page of each kind: /talents/7 and /talents/8 are the same template.
        let kind: String = path
            .split('?')
            .next()
            .unwrap_or_default()
            .split('/')
            .map(|s| {
                if s.chars().all(|c| c.is_ascii_digit()) && !s.is_empty() {
                    "{n}"
                } else {
                    s
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        if !seen.insert(kind) || read >= MAX_PAGES_PER_ROLE {
            continue;
        }
        let (status, html) = browser.get(&path).await;
        if !status.is_success() || !html.trim_start().starts_with("<!") {
            continue;
        }
        read += 1;
        let (text, marked) = page_text(&html);
        data.extend(marked);
        for f in findings(&text, data) {
            problems.push(format!("{username} {path}: {f}"));
        }
        queue.extend(links(&html));
    }
    (read, problems)
}

#[tokio::test]
async fn no_page_of_any_demo_role_shows_code_english_or_an_internal_id() {
    // SQLite only: the text of a page does not depend on the database.
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    let mut problems = Vec::new();
    // Login names the account pages mark as data (the system administrator's crawl, before
    // the auditor's, reads them all) are data in the audit log's summaries too.
    let mut data = BTreeSet::new();
    for username in common::DEMO_USERS {
        let (read, mut found) = crawl(&app, username, &mut data).await;
        assert!(read >= 5, "{username}: the crawl read only {read} kinds of page");
        problems.append(&mut found);
    }
    app.stop().await;
    problems.sort();
    problems.dedup();
    assert!(
        problems.is_empty(),
        "{} finding(s) on Chinese pages:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_reader_finds_what_it_must_and_passes_what_it_may() {
    let page = r#"<title>人才库</title><script>let x = "code";</script><style>p{color:red}</style>
        <p title="talent_create">审批事项 #21：13(2) in no Art. 10 category</p>
        <p>统一社会信用代码 91650000MA7XXXX123，导出 Excel 或 PDF，A 类</p>
        <p>电子邮箱 gaofeng@example.com，批次 ZF2026-0001，账号 <span translate="no">qianjin</span></p>"#;
    let (text, data) = page_text(page);
    let found = findings(&text, &data.into_iter().collect());
    let joined = found.join("\n");
    for expected in [
        "“talent_create”",
        "internal number",
        "article as code",
        "“in”",
        "“no”",
        "“Art”",
        "“category”",
    ] {
        assert!(joined.contains(expected), "{expected} not found in:\n{joined}");
    }
    for allowed in [
        "Excel",
        "PDF",
        "code",
        "color",
        "MA7XXXX123",
        "gaofeng",
        "example",
        "ZF2026",
    ] {
        assert!(
            !joined.contains(&format!("“{allowed}”")),
            "{allowed} was flagged:\n{joined}"
        );
    }
    assert_eq!(
        links(r#"<a href="/talents/1">x</a><a href="/logout">y</a><a href="/fund/batches/1/export.xlsx">z</a>"#),
        vec!["/talents/1"]
    );
}

#[tokio::test]
async fn the_audit_log_names_actions_objects_and_results_in_chinese_and_filters_by_those_names() {
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    let auditor = app.browser("auditor").await;
    let (status, page) = auditor.get("/audit?action=%E7%99%BB%E5%BD%95").await; // 登录
    assert!(status.is_success(), "{status}");
    let text = visible_text(&page);
    assert!(
        text.contains("登录") && text.contains("账号 ") && text.contains("成功"),
        "{text}"
    );
    for code in ["login", "user#", " ok "] {
        assert!(!text.contains(code), "{code} on the audit page:\n{text}");
    }
    // A name finds every action it is part of; a code still finds its own records.
    let (_, by_name) = auditor
        .get("/audit?action=%E8%AE%BE%E7%BD%AE%E4%B8%8D%E5%AD%98%E5%9C%A8")
        .await; // 设置不存在
    assert!(
        by_name.contains("没有符合条件的记录"),
        "an unknown name matches nothing"
    );
    let (_, by_code) = auditor.get("/audit?action=login").await;
    assert!(
        visible_text(&by_code).contains("登录成功"),
        "the code login still filters"
    );
    app.stop().await;
}
