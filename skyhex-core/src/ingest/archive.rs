//! Tar archives the adsb.lol way: uncompressed, possibly split into parts (`.tar.aa`,
//! `.tar.ab`, …) that together are one archive. The archive is never read whole: a
//! [`TarWalker`] asks for one header block (or extension record) at a time, so a caller
//! can index a multi-gigabyte archive through `Blob.slice` in a browser or `read_at` on
//! disk, then read just the members it wants.
//!
//! Headers: ustar and old-style, GNU long names (`L`), pax extended headers (`x`, with
//! `path` and `size`). Only regular files become members.

use std::borrow::Cow;

const BLOCK: u64 = 512;
const CHECKSUM_FIELD: std::ops::Range<usize> = 148..156;
/// Extension records (long names, pax) larger than this are not believed.
const MAX_EXTENSION_BYTES: u64 = 1 << 20;

/// A regular file inside the archive.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Member {
    pub path: String,
    /// Byte offset of the member's data in the (joined) archive.
    pub offset: u64,
    pub size: u64,
}

impl Member {
    /// The range of the member's data.
    pub fn range(&self) -> std::ops::Range<u64> {
        self.offset..self.offset + self.size
    }

    /// What the member holds, told by its name as readsb writes it.
    pub fn kind(&self) -> MemberKind {
        let name = self.path.rsplit('/').next().unwrap_or(&self.path);
        if name.ends_with(".bin.ttf") {
            MemberKind::Heatmap
        } else if name.starts_with("trace_full_") || name.starts_with("trace_recent_") {
            MemberKind::Trace
        } else {
            MemberKind::Other
        }
    }
}

/// The members of an adsb.lol day by what they hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberKind {
    Trace,
    /// Every aircraft once a minute (`heatmap/NN.bin.ttf`): the traces' traffic, coarser.
    Heatmap,
    /// Licences, READMEs, ACAS logs, or data named otherwise.
    Other,
}

/// Whether the heatmap members of an archive with these members only preview its traces:
/// a day's heatmaps hold the same traffic as its traces, once a minute, so counting both
/// would count the day twice. The traces are the result; the heatmaps, quick to read, are
/// what the page shows while the traces load. Without trace members, heatmaps are the data.
pub fn heatmaps_preview_traces(members: &[Member]) -> bool {
    members.iter().any(|member| member.kind() == MemberKind::Trace)
}

/// The members whose points count, and how many heatmap members were left out as previews.
pub fn counted_members(mut members: Vec<Member>) -> (Vec<Member>, usize) {
    if !heatmaps_preview_traces(&members) {
        return (members, 0);
    }
    let all = members.len();
    members.retain(|member| member.kind() != MemberKind::Heatmap);
    let left_out = all - members.len();
    (members, left_out)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    #[error("the archive is cut short at byte {offset}{}", after.as_ref().map(|path| format!(", after member {path}")).unwrap_or_default())]
    Truncated { offset: u64, after: Option<String> },
    #[error(
        "member {path} is cut short: it needs {size} bytes from byte {offset}, the archive ends at {archive_len}"
    )]
    MemberTruncated { path: String, offset: u64, size: u64, archive_len: u64 },
    #[error("not a tar header at byte {offset} (bad checksum){}", after.as_ref().map(|path| format!(", after member {path}")).unwrap_or_default())]
    BadHeader { offset: u64, after: Option<String> },
    #[error("the tar extension header at byte {offset} is {size} bytes, too large to be real")]
    ExtensionTooLarge { offset: u64, size: u64 },
}

/// Bytes the walker needs read next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    pub offset: u64,
    pub len: u64,
}

#[derive(Debug, Clone)]
enum State {
    Header,
    /// Reading the data of an extension header, then the header it applies to.
    Extension {
        kind: Extension,
        offset: u64,
        size: u64,
    },
    Done,
}

#[derive(Debug, Clone, Copy)]
enum Extension {
    GnuLongName,
    Pax,
    /// Extension data that is not used (GNU long link target, pax global header).
    Ignored,
}

/// Walks the headers of an archive of `archive_len` bytes. Drive it with
/// `while let Some(read) = walker.next_read() { walker.feed(bytes_of(read))? }`, collecting
/// the members that `feed` returns.
#[derive(Debug, Clone)]
pub struct TarWalker {
    archive_len: u64,
    offset: u64,
    state: State,
    long_name: Option<String>,
    pax_size: Option<u64>,
    last_member: Option<String>,
}

impl TarWalker {
    pub fn new(archive_len: u64) -> Self {
        Self {
            archive_len,
            offset: 0,
            state: State::Header,
            long_name: None,
            pax_size: None,
            last_member: None,
        }
    }

