//! Tables of points (from Parquet, CSV or Arrow IPC; see `tabular.rs`): columns are found
//! by common aliases and converted to the canonical units.

use arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Float64Array, RecordBatch, StringArray, TimestampMillisecondArray,
};
use arrow::datatypes::{
    DataType, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, Schema, TimeUnit,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType,
    UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow::error::ArrowError;

use super::{Decoded, Format, IngestError};
use crate::points::{Point, PointsBuilder, RejectCounts, Rejection};

const FEET_PER_METRE: f64 = 1.0 / 0.3048;
const KNOTS_PER_METRE_PER_SECOND: f64 = 3600.0 / 1852.0;

// Column roles and the names (compared case-insensitively) that fill them, in order of
// preference. The canonical schema's own names come first, so skyhex's output reads back.
const ADDRESS_ALIASES: &[&str] = &["address", "icao", "hex", "icao24"];
const TIME_ALIASES: &[&str] = &["time", "ts", "timestamp"];
pub(super) const LAT_ALIASES: &[&str] = &["lat", "latitude"];
const LON_ALIASES: &[&str] = &["lon", "lng", "long", "longitude"];
const ON_GROUND_ALIASES: &[&str] = &["on_ground", "onground"];

/// Text columns of the canonical schema (index into [`TEXT_ROLES`]).
#[derive(Debug, Clone, Copy)]
enum Text {
    Callsign,
    Squawk,
    Category,
    Registration,
    TypeCode,
    Description,
    Operator,
    Year,
    Source,
}

const TEXT_ROLES: [(&str, &[&str]); 9] = [
    ("callsign", &["callsign", "flight"]),
    ("squawk", &["squawk"]),
    ("category", &["category"]),
    ("registration", &["registration", "r", "reg"]),
    ("type code", &["type_code", "t", "typecode", "aircraft_type"]),
    ("description", &["description", "desc"]),
    ("operator", &["operator", "ownop"]),
    ("year", &["year"]),
    ("source", &["source"]),
];

/// Numeric columns of the canonical schema (index into [`NUMBER_ROLES`]).
#[derive(Debug, Clone, Copy)]
enum Number {
    AltFt,
    GsKt,
    TrackDeg,
    Flags,
    DbFlags,
    IntervalMs,
}

/// Names with the factor that brings their values to the canonical unit.
const NUMBER_ROLES: [(&str, &[(&str, f64)]); 6] = [
    (
        "altitude",
        &[
            ("alt_ft", 1.0),
            ("alt_baro", 1.0),
            ("altitude", 1.0),
            ("alt", 1.0),
            ("altitude_ft", 1.0),
            // OpenSky state vectors give metres.
            ("baroaltitude", FEET_PER_METRE),
            ("geoaltitude", FEET_PER_METRE),
            ("alt_m", FEET_PER_METRE),
            ("altitude_m", FEET_PER_METRE),
        ],
    ),
    (
        "ground speed",
        &[("gs_kt", 1.0), ("gs", 1.0), ("ground_speed", 1.0), ("velocity", KNOTS_PER_METRE_PER_SECOND)],
    ),
    ("track", &[("track_deg", 1.0), ("track", 1.0), ("true_track", 1.0), ("heading", 1.0)]),
    ("flags", &[("flags", 1.0)]),
    ("database flags", &[("db_flags", 1.0), ("dbflags", 1.0)]),
    ("interval", &[("interval_ms", 1.0)]),
];

/// Where each canonical role lives in a source schema (column indexes).
#[derive(Debug, Clone)]
struct ColumnMap {
    lat: usize,
    lon: usize,
    address: Option<usize>,
    time: Option<usize>,
    on_ground: Option<usize>,
    text: [Option<usize>; TEXT_ROLES.len()],
    /// Column and unit factor of each numeric role.
    number: [Option<(usize, f64)>; NUMBER_ROLES.len()],
}

impl ColumnMap {
    fn resolve(schema: &Schema) -> Result<Self, IngestError> {
        let position =
            |alias: &str| schema.fields().iter().position(|field| field.name().eq_ignore_ascii_case(alias));
        let find = |aliases: &[&str]| aliases.iter().find_map(|alias| position(alias));
        let require = |role, aliases: &[&str]| {
            find(aliases).ok_or_else(|| IngestError::MissingColumn { role, aliases: aliases.join(", ") })
        };
        Ok(Self {
            lat: require("latitude", LAT_ALIASES)?,
            lon: require("longitude", LON_ALIASES)?,
            address: find(ADDRESS_ALIASES),
            time: find(TIME_ALIASES),
            on_ground: find(ON_GROUND_ALIASES),
            text: TEXT_ROLES.map(|(_, aliases)| find(aliases)),
            number: NUMBER_ROLES.map(|(_, aliases)| {
                aliases.iter().find_map(|&(alias, factor)| Some((position(alias)?, factor)))
            }),
        })
    }

    fn indices(&self) -> Vec<usize> {
        let mut indices: Vec<usize> =
            [Some(self.lat), Some(self.lon), self.address, self.time, self.on_ground]
                .into_iter()
                .chain(self.text)
                .chain(self.number.map(|number| number.map(|(index, _)| index)))
                .flatten()
                .collect();
        indices.sort_unstable();
        indices.dedup();
        indices
    }
}

/// Converts a table's record batches (all of `schema`) to canonical points. An error after
/// some batches keeps the points before it and says where reading stopped.
pub fn decode_batches(
    format: Format,
    schema: &Schema,
    batches: impl IntoIterator<Item = Result<RecordBatch, ArrowError>>,
) -> Result<Decoded, IngestError> {
    let mut converter =
        BatchConverter { columns: ColumnMap::resolve(schema)?, time_scale: TimeScale::default() };
    let mut decoded = Decoded::complete(format, Vec::new(), RejectCounts::default());
    let mut rows_read = 0;
    for batch in batches {
        let batch = match batch {
            Ok(batch) => batch,
            Err(err) if rows_read == 0 => return Err(err.into()),
            Err(err) => {
                decoded.stopped_early = Some(format!("stopped after {rows_read} rows: {err}"));
                break;
            }
        };
        rows_read += batch.num_rows();
        let (points, rejected) = converter.convert(&batch)?;
        decoded.rejected.merge(&rejected);
        if points.num_rows() > 0 {
            decoded.batches.push(points);
        }
    }
    Ok(decoded)
}

/// The source columns that hold point data, for readers that can skip the others.
pub fn wanted_columns(schema: &Schema) -> Result<Vec<usize>, IngestError> {
    Ok(ColumnMap::resolve(schema)?.indices())
}

/// The multiplier from a numeric time column's values to milliseconds, guessed once from
/// the magnitude of its first value (epoch seconds are ~1e9, milliseconds ~1e12).
#[derive(Debug, Clone, Copy, Default)]
struct TimeScale(Option<f64>);

impl TimeScale {
    fn millis_of(&mut self, value: f64) -> i64 {
        let scale = *self.0.get_or_insert(match value.abs() {
            magnitude if magnitude >= 1e17 => 1e-6,
            magnitude if magnitude >= 1e14 => 1e-3,
            magnitude if magnitude >= 1e11 => 1.0,
            _ => 1e3,
        });
        (value * scale).round() as i64
    }
}

/// Converts source batches (all of one schema) to canonical batches.
struct BatchConverter {
    columns: ColumnMap,
    time_scale: TimeScale,
}

/// The source columns of one batch, cast to the types the canonical schema needs.
struct SourceColumns {
    lat: Float64Array,
    lon: Float64Array,
    /// The columns before casting, to tell unparseable values from nulls.
    lat_raw: ArrayRef,
    lon_raw: ArrayRef,
    address: Option<StringArray>,
    time: Option<TimeColumn>,
    on_ground: Option<BooleanArray>,
    text: [Option<StringArray>; TEXT_ROLES.len()],
    /// Values already in the canonical unit.
    number: [Option<Float64Array>; NUMBER_ROLES.len()],
}

impl SourceColumns {
    fn cast(batch: &RecordBatch, columns: &ColumnMap) -> Result<Self, IngestError> {
        let mut text = [const { None }; TEXT_ROLES.len()];
        for ((slot, index), (role, _)) in text.iter_mut().zip(columns.text).zip(TEXT_ROLES) {
            *slot = index.map(|index| as_text(batch, index, role)).transpose()?;
        }
        let mut number = [const { None }; NUMBER_ROLES.len()];
        for ((slot, found), (role, _)) in number.iter_mut().zip(columns.number).zip(NUMBER_ROLES) {
            *slot = found
                .map(|(index, factor)| {
                    let values = as_f64(batch, index, role)?;
                    Ok::<_, IngestError>(if factor == 1.0 {
                        values
                    } else {
                        values.unary(|value| value * factor)
                    })
                })
                .transpose()?;
        }
        Ok(Self {
            lat: as_f64(batch, columns.lat, "latitude")?,
            lon: as_f64(batch, columns.lon, "longitude")?,
            lat_raw: batch.column(columns.lat).clone(),
            lon_raw: batch.column(columns.lon).clone(),
            address: columns.address.map(|index| as_text(batch, index, "aircraft address")).transpose()?,
            time: columns.time.map(|index| as_time(batch, index)).transpose()?,
            on_ground: columns.on_ground.map(|index| as_bool(batch, index)).transpose()?,
            text,
            number,
        })
    }

    /// Why the row's position is absent, when it is.
    fn missing_position(&self, row: usize) -> Option<Rejection> {
        let unparseable = |cast: &Float64Array, raw: &ArrayRef| cast.is_null(row) && raw.is_valid(row);
        if unparseable(&self.lat, &self.lat_raw) || unparseable(&self.lon, &self.lon_raw) {
            Some(Rejection::NonNumericCoordinate)
        } else if self.lat.is_null(row) || self.lon.is_null(row) {
            Some(Rejection::MissingCoordinate)
        } else {
            None
        }
    }

    fn text(&self, role: Text, row: usize) -> Option<&str> {
        text_at(self.text[role as usize].as_ref(), row).map(str::trim).filter(|text| !text.is_empty())
    }

    fn number(&self, role: Number, row: usize) -> Option<f64> {
        float_at(self.number[role as usize].as_ref(), row)
    }
}

fn float_at(array: Option<&Float64Array>, row: usize) -> Option<f64> {
    array.filter(|array| array.is_valid(row)).map(|array| array.value(row))
}

fn text_at(array: Option<&StringArray>, row: usize) -> Option<&str> {
    array.filter(|array| array.is_valid(row)).map(|array| array.value(row))
}

impl BatchConverter {
    fn convert(&mut self, batch: &RecordBatch) -> Result<(RecordBatch, RejectCounts), IngestError> {
        let source = SourceColumns::cast(batch, &self.columns)?;
        let mut builder = PointsBuilder::with_capacity(batch.num_rows());
        let mut address = String::new();
        for row in 0..batch.num_rows() {
            if let Some(reason) = source.missing_position(row) {
                builder.reject(reason);
                continue;
            }
            let has_address = text_at(source.address.as_ref(), row).map(|text| {
                address.clear();
                address.push_str(text.trim());
                address.make_ascii_lowercase();
            });
            builder.push(&Point {
                address: has_address.map(|()| address.as_str()),
                time_ms: source.time.as_ref().and_then(|time| self.time_ms(time, row)),
                lat: source.lat.value(row),
                lon: source.lon.value(row),
                alt_ft: source.number(Number::AltFt, row),
                on_ground: source
                    .on_ground
                    .as_ref()
                    .is_some_and(|ground| ground.is_valid(row) && ground.value(row)),
                gs_kt: source.number(Number::GsKt, row),
                track_deg: source.number(Number::TrackDeg, row),
                flags: source.number(Number::Flags, row).map_or(0, |flags| flags as u8),
                source: source.text(Text::Source, row),
                callsign: source.text(Text::Callsign, row),
                squawk: source.text(Text::Squawk, row),
                category: source.text(Text::Category, row),
                registration: source.text(Text::Registration, row),
                type_code: source.text(Text::TypeCode, row),
                description: source.text(Text::Description, row),
                operator: source.text(Text::Operator, row),
                year: source.text(Text::Year, row),
                db_flags: source.number(Number::DbFlags, row).map(|flags| flags as u16),
                interval_ms: source.number(Number::IntervalMs, row).map(|ms| ms as u32),
            });
        }
        Ok(builder.finish()?)
    }

    fn time_ms(&mut self, time: &TimeColumn, row: usize) -> Option<i64> {
        match time {
            TimeColumn::Millis(array) => array.is_valid(row).then(|| array.value(row)),
            TimeColumn::Numeric(array) => {
                float_at(Some(array), row).map(|value| self.time_scale.millis_of(value))
            }
        }
    }
}

/// A time column either already in Arrow timestamps (normalised to milliseconds) or numeric
/// epoch values whose unit is guessed from their magnitude.
enum TimeColumn {
    Millis(TimestampMillisecondArray),
    Numeric(Float64Array),
}

// Conversions are written per type rather than with `arrow::compute::cast`: the general
// cast kernel would put every type pair's code (megabytes) into the wasm binary.

fn as_time(batch: &RecordBatch, index: usize) -> Result<TimeColumn, IngestError> {
    let column = batch.column(index);
    let millis = |scale: i64, values: &dyn Fn(usize) -> i64| -> TimestampMillisecondArray {
        (0..column.len()).map(|row| column.is_valid(row).then(|| scale_millis(values(row), scale))).collect()
    };
    let time = match column.data_type() {
        DataType::Timestamp(TimeUnit::Second, _) => {
            let array = column.as_primitive::<TimestampSecondType>();
            millis(1000, &|row| array.value(row))
        }
        DataType::Timestamp(TimeUnit::Millisecond, _) => {
            let array = column.as_primitive::<TimestampMillisecondType>();
            millis(1, &|row| array.value(row))
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            let array = column.as_primitive::<TimestampMicrosecondType>();
            millis(-1000, &|row| array.value(row))
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => {
            let array = column.as_primitive::<TimestampNanosecondType>();
            millis(-1_000_000, &|row| array.value(row))
        }
        _ => match as_strings(column) {
            // Text that is not a number is read as dates (CSV files often hold ISO 8601).
            Some(strings)
                if strings
                    .iter()
                    .flatten()
                    .next()
                    .is_some_and(|text| text.trim().parse::<f64>().is_err()) =>
            {
                strings.iter().map(|text| text.and_then(parse_datetime_ms)).collect()
            }
            _ => return as_f64(batch, index, "time").map(TimeColumn::Numeric),
        },
    };
    Ok(TimeColumn::Millis(time))
}

/// RFC 3339, or ISO 8601 without a zone (read as UTC), to ms since the Unix epoch.
fn parse_datetime_ms(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(time) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(time.timestamp_millis());
    }
    ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f%#z"]
        .iter()
        .find_map(|format| chrono::NaiveDateTime::parse_from_str(text, format).ok())
        .map(|time| time.and_utc().timestamp_millis())
}

/// `value * scale` for a positive scale, `value / -scale` (rounded down) for a negative one.
fn scale_millis(value: i64, scale: i64) -> i64 {
    if scale >= 0 { value.saturating_mul(scale) } else { value.div_euclid(-scale) }
}

/// A numeric or text column as Float64; unparseable text becomes null.
pub(super) fn float_column(
    batch: &RecordBatch,
    index: usize,
    role: &'static str,
) -> Result<Float64Array, IngestError> {
    as_f64(batch, index, role)
}

/// Text of any Arrow string layout, or `None` for other types.
pub(super) fn text_column(column: &ArrayRef) -> Option<StringArray> {
    as_strings(column)
}

fn as_f64(batch: &RecordBatch, index: usize, role: &'static str) -> Result<Float64Array, IngestError> {
    let column = batch.column(index);
    macro_rules! widen {
        ($($variant:ident => $type:ty),*) => {
            match column.data_type() {
                DataType::Float64 => column.as_primitive::<Float64Type>().clone(),
                $(DataType::$variant => column.as_primitive::<$type>().unary(|value| value as f64),)*
                _ => match as_strings(column) {
                    Some(strings) => strings.iter().map(|text| text.and_then(|text| text.trim().parse().ok())).collect(),
                    None => return Err(column_type_error(batch, index, role)),
                },
            }
        };
    }
    Ok(widen!(
        Float32 => Float32Type, Int8 => Int8Type, Int16 => Int16Type, Int32 => Int32Type, Int64 => Int64Type,
        UInt8 => UInt8Type, UInt16 => UInt16Type, UInt32 => UInt32Type, UInt64 => UInt64Type
    ))
}

fn as_text(batch: &RecordBatch, index: usize, role: &'static str) -> Result<StringArray, IngestError> {
    as_strings(batch.column(index)).ok_or_else(|| column_type_error(batch, index, role))
}

/// Text of any Arrow string layout (plain, large, view or dictionary-encoded).
fn as_strings(column: &ArrayRef) -> Option<StringArray> {
    match column.data_type() {
        DataType::Utf8 => Some(column.as_string::<i32>().clone()),
        DataType::LargeUtf8 => Some(column.as_string::<i64>().iter().collect()),
        DataType::Utf8View => Some(column.as_string_view().iter().collect()),
        DataType::Dictionary(_, value_type) if matches!(**value_type, DataType::Utf8) => {
            let dictionary = column.as_any_dictionary();
            let values = dictionary.values().as_string::<i32>();
            let keys = dictionary.normalized_keys();
            Some((0..column.len()).map(|row| column.is_valid(row).then(|| values.value(keys[row]))).collect())
        }
        _ => None,
    }
}

fn as_bool(batch: &RecordBatch, index: usize) -> Result<BooleanArray, IngestError> {
    let column = batch.column(index);
    match column.data_type() {
        DataType::Boolean => Ok(column.as_boolean().clone()),
        _ if as_strings(column).is_some_and(|strings| {
            strings.iter().flatten().any(|text| text.trim().parse::<f64>().is_err())
        }) =>
        {
            let strings = as_strings(column).expect("checked above");
            Ok(strings
                .iter()
                .map(|text| match text.map(|text| text.trim().to_ascii_lowercase()).as_deref() {
                    Some("true" | "t" | "yes" | "y" | "1") => Some(true),
                    Some("false" | "f" | "no" | "n" | "0") => Some(false),
                    _ => None,
                })
                .collect())
        }
        _ => {
            let numbers = as_f64(batch, index, "on-ground flag")?;
            Ok(numbers.iter().map(|value| value.map(|value| value != 0.0)).collect())
        }
    }
}

fn column_type_error(batch: &RecordBatch, index: usize, role: &'static str) -> IngestError {
    IngestError::ColumnType {
        column: batch.schema().field(index).name().clone(),
        data_type: batch.column(index).data_type().to_string(),
        role,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{
        BooleanArray, DictionaryArray, Float32Array, Float64Array, Int64Array, RecordBatch, StringArray,
        TimestampMicrosecondArray,
    };
    use arrow::datatypes::Int32Type;
    use bytes::Bytes;
    use parquet::arrow::ArrowWriter;

    use super::*;
    use crate::points::PointColumns;

    fn parquet_of(batch: &RecordBatch) -> Bytes {
        let mut writer = ArrowWriter::try_new(Vec::new(), batch.schema(), None).expect("writer");
        writer.write(batch).expect("write");
        Bytes::from(writer.into_inner().expect("close"))
    }

    #[test]
    fn opensky_state_vectors_in_metres_and_seconds() {
        let icao24: DictionaryArray<Int32Type> =
            vec![Some("4CA7B5"), Some("4ca7b5"), None, Some("abc123")].into_iter().collect();
        let batch = RecordBatch::try_from_iter([
            (
                "time",
                Arc::new(Int64Array::from(vec![1_700_000_000, 1_700_000_010, 1_700_000_020, 1_700_000_030]))
                    as ArrayRef,
            ),
            ("icao24", Arc::new(icao24) as ArrayRef),
            (
                "lat",
                Arc::new(Float64Array::from(vec![Some(51.5), Some(f64::NAN), None, Some(48.0)])) as ArrayRef,
            ),
            ("lon", Arc::new(Float64Array::from(vec![-0.1, 0.0, 1.0, 2.0])) as ArrayRef),
            (
                "baroaltitude",
                Arc::new(Float64Array::from(vec![Some(304.8), None, None, Some(0.0)])) as ArrayRef,
            ),
            ("onground", Arc::new(BooleanArray::from(vec![false, false, false, true])) as ArrayRef),
            (
                "callsign",
                Arc::new(StringArray::from(vec![Some("BAW1  "), None, None, Some("   ")])) as ArrayRef,
            ),
        ])
        .expect("batch");
        let decoded = crate::ingest::decode(parquet_of(&batch)).expect("decodes");
        assert_eq!(decoded.rejected.get(Rejection::NonFiniteCoordinate), 1);
        assert_eq!(decoded.rejected.get(Rejection::MissingCoordinate), 1);
        let points = PointColumns::new(&decoded.batches[0]);
        assert_eq!(points.len(), 2);
        assert_eq!(points.address(0), Some("4ca7b5"), "addresses are lowercased");
        assert_eq!(points.time_ms(0), Some(1_700_000_000_000), "epoch seconds become milliseconds");
        assert!((points.alt_ft(0).expect("altitude") - 1000.0).abs() < 1e-9, "metres become feet");
        assert!(points.on_ground.value(1));
        let callsign = decoded.batches[0].column_by_name("callsign").expect("callsign").as_string::<i32>();
        assert_eq!(callsign.value(0), "BAW1");
        assert!(callsign.is_null(1), "a blank callsign is no callsign");
    }

    #[test]
    fn arrow_timestamps_float32_and_other_aliases() {
        let time = TimestampMicrosecondArray::from(vec![1_700_000_000_123_456, 1_700_000_001_000_000])
            .with_timezone("Europe/Paris");
        let batch = RecordBatch::try_from_iter([
            ("timestamp", Arc::new(time) as ArrayRef),
            ("Latitude", Arc::new(Float32Array::from(vec![10.5, 11.0])) as ArrayRef),
            ("lng", Arc::new(Float32Array::from(vec![20.25, 21.0])) as ArrayRef),
            ("hex", Arc::new(StringArray::from(vec!["~00ff01", "00FF01"])) as ArrayRef),
        ])
        .expect("batch");
        let decoded = crate::ingest::decode(parquet_of(&batch)).expect("decodes");
        let points = PointColumns::new(&decoded.batches[0]);
        assert_eq!(
            points.time_ms(0),
            Some(1_700_000_000_123),
            "microseconds become milliseconds, zone ignored"
        );
        assert_eq!((points.lat.value(0), points.lon.value(0)), (10.5, 20.25));
        assert_eq!(points.address(0), Some("~00ff01"));
        assert_eq!(points.address(1), Some("00ff01"));
    }

    #[test]
    fn milliseconds_and_text_coordinates() {
        let batch = RecordBatch::try_from_iter([
            ("ts", Arc::new(Float64Array::from(vec![1_700_000_000_500.0, 1_700_000_001_500.0])) as ArrayRef),
            ("latitude", Arc::new(StringArray::from(vec!["45.25", "north"])) as ArrayRef),
            ("longitude", Arc::new(StringArray::from(vec![" 7.5 ", "8"])) as ArrayRef),
        ])
        .expect("batch");
        let decoded = crate::ingest::decode(parquet_of(&batch)).expect("decodes");
        let points = PointColumns::new(&decoded.batches[0]);
        assert_eq!(points.len(), 1);
        assert_eq!(points.time_ms(0), Some(1_700_000_000_500));
        assert_eq!(points.address(0), None, "no address column: points without aircraft");
        assert_eq!(decoded.rejected.get(Rejection::NonNumericCoordinate), 1);
    }

    #[test]
    fn every_codec_and_small_row_groups() {
        use parquet::basic::{BrotliLevel, Compression, GzipLevel, ZstdLevel};
        use parquet::file::properties::WriterProperties;
        let rows = 2_500;
        let batch = RecordBatch::try_from_iter([
            (
                "icao",
                Arc::new(StringArray::from_iter_values((0..rows).map(|i| format!("{:06x}", i % 7))))
                    as ArrayRef,
            ),
            ("ts", Arc::new(Int64Array::from_iter_values((0..rows).map(|i| 1_700_000_000 + i64::from(i))))),
            ("lat", Arc::new(Float64Array::from_iter_values((0..rows).map(|i| f64::from(i) / 100.0 - 12.0)))),
            ("lon", Arc::new(Float64Array::from_iter_values((0..rows).map(|i| 100.0 - f64::from(i) / 50.0)))),
        ])
        .expect("batch");
        let codecs = [
            Compression::UNCOMPRESSED,
            Compression::SNAPPY,
            Compression::GZIP(GzipLevel::default()),
            Compression::BROTLI(BrotliLevel::default()),
            Compression::LZ4,
            Compression::LZ4_RAW,
            Compression::ZSTD(ZstdLevel::default()),
        ];
        for codec in codecs {
            let properties = WriterProperties::builder()
                .set_compression(codec)
                .set_max_row_group_row_count(Some(1000))
                .build();
            let mut writer =
                ArrowWriter::try_new(Vec::new(), batch.schema(), Some(properties)).expect("writer");
            writer.write(&batch).expect("write");
            let bytes = Bytes::from(writer.into_inner().expect("close"));
            let decoded = crate::ingest::decode(bytes).unwrap_or_else(|err| panic!("{codec:?}: {err}"));
            let points: Vec<PointColumns<'_>> = decoded.batches.iter().map(PointColumns::new).collect();
            assert_eq!(points.iter().map(PointColumns::len).sum::<usize>(), 2_500, "{codec:?}");
            let last = points.last().expect("a batch");
            assert_eq!(last.time_ms(last.len() - 1), Some(1_700_002_499_000), "{codec:?}");
        }
    }

    #[test]
    fn a_table_without_coordinates_says_which_column_is_missing() {
        let batch =
            RecordBatch::try_from_iter([("lat", Arc::new(Float64Array::from(vec![1.0])) as ArrayRef)])
                .expect("batch");
        let error = crate::ingest::decode(parquet_of(&batch)).expect_err("no longitude");
        assert_eq!(error.to_string(), "no longitude column (looked for lon, lng, long, longitude)");
        let batch = RecordBatch::try_from_iter([
            ("lat", Arc::new(BooleanArray::from(vec![true])) as ArrayRef),
            ("lon", Arc::new(Float64Array::from(vec![1.0])) as ArrayRef),
        ])
        .expect("batch");
        let error = crate::ingest::decode(parquet_of(&batch)).expect_err("boolean latitude");
        assert_eq!(error.to_string(), "column \"lat\" has type Boolean, which cannot hold latitude");
    }
}
