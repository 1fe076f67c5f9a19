//! The day's archive as adsb.lol publishes it: one uncompressed tar (GNU format, as `tar cf`
//! writes), split into parts `NAME.tar.aa`, `.ab`, … of a fixed size as `split -b` cuts them.
//! Written as it goes: the archive is never in memory.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

const BLOCK: usize = 512;
/// GNU tar pads the archive to whole records of 20 blocks.
const RECORD: u64 = 20 * BLOCK as u64;
/// Two-letter suffixes: aa..zz.
const MAX_PARTS: usize = 26 * 26;

/// Bytes cut into part files of `part_bytes` each (the last shorter).
#[derive(Debug)]
pub struct PartWriter {
    dir: PathBuf,
    base: String,
    part_bytes: u64,
    current: Option<BufWriter<File>>,
    in_part: u64,
    pub parts: Vec<PathBuf>,
    pub total_bytes: u64,
}

impl PartWriter {
    /// Removes parts left by an earlier run of the same name, which would otherwise join in.
    pub fn create(dir: &Path, base: &str, part_bytes: u64) -> io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        for entry in std::fs::read_dir(dir)? {
            let name = entry?.file_name();
            let name = name.to_string_lossy();
            let stale =
                name.strip_prefix(base).and_then(|rest| rest.strip_prefix(".tar.")).is_some_and(|suffix| {
                    suffix.len() == 2 && suffix.bytes().all(|byte| byte.is_ascii_lowercase())
                });
            if stale {
                std::fs::remove_file(dir.join(name.as_ref()))?;
            }
        }
        Ok(Self {
            dir: dir.to_owned(),
            base: base.to_owned(),
            part_bytes: part_bytes.max(1),
            current: None,
            in_part: 0,
            parts: Vec::new(),
            total_bytes: 0,
        })
    }

    fn next_part(&mut self) -> io::Result<()> {
        if let Some(mut part) = self.current.take() {
            part.flush()?;
        }
        let index = self.parts.len();
        if index >= MAX_PARTS {
            return Err(io::Error::other(format!("more than {MAX_PARTS} parts: use a larger --part-bytes")));
        }
        let suffix = [b'a' + (index / 26) as u8, b'a' + (index % 26) as u8];
        let path = self.dir.join(format!("{}.tar.{}", self.base, String::from_utf8_lossy(&suffix)));
        self.current = Some(BufWriter::with_capacity(1 << 20, File::create(&path)?));
        self.parts.push(path);
        self.in_part = 0;
        Ok(())
    }

    pub fn finish(mut self) -> io::Result<Self> {
        if let Some(mut part) = self.current.take() {
            part.flush()?;
        }
        Ok(self)
    }
}

impl Write for PartWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if self.current.is_none() || self.in_part >= self.part_bytes {
            self.next_part()?;
        }
        let room = (self.part_bytes - self.in_part).min(bytes.len() as u64) as usize;
        let part = self.current.as_mut().ok_or_else(|| io::Error::other("no part open"))?;
        let written = part.write(&bytes[..room])?;
        self.in_part += written as u64;
        self.total_bytes += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.current.as_mut().map_or(Ok(()), Write::flush)
    }
}

/// A tar stream of directories and files with fixed metadata (same input, same bytes).
#[derive(Debug)]
pub struct TarWriter {
    out: PartWriter,
    mtime_s: u64,
}

impl TarWriter {
    pub fn new(out: PartWriter, mtime_s: u64) -> Self {
        Self { out, mtime_s }
    }

    pub fn dir(&mut self, path: &str) -> io::Result<()> {
        let header = header(path, 0, 0o755, b'5', self.mtime_s)?;
        self.out.write_all(&header)
    }

    pub fn file(&mut self, path: &str, data: &[u8]) -> io::Result<()> {
        let header = header(path, data.len() as u64, 0o644, b'0', self.mtime_s)?;
        self.out.write_all(&header)?;
        self.out.write_all(data)?;
        let padding = (BLOCK - data.len() % BLOCK) % BLOCK;
        self.out.write_all(&[0; BLOCK][..padding])
    }

    /// The end-of-archive blocks and GNU tar's record padding.
    pub fn finish(mut self) -> io::Result<PartWriter> {
        self.out.write_all(&[0; 2 * BLOCK])?;
        let padding = (RECORD - self.out.total_bytes % RECORD) % RECORD;
        self.out.write_all(&vec![0; padding as usize])?;
        self.out.finish()
    }
}

/// A GNU tar header (`ustar  ` magic), owner root, fixed mtime.
fn header(path: &str, size: u64, mode: u32, kind: u8, mtime_s: u64) -> io::Result<[u8; BLOCK]> {
    let mut block = [0u8; BLOCK];
    if path.len() > 100 {
        return Err(io::Error::other(format!("tar path longer than 100 bytes: {path}")));
    }
    block[..path.len()].copy_from_slice(path.as_bytes());
    octal(&mut block[100..108], u64::from(mode));
    octal(&mut block[108..116], 0);
    octal(&mut block[116..124], 0);
    octal(&mut block[124..136], size);
    octal(&mut block[136..148], mtime_s);
    block[148..156].fill(b' ');
    block[156] = kind;
    block[257..265].copy_from_slice(b"ustar  \0");
    block[265..269].copy_from_slice(b"root");
    block[297..301].copy_from_slice(b"root");
    let checksum: u32 = block.iter().map(|&byte| u32::from(byte)).sum();
    block[148..155].copy_from_slice(format!("{checksum:06o}\0").as_bytes());
    Ok(block)
}

/// Zero-padded octal filling the field but its last byte (a NUL).
fn octal(field: &mut [u8], value: u64) {
    let digits = field.len() - 1;
    field[..digits].copy_from_slice(format!("{value:0digits$o}").as_bytes());
    field[digits] = 0;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_join_into_a_gnu_tar_padded_to_whole_records() {
        let dir = std::env::temp_dir().join(format!("daygen-archive-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("day.tar.zz"), b"left by an earlier run").expect("stale part");
        let parts = PartWriter::create(&dir, "day", 3000).expect("parts");
        let mut tar = TarWriter::new(parts, 1_748_476_800);
        tar.dir("./").expect("dir");
        tar.file("./a.txt", b"hello").expect("file");
        let parts = tar.finish().expect("finish");
        let sizes: Vec<u64> =
            parts.parts.iter().map(|part| std::fs::metadata(part).expect("part").len()).collect();
        assert_eq!(sizes, [3000, 3000, 3000, 1240]);
        assert!(!dir.join("day.tar.zz").exists(), "a stale part is removed");
        let joined: Vec<u8> =
            parts.parts.iter().flat_map(|part| std::fs::read(part).expect("part")).collect();
        std::fs::remove_dir_all(&dir).expect("clean up");
        assert_eq!(joined.len() as u64 % RECORD, 0);
        let file_header = &joined[BLOCK..2 * BLOCK];
        assert_eq!(&file_header[..8], b"./a.txt\0");
        assert_eq!(&file_header[124..136], b"00000000005\0");
        assert_eq!(&file_header[257..265], b"ustar  \0");
        let stored: u32 = std::str::from_utf8(&file_header[148..154])
            .ok()
            .and_then(|text| u32::from_str_radix(text, 8).ok())
            .expect("octal");
        let sum: u32 = file_header
            .iter()
            .enumerate()
            .map(|(i, &b)| if (148..156).contains(&i) { 32 } else { u32::from(b) })
            .sum();
        assert_eq!(stored, sum, "header checksum");
        assert_eq!(&joined[2 * BLOCK..2 * BLOCK + 5], b"hello");
    }
}
