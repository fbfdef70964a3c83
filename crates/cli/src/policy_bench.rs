//! `yincai policy bench`: a synthetic population with a fixed seed, evaluated three ways.

use std::hint::black_box;
use std::time::Instant;

use jiff::civil::Date;
use rayon::prelude::*;

use yincai_policy::dates;
use yincai_policy::eval::{Outcome, evaluate_batch, evaluate_into};
use yincai_policy::facts::{Assessment, Degree, Employer, Facts, Honour, Mode, Person, Title};
use yincai_policy::set::PolicySet;

/// SplitMix64: small, fast, and the same sequence everywhere for a seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

fn day(base: Date, days: u64) -> Date {
    base.checked_add(jiff::Span::new().days(days as i64)).unwrap_or(base)
}

/// One synthetic introduction with a full history; every mode and category occurs.
pub fn synthetic(rng: &mut Rng) -> Facts {
    let honours = match rng.below(20) {
        0 => vec![rng.pick(&[Honour::NationalExpert, Honour::NationalLeader])],
        1 => vec![rng.pick(&[Honour::ProvincialExpert, Honour::ProvincialLeader])],
        _ => Vec::new(),
    };
    let person = Person {
        degree: rng.pick(&[
            Degree::None,
            Degree::Bachelor,
            Degree::Bachelor,
            Degree::Master,
            Degree::Master,
            Degree::Doctor,
        ]),
        full_time: rng.chance(85),
        title: rng.pick(&[
            Title::None,
            Title::None,
            Title::Junior,
            Title::Intermediate,
            Title::ViceSenior,
            Title::Senior,
        ]),
        registered_practitioner: rng.chance(10),
        honours,
        leading_technology: rng.chance(8),
        research_results: rng.chance(50),
        shortage_field: rng.chance(40),
        practical_talent: rng.chance(10),
        aid_xinjiang: rng.chance(5),
    };
    let mode = rng.pick(&[
        Mode::Recruit,
        Mode::Recruit,
        Mode::Transfer,
        Mode::Special,
        Mode::Local,
        Mode::AidExtension,
    ]);
    let employer = rng.pick(&[
        Employer::CityUnit,
        Employer::CityUnit,
        Employer::CityUnit,
        Employer::Enterprise,
        Employer::CentralUnit,
    ]);
    let start = day(Date::constant(2014, 9, 1), rng.below(8 * 365));
    let as_of = day(start, rng.below(11 * 365));
    let end = rng
        .chance(15)
        .then(|| day(start, rng.below(11 * 365)))
        .filter(|e| *e <= as_of);
    let ended_for_cause = end.is_some() && rng.chance(20);
    let until = end.unwrap_or(as_of);
    let years = dates::years_completed(start, until) as usize;
    let assessments = (0..years)
        .map(|_| match rng.below(20) {
            0 | 1 => Assessment::Failed,
            2 => Assessment::Excellent,
            _ => Assessment::Passed,
        })
        .collect();
    let service_months = if mode == Mode::Special {
        (0..years).map(|_| 3 + rng.below(10) as u8).collect()
    } else {
        Vec::new()
    };
    Facts {
        name: None,
        policy: None,
        as_of,
        person,
        employer,
        mode,
        start,
        end,
        ended_for_cause,
        assessments,
        service_months,
        project_verified: rng.chance(20),
        project_benefit_significant: rng.chance(10),
    }
}

pub fn population(people: usize, seed: u64) -> Vec<Facts> {
    let mut rng = Rng::new(seed);
    (0..people).map(|_| synthetic(&mut rng)).collect()
}

pub fn run(set: &PolicySet, people: usize, seed: u64, threads: Option<usize>) -> anyhow::Result<()> {
    let plan = set
        .plans()
        .first()
        .ok_or_else(|| anyhow::anyhow!("没有政策 (no policy loaded)"))?;
    let people = people.max(1);
    let started = Instant::now();
    let facts = population(people, seed);
    println!(
        "policy {} {}; {people} synthetic people (seed {seed}) generated in {:.2?}",
        plan.meta.id,
        plan.meta.version,
        started.elapsed()
    );
    let rate = |n: usize, secs: f64| (n as f64 / secs.max(1e-9)).round();

    let mut out = Outcome::default();
    let t = Instant::now();
    let mut total = 0i64;
    for f in &facts {
        evaluate_into(plan, f, None, &mut out);
        total = total.wrapping_add(black_box(&out).total_due());
    }
    println!(
        "single (1 thread, trace off): {} people/s",
        rate(people, t.elapsed().as_secs_f64())
    );

    // The trace allocates a message per step: a sample is enough for a rate.
    let sample = &facts[..people.min(200_000)];
    let mut trace = Vec::new();
    let t = Instant::now();
    for f in sample {
        trace.clear();
        evaluate_into(plan, f, Some(&mut trace), &mut out);
        total = total.wrapping_add(black_box(&out).total_due() + trace.len() as i64);
    }
    println!(
        "single (1 thread, trace on): {} people/s",
        rate(sample.len(), t.elapsed().as_secs_f64())
    );

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()?;
    let t = Instant::now();
    let batch_total: i64 = pool.install(|| {
        facts
            .par_chunks(256)
            .map_init(Vec::new, |buf, chunk| {
                evaluate_batch(plan, chunk, buf);
                buf.iter().map(Outcome::total_due).sum::<i64>()
            })
            .sum()
    });
    println!(
        "batch ({} threads): {} people/s",
        pool.current_num_threads(),
        rate(people, t.elapsed().as_secs_f64())
    );
    black_box((total, batch_total));
    Ok(())
}
