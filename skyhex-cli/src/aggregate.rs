//! `skyhex aggregate`: the cell table at one resolution, as CSV or Parquet.
//!
//! Inputs decode in parallel (see `inputs`) into compact point stores of about
//! [`STORE_POINTS`] points each; the stores are then aggregated in parallel and merged, the
//! way the page's workers do, so every core works and results do not depend on the split.

use std::io::Write;
use std::path::PathBuf;

use rayon::prelude::*;
use skyhex_core::Resolution;
use skyhex_core::density::{CellCount, Density, Metric};
use skyhex_core::engine::sharing::AircraftOwners;
use skyhex_core::engine::{AircraftSharing, PointStore, aggregate_store};
use skyhex_core::export;
use skyhex_core::filter::{GroundFilter, Pattern, PointFilter, SourceKind};
use skyhex_core::summary::parse_time;

use crate::Outcome;
use crate::inputs::Run;

/// Points per store: enough to amortise a store's tables, small enough to spread over cores.
const STORE_POINTS: usize = 1 << 20;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// H3 resolution, 0 (continents) to 15 (about a square metre)
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=15))]
    res: u8,
    /// Output file; Parquet when it ends in .parquet, else CSV. Standard output when absent
    #[arg(long)]
    out: Option<PathBuf>,
    /// Metrics to add as columns after the contract's five: points, aircraft,
    /// aircraft-minutes, flights, mean-altitude, max-altitude (comma-separated or repeated)
    #[arg(long, value_delimiter = ',', value_parser = parse_metric)]
    metric: Vec<Metric>,
    #[command(flatten)]
    filter: FilterArgs,
    /// Sample: keep the first point of each flight leg and every N-th after (what the app
    /// does past its memory budget, with the N it shows)
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    keep_every: u32,
    /// Files or folders (read recursively)
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
}

/// The point filters, shared by the commands that aggregate.
#[derive(Debug, clap::Args)]
pub struct FilterArgs {
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
    #[arg(long, conflicts_with = "only_ground")]
    exclude_ground: bool,
    /// Keep only points on the ground
    #[arg(long)]
    only_ground: bool,
    /// Keep these source types: adsb, mlat, tisb, adsc, other (comma-separated)
    #[arg(long, value_delimiter = ',', value_parser = parse_source)]
    source: Vec<SourceKind>,
    /// Aircraft address (hex) by prefix, or a pattern with * and ?
    #[arg(long, value_parser = parse_pattern)]
    address: Option<Pattern>,
    /// Callsign by prefix, or a pattern with * and ?
    #[arg(long, value_parser = parse_pattern)]
    callsign: Option<Pattern>,
    /// Registration by prefix, or a pattern with * and ?
    #[arg(long, value_parser = parse_pattern)]
    registration: Option<Pattern>,
    /// ICAO type code by prefix, or a pattern with * and ?
    #[arg(long = "type", value_parser = parse_pattern)]
    type_code: Option<Pattern>,
    /// Squawk by prefix, or a pattern with * and ?
    #[arg(long, value_parser = parse_pattern)]
    squawk: Option<Pattern>,
    /// Keep aircraft with any of these dbFlags: military, interesting, pia, ladd
    #[arg(long, value_delimiter = ',', value_parser = parse_db_flag)]
    db_flags: Vec<u16>,
}

impl FilterArgs {
    pub fn filter(&self) -> PointFilter {
        let ground = match (self.exclude_ground, self.only_ground) {
            (true, _) => GroundFilter::Exclude,
            (_, true) => GroundFilter::Only,
            _ => GroundFilter::Any,
        };
        PointFilter {
            from_ms: self.from,
            to_ms: self.to,
            min_alt_ft: self.min_alt_ft,
            max_alt_ft: self.max_alt_ft,
            ground,
            sources: (!self.source.is_empty()).then(|| self.source.clone()),
            address: self.address.clone(),
            callsign: self.callsign.clone(),
            registration: self.registration.clone(),
            type_code: self.type_code.clone(),
            squawk: self.squawk.clone(),
            db_flags_any: self.db_flags.iter().fold(0, |all, flag| all | flag),
        }
    }
}

