//! `skyhex aggregate`: the cell table at one resolution, as CSV or Parquet.

use std::io::Write;
use std::path::PathBuf;

use skyhex_core::Resolution;
use skyhex_core::density::DensityBuilder;
use skyhex_core::export;
use skyhex_core::filter::PointFilter;
use skyhex_core::summary::parse_time;

use crate::Outcome;
use crate::inputs::Run;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// H3 resolution, 0 (continents) to 15 (about a square metre)
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=15))]
    res: u8,
    /// Output file; Parquet when it ends in .parquet, else CSV. Standard output when absent
    #[arg(long)]
    out: Option<PathBuf>,
    /// Keep points at or after this time (RFC 3339)
    #[arg(long, value_parser = parse_time_arg)]
    from: Option<i64>,
    /// Keep points before this time (RFC 3339)
    #[arg(long, value_parser = parse_time_arg)]
    to: Option<i64>,
    /// Keep points at or above this barometric altitude (feet)
    #[arg(long)]
    min_alt_ft: Option<f64>,
    /// Keep points at or below this barometric altitude (feet)
    #[arg(long)]
    max_alt_ft: Option<f64>,
    /// Drop points on the ground
    #[arg(long)]
    exclude_ground: bool,
    /// Files or folders (read recursively)
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
}

fn parse_time_arg(text: &str) -> Result<i64, String> {
    parse_time(text).map_err(|err| format!("not an RFC 3339 time such as 2025-05-28T12:00:00Z: {err}"))
}

pub fn run(args: &Args) -> Result<Outcome, String> {
    let resolution = Resolution::try_from(args.res).map_err(|err| err.to_string())?;
    let filter = PointFilter {
        from_ms: args.from,
        to_ms: args.to,
        min_alt_ft: args.min_alt_ft,
        max_alt_ft: args.max_alt_ft,
        exclude_ground: args.exclude_ground,
    };
    let mut builder = DensityBuilder::new(resolution, filter);
    let run = Run::read(&args.inputs, &mut |decoded| builder.add_decoded(decoded))?;
    run.report_problems();
    let outcome = Outcome::of(run.read_count(), run.failed_count());
    if outcome == Outcome::NothingRead {
        eprintln!("skyhex: no input could be read");
        return Ok(outcome);
    }
    let density = builder.finish();
    let bytes = match &args.out {
        Some(path) if path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("parquet")) => {
            export::to_parquet(&density.cells).map_err(|err| format!("cannot write Parquet: {err}"))?
        }
        _ => export::to_csv(&density.cells).into_bytes(),
    };
    match &args.out {
        Some(path) => {
            std::fs::write(path, bytes).map_err(|err| format!("{}: cannot write: {err}", path.display()))?;
        }
        None => std::io::stdout()
            .write_all(&bytes)
            .map_err(|err| format!("cannot write to standard output: {err}"))?,
    }
    eprintln!(
        "skyhex: {} inputs read, {} points in {} cells at resolution {}",
        run.read_count(),
        density.points,
        density.cells.len(),
        args.res
    );
    Ok(outcome)
}
