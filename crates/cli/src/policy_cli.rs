//! `yincai policy <command>`: the binary mounts [`PolicyCommand`] and calls [`run`].

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use serde_yaml_ng::Value;

use yincai_policy::cases::{self, CaseResult};
use yincai_policy::plan::compile_policy;
use yincai_policy::report;
use yincai_policy::set::PolicySet;

#[derive(Debug, Clone, clap::Subcommand)]
pub enum PolicyCommand {
    /// Validate policy files (校验政策文件): prints OK or each error with its line.
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Evaluate one case (YAML or JSON) or JSON Lines, one case per line (计算待遇).
    Eval {
        file: PathBuf,
        /// Print the explanation a clerk reads aloud (Chinese) instead of JSON.
        #[arg(long)]
        explain: bool,
        /// Include the step-by-step trace in the JSON.
        #[arg(long)]
        trace: bool,
        /// Load policies from this directory instead of the built-in ones.
        #[arg(long)]
        policies: Option<PathBuf>,
    },
    /// Run case files in the CASES.md format (运行测试案例).
    Test {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long)]
        policies: Option<PathBuf>,
    },
    /// Measure evaluation speed on a synthetic population (性能测试).
    Bench {
        #[arg(long, default_value_t = 1_000_000)]
        people: usize,
        #[arg(long, default_value_t = 20141105)]
        seed: u64,
        /// Worker threads for the batch figure (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
        #[arg(long)]
        policies: Option<PathBuf>,
    },
}

pub fn run(cmd: PolicyCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        PolicyCommand::Check { files } => check(&files),
        PolicyCommand::Eval {
            file,
            explain,
            trace,
            policies,
        } => eval(&file, explain, trace, &load(policies.as_deref())?),
        PolicyCommand::Test { files, policies } => test(&files, &load(policies.as_deref())?),
        PolicyCommand::Bench {
            people,
            seed,
            threads,
            policies,
        } => {
            crate::policy_bench::run(&load(policies.as_deref())?, people, seed, threads)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn load(dir: Option<&Path>) -> anyhow::Result<PolicySet> {
    match dir {
        Some(dir) => Ok(PolicySet::load_dir(dir)?),
        None => Ok(PolicySet::builtin()),
    }
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("{}: 无法读取 (cannot read)", path.display()))
}

fn check(files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let mut failed = false;
    for path in files {
        let name = path.display().to_string();
        match compile_policy(&name, &read(path)?) {
            Ok(plan) => println!(
                "{name}: OK ({} {}, {} rules)",
                plan.meta.id,
                plan.meta.version,
                plan.rules.len()
            ),
            Err(errors) => {
                failed = true;
                println!("{errors}");
            }
        }
    }
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// JSON Lines when every non-blank line is a JSON object on its own.
fn is_json_lines(path: &Path, text: &str) -> bool {
    if path.extension().is_some_and(|x| x == "jsonl" || x == "ndjson") {
        return true;
    }
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut count = 0;
    let all_objects = lines.all(|l| {
        count += 1;
        l.starts_with('{') && l.ends_with('}')
    });
    all_objects && count > 1
}

fn eval(path: &Path, explain: bool, trace: bool, set: &PolicySet) -> anyhow::Result<ExitCode> {
    let text = read(path)?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut failures = 0usize;
    let mut emit =
        |out: &mut dyn Write, label: &str, value: Result<Value, String>, pretty: bool| -> anyhow::Result<()> {
            let result = value
                .and_then(|v| cases::parse_case(0, v, false).map_err(|e| e.message))
                .and_then(|case| set.evaluate(&case.facts, trace).map_err(|e| e.to_string()));
            match result {
                Ok(r) if explain => writeln!(out, "{}", report::explain(&r))?,
                Ok(r) if pretty => writeln!(out, "{}", serde_json::to_string_pretty(&r)?)?,
                Ok(r) => writeln!(out, "{}", serde_json::to_string(&r)?)?,
                Err(e) => {
                    failures += 1;
                    eprintln!("{}:{label}: {e}", path.display());
                }
            }
            Ok(())
        };
    if is_json_lines(path, &text) {
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            // JSON is YAML: one parser gives the same field-naming errors for both.
            let value =
                serde_yaml_ng::from_str::<Value>(line).map_err(|e| format!("JSON 无法解析 (invalid JSON): {e}"));
            emit(&mut out, &(i + 1).to_string(), value, false)?;
        }
    } else {
        let value = serde_yaml_ng::from_str::<Value>(&text).map_err(|e| format!("无法解析 (invalid YAML/JSON): {e}"));
        match value {
            // A whole case file: evaluate each case (its expect is ignored), one JSON line each.
            Ok(Value::Mapping(mut file)) if file.contains_key("cases") => {
                let default_policy = file.remove("policy");
                let Some(Value::Sequence(cases)) = file.remove("cases") else {
                    anyhow::bail!("{}: cases 须为列表 (cases must be a list)", path.display());
                };
                for (i, mut case) in cases.into_iter().enumerate() {
                    if let Value::Mapping(m) = &mut case {
                        m.remove("expect");
                        if let Some(p) = &default_policy
                            && !m.contains_key("policy")
                        {
                            m.insert("policy".into(), p.clone());
                        }
                    }
                    emit(&mut out, &format!("cases[{i}]"), Ok(case), false)?;
                }
            }
            value => emit(&mut out, "1", value, true)?,
        }
    }
    out.flush()?;
    if failures > 0 {
        eprintln!("{failures} 个案例失败 ({failures} failed)");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn test(files: &[PathBuf], set: &PolicySet) -> anyhow::Result<ExitCode> {
    let (mut passed, mut failed) = (0usize, 0usize);
    for path in files {
        let file = match cases::parse_case_file(&read(path)?) {
            Ok(file) => file,
            Err(e) => {
                println!("FAIL {}: {e}", path.display());
                failed += 1;
                continue;
            }
        };
        for result in cases::run_cases(set, &file) {
            if result.passed() {
                passed += 1;
            } else {
                failed += 1;
                print_failure(path, &result);
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn print_failure(path: &Path, result: &CaseResult) {
    println!("FAIL {}: {}", path.display(), result.name);
    if let Some(e) = &result.error {
        println!("  error: {e}");
    }
    for d in &result.diffs {
        println!("  {}: expected {}, got {}", d.path, d.expected, d.got);
    }
}
