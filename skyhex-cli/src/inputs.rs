//! Input paths to decoded files: folders expand recursively, files decode in parallel.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use skyhex_core::ingest::{self, Decoded, IngestError};

/// One file and what came of reading it.
#[derive(Debug)]
pub struct InputFile {
    pub path: PathBuf,
    pub result: Result<Decoded, String>,
}

impl InputFile {
    /// Why the file could not be read, or not to its end (the points before are kept).
    pub fn problem(&self) -> Option<&str> {
        match &self.result {
            Ok(decoded) => decoded.stopped_early.as_deref(),
            Err(message) => Some(message),
        }
    }
}

/// The files behind the inputs, decoded, in a stable order (as given; folders sorted by name).
#[derive(Debug)]
pub struct Inputs {
    pub files: Vec<InputFile>,
    /// Files inside folders that are not in a supported format (skipped, not errors).
    pub skipped: Vec<PathBuf>,
}

impl Inputs {
    /// Reads and decodes every file. An error only when an input path cannot be listed.
    pub fn read(paths: &[PathBuf]) -> Result<Self, String> {
        let mut listed = Vec::new();
        for path in paths {
            list_files(path, &mut listed)?;
        }
        let decoded: Vec<(PathBuf, bool, Result<Decoded, IngestError>)> = listed
            .into_par_iter()
            .map(|(path, in_folder)| {
                let result = read_file(&path);
                (path, in_folder, result)
            })
            .collect();
        let mut inputs = Self { files: Vec::new(), skipped: Vec::new() };
        for (path, in_folder, result) in decoded {
            match result {
                Err(IngestError::UnknownFormat(_)) if in_folder => inputs.skipped.push(path),
                result => {
                    inputs.files.push(InputFile { path, result: result.map_err(|err| err.to_string()) });
                }
            }
        }
        Ok(inputs)
    }

    pub fn decoded(&self) -> impl Iterator<Item = &Decoded> {
        self.files.iter().filter_map(|file| file.result.as_ref().ok())
    }

    pub fn read_count(&self) -> usize {
        self.decoded().count()
    }

    /// Files that could not be read, or not to their end.
    pub fn failed_count(&self) -> usize {
        self.files.iter().filter(|file| file.problem().is_some()).count()
    }

    /// Prints one line per failed file and a count of skipped ones to stderr.
    pub fn report_problems(&self) {
        for file in &self.files {
            if let Some(problem) = file.problem() {
                eprintln!("skyhex: {}: {problem}", file.path.display());
            }
        }
        if !self.skipped.is_empty() {
            eprintln!(
                "skyhex: skipped {} files in folders that are not a supported format",
                self.skipped.len()
            );
        }
    }
}

fn read_file(path: &Path) -> Result<Decoded, IngestError> {
    let bytes = std::fs::read(path).map_err(|err| IngestError::Io(err.to_string()))?;
    ingest::decode(bytes.into())
}

/// Appends `path` (a file) or the files under it (a folder, recursively, sorted by name).
fn list_files(path: &Path, listed: &mut Vec<(PathBuf, bool)>) -> Result<(), String> {
    if !path.is_dir() {
        listed.push((path.to_owned(), false));
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
        let entry = entry.map_err(|err| format!("{}: cannot list folder: {err}", path.display()))?;
        if entry.file_type().is_file() {
            listed.push((entry.into_path(), true));
        }
    }
    Ok(())
}
