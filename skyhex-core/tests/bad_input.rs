//! Bad input never panics or hangs: each case gets a clear error or counted rejections.
//! Inputs that fuzzing found are replayed from `fuzz/regressions/` (see the README's code map).

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, RecordBatch, StringArray};
use bytes::Bytes;
use parquet::arrow::ArrowWriter;
use skyhex_core::ingest::archive::{self, ByteRange};
use skyhex_core::ingest::{self, IngestError};
use skyhex_core::points::Rejection;

fn real(path: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/real").join(path))
        .expect("real file")
}

const TRACE: &str = "readsb_traces/adsb_actions_2023-08-30/2023/08/20/traces/8c/trace_full_ab7b8c.json";

fn decode(bytes: impl Into<Bytes>) -> Result<ingest::Decoded, IngestError> {
    ingest::decode(bytes.into())
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).expect("write");
    encoder.finish().expect("finish")
}

#[test]
fn truncated_gzip_and_zstd() {
    let trace = real(TRACE);
    for cut in [2, 10, trace.len() / 3, trace.len() - 1] {
        assert!(matches!(decode(trace[..cut].to_vec()), Err(IngestError::Gzip(_))), "gzip cut at {cut}");
    }
    let plain = flate2::read::GzDecoder::new(&trace[..]);
    let zstd = zstd::encode_all(plain, 3).expect("zstd");
    assert!(decode(zstd.clone()).is_ok());
    let error = decode(zstd[..zstd.len() / 2].to_vec()).expect_err("cut zstd");
    assert!(error.to_string().starts_with("zstd data is corrupt or truncated"), "{error}");
}

#[test]
fn empty_and_foreign_content() {
    assert!(matches!(decode(Vec::new()), Err(IngestError::Empty)));
    assert!(matches!(decode(b"   \n\t".to_vec()), Err(IngestError::Empty)));
    assert!(matches!(decode(gzip(b"")), Err(IngestError::Empty)));
    let error = decode(vec![0u8, 159, 146, 150, 7]).expect_err("binary noise");
    assert_eq!(error.to_string(), "not a supported format (content starts with bytes 00 9f 92 96 07)");
    assert!(decode(b"<html><body>404</body></html>".to_vec()).is_err());
}

