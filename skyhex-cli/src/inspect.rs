//! `skyhex inspect`: what each input holds, and the total.

use std::path::PathBuf;

use serde::Serialize;
use skyhex_core::points::RejectCounts;
use skyhex_core::summary::{Summary, format_time};

use crate::Outcome;
use crate::inputs::Run;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print one JSON object instead of a table
    #[arg(long)]
    json: bool,
    /// Files or folders (read recursively)
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
}

/// The `--json` report: the total, then each file.
#[derive(Debug, Serialize)]
struct Report {
    #[serde(flatten)]
    total: Counts,
    files: Vec<FileReport>,
    skipped_files: Vec<String>,
}

#[derive(Debug, Serialize)]
struct FileReport {
    name: String,
    format: Option<String>,
    #[serde(flatten)]
    counts: Counts,
    /// Archive members that are not data (licences, READMEs).
    skipped_members: usize,
    /// Heatmap members left out: the archive's traces hold the same traffic in full.
    heatmap_members_left_out: usize,
    /// Every problem of the input, `; `-separated (for archives, `member: reason`).
    error: Option<String>,
}

/// What `inspect` says of a file or of all: `rejected` is the total, `rejected_by_reason` splits it.
#[derive(Debug, Default, Serialize)]
struct Counts {
    points: u64,
    rejected: u64,
    rejected_by_reason: RejectCounts,
    aircraft: usize,
    first_time: Option<String>,
    last_time: Option<String>,
}

impl Counts {
    fn of(summary: &Summary) -> Self {
        Self {
            points: summary.points,
            rejected: summary.rejected.total(),
            rejected_by_reason: summary.rejected,
            aircraft: summary.aircraft.len(),
            first_time: summary.first_time_ms.map(format_time),
            last_time: summary.last_time_ms.map(format_time),
        }
    }
}

impl Report {
    fn new(run: &Run) -> Self {
        let mut total = Summary::default();
        let files = run
            .reports
            .iter()
            .map(|report| {
                total.merge(&report.summary);
                FileReport {
                    name: report.name.clone(),
                    format: report.format.clone(),
                    counts: Counts::of(&report.summary),
                    skipped_members: report.skipped_members,
                    heatmap_members_left_out: report.heatmap_members_left_out,
                    error: (!report.problems.is_empty()).then(|| report.problems.join("; ")),
                }
            })
            .collect();
        Self {
            total: Counts::of(&total),
            files,
            skipped_files: run.skipped_files.iter().map(|path| path.display().to_string()).collect(),
        }
    }

    fn print_table(&self) {
        let time = |time: &Option<String>| time.clone().unwrap_or_else(|| "-".to_owned());
        let row = |name: &str, format: &str, counts: &Counts| {
            let (first, last) = (time(&counts.first_time), time(&counts.last_time));
            let (points, rejected, aircraft) = (counts.points, counts.rejected, counts.aircraft);
            println!("{name:<60} {format:<24} {points:>10} {rejected:>9} {aircraft:>9}  {first:<24} {last}");
        };
        println!(
            "{:<60} {:<24} {:>10} {:>9} {:>9}  {:<24} last",
            "input", "format", "points", "rejected", "aircraft", "first"
        );
        for file in &self.files {
            if let Some(format) = &file.format {
                row(&file.name, format, &file.counts);
            }
            if let Some(error) = &file.error {
                println!("{:<60} error: {error}", if file.format.is_some() { "" } else { &file.name });
            }
        }
        row(&format!("total ({} files)", self.files.len()), "", &self.total);
        for (reason, count) in self.total.rejected_by_reason.nonzero() {
            println!("rejected, {}: {count}", reason.name());
        }
        if !self.skipped_files.is_empty() {
            println!("skipped (not a supported format): {} files", self.skipped_files.len());
        }
    }
}

pub fn run(args: &Args) -> Result<Outcome, String> {
    let run = Run::read(&args.inputs, &mut |_| {})?;
    run.report_problems();
    let report = Report::new(&run);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report).map_err(|err| err.to_string())?);
    } else {
        report.print_table();
    }
    Ok(Outcome::of(run.read_count(), run.failed_count()))
}