    /// Whether `content` starts with a tar header (the `ustar` magic or a valid checksum).
    pub fn sniff(content: &[u8]) -> bool {
        content.len() >= BLOCK as usize
            && checksum_ok(&content[..BLOCK as usize])
            && !is_zero_block(&content[..BLOCK as usize])
    }

    /// The bytes to read next, or `None` when the walk is over.
    pub fn next_read(&self) -> Option<ByteRange> {
        match self.state {
            State::Header => Some(ByteRange { offset: self.offset, len: BLOCK }),
            State::Extension { offset, size, .. } => Some(ByteRange { offset, len: size }),
            State::Done => None,
        }
    }

    /// Takes the bytes asked for by [`Self::next_read`] (fewer when the archive ends early)
    /// and returns the member the header describes, if it is a regular file.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<Option<Member>, ArchiveError> {
        match self.state.clone() {
            State::Header => self.feed_header(bytes),
            State::Extension { kind, offset, size } => {
                if (bytes.len() as u64) < size {
                    return Err(
                        self.fail(ArchiveError::Truncated { offset, after: self.last_member.clone() })
                    );
                }
                match kind {
                    Extension::GnuLongName => self.long_name = Some(text(trim_nul(bytes)).into_owned()),
                    Extension::Pax => self.apply_pax(bytes),
                    Extension::Ignored => {}
                }
                self.state = State::Header;
                Ok(None)
            }
            State::Done => Ok(None),
        }
    }

    fn fail(&mut self, error: ArchiveError) -> ArchiveError {
        self.state = State::Done;
        error
    }

    fn feed_header(&mut self, block: &[u8]) -> Result<Option<Member>, ArchiveError> {
        let header_offset = self.offset;
        // Running out of bytes before the end-of-archive blocks means a missing part or a cut.
        if (block.len() as u64) < BLOCK {
            return Err(
                self.fail(ArchiveError::Truncated { offset: header_offset, after: self.last_member.clone() })
            );
        }
        if is_zero_block(block) {
            self.state = State::Done;
            return Ok(None);
        }
        if !checksum_ok(block) {
            return Err(
                self.fail(ArchiveError::BadHeader { offset: header_offset, after: self.last_member.clone() })
            );
        }
        let header = tar::Header::from_byte_slice(block);
        let header_size = header
            .entry_size()
            .map_err(|_| ArchiveError::BadHeader { offset: header_offset, after: self.last_member.clone() });
        let header_size = match header_size {
            Ok(size) => size,
            Err(error) => return Err(self.fail(error)),
        };
        let size = self.pax_size.take().unwrap_or(header_size);
        let data_offset = header_offset + BLOCK;
        // Sizes come from the file: a hostile one must not overflow.
        let next_header =
            size.div_ceil(BLOCK).checked_mul(BLOCK).and_then(|padded| data_offset.checked_add(padded));
        let Some(next_header) = next_header else {
            return Err(
                self.fail(ArchiveError::BadHeader { offset: header_offset, after: self.last_member.clone() })
            );
        };
        self.offset = next_header;
        let kind = header.entry_type();
        let extension = match kind {
            tar::EntryType::GNULongName => Some(Extension::GnuLongName),
            tar::EntryType::XHeader => Some(Extension::Pax),
            tar::EntryType::GNULongLink | tar::EntryType::XGlobalHeader => Some(Extension::Ignored),
            _ => None,
        };
        if let Some(kind) = extension {
            if size > MAX_EXTENSION_BYTES {
                return Err(self.fail(ArchiveError::ExtensionTooLarge { offset: header_offset, size }));
            }
            self.state = State::Extension { kind, offset: data_offset, size };
            return Ok(None);
        }
        let path = self.long_name.take().unwrap_or_else(|| text(&header.path_bytes()).into_owned());
        if !(kind.is_file() || kind.is_contiguous()) {
            return Ok(None);
        }
        // No overflow: data_offset + size <= next_header.
        if data_offset + size > self.archive_len {
            let error = ArchiveError::MemberTruncated {
                path,
                offset: data_offset,
                size,
                archive_len: self.archive_len,
            };
            return Err(self.fail(error));
        }
        self.last_member = Some(path.clone());
        Ok(Some(Member { path, offset: data_offset, size }))
    }

    /// pax records are `"<len> <key>=<value>\n"`; `path` and `size` matter here.
    fn apply_pax(&mut self, records: &[u8]) {
        let mut rest = records;
        while let Some(space) = rest.iter().position(|&byte| byte == b' ') {
            let Some(len) =
                std::str::from_utf8(&rest[..space]).ok().and_then(|len| len.parse::<usize>().ok())
            else {
                return;
            };
            if len <= space || len > rest.len() {
                return;
            }
            let record = rest[space + 1..len].strip_suffix(b"\n").unwrap_or(&rest[space + 1..len]);
            if let Some(equals) = record.iter().position(|&byte| byte == b'=') {
                let (key, value) = (&record[..equals], &record[equals + 1..]);
                match key {
                    b"path" => self.long_name = Some(text(value).into_owned()),
                    b"size" => {
                        self.pax_size = std::str::from_utf8(value).ok().and_then(|size| size.parse().ok());
                    }
                    _ => {}
                }
            }
            rest = &rest[len..];
        }
    }
}