#[test]
fn json_that_is_not_a_trace_or_has_wrong_types() {
    assert!(decode(br#"{"icao":"abc123","timestamp":"yesterday","trace":[]}"#.to_vec()).is_err());
    assert!(decode(br#"{"icao":"abc123","timestamp":0,"trace":{"not":"a list"}}"#.to_vec()).is_err());
    let decoded = decode(
        br#"{"icao":"abc123","timestamp":0,"r":12,"dbFlags":"x","trace":[[0,1e308,5],[1,45,"east"],[2,-91,0],[3,45,7,"high",true,{},[],99999999999]]}"#
            .to_vec(),
    )
    .expect("wrong types inside points are counted, not fatal");
    assert_eq!(decoded.points(), 1);
    assert_eq!(decoded.rejected.get(Rejection::CoordinateOutOfRange), 2);
    assert_eq!(decoded.rejected.get(Rejection::NonNumericCoordinate), 1);
}

#[test]
fn enormous_strings_and_deep_nesting() {
    let callsign = "X".repeat(5_000_000);
    let json = format!(
        r#"{{"icao":"{callsign}","timestamp":0,"trace":[[0,1,2,100,null,null,0,null,{{"flight":"{callsign}"}}]]}}"#
    );
    let decoded = decode(json.into_bytes()).expect("long strings are data, not errors");
    assert_eq!(decoded.points(), 1);
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(
        decode(deep.into_bytes()).is_err(),
        "nesting past serde_json's limit is an error, not a stack overflow"
    );
}

#[test]
fn nan_and_absurd_numbers_in_tables() {
    let batch = RecordBatch::try_from_iter([
        ("icao", Arc::new(StringArray::from(vec!["a", "b", "c", "d", "e"])) as ArrayRef),
        (
            "lat",
            Arc::new(Float64Array::from(vec![f64::NAN, 1e300, 45.0, f64::NEG_INFINITY, 45.0])) as ArrayRef,
        ),
        ("lon", Arc::new(Float64Array::from(vec![1.0, 1.0, f64::INFINITY, 1.0, 7.0])) as ArrayRef),
        ("ts", Arc::new(Float64Array::from(vec![0.0, 0.0, 0.0, 0.0, 1e300])) as ArrayRef),
    ])
    .expect("batch");
    let mut writer = ArrowWriter::try_new(Vec::new(), batch.schema(), None).expect("writer");
    writer.write(&batch).expect("write");
    let decoded = decode(writer.into_inner().expect("close")).expect("decodes");
    assert_eq!(decoded.points(), 1);
    assert_eq!(decoded.rejected.get(Rejection::NonFiniteCoordinate), 3);
    assert_eq!(decoded.rejected.get(Rejection::CoordinateOutOfRange), 1);
    let csv = "lat,lon\nNaN,1\n1e999,2\n45,7\n";
    let decoded = decode(csv.as_bytes().to_vec()).expect("decodes");
    assert_eq!(decoded.points(), 1);
}

#[test]
fn a_parquet_file_with_no_usable_columns() {
    let batch = RecordBatch::try_from_iter([("name", Arc::new(StringArray::from(vec!["x"])) as ArrayRef)])
        .expect("batch");
    let mut writer = ArrowWriter::try_new(Vec::new(), batch.schema(), None).expect("writer");
    writer.write(&batch).expect("write");
    let bytes = writer.into_inner().expect("close");
    let error = decode(bytes.clone()).expect_err("no coordinates");
    assert_eq!(error.to_string(), "no latitude column (looked for lat, latitude)");
    let error = decode(bytes[..bytes.len() - 10].to_vec()).expect_err("cut footer");
    assert!(error.to_string().starts_with("unreadable Parquet"), "{error}");
}

#[test]
fn archives_cut_anywhere_keep_what_came_before() {
    let mut builder = tar::Builder::new(Vec::new());
    let trace = real(TRACE);
    for index in 0..4 {
        let mut header = tar::Header::new_gnu();
        header.set_size(trace.len() as u64);
        header.set_cksum();
        builder
            .append_data(&mut header, format!("traces/{index}/trace_full_ab7b8c.json"), &trace[..])
            .expect("append");
    }
    let mut header = tar::Header::new_gnu();
    header.set_size(9);
    header.set_cksum();
    builder.append_data(&mut header, "traces/bad/not_json.json", &b"{not json"[..]).expect("append");
    let archive = builder.into_inner().expect("finish");
    // Past the last member and the first end-of-archive block, nothing is missing.
    let last_data_end = 5 * 512 + 4 * trace.len().div_ceil(512) * 512 + 512;
    for cut in (0..last_data_end + 512).step_by(97) {
        let bytes = &archive[..cut];
        let index = archive::index(bytes.len() as u64, |range: ByteRange| {
            let start = (range.offset as usize).min(bytes.len());
            let end = ((range.offset + range.len) as usize).min(bytes.len());
            Ok::<_, ()>(bytes[start..end].to_vec())
        })
        .expect("in memory");
        assert!(index.error.is_some(), "a cut at {cut} is reported");
        for member in &index.members {
            assert!(member.range().end <= cut as u64, "members listed are whole");
        }
    }
    let whole = archive::index(archive.len() as u64, |range: ByteRange| {
        let end = ((range.offset + range.len) as usize).min(archive.len());
        Ok::<_, ()>(archive[range.offset as usize..end].to_vec())
    })
    .expect("in memory");
    assert_eq!(whole.members.len(), 5);
    let last = &whole.members[4];
    let member = ingest::decode_member(
        Bytes::copy_from_slice(&archive[last.range().start as usize..last.range().end as usize]),
        ingest::AircraftShare::ALL,
    );
    assert!(matches!(member, ingest::MemberContent::Failed(IngestError::Json(_))), "{member:?}");
}

#[test]
fn fuzz_regressions_do_not_panic() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let entries: Vec<_> = std::fs::read_dir(&folder).expect("the regression folder exists").collect();
    assert!(!entries.is_empty(), "the regression folder holds inputs");
    for entry in entries {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("regression input");
        let _ = decode(bytes.clone());
        let _ = archive::index(bytes.len() as u64, |range: ByteRange| {
            let start = (range.offset as usize).min(bytes.len());
            let end = ((range.offset + range.len) as usize).min(bytes.len());
            Ok::<_, ()>(bytes[start..end].to_vec())
        });
    }
}
