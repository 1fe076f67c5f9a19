//! `skyhex inspect`: what each input holds, and the total.

use std::path::PathBuf;

use serde::Serialize;
use skyhex_core::points::RejectCounts;
use skyhex_core::summary::{Summary, format_time};

use crate::Outcome;
use crate::inputs::{InputFile, Inputs, summary_of};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print one JSON object instead of a table
    #[arg(long)]
    json: bool,
    /// Files or folders (read recursively)
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
}

/// The `--json` report. `rejected` is the total; `rejected_by_reason` splits it.
#[derive(Debug, Serialize)]
struct Report {
    points: u64,
    rejected: u64,
    rejected_by_reason: RejectCounts,
    aircraft: usize,
    first_time: Option<String>,
    last_time: Option<String>,
    files: Vec<FileReport>,
    skipped_files: Vec<String>,
}

#[derive(Debug, Serialize)]
struct FileReport {
    name: String,
    format: Option<&'static str>,
    points: u64,
    rejected: u64,
    rejected_by_reason: RejectCounts,
    aircraft: usize,
    first_time: Option<String>,
    last_time: Option<String>,
    error: Option<String>,
}

impl FileReport {
    fn new(file: &InputFile) -> Self {
        let name = file.path.display().to_string();
        match &file.result {
            Ok(decoded) => {
                let summary = summary_of(decoded);
                Self {
                    name,
                    format: Some(decoded.format.name()),
                    points: summary.points,
                    rejected: summary.rejected.total(),
                    rejected_by_reason: summary.rejected,
                    aircraft: summary.aircraft.len(),
                    first_time: summary.first_time_ms.map(format_time),
                    last_time: summary.last_time_ms.map(format_time),
                    error: None,
                }
            }
            Err(message) => Self {
                name,
                format: None,
                points: 0,
                rejected: 0,
                rejected_by_reason: RejectCounts::default(),
                aircraft: 0,
                first_time: None,
                last_time: None,
                error: Some(message.clone()),
            },
        }
    }
}

impl Report {
    fn new(inputs: &Inputs, total: &Summary) -> Self {
        Self {
            points: total.points,
            rejected: total.rejected.total(),
            rejected_by_reason: total.rejected,
            aircraft: total.aircraft.len(),
            first_time: total.first_time_ms.map(format_time),
            last_time: total.last_time_ms.map(format_time),
            files: inputs.files.iter().map(FileReport::new).collect(),
            skipped_files: inputs.skipped.iter().map(|path| path.display().to_string()).collect(),
        }
    }

    fn print_table(&self) {
        let time = |time: &Option<String>| time.clone().unwrap_or_else(|| "-".to_owned());
        let row = |name: &str,
                   format: &str,
                   points: &dyn std::fmt::Display,
                   rejected: &dyn std::fmt::Display,
                   aircraft: &dyn std::fmt::Display,
                   first: &str,
                   last: &str| {
            println!("{name:<60} {format:<13} {points:>10} {rejected:>9} {aircraft:>9}  {first:<24} {last}");
        };
        row("input", "format", &"points", &"rejected", &"aircraft", "first", "last");
        for file in &self.files {
            match &file.error {
                None => row(
                    &file.name,
                    file.format.unwrap_or("?"),
                    &file.points,
                    &file.rejected,
                    &file.aircraft,
                    &time(&file.first_time),
                    &time(&file.last_time),
                ),
                Some(error) => println!("{:<60} error: {error}", file.name),
            }
        }
        let total = format!("total ({} files)", self.files.len());
        row(
            &total,
            "",
            &self.points,
            &self.rejected,
            &self.aircraft,
            &time(&self.first_time),
            &time(&self.last_time),
        );
        for (reason, count) in self.rejected_by_reason.nonzero() {
            println!("rejected, {}: {count}", reason.name());
        }
        if !self.skipped_files.is_empty() {
            println!("skipped (not a supported format): {} files", self.skipped_files.len());
        }
    }
}

pub fn run(args: &Args) -> Result<Outcome, String> {
    let inputs = Inputs::read(&args.inputs)?;
    inputs.report_problems();
    let report = Report::new(&inputs, &inputs.total_summary());
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report).map_err(|err| err.to_string())?);
    } else {
        report.print_table();
    }
    Ok(Outcome::of(inputs.read_count(), inputs.failed_count()))
}