fn is_zero_block(block: &[u8]) -> bool {
    block.iter().all(|&byte| byte == 0)
}

/// The header checksum: the sum of its bytes with the checksum field read as spaces.
fn checksum_ok(block: &[u8]) -> bool {
    let stored = std::str::from_utf8(&block[CHECKSUM_FIELD])
        .ok()
        .map(|field| field.trim_matches(|c: char| c == '\0' || c == ' '))
        .and_then(|field| u32::from_str_radix(field, 8).ok());
    let computed: u32 = block
        .iter()
        .enumerate()
        .map(|(index, &byte)| if CHECKSUM_FIELD.contains(&index) { u32::from(b' ') } else { u32::from(byte) })
        .sum();
    stored == Some(computed)
}

fn trim_nul(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().position(|&byte| byte == 0).unwrap_or(bytes.len());
    &bytes[..end]
}

fn text(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// The members of an archive, and why the walk stopped early if it did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Index {
    pub members: Vec<Member>,
    pub error: Option<ArchiveError>,
}

/// Indexes an archive with synchronous reads (`read` may return fewer bytes at the end).
pub fn index<E>(archive_len: u64, mut read: impl FnMut(ByteRange) -> Result<Vec<u8>, E>) -> Result<Index, E> {
    let mut walker = TarWalker::new(archive_len);
    let mut index = Index::default();
    while let Some(range) = walker.next_read() {
        let bytes = read(range)?;
        match walker.feed(&bytes) {
            Ok(Some(member)) => index.members.push(member),
            Ok(None) => {}
            Err(error) => index.error = Some(error),
        }
    }
    Ok(index)
}

/// Where a split part goes: the two-letter suffix of `name.tar.aa`, `name.tar.ab`, …, with
/// the archive's name before it. `None` for anything else.
pub fn split_part(file_name: &str) -> Option<(&str, &str)> {
    let (stem, suffix) = file_name.rsplit_once('.')?;
    let is_suffix = suffix.len() == 2 && suffix.bytes().all(|byte| byte.is_ascii_lowercase());
    (is_suffix && stem.ends_with(".tar")).then_some((stem, suffix))
}

