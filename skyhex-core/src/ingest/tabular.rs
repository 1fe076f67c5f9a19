//! Table files of points: Parquet (row group by row group, only the point columns), CSV
//! (every column read as text, then converted leniently) and Arrow IPC (file and stream).

use std::io::Cursor;
use std::sync::Arc;

use arrow::array::{ArrayBuilder, ArrayRef, RecordBatch, StringBuilder};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use bytes::Bytes;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::cell_table::{CellColumns, decode_cells};
use super::point_table::{LAT_ALIASES, decode_batches, wanted_columns};
use super::{Decoded, Format, IngestError};
use crate::points::Rejection;

/// Rows per decoded batch: large enough to amortise per-batch work, small enough to stream.
pub(super) const BATCH_ROWS: usize = 64 * 1024;

pub const PARQUET_MAGIC: &[u8] = b"PAR1";
const ARROW_FILE_MAGIC: &[u8] = b"ARROW1";
const ARROW_STREAM_CONTINUATION: &[u8] = &[0xff, 0xff, 0xff, 0xff];

/// A table format recognised from content.
pub fn sniff(content: &[u8]) -> Option<Format> {
    if content.starts_with(PARQUET_MAGIC) {
        Some(Format::Parquet)
    } else if content.starts_with(ARROW_FILE_MAGIC) || content.starts_with(ARROW_STREAM_CONTINUATION) {
        Some(Format::ArrowIpc)
    } else if csv_delimiter(content).is_some() {
        Some(Format::Csv)
    } else {
        None
    }
}

pub fn decode(format: Format, content: Bytes) -> Result<Decoded, IngestError> {
    match format {
        Format::Parquet => decode_parquet(content),
        Format::ArrowIpc => decode_arrow_ipc(content),
        _ => decode_csv(&content),
    }
}

fn decode_parquet(content: Bytes) -> Result<Decoded, IngestError> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(content)?;
    let mask = ProjectionMask::roots(builder.parquet_schema(), wanted_root_columns(builder.schema())?);
    let reader = builder.with_projection(mask).with_batch_size(BATCH_ROWS).build()?;
    let schema = arrow::array::RecordBatchReader::schema(&reader);
    decode_table(Format::Parquet, &schema, reader)
}

/// The top-level columns a reader needs: a cell table's all, a point table's point columns.
pub(super) fn wanted_root_columns(schema: &Schema) -> Result<Vec<usize>, IngestError> {
    match cell_columns(schema) {
        Some(_) => Ok((0..schema.fields().len()).collect()),
        None => wanted_columns(schema),
    }
}

fn decode_arrow_ipc(content: Bytes) -> Result<Decoded, IngestError> {
    if content.starts_with(ARROW_FILE_MAGIC) {
        let reader = arrow::ipc::reader::FileReader::try_new(Cursor::new(content), None)?;
        let schema = reader.schema();
        decode_table(Format::ArrowIpc, &schema, reader)
    } else {
        let reader = arrow::ipc::reader::StreamReader::try_new(Cursor::new(content), None)?;
        let schema = reader.schema();
        decode_table(Format::ArrowIpc, &schema, reader)
    }
}

/// A table of points, or of pre-aggregated cells.
pub(super) fn decode_table(
    format: Format,
    schema: &Schema,
    batches: impl IntoIterator<Item = Result<RecordBatch, arrow::error::ArrowError>>,
) -> Result<Decoded, IngestError> {
    match cell_columns(schema) {
        Some(columns) => decode_cells(Format::H3Table, columns, batches),
        None => decode_batches(format, schema, batches),
    }
}

/// The columns of a cell table: an H3 index and a count, and no latitude (a point table
/// that also carries a cell column is read as points).
fn cell_columns(schema: &Schema) -> Option<CellColumns> {
    let has_latitude = schema
        .fields()
        .iter()
        .any(|field| LAT_ALIASES.iter().any(|name| field.name().eq_ignore_ascii_case(name)));
    if has_latitude { None } else { CellColumns::resolve(schema) }
}

