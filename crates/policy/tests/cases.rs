//! The reference cases of CASES.md and the policy's own case files.

use std::path::{Path, PathBuf};

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

/// The public reference cases of CASES.md, kept beside the project (`../shared`), or where
/// `YINCAI_PUBLIC_CASES` points. Absent on a developer's machine: a loud skip; absent in CI
/// (`CI` set) or where the variable names a missing file: a failure.
#[test]
fn public_reference_cases_pass() {
    let named = std::env::var("YINCAI_PUBLIC_CASES").ok().filter(|v| !v.is_empty());
    let path = match &named {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/policy/cases/public.yaml"),
    };
    if !path.exists() {
        let must_run = named.is_some() || std::env::var("CI").is_ok_and(|v| !v.is_empty());
        assert!(
            !must_run,
            "the public reference cases are missing at {}",
            path.display()
        );
        eprintln!(
            "!!!!!!!! SKIPPED: {} is absent; the public reference cases were NOT run !!!!!!!!",
            path.display()
        );
        return;
    }
    let (count, failures) = run_file(&path);
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

/// The binary carries its policies compiled in; a policy file added to `policies/` and not
/// to the built-in set would be read by `policy test` but never by the application.
#[test]
fn every_policy_file_in_the_directory_is_built_in() {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../policies"));
    let loaded = PolicySet::load_dir(dir).unwrap();
    let builtin = PolicySet::builtin();
    let ids = |set: &PolicySet| {
        let mut ids: Vec<String> = set
            .plans()
            .iter()
            .map(|p| format!("{} {}", p.meta.id, p.meta.version))
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&loaded), ids(&builtin));
}
