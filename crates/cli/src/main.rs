//! `yincai`: the one binary. Thin: parses the command line and calls the crates.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use yincai_app::clock::SystemClock;
use yincai_app::startup::{self, DataConfig};
use yincai_app::{RequestCtx, Role};
use yincai_store::AuditVerdict;
use yincai_web::{Config, Server};

mod fund_bench;
mod policy_bench;
mod policy_cli;
mod projection_bench;

#[derive(Parser)]
#[command(
    name = "yincai",
    version,
    about = "引才：城市人才引进政策全流程平台 (talent-introduction platform)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the portal, the workbenches and the JSON API.
    Serve(ServeArgs),
    /// Run the database migrations and exit.
    Migrate(DbArgs),
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// The policy engine: check policy files, evaluate cases, run case files, benchmark.
    Policy {
        #[command(subcommand)]
        command: crate::policy_cli::PolicyCommand,
    },
    /// The special fund: `fund bench` times installments from frozen reports,
    /// `fund projection-bench` the ten-year projection.
    Fund {
        #[command(subcommand)]
        command: FundCommand,
    },
    /// Re-derive every talent's installments from its service record (ADR 0011): after a
    /// change of the policy file, and daily, for the days that pass.
    Rederive(DbArgs),
    /// Accounts that must exist before anyone can log in.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand)]
enum FundCommand {
    #[command(flatten)]
    Bench(fund_bench::FundCommand),
    /// Time the ten-year projection of the special fund (both scenarios).
    ProjectionBench(projection_bench::ProjectionBenchArgs),
}

#[derive(Args, Clone)]
struct DbArgs {
    /// Where the SQLite database and the field-encryption key live.
    #[arg(long, env = "YINCAI_DATA_DIR", default_value = "./data")]
    data_dir: PathBuf,
    /// A `postgres://` URL selects PostgreSQL; default: the SQLite file in the data dir.
    #[arg(long, env = "YINCAI_DATABASE_URL")]
    database_url: Option<String>,
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on (port 0: any free port).
    #[arg(long, env = "YINCAI_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    #[command(flatten)]
    db: DbArgs,
    /// Load the demo data set (once; later starts keep what is there).
    #[arg(long, env = "YINCAI_DEMO")]
    demo: bool,
    /// Mark session cookies Secure (when served behind HTTPS).
    #[arg(long, env = "YINCAI_SECURE_COOKIES")]
    secure_cookies: bool,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the SM3 chain; report the first altered or removed record (exit 1).
    Verify(DbArgs),
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an administrator with a one-time password (printed once).
    CreateAdmin {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
        /// sys_admin, sec_admin or audit_admin
        #[arg(long, default_value = "sys_admin")]
        role: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

fn data(db: &DbArgs) -> DataConfig {
    DataConfig {
        data_dir: db.data_dir.clone(),
        database_url: db.database_url.clone(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The policy engine needs no database, runtime or logging.
    let command = match cli.command {
        Command::Policy { command } => {
            return crate::policy_cli::run(command).unwrap_or_else(|e| {
                eprintln!("错误 (error): {e:#}");
                ExitCode::FAILURE
            });
        }
        Command::Fund { command } => {
            let result = match command {
                FundCommand::Bench(c) => fund_bench::run(c),
                FundCommand::ProjectionBench(args) => projection_bench::run(args),
            };
            return result.unwrap_or_else(|e| {
                eprintln!("错误 (error): {e:#}");
                ExitCode::FAILURE
            });
        }
        other => other,
    };
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("YINCAI_LOG").unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    match runtime.block_on(run(command)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误 (error): {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve(args) => {
            let config = Config {
                listen: args.listen,
                data_dir: args.db.data_dir,
                database_url: args.db.database_url,
                demo: args.demo,
                secure_cookies: args.secure_cookies,
            };
            let server = Server::build(config).await?;
            // Tests and scripts read the port from this line.
            println!("yincai listening on http://{}", server.local_addr());
            server.run_until(shutdown_signal()).await?;
            eprintln!("yincai stopped");
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate(db) => {
            startup::open_app(&data(&db), Arc::new(SystemClock)).await?;
            println!("migrations applied");
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit {
            command: AuditCommand::Verify(db),
        } => {
            // Reads only: no migration, no key, no new file.
            let store = startup::open_existing_store(&data(&db)).await?;
            let verdict = store.verify_audit().await.context("reading the audit trail");
            store.close().await;
            match verdict? {
                AuditVerdict::Intact { records, head_hash } => {
                    println!("审计日志完整 (intact): {records} records, head {head_hash}");
                    Ok(ExitCode::SUCCESS)
                }
                AuditVerdict::Broken { seq, problem } => {
                    println!(
                        "审计日志被篡改 (broken): first bad record {seq}: {}",
                        yincai_app::audit::problem_zh(problem)
                    );
                    Ok(ExitCode::from(1))
                }
            }
        }
        Command::Rederive(db) => {
            let app = startup::open_app(&data(&db), Arc::new(SystemClock)).await?;
            let ctx = RequestCtx {
                request_id: "cli".into(),
            };
            let changed = app.rederive_all(&ctx).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("按服务记录重新计算待遇：{changed} 名人才的待遇有变化（详见审计日志）");
            Ok(ExitCode::SUCCESS)
        }
        Command::Policy { .. } | Command::Fund { .. } => unreachable!("handled before the runtime starts"),
        Command::User {
            command:
                UserCommand::CreateAdmin {
                    username,
                    display_name,
                    role,
                    db,
                },
        } => {
            let role = Role::parse(&role)
                .with_context(|| format!("unknown role {role}: use sys_admin, sec_admin or audit_admin"))?;
            let app = startup::open_app(&data(&db), Arc::new(SystemClock)).await?;
            let ctx = RequestCtx {
                request_id: "cli".into(),
            };
            let password = app
                .bootstrap_admin(&username, &display_name, role, &ctx)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("created {username} ({}); one-time password: {password}", role.name_zh());
            println!("the password must be changed at first login");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Ctrl-C or SIGTERM: stop accepting, finish what is in flight.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    eprintln!("shutting down");
}
