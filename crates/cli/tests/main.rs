//! The crate's integration tests, linked into one binary (one link instead of one per file).
//! Every file beside this one is a module here (the CLI suite's `every_test_file_is_declared` checks).

mod cli;
mod crash;

/// Each crate links its integration tests into one binary (`tests/main.rs`); a test file not
/// declared there would silently never run.
#[test]
fn every_test_file_is_declared() {
    let crates = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let mut checked = 0;
    for krate in std::fs::read_dir(crates).unwrap() {
        let tests = krate.unwrap().path().join("tests");
        let Ok(main) = std::fs::read_to_string(tests.join("main.rs")) else {
            continue;
        };
        for entry in std::fs::read_dir(&tests).unwrap() {
            let path = entry.unwrap().path();
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            let is_module = path.extension().is_some_and(|x| x == "rs") || path.join("mod.rs").exists();
            if is_module && stem != "main" {
                assert!(
                    main.lines().any(|l| l.trim() == format!("mod {stem};")),
                    "{} is not declared in {}",
                    path.display(),
                    tests.join("main.rs").display()
                );
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 40,
        "only {checked} test files found: is the crates folder where it was?"
    );
}