/// The delimiter of a CSV header line: text, with at least two columns.
fn csv_delimiter(content: &[u8]) -> Option<u8> {
    let header = content.split(|&byte| byte == b'\n').next()?;
    let header = header.strip_prefix(b"\xef\xbb\xbf").unwrap_or(header);
    if header.is_empty()
        || !header.iter().all(|&byte| byte == b'\t' || byte == b'\r' || (b' '..0x7f).contains(&byte))
    {
        return None;
    }
    [b',', b'\t', b';']
        .into_iter()
        .max_by_key(|&delimiter| bytecount(header, delimiter))
        .filter(|&delimiter| bytecount(header, delimiter) > 0)
}

fn bytecount(bytes: &[u8], wanted: u8) -> usize {
    bytes.iter().filter(|&&byte| byte == wanted).count()
}

/// Reads every column as text (one odd value must not fail a whole column's type); a row
/// with the wrong number of fields is a malformed point, and reading goes on.
fn decode_csv(content: &[u8]) -> Result<Decoded, IngestError> {
    let delimiter =
        csv_delimiter(content).ok_or_else(|| IngestError::UnknownFormat("no CSV header".to_owned()))?;
    let content = content.strip_prefix(b"\xef\xbb\xbf").unwrap_or(content);
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(content);
    let names: Vec<String> =
        reader.byte_headers()?.iter().map(|name| String::from_utf8_lossy(name).trim().to_owned()).collect();
    let schema = Arc::new(Schema::new(
        names.iter().map(|name| Field::new(name, DataType::Utf8, true)).collect::<Vec<_>>(),
    ));
    let mut batches = Vec::new();
    let mut columns: Vec<StringBuilder> = names.iter().map(|_| StringBuilder::new()).collect();
    let mut malformed_rows = 0;
    let mut record = csv::ByteRecord::new();
    while reader.read_byte_record(&mut record)? {
        if record.len() != names.len() {
            malformed_rows += 1;
            continue;
        }
        for (column, field) in columns.iter_mut().zip(record.iter()) {
            if field.is_empty() {
                column.append_null();
            } else {
                column.append_value(String::from_utf8_lossy(field));
            }
        }
        if columns[0].len() == BATCH_ROWS {
            batches.push(finish_text_batch(&schema, &mut columns));
        }
    }
    if columns.first().is_some_and(|column| column.len() > 0) {
        batches.push(finish_text_batch(&schema, &mut columns));
    }
    let mut decoded = decode_table(Format::Csv, &schema, batches.into_iter().map(Ok))?;
    decoded.rejected.add(Rejection::MalformedPoint, malformed_rows);
    Ok(decoded)
}

fn finish_text_batch(schema: &SchemaRef, columns: &mut [StringBuilder]) -> RecordBatch {
    let arrays: Vec<ArrayRef> =
        columns.iter_mut().map(|column| Arc::new(column.finish()) as ArrayRef).collect();
    RecordBatch::try_new(schema.clone(), arrays).expect("text columns match the text schema")
}

#[cfg(test)]
mod tests {
    use arrow::array::{Float64Array, StringArray};
    use arrow::ipc::writer::{FileWriter, StreamWriter};

    use super::*;
    use crate::ingest;
    use crate::points::PointColumns;

    fn decode_text(text: &str) -> Decoded {
        ingest::decode(Bytes::from(text.to_owned())).expect("decodes")
    }

