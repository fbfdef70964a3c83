//! The reference cases of CASES.md and the policy's own case files.

use std::path::Path;

use yincai_policy::PolicySet;
use yincai_policy::cases::{parse_case_file, run_cases};

fn run_file(path: &Path) -> (usize, Vec<String>) {
    let text = std::fs::read_to_string(path).unwrap();
    let file = parse_case_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let results = run_cases(&PolicySet::builtin(), &file);
    let failures = results
        .iter()
        .filter(|r| !r.passed())
        .map(|r| format!("{}: {}: {:?} {:?}", path.display(), r.name, r.error, r.diffs))
        .collect();
    (results.len(), failures)
}

#[test]
fn public_reference_cases_pass() {
    let path = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/policy/cases/public.yaml"
    ));
    if !path.exists() {
        eprintln!(
            "!!!!!!!! SKIPPED: {} is absent; the public reference cases were NOT run !!!!!!!!",
            path.display()
        );
        return;
    }
    let (count, failures) = run_file(path);
    assert!(count >= 17, "expected the 17 public cases, found {count}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn own_case_files_pass() {
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../policies/cases/alashankou-2014"
    ));
    let mut total = 0;
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "yaml") {
            let (count, f) = run_file(&path);
            total += count;
            failures.extend(f);
        }
    }
    assert!(total >= 50, "only {total} cases found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn builtin_policy_matches_the_directory() {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../policies"));
    let loaded = PolicySet::load_dir(dir).unwrap();
    let builtin = PolicySet::builtin();
    assert_eq!(loaded.plans().len(), builtin.plans().len());
    assert_eq!(loaded.plans()[0].meta, builtin.plans()[0].meta);
    assert_eq!(builtin.plans()[0].meta.document_number, "阿市党办发〔2014〕90号");
}
