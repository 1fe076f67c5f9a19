//! Input paths to decoded points: folders expand recursively, split tar parts join into one
//! archive, and files and archive members decode in parallel, in chunks, so memory stays
//! bounded whatever the input's size. Decoded points go to a consumer in input order.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use skyhex_core::ingest::archive::{self, ByteRange, Member, TarWalker, read_across_parts};
use skyhex_core::ingest::{self, AircraftShare, Decoded, IngestError, MemberContent};
use skyhex_core::summary::Summary;

/// Files or members decoded at once: enough to keep every core busy, few enough to bound memory.
const CHUNK: usize = 256;

/// One input as the user sees it.
#[derive(Debug)]
enum Source {
    File {
        path: PathBuf,
        in_folder: bool,
    },
    /// An archive, in one part or split into parts (in suffix order).
    Archive {
        parts: Vec<PathBuf>,
    },
}

/// What came of reading one input.
#[derive(Debug, Default)]
pub struct Report {
    pub name: String,
    pub format: Option<String>,
    pub summary: Summary,
    /// Errors: the input's own, or its members' (`member: reason`).
    pub problems: Vec<String>,
    /// Whether anything could be read at all.
    pub read: bool,
    /// Archive members that are not a supported format (licences, READMEs, ...).
    pub skipped_members: usize,
    /// Heatmap members left out because the archive's traces hold the same traffic.
    pub heatmap_members_left_out: usize,
}

/// Every input's report, and files in folders that were not a supported format.
#[derive(Debug, Default)]
pub struct Run {
    pub reports: Vec<Report>,
    pub skipped_files: Vec<PathBuf>,
}

impl Run {
    /// Reads every input, handing each decoded file or member to `consume` in input order.
    /// An error only when an input path cannot be listed.
    pub fn read(paths: &[PathBuf], consume: &mut dyn FnMut(&Decoded)) -> Result<Self, String> {
        let mut run = Self::default();
        let sources = list_sources(paths)?;
        let mut pending_files = Vec::new();
        for source in sources {
            match source {
                Source::File { path, in_folder } => pending_files.push((path, in_folder)),
                Source::Archive { parts } => {
                    run.read_files(&std::mem::take(&mut pending_files), consume);
                    run.reports.push(read_archive(&parts, consume));
                }
            }
        }
        run.read_files(&pending_files, consume);
        Ok(run)
    }

    fn read_files(&mut self, files: &[(PathBuf, bool)], consume: &mut dyn FnMut(&Decoded)) {
        for chunk in files.chunks(CHUNK) {
            let decoded: Vec<Result<Decoded, IngestError>> =
                chunk.par_iter().map(|(path, _)| read_file(path)).collect();
            for ((path, in_folder), result) in chunk.iter().zip(decoded) {
                match result {
                    Err(IngestError::UnknownFormat(_)) if *in_folder => self.skipped_files.push(path.clone()),
                    result => self.reports.push(file_report(path, result, consume)),
                }
            }
        }
    }

    pub fn read_count(&self) -> usize {
        self.reports.iter().filter(|report| report.read).count()
    }

    /// Inputs that could not be read, or not whole.
    pub fn failed_count(&self) -> usize {
        self.reports.iter().filter(|report| !report.problems.is_empty()).count()
    }

    /// Prints each problem, naming its input, and a count of skipped files to stderr.
    pub fn report_problems(&self) {
        for report in &self.reports {
            for problem in &report.problems {
                eprintln!("skyhex: {}: {problem}", report.name);
            }
        }
        if !self.skipped_files.is_empty() {
            eprintln!(
                "skyhex: skipped {} files in folders that are not a supported format",
                self.skipped_files.len()
            );
        }
    }
}

fn file_report(
    path: &Path,
    result: Result<Decoded, IngestError>,
    consume: &mut dyn FnMut(&Decoded),
) -> Report {
    let name = path.display().to_string();
    match result {
        Ok(decoded) => {
            consume(&decoded);
            Report {
                name,
                format: Some(decoded.format.name().to_owned()),
                summary: Summary::of_decoded(&decoded),
                problems: decoded.stopped_early.into_iter().collect(),
                read: true,
                ..Report::default()
            }
        }
        Err(err) => Report { name, problems: vec![err.to_string()], ..Report::default() },
    }
}

fn read_file(path: &Path) -> Result<Decoded, IngestError> {
    let bytes = std::fs::read(path).map_err(|err| IngestError::Io(err.to_string()))?;
    ingest::decode(bytes.into())
}

/// An archive's parts opened for reading at any offset.
struct Parts {
    files: Vec<File>,
    lens: Vec<u64>,
}

