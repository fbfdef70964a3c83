//! `yincai fund projection-bench`: how long the special fund's ten-year projection takes for a
//! synthetic population (fixed seed) with realistic schedules: the living subsidy (Art. 13(2),
//! 60 months paid in 5 yearly installments after each passed year), the settlement allowance
//! at the first passed assessment, special-appointment subsidies per year up to the cap,
//! aid-Xinjiang extension years and startup funds. Introduced over the last five years, so
//! past installments are mostly paid (some in arrears), this year's are in the release gate,
//! and a few talents left for cause (their future installments cancelled).
//!
//! Generating the rows is timed apart; then `yincai_domain::projection::project` is run
//! several times for the base scenario (0 ‰) and with departures, and the minimum and the
//! median are printed. The median must stay under one second (exit 1 otherwise).
//!
//! With `--store`, the same population is also written to a fresh SQLite database in a
//! temporary directory (timed apart) and the whole use case the page and the API call,
//! `App::fund_projection` (read the owed installments, kinds, units and budgets in one
//! snapshot, project, lay out), is timed the same way. That figure is reported, not gated;
//! the time of each of the two reads over the installments and their query plans follow.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use yincai_app::Clock;
use yincai_domain::money::Fen;
use yincai_domain::projection::{HORIZON_YEARS, Installment, Status, project};