fn parse_time_arg(text: &str) -> Result<i64, String> {
    parse_time(text).map_err(|err| format!("not an RFC 3339 time such as 2025-05-28T12:00:00Z: {err}"))
}

fn parse_metric(text: &str) -> Result<Metric, String> {
    Metric::from_name(text).ok_or_else(|| {
        let names: Vec<_> = Metric::ALL.iter().map(|metric| metric.name()).collect();
        format!("not a metric; one of {}", names.join(", "))
    })
}

fn parse_source(text: &str) -> Result<SourceKind, String> {
    SourceKind::from_name(text).ok_or_else(|| "not a source; one of adsb, mlat, tisb, adsc, other".into())
}

fn parse_pattern(text: &str) -> Result<Pattern, String> {
    Ok(Pattern::new(text))
}

fn parse_db_flag(text: &str) -> Result<u16, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "military" => Ok(1),
        "interesting" => Ok(2),
        "pia" => Ok(4),
        "ladd" => Ok(8),
        _ => Err("not a dbFlag; one of military, interesting, pia, ladd".into()),
    }
}

/// Decoded inputs, as compact stores and pre-aggregated cells.
#[derive(Debug, Default)]
pub struct Loaded {
    pub stores: Vec<PointStore>,
    pub cells: Vec<CellCount>,
}

impl Loaded {
    /// Reads every input into stores of about [`STORE_POINTS`] points, each sampled to one
    /// point in `keep_every` of each leg.
    pub fn read(inputs: &[PathBuf], keep_every: u32) -> Result<(Self, Run), String> {
        let mut loaded = Self::default();
        let run = Run::read(inputs, &mut |decoded| {
            if loaded.stores.last().is_none_or(|store| store.len() >= STORE_POINTS) {
                let mut store = PointStore::default();
                store.sample(keep_every);
                loaded.stores.push(store);
            }
            if let Some(store) = loaded.stores.last_mut() {
                store.add_input(&decoded.batches);
            }
            loaded.cells.extend_from_slice(&decoded.cells);
        })?;
        loaded.stores.iter_mut().for_each(PointStore::shrink_to_fit);
        Ok((loaded, run))
    }

    /// The cells at `resolution` under `filter`: stores aggregated on every core, merged in order.
    pub fn density(&self, resolution: Resolution, filter: &PointFilter) -> Density {
        let owners = AircraftOwners::of_stores(&self.stores);
        let aggregates: Vec<_> = self
            .stores
            .par_iter()
            .enumerate()
            .map(|(owner, store)| {
                let sharing = AircraftSharing::of_store_alone(!owners.shares(owner as u32));
                aggregate_store(store, resolution, filter, None, sharing)
            })
            .collect();
        Density::merged(&aggregates, &self.cells, resolution, filter)
    }
}

pub fn run(args: &Args) -> Result<Outcome, String> {
    let resolution = Resolution::try_from(args.res).map_err(|err| err.to_string())?;
    let (loaded, run) = Loaded::read(&args.inputs, args.keep_every)?;
    run.report_problems();
    let outcome = Outcome::of(run.read_count(), run.failed_count());
    if outcome == Outcome::NothingRead {
        eprintln!("skyhex: no input could be read");
        return Ok(outcome);
    }
    let density = loaded.density(resolution, &args.filter.filter());
    let bytes = match &args.out {
        Some(path) if path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("parquet")) => {
            export::to_parquet(&density.cells, &args.metric)
                .map_err(|err| format!("cannot write Parquet: {err}"))?
        }
        _ => export::to_csv(&density.cells, &args.metric).into_bytes(),
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
