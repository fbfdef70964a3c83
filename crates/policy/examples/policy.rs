//! Stand-alone `yincai policy` for development and benches:
//! `cargo run --release -p yincai-policy --example policy -- bench --people 1000000`.

use clap::Parser;
use yincai_policy::cli::{PolicyCommand, run};

#[derive(Parser)]
#[command(name = "policy")]
struct Args {
    #[command(subcommand)]
    cmd: PolicyCommand,
}

fn main() -> anyhow::Result<std::process::ExitCode> {
    run(Args::parse().cmd)
}