/// Reads `len` bytes at `offset` of parts laid end to end (`part_lens` in order), with
/// `read_part(part, offset_in_part, len)` doing the actual reads.
pub fn read_across_parts<E>(
    part_lens: &[u64],
    offset: u64,
    len: u64,
    mut read_part: impl FnMut(usize, u64, u64) -> Result<Vec<u8>, E>,
) -> Result<Vec<u8>, E> {
    let mut out = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    let mut part_start = 0;
    for (part, &part_len) in part_lens.iter().enumerate() {
        let part_end = part_start + part_len;
        let wanted_start = offset.max(part_start);
        let wanted_end = (offset + len).min(part_end);
        if wanted_start < wanted_end {
            out.extend(read_part(part, wanted_start - part_start, wanted_end - wanted_start)?);
        }
        part_start = part_end;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An archive with a short name, a GNU long name, a pax path, a folder and a link.
    fn sample_archive() -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        let mut add = |path: &str, data: &[u8]| {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            builder.append_data(&mut header, path, data).expect("append");
        };
        add("./traces/3c/trace_full_abc13c.json", b"first member");
        let long = format!("./traces/ff/{}.json", "x".repeat(150));
        add(&long, &[7u8; 1000]);
        let mut folder = tar::Header::new_ustar();
        folder.set_entry_type(tar::EntryType::Directory);
        folder.set_size(0);
        folder.set_cksum();
        builder.append_data(&mut folder, "./heatmap/", &[][..]).expect("folder");
        builder.append_pax_extensions([("path", "./heatmap/pax-named.bin.ttf".as_bytes())]).expect("pax");
        let mut pax_member = tar::Header::new_ustar();
        pax_member.set_size(3);
        pax_member.set_cksum();
        builder.append_data(&mut pax_member, "short", &b"abc"[..]).expect("pax member");
        builder.into_inner().expect("finish")
    }

    fn index_bytes(bytes: &[u8]) -> Index {
        let read = |range: ByteRange| -> Result<Vec<u8>, ()> {
            let start = range.offset.min(bytes.len() as u64) as usize;
            let end = (range.offset + range.len).min(bytes.len() as u64) as usize;
            Ok(bytes[start..end].to_vec())
        };
        index(bytes.len() as u64, read).expect("in-memory reads cannot fail")
    }

    #[test]
    fn indexes_ustar_gnu_long_names_and_pax_paths() {
        let bytes = sample_archive();
        assert!(TarWalker::sniff(&bytes));
        let index = index_bytes(&bytes);
        assert_eq!(index.error, None);
        let paths: Vec<&str> = index.members.iter().map(|member| member.path.as_str()).collect();
        assert_eq!(paths.len(), 3, "{paths:?}");
        assert_eq!(paths[0], "traces/3c/trace_full_abc13c.json");
        assert!(paths[1].ends_with(&"x".repeat(150).add_json()), "{}", paths[1]);
        assert_eq!(paths[2], "./heatmap/pax-named.bin.ttf", "pax paths are taken as written");
        let first = &index.members[0];
        assert_eq!(&bytes[first.range().start as usize..first.range().end as usize], b"first member");
        let third = &index.members[2];
        assert_eq!(&bytes[third.range().start as usize..third.range().end as usize], b"abc");
    }

    trait AddJson {
        fn add_json(self) -> String;
    }

    impl AddJson for String {
        fn add_json(self) -> String {
            self + ".json"
        }
    }

    #[test]
    fn members_are_told_apart_by_name() {
        let member = |path: &str| Member { path: path.to_owned(), offset: 0, size: 0 };
        let [trace, heatmap, readme] =
            ["./traces/3c/trace_full_abc13c.json", "./heatmap/07.bin.ttf", "./README.txt"].map(member);
        assert_eq!(trace.kind(), MemberKind::Trace);
        assert_eq!(member("trace_recent_~abc123.json").kind(), MemberKind::Trace);
        assert_eq!(heatmap.kind(), MemberKind::Heatmap);
        assert_eq!(readme.kind(), MemberKind::Other);
        let day = vec![heatmap.clone(), trace.clone(), readme.clone()];
        assert!(heatmaps_preview_traces(&day));
        assert_eq!(counted_members(day), (vec![trace, readme.clone()], 1));
        let heatmaps_only = vec![heatmap, readme];
        assert!(!heatmaps_preview_traces(&heatmaps_only), "without traces, heatmaps are the data");
        assert_eq!(counted_members(heatmaps_only.clone()), (heatmaps_only, 0));
    }

    #[test]
    fn split_parts_read_as_one_archive() {
        let bytes = sample_archive();
        let cut = 700; // inside the second header
        let parts = [&bytes[..cut], &bytes[cut..]];
        let lens: Vec<u64> = parts.iter().map(|part| part.len() as u64).collect();
        let index = index(bytes.len() as u64, |range| {
            read_across_parts(&lens, range.offset, range.len, |part, offset, len| {
                Ok::<_, ()>(parts[part][offset as usize..(offset + len) as usize].to_vec())
            })
        })
        .expect("reads");
        assert_eq!(index, index_bytes(&bytes));
        assert_eq!(
            split_part("v2025.05.29-planes-readsb-prod-0tmp.tar.ab"),
            Some(("v2025.05.29-planes-readsb-prod-0tmp.tar", "ab"))
        );
        assert_eq!(split_part("day.tar"), None);
        assert_eq!(split_part("trace.json.gz"), None);
    }

    #[test]
    fn a_cut_archive_keeps_the_members_before_the_cut() {
        let bytes = sample_archive();
        // Layout: header 0, data 512; long-name header 1024, name 1536; header 2048, data 2560.
        let index = index_bytes(&bytes[..2600]);
        assert_eq!(index.members.len(), 1);
        assert!(
            matches!(&index.error, Some(ArchiveError::MemberTruncated { path, .. }) if path.contains("xxx")),
            "{:?}",
            index.error
        );
        for cut in [800, 1200] {
            let index = index_bytes(&bytes[..cut]);
            assert_eq!(index.members.len(), 1);
            let expected =
                ArchiveError::Truncated { offset: 1024, after: Some(index.members[0].path.clone()) };
            assert_eq!(index.error, Some(expected), "cut at {cut}");
        }
        let message = index_bytes(&bytes[..800]).error.map(|error| error.to_string());
        assert_eq!(
            message.as_deref(),
            Some("the archive is cut short at byte 1024, after member traces/3c/trace_full_abc13c.json")
        );
        let mut garbage = bytes.clone();
        garbage[2048] ^= 0x55;
        let index = index_bytes(&garbage);
        assert_eq!(index.members.len(), 1);
        assert_eq!(
            index.error,
            Some(ArchiveError::BadHeader { offset: 2048, after: Some(index.members[0].path.clone()) })
        );
        assert!(!TarWalker::sniff(b"not a tar archive"));
    }
}