impl Parts {
    fn open(paths: &[PathBuf]) -> std::io::Result<Self> {
        let files = paths.iter().map(File::open).collect::<std::io::Result<Vec<File>>>()?;
        let lens = files
            .iter()
            .map(|file| file.metadata().map(|meta| meta.len()))
            .collect::<std::io::Result<_>>()?;
        Ok(Self { files, lens })
    }

    fn len(&self) -> u64 {
        self.lens.iter().sum()
    }

    /// Up to `range.len` bytes at `range.offset` (fewer at the end of the last part).
    fn read(&self, range: ByteRange) -> std::io::Result<Vec<u8>> {
        read_across_parts(&self.lens, range.offset, range.len, |part, offset, len| {
            let mut buffer = vec![0; usize::try_from(len).map_err(std::io::Error::other)?];
            self.files[part].read_exact_at(&mut buffer, offset)?;
            Ok(buffer)
        })
    }
}

fn read_archive(paths: &[PathBuf], consume: &mut dyn FnMut(&Decoded)) -> Report {
    let name = paths.iter().map(|path| path.display().to_string()).collect::<Vec<_>>().join(" + ");
    let mut report = Report { name, ..Report::default() };
    let parts = match Parts::open(paths) {
        Ok(parts) => parts,
        Err(err) => {
            report.problems.push(format!("cannot read: {err}"));
            return report;
        }
    };
    let index = match archive::index(parts.len(), |range| parts.read(range)) {
        Ok(index) => index,
        Err(err) => {
            report.problems.push(format!("cannot read: {err}"));
            return report;
        }
    };
    report.read = true;
    report.format = Some(format!("tar archive ({} members)", index.members.len()));
    let (members, heatmap_members_left_out) = archive::counted_members(index.members);
    report.heatmap_members_left_out = heatmap_members_left_out;
    for chunk in members.chunks(CHUNK) {
        let decoded: Vec<(&Member, MemberContent)> = chunk
            .par_iter()
            .map(|member| {
                let content = match parts.read(ByteRange { offset: member.offset, len: member.size }) {
                    Ok(bytes) => ingest::decode_member(bytes.into(), AircraftShare::ALL),
                    Err(err) => MemberContent::Failed(IngestError::Io(err.to_string())),
                };
                (member, content)
            })
            .collect();
        for (member, content) in decoded {
            match content {
                MemberContent::Points(decoded) => {
                    consume(&decoded);
                    report.summary.merge(&Summary::of_decoded(&decoded));
                    if let Some(stopped) = decoded.stopped_early {
                        report.problems.push(format!("{}: {stopped}", member.path));
                    }
                }
                MemberContent::NotData => report.skipped_members += 1,
                MemberContent::Failed(err) => report.problems.push(format!("{}: {err}", member.path)),
            }
        }
    }
    if let Some(error) = index.error {
        report.problems.push(error.to_string());
    }
    report
}

/// The inputs behind the paths: files (folders read recursively, sorted by name), with split
/// tar parts (`x.tar.aa`, `x.tar.ab`, ...) joined in suffix order into one archive, and any
/// file that starts with a tar header read as an archive.
fn list_sources(paths: &[PathBuf]) -> Result<Vec<Source>, String> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
                let entry = entry.map_err(|err| format!("{}: cannot list folder: {err}", path.display()))?;
                if entry.file_type().is_file() {
                    files.push((entry.into_path(), true));
                }
            }
        } else {
            files.push((path.clone(), false));
        }
    }
    let mut sources: Vec<Source> = Vec::new();
    let mut archives: Vec<(PathBuf, Vec<(String, PathBuf)>)> = Vec::new();
    for (path, in_folder) in files {
        let file_name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        if let Some((stem, suffix)) = archive::split_part(&file_name) {
            let key = path.with_file_name(stem);
            match archives.iter_mut().find(|(archive, _)| *archive == key) {
                Some((_, parts)) => parts.push((suffix.to_owned(), path)),
                None => {
                    archives.push((key, vec![(suffix.to_owned(), path)]));
                    // The archive takes the place of its first part.
                    sources.push(Source::Archive { parts: Vec::new() });
                }
            }
        } else if starts_with_tar_header(&path) {
            sources.push(Source::Archive { parts: vec![path] });
        } else {
            sources.push(Source::File { path, in_folder });
        }
    }
    let mut split = archives.into_iter().map(|(_, mut parts)| {
        parts.sort();
        parts.into_iter().map(|(_, path)| path).collect::<Vec<_>>()
    });
    for source in &mut sources {
        if let Source::Archive { parts } = source
            && parts.is_empty()
        {
            *parts = split.next().unwrap_or_default();
        }
    }
    Ok(sources)
}

fn starts_with_tar_header(path: &Path) -> bool {
    let mut block = [0u8; 512];
    File::open(path).and_then(|file| file.read_exact_at(&mut block, 0)).is_ok() && TarWalker::sniff(&block)
}
