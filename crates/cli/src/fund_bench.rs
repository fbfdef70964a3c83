//! `yincai fund bench`: how long turning frozen reports into installments takes for a
//! synthetic population (fixed seed), the step `App::schedule_installments` runs per talent.
//! Setup (evaluating the policy for everyone, writing the reports as JSON as the talent
//! database stores them) is timed apart; then the pure computation from reports to rows,
//! and the same from the stored JSON text, and a year's installments out of them.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use clap::Subcommand;
use yincai_policy::facts::{Assessment, Degree, Employer, Facts, Mode, Person, Title};
use yincai_policy::report::Report;

#[derive(Subcommand)]
pub enum FundCommand {
    /// Time the computation of installments from frozen reports.
    Bench {
        /// How many talents.
        #[arg(long, default_value_t = 100_000)]
        talents: usize,
        /// The year whose installments are counted.
        #[arg(long, default_value_t = 2027)]
        year: i32,
        /// Seed of the synthetic population.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
}

/// SplitMix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

/// One introduced talent: covered (a category), started 2015-2026, assessed each year.
fn synthetic(rng: &mut Rng) -> Facts {
    let start_year = 2015 + rng.below(12);
    let start = format!("{start_year}-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28));
    let years_done = 2026u64.saturating_sub(start_year);
    let assessments = (0..years_done)
        .map(|_| {
            rng.pick(&[
                Assessment::Passed,
                Assessment::Passed,
                Assessment::Passed,
                Assessment::Excellent,
                Assessment::Failed,
            ])
        })
        .collect();
    Facts {
        name: None,
        policy: None,
        as_of: "2026-11-24".parse().unwrap_or_else(|_| unreachable!()),
        person: Person {
            degree: rng.pick(&[Degree::Bachelor, Degree::Master, Degree::Master, Degree::Doctor]),
            full_time: true,
            title: rng.pick(&[Title::Intermediate, Title::ViceSenior, Title::Senior]),
            research_results: true,
            shortage_field: rng.below(3) == 0,
            ..Person::default()
        },
        employer: rng.pick(&[Employer::CityUnit, Employer::CityUnit, Employer::Enterprise]),
        mode: rng.pick(&[Mode::Recruit, Mode::Recruit, Mode::Transfer, Mode::Special]),
        start: start.parse().unwrap_or_else(|_| unreachable!()),
        end: None,
        ended_for_cause: false,
        assessments,
        service_months: Vec::new(),
        project_verified: rng.below(2) == 0,
        project_benefit_significant: false,
    }
}

pub fn run(command: FundCommand) -> anyhow::Result<ExitCode> {
    let FundCommand::Bench { talents, year, seed } = command;
    let talents = talents.max(1);
    let policies = yincai_app::policies();

    let started = Instant::now();
    let mut rng = Rng(seed);
    let mut reports: Vec<Report> = Vec::with_capacity(talents);
    for _ in 0..talents {
        reports.push(policies.evaluate(&synthetic(&mut rng), false)?);
    }
    let evaluated = started.elapsed();
    let started = Instant::now();
    let stored: Vec<String> = reports.iter().map(serde_json::to_string).collect::<Result<_, _>>()?;
    let serialised = started.elapsed();
    println!("准备 (setup): {talents} 名人才的政策计算 {evaluated:.2?}，报告序列化为 JSON {serialised:.2?}");

    // Reports → rows: the pure computation.
    let mut rows = Vec::with_capacity(talents * 12);
    let started = Instant::now();
    for (i, report) in reports.iter().enumerate() {
        yincai_app::fund::installment_rows_into(i as i64 + 1, 1, report, &mut rows);
    }
    let from_reports = started.elapsed();
    let prefix = format!("{year:04}-");
    let started = Instant::now();
    let (in_year, sum_fen) = rows
        .iter()
        .filter(|r| r.due_on.starts_with(&prefix))
        .fold((0usize, 0i64), |(n, s), r| (n + 1, s.saturating_add(r.amount_fen)));
    let filtered = started.elapsed();
    let total_rows = rows.len();
    black_box(&rows);
    drop(rows);

    // Stored JSON → rows: what scheduling does per talent.
    let mut rows = Vec::with_capacity(talents * 12);
    let started = Instant::now();
    for (i, text) in stored.iter().enumerate() {
        let report: Report = serde_json::from_str(text)?;
        yincai_app::fund::installment_rows_into(i as i64 + 1, 1, &report, &mut rows);
    }
    let from_json = started.elapsed();
    black_box(&rows);

    let yuan = yincai_domain::money::Fen(sum_fen).format_cn();
    println!("待遇兑现计划 (installments): {talents} 名人才 → {total_rows} 笔");
    println!("  由报告计算 (reports → rows):          {from_reports:.2?}");
    println!("  由存储的 JSON 计算 (JSON → rows):      {from_json:.2?}");
    println!("  {year} 年度到期 (due in {year}): {in_year} 笔，合计 {yuan}，筛选 {filtered:.2?}");
    let within = from_reports + filtered;
    println!(
        "  {year} 年度兑现计划合计用时 (a year's installments): {within:.2?}（目标 < 1 秒: {}）",
        if within.as_secs_f64() < 1.0 {
            "达到"
        } else {
            "未达到"
        }
    );
    Ok(ExitCode::SUCCESS)
}
