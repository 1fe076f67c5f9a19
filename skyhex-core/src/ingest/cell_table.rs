//! Pre-aggregated H3 tables, as Spark/Sedona, DuckDB, Kepler.gl or skyhex itself write them:
//! an `h3_index` column (hex string or integer) and a count column (`point_count`, `num`,
//! `count`), with optional `aircraft_count` and `center_lat`/`center_lon`. They load as cell
//! counts, shown at their own resolution and rolled up to any coarser one.

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::{DataType, Int64Type, Schema, UInt64Type};
use arrow::error::ArrowError;
use h3o::CellIndex;

use super::point_table::{float_column, text_column};
use super::{Decoded, Format, IngestError};
use crate::density::CellCount;
use crate::points::{RejectCounts, Rejection};

const H3_ALIASES: &[&str] = &["h3_index", "h3", "h3_cell", "h3index", "hex_id", "cell"];
const COUNT_ALIASES: &[&str] = &["point_count", "num", "count", "points", "n"];
const AIRCRAFT_ALIASES: &[&str] = &["aircraft_count", "aircraft"];
const CENTER_LAT_ALIASES: &[&str] = &["center_lat", "centre_lat"];
const CENTER_LON_ALIASES: &[&str] = &["center_lon", "centre_lon", "center_lng"];

/// Where the columns of a cell table are, or `None` when the schema is not one.
#[derive(Debug, Clone, Copy)]
pub struct CellColumns {
    h3: usize,
    count: usize,
    aircraft: Option<usize>,
    center: Option<(usize, usize)>,
}

impl CellColumns {
    pub fn resolve(schema: &Schema) -> Option<Self> {
        let find = |aliases: &[&str]| {
            aliases.iter().find_map(|alias| {
                schema.fields().iter().position(|field| field.name().eq_ignore_ascii_case(alias))
            })
        };
        Some(Self {
            h3: find(H3_ALIASES)?,
            count: find(COUNT_ALIASES)?,
            aircraft: find(AIRCRAFT_ALIASES),
            center: find(CENTER_LAT_ALIASES).zip(find(CENTER_LON_ALIASES)),
        })
    }
}

/// Reads the cells of a table's batches. A row whose cell is not a valid H3 index, or whose
/// count is missing or negative, is rejected (`invalid_cell`).
pub fn decode_cells(
    format: Format,
    columns: CellColumns,
    batches: impl IntoIterator<Item = Result<RecordBatch, ArrowError>>,
) -> Result<Decoded, IngestError> {
    let mut decoded = Decoded::complete(format, Vec::new(), RejectCounts::default());
    for batch in batches {
        let batch = batch?;
        let cells = cells_of(&batch, columns)?;
        for row in 0..batch.num_rows() {
            match cells(row) {
                Some(cell) => decoded.cells.push(cell),
                None => decoded.rejected.add(Rejection::InvalidCell, 1),
            }
        }
    }
    Ok(decoded)
}

