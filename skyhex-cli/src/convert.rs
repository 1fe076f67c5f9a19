//! `skyhex convert`: any inputs to one Parquet file of canonical points (zstd), so a tar day
//! becomes a file any tool reads; reading it back gives the same aggregates.

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;

use skyhex_core::export::points_parquet_writer;

use crate::Outcome;
use crate::inputs::Run;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The Parquet file to write
    #[arg(long)]
    out: PathBuf,
    /// Files or folders (read recursively)
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
}

pub fn run(args: &Args) -> Result<Outcome, String> {
    let cannot_write = |err: &dyn std::fmt::Display| format!("{}: cannot write: {err}", args.out.display());
    let file = File::create(&args.out).map_err(|err| cannot_write(&err))?;
    let mut writer = points_parquet_writer(BufWriter::new(file)).map_err(|err| cannot_write(&err))?;
    let mut write_error = None;
    let run = Run::read(&args.inputs, &mut |decoded| {
        for batch in &decoded.batches {
            if write_error.is_none()
                && let Err(err) = writer.write(batch)
            {
                write_error = Some(err);
            }
        }
    })?;
    if let Some(err) = write_error {
        return Err(cannot_write(&err));
    }
    let metadata = writer.close().map_err(|err| cannot_write(&err))?;
    run.report_problems();
    eprintln!(
        "skyhex: {} inputs read, {} points written to {}",
        run.read_count(),
        metadata.file_metadata().num_rows(),
        args.out.display()
    );
    Ok(Outcome::of(run.read_count(), run.failed_count()))
}
