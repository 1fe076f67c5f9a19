//! The `skyhex` command as the contract describes it: outputs, folders, exit codes, errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn real(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/real").join(path)
}

fn skyhex(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_skyhex")).args(args).output().expect("skyhex runs")
}

fn run(args: &[&str]) -> Output {
    let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    skyhex(&args)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("utf-8 output")
}

const TRACES_2023: &str = "readsb_traces/adsb_actions_2023-08-30";
const ONE_TRACE: &str = "readsb_traces/adsb_actions_2023-08-30/2023/08/20/traces/8c/trace_full_ab7b8c.json";

#[test]
fn aggregate_prints_the_contract_csv_for_a_folder() {
    let folder = real(TRACES_2023);
    let output = run(&["aggregate", "--res", "5", folder.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let csv = text(&output.stdout);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("h3_index,point_count,aircraft_count,center_lat,center_lon"));
    let rows: Vec<Vec<&str>> = lines.map(|line| line.split(',').collect()).collect();
    // 375 cells at resolution 5 and 3,930 points: the oracle's numbers for this folder.
    assert_eq!(rows.len(), 375);
    assert_eq!(rows.iter().map(|row| row[1].parse::<u64>().expect("count")).sum::<u64>(), 3930);
    for row in &rows {
        assert_eq!(row[0].len(), 15, "15-digit lowercase hex: {}", row[0]);
        assert!(row[0].chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert!(row[3].split('.').nth(1).is_some_and(|decimals| decimals.len() >= 6));
    }
    assert!(rows.windows(2).all(|pair| pair[0][0] < pair[1][0]), "sorted by h3_index");
}

#[test]
fn aggregate_writes_parquet_that_reads_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("cells.parquet");
    let trace = real(ONE_TRACE);
    let output = run(&[
        "aggregate",
        "--res",
        "8",
        "--out",
        out.to_str().expect("path"),
        trace.to_str().expect("path"),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(output.stdout.is_empty(), "nothing on stdout when --out is given");
    let file = std::fs::File::open(&out).expect("output exists");
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .expect("valid Parquet")
        .build()
        .expect("reader");
    let batches: Vec<_> = reader.collect::<Result<_, _>>().expect("batches");
    let names: Vec<String> = batches[0].schema().fields().iter().map(|field| field.name().clone()).collect();
    assert_eq!(names, ["h3_index", "point_count", "aircraft_count", "center_lat", "center_lon"]);
    assert_eq!(batches.iter().map(|batch| batch.num_rows()).sum::<usize>(), 69);
}

#[test]
fn exit_status_and_errors_name_the_input() {
    let dir = tempfile::tempdir().expect("temp dir");
    let broken = dir.path().join("trace_full_broken.json");
    let whole = std::fs::read(real(ONE_TRACE)).expect("real trace");
    std::fs::write(&broken, &whole[..whole.len() / 2]).expect("write");
    let good = real(ONE_TRACE);

    let some_failed = skyhex(&["inspect".as_ref(), broken.as_ref(), good.as_ref()]);
    assert_eq!(some_failed.status.code(), Some(1));
    let stderr = text(&some_failed.stderr);
    assert!(stderr.contains("trace_full_broken.json: gzip data is corrupt or truncated"), "{stderr}");
    assert!(text(&some_failed.stdout).contains("total (2 files)"));

    let aggregate =
        skyhex(&["aggregate".as_ref(), "--res".as_ref(), "5".as_ref(), broken.as_ref(), good.as_ref()]);
    assert_eq!(aggregate.status.code(), Some(1), "results of the good input are still written");
    // 25 cells at resolution 5: the oracle's count for the good trace.
    assert_eq!(text(&aggregate.stdout).lines().count(), 1 + 25);

    let nothing_read = skyhex(&["aggregate".as_ref(), "--res".as_ref(), "5".as_ref(), broken.as_ref()]);
    assert_eq!(nothing_read.status.code(), Some(2));
    let missing = run(&["inspect", "/no/such/file.parquet"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("/no/such/file.parquet: cannot read"));

    for usage in [&["aggregate", "x.json"][..], &["aggregate", "--res", "16", "x.json"], &["frobnicate"]] {
        assert_eq!(run(usage).status.code(), Some(2), "{usage:?}");
    }
    let bad_time = run(&["aggregate", "--res", "5", "--from", "yesterday", "x.json"]);
    assert_eq!(bad_time.status.code(), Some(2));
    assert!(text(&bad_time.stderr).contains("RFC 3339"));
}

#[test]
fn inspect_json_has_the_contract_keys() {
    let output = run(&["inspect", "--json", real("parquet").to_str().expect("path")]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["points"], 2 * 105_072);
    assert_eq!(report["rejected"], 0);
    assert_eq!(report["aircraft"], 1182);
    assert_eq!(report["first_time"], "2023-08-29T10:00:00Z");
    assert_eq!(report["last_time"], "2025-12-13T23:59:43Z");
    let files = report["files"].as_array().expect("files");
    assert_eq!(files.len(), 2);
    for file in files {
        for key in ["name", "format", "points", "rejected", "error"] {
            assert!(file.get(key).is_some(), "file entry has {key}");
        }
        assert_eq!(file["format"], "Parquet");
        assert!(file["error"].is_null());
    }
}

#[test]
fn files_in_folders_that_are_not_data_are_skipped_not_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(real(ONE_TRACE), dir.path().join("trace_full_ab7b8c.json")).expect("copy");
    std::fs::write(dir.path().join("README.txt"), "notes").expect("write");
    let output = run(&["inspect", "--json", dir.path().to_str().expect("path")]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["points"], 70);
    assert_eq!(report["skipped_files"].as_array().map(Vec::len), Some(1));
    assert!(text(&output.stderr).contains("skipped 1 files"));
}

/// The 22 real 2023 traces and a README in a tar, as (archive bytes, member paths, points per member).
fn real_traces_archive() -> (Vec<u8>, Vec<String>, Vec<usize>) {
    let mut builder = tar::Builder::new(Vec::new());
    let mut paths = Vec::new();
    let mut points = Vec::new();
    let mut files: Vec<PathBuf> = walk(&real(TRACES_2023));
    files.sort();
    for file in &files {
        let name = format!("traces/{}", file.file_name().expect("name").to_string_lossy());
        let bytes = std::fs::read(file).expect("real trace");
        let decoded = skyhex_core::ingest::decode(bytes.clone().into()).expect("real trace decodes");
        builder.append_data(&mut header(bytes.len()), &name, &bytes[..]).expect("append");
        paths.push(name);
        points.push(decoded.points() as usize);
    }
    builder.append_data(&mut header(5), "README.txt", &b"notes"[..]).expect("append");
    (builder.into_inner().expect("finish"), paths, points)
}

fn header(size: usize) -> tar::Header {
    let mut header = tar::Header::new_gnu();
    header.set_size(size as u64);
    header.set_mode(0o644);
    header.set_cksum();
    header
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .expect("folder")
        .flat_map(|entry| {
            let path = entry.expect("entry").path();
            if path.is_dir() { walk(&path) } else { vec![path] }
        })
        .collect()
}

#[test]
fn a_truncated_last_part_reports_the_cut_member_and_keeps_the_rest() {
    let (archive, paths, points) = real_traces_archive();
    let dir = tempfile::tempdir().expect("temp dir");
    let (aa, ab) = (dir.path().join("day.tar.aa"), dir.path().join("day.tar.ab"));
    let half = archive.len() / 2;
    std::fs::write(&aa, &archive[..half]).expect("write");
    // The second part lost its last third: members beyond the cut are gone.
    let cut = half + archive.len() / 6;
    std::fs::write(&ab, &archive[half..cut]).expect("write");
    let whole = run(&["inspect", "--json", aa.to_str().expect("path"), ab.to_str().expect("path")]);
    assert_eq!(whole.status.code(), Some(1), "a cut archive is an input that failed in part");
    let stderr = text(&whole.stderr);
    let report: serde_json::Value = serde_json::from_slice(&whole.stdout).expect("JSON");
    // Members whose data ends before the cut are read whole; the first one past it is named.
    let mut header_offset = 0;
    let mut expected_points = 0;
    let mut cut_member = None;
    for (path, (size, count)) in paths.iter().zip(member_sizes(&archive, &paths).into_iter().zip(&points)) {
        if header_offset + 512 + size <= cut {
            expected_points += count;
        } else {
            cut_member.get_or_insert(path.clone());
        }
        header_offset += 512 + size.div_ceil(512) * 512;
    }
    let cut_member = cut_member.expect("the cut falls inside a member");
    assert_eq!(report["points"], expected_points);
    assert!(stderr.contains(&format!("member {cut_member} is cut short")), "{stderr}");
    assert!(stderr.contains("day.tar.aa + "), "the archive is named by its parts: {stderr}");
}

/// Data sizes of the archive's members, in order.
fn member_sizes(archive: &[u8], paths: &[String]) -> Vec<usize> {
    let mut reader = tar::Archive::new(archive);
    let entries = reader.entries().expect("entries");
    entries.map(|entry| entry.expect("entry").size() as usize).take(paths.len()).collect()
}

#[test]
fn convert_writes_points_that_read_back_to_the_same_aggregates() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("points.parquet");
    let (traces, logs) = (real(TRACES_2023), real("jsonl"));
    let (traces, logs) = (traces.to_str().expect("path"), logs.to_str().expect("path"));
    let converted = run(&["convert", "--out", out.to_str().expect("path"), traces, logs]);
    assert_eq!(converted.status.code(), Some(0), "{}", text(&converted.stderr));
    assert!(text(&converted.stderr).contains(&format!("{} points written", 3930 + 101_142)));
    let filters = ["--exclude-ground", "--min-alt-ft", "500", "--from", "2023-08-30T06:00:00Z"];
    for extra in [&[][..], &filters[..]] {
        let original = run(&[&["aggregate", "--res", "7"], extra, &[traces, logs]].concat());
        let read_back = run(&[&["aggregate", "--res", "7"], extra, &[out.to_str().expect("path")]].concat());
        assert_eq!(text(&read_back.stdout), text(&original.stdout), "filters {extra:?}");
        assert!(text(&original.stdout).lines().count() > 100);
    }
}

#[test]
fn an_aggregate_reads_back_as_an_h3_table() {
    let dir = tempfile::tempdir().expect("temp dir");
    let traces = real(TRACES_2023);
    let traces = traces.to_str().expect("path");
    let csv = dir.path().join("cells.csv");
    let parquet = dir.path().join("cells.parquet");
    let at8 = run(&["aggregate", "--res", "8", traces]);
    std::fs::write(&csv, &at8.stdout).expect("write");
    run(&["aggregate", "--res", "8", "--out", parquet.to_str().expect("path"), traces]);
    for table in [&csv, &parquet] {
        let again = run(&["aggregate", "--res", "8", table.to_str().expect("path")]);
        let first_difference = text(&again.stdout)
            .lines()
            .zip(text(&at8.stdout).lines())
            .find(|(a, b)| a != b)
            .map(|(a, b)| format!("{a} != {b}"));
        assert_eq!(first_difference, None, "same cells, counts, aircraft and centres");
        assert_eq!(text(&again.stdout).len(), text(&at8.stdout).len());
        let coarser = run(&["aggregate", "--res", "6", table.to_str().expect("path")]);
        let total: u64 = text(&coarser.stdout)
            .lines()
            .skip(1)
            .map(|line| line.split(',').nth(1).and_then(|count| count.parse::<u64>().ok()).expect("count"))
            .sum();
        assert_eq!(total, 3930, "rolled up to resolution 6, every point is still counted");
        assert!(
            text(&coarser.stdout).lines().skip(1).all(|line| line.starts_with("86")),
            "resolution 6 cells"
        );
    }
    let inspect = run(&["inspect", "--json", csv.to_str().expect("path")]);
    let report: serde_json::Value = serde_json::from_slice(&inspect.stdout).expect("JSON");
    assert_eq!(report["files"][0]["format"], "H3 aggregate table");
    assert_eq!(report["points"], 3930);
}