#[derive(clap::Args)]
pub struct ProjectionBenchArgs {
    /// How many talents.
    #[arg(long, default_value_t = 100_000)]
    talents: usize,
    /// How many employer units they are spread over.
    #[arg(long, default_value_t = 300)]
    units: u64,
    /// The departure rate of the second scenario, in per mille (0-1000).
    #[arg(long, default_value_t = 50)]
    departure_rate: u32,
    /// How many timed runs per scenario.
    #[arg(long, default_value_t = 7)]
    runs: usize,
    /// The first projected year (default: this year, Beijing time).
    #[arg(long)]
    start_year: Option<i32>,
    /// Seed of the synthetic population.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Also time `App::fund_projection` over a SQLite database holding the population.
    #[arg(long)]
    store: bool,
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
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

/// The installments of one synthetic talent introduced in `intro` (whole yuan × 100 = fen).
fn talent_rows(rng: &mut Rng, talent_id: i64, units: u64, intro: i32, this_year: i32, out: &mut Vec<Installment>) {
    let unit_id = 1 + rng.below(units) as i64;
    // Left for cause in some year after the introduction: later installments are cancelled.
    let left = rng.chance(3).then(|| intro + 1 + rng.below(5) as i32);
    let mut push = |rng: &mut Rng, kind: &str, due_year: i32, yuan: i64| {
        let status = if left.is_some_and(|y| due_year >= y) {
            Status::Cancelled
        } else if due_year < this_year {
            if rng.chance(4) { Status::Scheduled } else { Status::Paid }
        } else if due_year == this_year {
            rng.pick(&[Status::Scheduled, Status::Approved, Status::Certified, Status::Paid])
        } else {
            Status::Scheduled
        };
        out.push(Installment {
            talent_id,
            unit_id,
            kind: kind.to_owned(),
            due_year,
            amount: Fen::from_yuan(yuan),
            status,
        });
    };
    // Living subsidy: doctor 2000, master 1000, bachelor 500 yuan a month; 60 months in five
    // yearly installments, each due when its service year is assessed.
    let monthly = rng.pick(&[2000, 1000, 1000, 500, 500]);
    for year in 1..=5 {
        push(rng, "living_subsidy", intro + year, monthly * 12);
    }
    // Settlement allowance (Art. 14), at the first passed assessment.
    if rng.chance(35) {
        let amount = rng.pick(&[150_000, 100_000, 50_000, 50_000, 30_000, 30_000]);
        push(rng, "settlement_allowance", intro + 1, amount);
    }
    // Special-appointment subsidy: 100,000 yuan per qualifying year, up to five years.
    if rng.chance(5) {
        for year in 1..=(1 + rng.below(5) as i32) {
            push(rng, "special_service_subsidy", intro + year, 100_000);
        }
    }
    // Aid-Xinjiang extension: 30,000 yuan a year for the extended years.
    if rng.chance(2) {
        for year in 1..=(1 + rng.below(3) as i32) {
            push(rng, "aid_extension_subsidy", intro + 5 + year, 30_000);
        }
    }
    // Startup fund fixed by the leading group.
    if rng.chance(3) {
        let amount = 100_000 * (2 + rng.below(4) as i64);
        push(rng, "startup_fund", intro + 1, amount);
    }
}

fn min_median(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    (times[0], times[times.len() / 2])
}

pub fn run(args: ProjectionBenchArgs) -> anyhow::Result<ExitCode> {
    let talents = args.talents.max(1);
    let runs = args.runs.max(1);
    let units = args.units.max(1);
    anyhow::ensure!(
        args.departure_rate <= 1000,
        "--departure-rate：须在 0 至 1000 之间（‰）"
    );
    let start = args
        .start_year
        .unwrap_or_else(|| i32::from(yincai_app::clock::beijing_date(yincai_app::clock::SystemClock.now_ms()).year()));

    let started = Instant::now();
    let mut rng = Rng(args.seed);
    let mut rows: Vec<Installment> = Vec::with_capacity(talents * 7);
    for t in 0..talents {
        let intro = start - rng.below(6) as i32;
        talent_rows(&mut rng, t as i64 + 1, units, intro, start, &mut rows);
    }
    let generated = started.elapsed();
    let owed = rows.iter().filter(|r| r.status.is_owed()).count();
    println!(
        "准备 (setup): {talents} 名人才、{units} 个用人单位 → {} 笔分期（未付未取消 {owed} 笔），生成用时 {generated:.2?}",
        rows.len()
    );
    println!(
        "预测 (projection): {start}–{} 年，共 {HORIZON_YEARS} 年；单线程，内存中计算；每种情形 {runs} 次",
        start + HORIZON_YEARS as i32 - 1
    );

    let mut worst = Duration::ZERO;
    for (name, rate) in [
        ("基本情形 (base, 0 ‰)", 0),
        ("考虑离职 (departures)", args.departure_rate),
    ] {
        let mut times = Vec::with_capacity(runs);
        let mut last = None;
        for _ in 0..runs {
            let t = Instant::now();
            let p = project(black_box(&rows), start, HORIZON_YEARS, rate)?;
            times.push(t.elapsed());
            last = Some(black_box(p));
        }
        let (min, median) = min_median(times);
        worst = worst.max(median);
        let p = last.unwrap_or_else(|| unreachable!("runs ≥ 1"));
        println!(
            "  {name} {rate} ‰: 最短 (min) {min:.2?}，中位 (median) {median:.2?}；涉及 {} 名人才、{} 笔，10 年应付 {}（含欠付 {}），预计 {}",
            p.talents,
            p.installments,
            p.total.base.format_cn(),
            p.arrears.format_cn(),
            p.total.expected.format_cn(),
        );
    }
    if args.store {
        anyhow::ensure!(
            args.start_year.is_none(),
            "--store：数据库路径按今天的年份预测，请不要同时指定 --start-year"
        );
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        runtime.block_on(through_the_store(&rows, units, args.departure_rate, runs))?;
    }
    let ok = worst < Duration::from_secs(1);
    println!(
        "  {talents} 名人才 10 年预测用时（中位数，较慢的情形）: {worst:.2?}（目标 < 1 秒: {}）",
        if ok { "达到" } else { "未达到" }
    );
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn benefit_label(code: &str) -> (&'static str, &'static str) {
    match code {
        "living_subsidy" => ("生活补贴", "第十三条第二项"),
        "settlement_allowance" => ("安家费", "第十四条"),
        "special_service_subsidy" => ("特聘服务补贴", "第十四条第一项"),
        "aid_extension_subsidy" => ("援疆延长服务期补助", "第十四条第五项"),
        _ => ("项目启动资金", "第十四条"),
    }
}

/// Runs `values` in `insert into {head} values …` statements of 500 rows.
async fn insert_batched(
    tx: &mut yincai_store::Tx,
    head: &str,
    values: impl Iterator<Item = String>,
) -> anyhow::Result<()> {
    let mut batch: Vec<String> = Vec::with_capacity(500);
    let mut values = values.peekable();
    while values.peek().is_some() {
        batch.clear();
        batch.extend(values.by_ref().take(500));
        tx.execute_raw(&format!("insert into {head} values {}", batch.join(",")))
            .await?;
    }
    Ok(())
}

/// Writes the population to a fresh SQLite database and times `App::fund_projection`.
async fn through_the_store(rows: &[Installment], units: u64, rate: u32, runs: usize) -> anyhow::Result<()> {
    use std::sync::Arc;
    use yincai_app::{Actor, App, OrgKind, Role};

    let dir = std::env::temp_dir().join(format!("yincai-projection-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let store = yincai_store::Store::connect(&format!("sqlite://{}", dir.join("bench.db").display())).await?;
    store.migrate().await?;
    let started = Instant::now();
    // Ids far above anything the migrations create.
    const BASE: i64 = 1_000_000;
    let talents = rows.iter().map(|r| r.talent_id).max().unwrap_or(0);
    let mut tx = store.begin_write().await?;
    insert_batched(
        &mut tx,
        "organisations (id, name, kind, created_at, updated_at)",
        (0..=units as i64).map(|u| format!("({}, '单位{u}', 'enterprise', 1, 1)", BASE + u)),
    )
    .await?;
    insert_batched(
        &mut tx,
        "users (id, username, display_name, org_id, password_hash, must_change_password, created_at, updated_at)",
        (0..=talents).map(|t| format!("({id}, 'bench{t}', '人才{t}', {BASE}, 'x', false, 1, 1)", id = BASE + t)),
    )
    .await?;
    insert_batched(
        &mut tx,
        "candidates (id, user_id, name, id_type, id_number_enc, id_number_index, id_number_masked, phone_enc, \
         phone_masked, email, gender, education, highest_degree, title, qualifications, honours, projects, \
         created_at, updated_at)",
        (1..=talents).map(|t| {
            format!(
                "({id}, {id}, '人才{t}', 'passport', 'e', 'i{t}', 'E*', 'p', '1**', '', 'female', '[]', 'doctor', \
                 'none', '', '[]', '', 1, 1)",
                id = BASE + t
            )
        }),
    )
    .await?;
    let mut unit_of = vec![0i64; talents as usize + 1];
    for r in rows {
        unit_of[r.talent_id as usize] = r.unit_id;
    }
    insert_batched(
        &mut tx,
        "talents (id, candidate_id, org_id, name, mode, employer, start_date, obligations, policy_id, \
         policy_version, facts, report, created_at, updated_at)",
        (1..=talents).map(|t| {
            format!(
                "({id}, {id}, {org}, '人才{t}', 'recruit', 'enterprise', '2024-03-01', '[]', 'alashankou-2014', '1', \
                 '{{}}', '{{}}', 1, 1)",
                id = BASE + t,
                org = BASE + unit_of[t as usize]
            )
        }),
    )
    .await?;
    let mut seq = 0i64;
    let mut last = (0i64, String::new());
    insert_batched(
        &mut tx,
        "installments (talent_id, org_id, benefit_code, benefit_name, article, seq, service_year, due_on, \
         amount_fen, status, created_at, updated_at)",
        rows.iter().map(|r| {
            if last.0 != r.talent_id || last.1 != r.kind {
                last = (r.talent_id, r.kind.clone());
                seq = 0;
            }
            seq += 1;
            let (name, article) = benefit_label(&r.kind);
            format!(
                "({}, {}, '{}', '{name}', '{article}', {seq}, {seq}, '{}-03-01', {}, '{}', 1, 1)",
                BASE + r.talent_id,
                BASE + r.unit_id,
                r.kind,
                r.due_year,
                r.amount.0,
                r.status.code()
            )
        }),
    )
    .await?;
    tx.commit().await?;
    println!(
        "数据库 (SQLite, --store): 写入 {talents} 名人才、{} 笔分期用时 {:.2?}",
        rows.len(),
        started.elapsed()
    );

    let app = App::new(
        store.clone(),
        Arc::new(yincai_app::clock::SystemClock),
        yincai_domain::crypto::FieldCipher::from_master_key(&[7; 32]),
    );
    let actor = Actor {
        user_id: BASE,
        username: "finance".into(),
        display_name: "财政局".into(),
        org_id: BASE,
        org_name: "财政局".into(),
        org_kind: OrgKind::CityUnit,
        roles: vec![Role::Finance],
        must_change_password: false,
        csrf_token: String::new(),
    };
    for (name, r) in [("基本情形 (base, 0 ‰)", 0), ("考虑离职 (departures)", rate)] {
        let typed = r.to_string();
        let mut times = Vec::with_capacity(runs);
        let mut last = None;
        for _ in 0..runs {
            let t = Instant::now();
            let v = app.fund_projection(&actor, &typed).await?;
            times.push(t.elapsed());
            last = Some(black_box(v));
        }
        let (min, median) = min_median(times);
        let v = last.unwrap_or_else(|| unreachable!("runs ≥ 1"));
        println!(
            "  App::fund_projection {name} {r} ‰（读库 + 预测 + 排版）: 最短 (min) {min:.2?}，中位 (median) {median:.2?}；{} 笔，10 年应付 {}，预计 {}",
            v.installments,
            v.total.base.format_cn(),
            v.total.expected.format_cn()
        );
    }
    // Where the time goes: the two reads over the installments table, once each.
    let mut tx = store.begin_read().await?;
    let t = Instant::now();
    let sums = tx.projection_owed_sums().await?;
    let read_sums = t.elapsed();
    let t = Instant::now();
    let end = i32::from(yincai_app::clock::beijing_date(yincai_app::clock::SystemClock.now_ms()).year()) + 10;
    let owed_talents = tx.projection_talents_owed(end).await?;
    let read_talents = t.elapsed();
    let (plan_sums, plan_talents) = tx.projection_plans(end).await?;
    drop(tx);
    println!(
        "  其中 (of which): 按单位、待遇、年度、状态汇总 {} 行 {read_sums:.2?}；统计涉及人才 {owed_talents} 名 {read_talents:.2?}",
        sums.len()
    );
    println!("  查询计划 (query plans, SQLite):");
    for line in plan_sums.iter().chain(&plan_talents) {
        println!("    {line}");
    }
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
