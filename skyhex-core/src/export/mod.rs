//! The aggregate table: `h3_index,point_count,aircraft_count,center_lat,center_lon`, then a
//! column per further metric asked for, as CSV (what Kepler.gl reads) or Parquet (what
//! Spark/Sedona jobs write); the same cells as GeoJSON polygons or a Kepler.gl map
//! ([`geojson`], [`kepler`]), and tracks as GeoJSON lines.

pub mod geojson;
pub mod kepler;

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

use crate::density::{CellStats, Metric};

pub const CSV_HEADER: &str = "h3_index,point_count,aircraft_count,center_lat,center_lon";

/// Decimals printed for cell centres: 1e-9 degrees is well below a millimetre.
const CENTER_DECIMALS: usize = 9;

/// The cell's index as the lowercase 15-digit hex string that H3 libraries print.
pub fn h3_index(cell: CellIndex) -> String {
    format!("{:x}", u64::from(cell))
}

/// The metrics that get a column besides the contract's (points and aircraft have theirs).
pub(crate) fn extra_columns(metrics: &[Metric]) -> Vec<Metric> {
    let mut extra: Vec<Metric> = Vec::new();
    for &metric in metrics {
        if !matches!(metric, Metric::Points | Metric::Aircraft) && !extra.contains(&metric) {
            extra.push(metric);
        }
    }
    extra
}

/// The cell table as CSV; `metrics` adds their columns (empty for a cell without altitude).
pub fn to_csv(cells: &[CellStats], metrics: &[Metric]) -> String {
    let extra = extra_columns(metrics);
    let mut csv = String::with_capacity(64 * (cells.len() + 1));
    csv.push_str(CSV_HEADER);
    extra.iter().for_each(|metric| _ = write!(csv, ",{}", metric.column()));
    csv.push('\n');
    for cell in cells {
        let _ = write!(
            csv,
            "{},{},{},{:.prec$},{:.prec$}",
            h3_index(cell.cell),
            cell.point_count,
            cell.aircraft_count,
            cell.center_lat,
            cell.center_lon,
            prec = CENTER_DECIMALS
        );
        for &metric in &extra {
            let _ = match cell.value(metric) {
                Some(value) => write!(csv, ",{value}"),
                None => write!(csv, ","),
            };
        }
        csv.push('\n');
    }
    csv
}

pub fn to_record_batch(cells: &[CellStats], metrics: &[Metric]) -> RecordBatch {
    let extra = extra_columns(metrics);
    let mut fields = vec![
        Field::new("h3_index", DataType::Utf8, false),
        Field::new("point_count", DataType::UInt64, false),
        Field::new("aircraft_count", DataType::UInt64, false),
        Field::new("center_lat", DataType::Float64, false),
        Field::new("center_lon", DataType::Float64, false),
    ];
    fields.extend(extra.iter().map(|metric| Field::new(metric.column(), DataType::Float64, true)));
    let mut columns: Vec<ArrayRef> = vec![
        Arc::new(cells.iter().map(|cell| Some(h3_index(cell.cell))).collect::<StringArray>()),
        Arc::new(cells.iter().map(|cell| cell.point_count).collect::<UInt64Array>()),
        Arc::new(cells.iter().map(|cell| cell.aircraft_count).collect::<UInt64Array>()),
        Arc::new(cells.iter().map(|cell| cell.center_lat).collect::<Float64Array>()),
        Arc::new(cells.iter().map(|cell| cell.center_lon).collect::<Float64Array>()),
    ];
    columns.extend(extra.iter().map(|&metric| {
        Arc::new(cells.iter().map(|cell| cell.value(metric)).collect::<Float64Array>()) as ArrayRef
    }));
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).expect("columns match the aggregate schema")
}

/// The aggregate table as a zstd-compressed Parquet file.
pub fn to_parquet(cells: &[CellStats], metrics: &[Metric]) -> Result<Vec<u8>, ParquetError> {
    let batch = to_record_batch(cells, metrics);
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
