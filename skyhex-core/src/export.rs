//! The aggregate table: `h3_index,point_count,aircraft_count,center_lat,center_lon`, as CSV
//! (what Kepler.gl reads) or Parquet (what Spark/Sedona jobs write).

use std::fmt::Write as _;
use std::io::Write;
use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, RecordBatch, StringArray, UInt64Array};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use h3o::CellIndex;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;

use crate::density::CellStats;

pub const CSV_HEADER: &str = "h3_index,point_count,aircraft_count,center_lat,center_lon";

/// Decimals printed for cell centres: 1e-9 degrees is well below a millimetre.
const CENTER_DECIMALS: usize = 9;

/// The cell's index as the lowercase 15-digit hex string that H3 libraries print.
pub fn h3_index(cell: CellIndex) -> String {
    format!("{:x}", u64::from(cell))
}

pub fn to_csv(cells: &[CellStats]) -> String {
    let mut csv = String::with_capacity(64 * (cells.len() + 1));
    csv.push_str(CSV_HEADER);
    csv.push('\n');
    for cell in cells {
        let _ = writeln!(
            csv,
            "{},{},{},{:.prec$},{:.prec$}",
            h3_index(cell.cell),
            cell.point_count,
            cell.aircraft_count,
            cell.center_lat,
            cell.center_lon,
            prec = CENTER_DECIMALS
        );
    }
    csv
}

pub fn to_record_batch(cells: &[CellStats]) -> RecordBatch {
    let schema = Schema::new(vec![
        Field::new("h3_index", DataType::Utf8, false),
        Field::new("point_count", DataType::UInt64, false),
        Field::new("aircraft_count", DataType::UInt64, false),
        Field::new("center_lat", DataType::Float64, false),
        Field::new("center_lon", DataType::Float64, false),
    ]);
    let columns: Vec<ArrayRef> = vec![
        Arc::new(cells.iter().map(|cell| Some(h3_index(cell.cell))).collect::<StringArray>()),
        Arc::new(cells.iter().map(|cell| cell.point_count).collect::<UInt64Array>()),
        Arc::new(cells.iter().map(|cell| cell.aircraft_count).collect::<UInt64Array>()),
        Arc::new(cells.iter().map(|cell| cell.center_lat).collect::<Float64Array>()),
        Arc::new(cells.iter().map(|cell| cell.center_lon).collect::<Float64Array>()),
    ];
    RecordBatch::try_new(Arc::new(schema), columns).expect("columns match the aggregate schema")
}

/// The aggregate table as a zstd-compressed Parquet file.
pub fn to_parquet(cells: &[CellStats]) -> Result<Vec<u8>, ParquetError> {
    let batch = to_record_batch(cells);
    let mut writer = parquet_writer(Vec::new(), batch.schema())?;
    writer.write(&batch)?;
    writer.into_inner()
}

/// A Parquet writer of canonical points ([`crate::points::schema`]), zstd-compressed, for
/// `skyhex convert`: any input becomes one file that any Parquet reader, and skyhex, reads.
pub fn points_parquet_writer<W: Write + Send>(sink: W) -> Result<ArrowWriter<W>, ParquetError> {
    parquet_writer(sink, crate::points::schema())
}

fn parquet_writer<W: Write + Send>(sink: W, schema: SchemaRef) -> Result<ArrowWriter<W>, ParquetError> {
    let properties =
        WriterProperties::builder().set_compression(Compression::ZSTD(ZstdLevel::try_new(3)?)).build();
    ArrowWriter::try_new(sink, schema, Some(properties))
}
