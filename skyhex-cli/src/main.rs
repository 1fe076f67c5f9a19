//! `skyhex`: flight-density aggregates from ADS-B files, on every core.
//!
//! Exit status: 0 when every input was read; 1 when some failed but others were read
//! (their results are still written); 2 for a usage error or when nothing could be read.

#![allow(clippy::print_stdout, reason = "a command-line tool prints its results")]

mod aggregate;
mod convert;
mod inputs;
mod inspect;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

skyhex_core::use_unfused_fma!();

#[derive(Debug, Parser)]
#[command(name = "skyhex", version, about = "Flight-density aggregates from ADS-B files")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Count points into H3 cells: h3_index,point_count,aircraft_count,center_lat,center_lon
    Aggregate(Box<aggregate::Args>),
    /// Report format, points, rejected points, aircraft and time span per input and in total
    Inspect(inspect::Args),
    /// Write every input's points to one Parquet file in skyhex's canonical points schema
    Convert(convert::Args),
}

/// How a run ended, as the exit status the contract defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    AllRead,
    SomeFailed,
    NothingRead,
}

impl Outcome {
    fn of(read: usize, failed: usize) -> Self {
        match (read, failed) {
            (0, _) => Self::NothingRead,
            (_, 0) => Self::AllRead,
            _ => Self::SomeFailed,
        }
    }
}

const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() { ExitCode::from(EXIT_USAGE) } else { ExitCode::SUCCESS };
        }
    };
    let result = match cli.command {
        Command::Aggregate(args) => aggregate::run(&args),
        Command::Inspect(args) => inspect::run(&args),
        Command::Convert(args) => convert::run(&args),
    };
    match result {
        Ok(Outcome::AllRead) => ExitCode::SUCCESS,
        Ok(Outcome::SomeFailed) => ExitCode::from(1),
        Ok(Outcome::NothingRead) => ExitCode::from(EXIT_USAGE),
        Err(message) => {
            eprintln!("skyhex: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}