/// A reader of one batch's rows as cell counts.
fn cells_of(
    batch: &RecordBatch,
    columns: CellColumns,
) -> Result<impl Fn(usize) -> Option<CellCount>, IngestError> {
    let h3 = batch.column(columns.h3).clone();
    let count = float_column(batch, columns.count, "count")?;
    let aircraft = columns.aircraft.map(|index| float_column(batch, index, "aircraft count")).transpose()?;
    let center = columns
        .center
        .map(|(lat, lon)| {
            Ok::<_, IngestError>((
                float_column(batch, lat, "centre latitude")?,
                float_column(batch, lon, "centre longitude")?,
            ))
        })
        .transpose()?;
    let h3_text = text_column(&h3);
    if h3_text.is_none() && !matches!(h3.data_type(), DataType::Int64 | DataType::UInt64) {
        return Err(IngestError::ColumnType {
            column: batch.schema().field(columns.h3).name().clone(),
            data_type: h3.data_type().to_string(),
            role: "H3 cell index",
        });
    }
    Ok(move |row: usize| {
        if h3.is_null(row) || count.is_null(row) {
            return None;
        }
        let cell = match (&h3_text, h3.data_type()) {
            (Some(text), _) => parse_hex(text.value(row))?,
            (None, DataType::Int64) => {
                CellIndex::try_from(h3.as_primitive::<Int64Type>().value(row) as u64).ok()?
            }
            (None, _) => CellIndex::try_from(h3.as_primitive::<UInt64Type>().value(row)).ok()?,
        };
        let points = count.value(row);
        if !(points.is_finite() && points >= 0.0) {
            return None;
        }
        Some(CellCount {
            cell,
            points: points.round() as u64,
            aircraft: aircraft
                .as_ref()
                .filter(|column| column.is_valid(row))
                .map(|column| column.value(row).max(0.0) as u64),
            center: center
                .as_ref()
                .filter(|(lat, lon)| lat.is_valid(row) && lon.is_valid(row))
                .map(|(lat, lon)| (lat.value(row), lon.value(row)))
                .filter(|&(lat, lon)| crate::points::check_position(lat, lon).is_ok()),
        })
    })
}

/// `85283473fffffff`, `0x85283473FFFFFFF` or a decimal index.
fn parse_hex(text: &str) -> Option<CellIndex> {
    let text = text.trim();
    let hex = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")).unwrap_or(text);
    u64::from_str_radix(hex, 16)
        .ok()
        .and_then(|value| CellIndex::try_from(value).ok())
        .or_else(|| text.parse::<u64>().ok().and_then(|value| CellIndex::try_from(value).ok()))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{ArrayRef, Float64Array, Int64Array};
    use bytes::Bytes;
    use h3o::{LatLng, Resolution};
    use parquet::arrow::ArrowWriter;

    use super::*;
    use crate::ingest;

    fn res5(lat: f64, lon: f64) -> CellIndex {
        LatLng::new(lat, lon).expect("valid").to_cell(Resolution::Five)
    }

    #[test]
    fn kepler_csv_with_hex_strings() {
        let (a, b) = (res5(39.5, -119.8), res5(36.9, -121.8));
        let text = format!(
            "point_count,h3_index,center_lon,center_lat\n12,{a},-119.81,39.49\n3,{},-121.79,36.91\n5,not-a-cell,0,0\n-1,{a},0,0\n",
            format!("{b:x}").to_uppercase()
        );
        let decoded = ingest::decode(Bytes::from(text)).expect("decodes");
        assert_eq!(decoded.format, Format::H3Table);
        assert_eq!(decoded.points(), 15);
        assert_eq!(decoded.rejected.get(Rejection::InvalidCell), 2);
        assert_eq!(
            decoded.cells[0],
            CellCount { cell: a, points: 12, aircraft: None, center: Some((39.49, -119.81)) }
        );
        assert_eq!(decoded.cells[1].cell, b, "upper-case hex reads too");
    }

    #[test]
    fn sedona_parquet_with_integer_indexes() {
        let cell = res5(51.5, -0.1);
        let batch = RecordBatch::try_from_iter([
            ("num", Arc::new(Int64Array::from(vec![7])) as ArrayRef),
            ("h3_index", Arc::new(Int64Array::from(vec![u64::from(cell) as i64])) as ArrayRef),
            ("center_lon", Arc::new(Float64Array::from(vec![-0.1])) as ArrayRef),
            ("center_lat", Arc::new(Float64Array::from(vec![51.5])) as ArrayRef),
        ])
        .expect("batch");
        let mut writer = ArrowWriter::try_new(Vec::new(), batch.schema(), None).expect("writer");
        writer.write(&batch).expect("write");
        let decoded = ingest::decode(Bytes::from(writer.into_inner().expect("close"))).expect("decodes");
        assert_eq!(
            decoded.cells,
            vec![CellCount { cell, points: 7, aircraft: None, center: Some((51.5, -0.1)) }]
        );
    }
}
