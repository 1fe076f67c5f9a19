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