    #[test]
    fn opensky_state_vector_csv() {
        let decoded = decode_text(
            "time,icao24,lat,lon,velocity,heading,vertrate,callsign,onground,alert,spi,squawk,baroaltitude,geoaltitude,lastposupdate,lastcontact\n\
             1654000000,4ca7b5,53.42,-6.27,100.0,270.5,0.0,RYR1AB  ,false,false,false,2000,3048.0,3100.0,1654000000.5,1654000000.9\n\
             1654000010,4ca7b5,,,,,,,true,false,false,,,,,\n\
             1654000020,3c6444,50.03,8.56,0.0,90.0,0.0,DLH4X   ,true,false,false,1000,,,,\n",
        );
        assert_eq!(decoded.format, Format::Csv);
        assert_eq!(decoded.rejected.get(Rejection::MissingCoordinate), 1);
        let batch = &decoded.batches[0];
        let points = PointColumns::new(batch);
        assert_eq!(points.len(), 2);
        assert_eq!(points.time_ms(0), Some(1_654_000_000_000));
        assert!((points.alt_ft(0).expect("altitude") - 10_000.0).abs() < 1e-9, "metres become feet");
        assert!(points.on_ground.value(1) && !points.on_ground.value(0));
        let gs = batch.column_by_name("gs_kt").expect("gs");
        let gs = gs.as_any().downcast_ref::<Float64Array>().expect("f64");
        assert!((gs.value(0) - 194.384_449).abs() < 1e-6, "m/s become knots");
    }

    #[test]
    fn semicolons_iso_times_and_a_byte_order_mark() {
        let decoded = decode_text(
            "\u{feff}hex;timestamp;latitude;longitude;alt_baro\n\
             ~a1b2c3;2025-05-28T12:00:00Z;47.1;8.5;ground\n\
             A1B2C3;2025-05-28 12:00:01.5;47.2;8.6;12000\n",
        );
        let points = PointColumns::new(&decoded.batches[0]);
        assert_eq!(points.len(), 2);
        assert_eq!(points.address(0), Some("~a1b2c3"));
        assert_eq!(points.time_ms(0), Some(1_748_433_600_000));
        assert_eq!(points.time_ms(1), Some(1_748_433_601_500));
        assert_eq!(points.alt_ft(0), None);
        assert_eq!(points.alt_ft(1), Some(12_000.0));
    }

    #[test]
    fn a_broken_row_is_a_malformed_point_and_reading_goes_on() {
        let mut text = String::from("lat,lon\n");
        for row in 0..(BATCH_ROWS + 10) {
            text.push_str(&format!("{}.5,{}.25\n", row % 80, row % 170));
        }
        text.push_str("1,2,3,4\n\"unclosed,6\n5,6\n");
        let decoded = decode_text(&text);
        assert_eq!(decoded.points(), BATCH_ROWS as u64 + 10, "the unclosed quote swallows the last line");
        assert_eq!(decoded.rejected.get(Rejection::MalformedPoint), 2);
        assert_eq!(decoded.batches.len(), 2);
        assert!(decoded.stopped_early.is_none());
    }

    #[test]
    fn arrow_ipc_file_and_stream() {
        let batch = RecordBatch::try_from_iter([
            ("icao24", Arc::new(StringArray::from(vec!["abc123", "def456"])) as ArrayRef),
            ("lat", Arc::new(Float64Array::from(vec![10.0, 200.0])) as ArrayRef),
            ("lon", Arc::new(Float64Array::from(vec![20.0, 30.0])) as ArrayRef),
        ])
        .expect("batch");
        let mut file = FileWriter::try_new(Vec::new(), &batch.schema()).expect("writer");
        file.write(&batch).expect("write");
        let mut stream = StreamWriter::try_new(Vec::new(), &batch.schema()).expect("writer");
        stream.write(&batch).expect("write");
        for bytes in [file.into_inner().expect("finish"), stream.into_inner().expect("finish")] {
            let decoded = ingest::decode(Bytes::from(bytes)).expect("decodes");
            assert_eq!(decoded.format, Format::ArrowIpc);
            assert_eq!(decoded.points(), 1);
            assert_eq!(decoded.rejected.get(Rejection::CoordinateOutOfRange), 1);
        }
    }

    #[test]
    fn text_that_is_not_a_table() {
        assert!(matches!(
            ingest::decode(Bytes::from_static(b"hello world\n")),
            Err(IngestError::UnknownFormat(_))
        ));
        let error = ingest::decode(Bytes::from_static(b"name,city\nx,y\n")).expect_err("no coordinates");
        assert_eq!(error.to_string(), "no latitude column (looked for lat, latitude)");
    }
}
