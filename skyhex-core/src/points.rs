//! The canonical points schema: every decoder emits Arrow record batches of this shape,
//! so everything downstream is blind to the input format.
//!
//! Only accepted points are stored; a point is accepted when it has a latitude and a
//! longitude, both finite, with -90 <= lat <= 90 and -180 <= lon <= 180. Every other point
//! is counted in [`RejectCounts`] under its [`Rejection`] reason.

use std::sync::{Arc, LazyLock};

use arrow::array::builder::NullBufferBuilder;
use arrow::array::{
    Array, ArrayBuilder, ArrayRef, BooleanArray, BooleanBuilder, Float64Array, Float64Builder, RecordBatch,
    StringArray, TimestampMillisecondArray, TimestampMillisecondBuilder, UInt8Array, UInt8Builder,
    UInt16Array, UInt16Builder, UInt32Array, UInt32Builder,
};
use arrow::buffer::{Buffer, OffsetBuffer};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use serde::{Deserialize, Serialize};

/// Column names of the canonical schema.
pub mod column {
    pub const ADDRESS: &str = "address";
    pub const TIME: &str = "time";
    pub const LAT: &str = "lat";
    pub const LON: &str = "lon";
    pub const ALT_FT: &str = "alt_ft";
    pub const ON_GROUND: &str = "on_ground";
    pub const GS_KT: &str = "gs_kt";
    pub const TRACK_DEG: &str = "track_deg";
    pub const FLAGS: &str = "flags";
    pub const SOURCE: &str = "source";
    pub const CALLSIGN: &str = "callsign";
    pub const SQUAWK: &str = "squawk";
    pub const CATEGORY: &str = "category";
    pub const REGISTRATION: &str = "registration";
    pub const TYPE_CODE: &str = "type_code";
    pub const DESCRIPTION: &str = "description";
    pub const OPERATOR: &str = "operator";
    pub const YEAR: &str = "year";
    pub const DB_FLAGS: &str = "db_flags";
    pub const INTERVAL_MS: &str = "interval_ms";
}

/// The canonical points schema.
///
/// - `address`: aircraft address as lowercase hex; non-ICAO addresses keep readsb's `~` prefix.
/// - `time`: UTC, millisecond precision.
/// - `alt_ft`: barometric altitude in feet (null when unknown or on the ground).
/// - `flags`: readsb trace flags (1 stale, 2 new leg, 4 geometric vertical rate, 8 geometric altitude).
/// - `source`: readsb source / address type such as `adsb_icao` or `mlat`.
/// - `callsign`, `squawk`, `category`: as last reported (readsb carries them forward).
/// - `registration`, `type_code`, `description`, `operator`, `year`, `db_flags`: aircraft
///   database fields (readsb `r`, `t`, `desc`, `ownOp`, `year`, `dbFlags`: 1 military,
///   2 interesting, 4 PIA, 8 LADD).
/// - `interval_ms`: the time the point stands for, when the source says (a heatmap record is
///   one aircraft for one slice); null otherwise.
pub fn schema() -> SchemaRef {
    static SCHEMA: LazyLock<SchemaRef> = LazyLock::new(|| {
        let utc = Some(Arc::from("UTC"));
        Arc::new(Schema::new(vec![
            Field::new(column::ADDRESS, DataType::Utf8, true),
            Field::new(column::TIME, DataType::Timestamp(TimeUnit::Millisecond, utc), true),
            Field::new(column::LAT, DataType::Float64, false),
            Field::new(column::LON, DataType::Float64, false),
            Field::new(column::ALT_FT, DataType::Float64, true),
            Field::new(column::ON_GROUND, DataType::Boolean, false),
            Field::new(column::GS_KT, DataType::Float64, true),
            Field::new(column::TRACK_DEG, DataType::Float64, true),
            Field::new(column::FLAGS, DataType::UInt8, false),
            Field::new(column::SOURCE, DataType::Utf8, true),
            Field::new(column::CALLSIGN, DataType::Utf8, true),
            Field::new(column::SQUAWK, DataType::Utf8, true),
            Field::new(column::CATEGORY, DataType::Utf8, true),
            Field::new(column::REGISTRATION, DataType::Utf8, true),
            Field::new(column::TYPE_CODE, DataType::Utf8, true),
            Field::new(column::DESCRIPTION, DataType::Utf8, true),
            Field::new(column::OPERATOR, DataType::Utf8, true),
            Field::new(column::YEAR, DataType::Utf8, true),
            Field::new(column::DB_FLAGS, DataType::UInt16, true),
            Field::new(column::INTERVAL_MS, DataType::UInt32, true),
        ]))
    });
    SCHEMA.clone()
}

/// Why a point was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rejection {
    /// Latitude or longitude is absent or null.
    MissingCoordinate,
    /// Latitude or longitude has the wrong type (a string, an object...).
    NonNumericCoordinate,
    /// Latitude or longitude is NaN or infinite.
    NonFiniteCoordinate,
    /// Latitude outside [-90, 90] or longitude outside [-180, 180].
    CoordinateOutOfRange,
    /// The point record itself is malformed (for example not an array in a readsb trace).
    MalformedPoint,
    /// A row of a pre-aggregated table whose H3 index or count is not valid.
    InvalidCell,
}

impl Rejection {
    pub const ALL: [Self; 6] = [
        Self::MissingCoordinate,
        Self::NonNumericCoordinate,
        Self::NonFiniteCoordinate,
        Self::CoordinateOutOfRange,
        Self::MalformedPoint,
        Self::InvalidCell,
    ];

    /// Stable snake_case name, used in JSON output and the page.
    pub fn name(self) -> &'static str {
        match self {
            Self::MissingCoordinate => "missing_coordinate",
            Self::NonNumericCoordinate => "non_numeric_coordinate",
            Self::NonFiniteCoordinate => "non_finite_coordinate",
            Self::CoordinateOutOfRange => "coordinate_out_of_range",
            Self::MalformedPoint => "malformed_point",
            Self::InvalidCell => "invalid_cell",
        }
    }
}

/// Rejected points counted by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RejectCounts([u64; Rejection::ALL.len()]);

impl RejectCounts {
    pub fn add(&mut self, reason: Rejection, count: u64) {
        self.0[reason as usize] += count;
    }

    pub fn get(&self, reason: Rejection) -> u64 {
        self.0[reason as usize]
    }

    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    pub fn merge(&mut self, other: &Self) {
        for reason in Rejection::ALL {
            self.add(reason, other.get(reason));
        }
    }

    /// Non-zero counts, in the fixed order of [`Rejection::ALL`].
    pub fn nonzero(&self) -> impl Iterator<Item = (Rejection, u64)> + '_ {
        Rejection::ALL.into_iter().map(|reason| (reason, self.get(reason))).filter(|&(_, count)| count > 0)
    }
}

impl Serialize for RejectCounts {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Collected first so the map's length is known (binary formats need it).
        let named: Vec<(&str, u64)> = self.nonzero().map(|(reason, count)| (reason.name(), count)).collect();
        serializer.collect_map(named)
    }
}

impl<'de> Deserialize<'de> for RejectCounts {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let named = std::collections::BTreeMap::<String, u64>::deserialize(deserializer)?;
        let mut counts = Self::default();
        for (name, count) in named {
            let reason = Rejection::ALL
                .into_iter()
                .find(|reason| reason.name() == name)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown rejection reason {name:?}")))?;
            counts.add(reason, count);
        }
        Ok(counts)
    }
}

/// Checks a position against the acceptance rule of the module docs.
pub fn check_position(lat: f64, lon: f64) -> Result<(), Rejection> {
    if !lat.is_finite() || !lon.is_finite() {
        Err(Rejection::NonFiniteCoordinate)
    } else if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        Err(Rejection::CoordinateOutOfRange)
    } else {
        Ok(())
    }
}

/// One point on its way into a [`PointsBuilder`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Point<'a> {
    pub address: Option<&'a str>,
    pub time_ms: Option<i64>,
    pub lat: f64,
    pub lon: f64,
    pub alt_ft: Option<f64>,
    pub on_ground: bool,
    pub gs_kt: Option<f64>,
    pub track_deg: Option<f64>,
    pub flags: u8,
    pub source: Option<&'a str>,
    pub callsign: Option<&'a str>,
    pub squawk: Option<&'a str>,
    pub category: Option<&'a str>,
    pub registration: Option<&'a str>,
    pub type_code: Option<&'a str>,
    pub description: Option<&'a str>,
    pub operator: Option<&'a str>,
    pub year: Option<&'a str>,
    pub db_flags: Option<u16>,
    pub interval_ms: Option<u32>,
}

/// Builds canonical record batches row by row, validating positions and counting rejections.
#[derive(Debug)]
pub struct PointsBuilder {
    address: TextRuns,
    time: TimestampMillisecondBuilder,
    lat: Float64Builder,
    lon: Float64Builder,
    alt_ft: Float64Builder,
    on_ground: BooleanBuilder,
    gs_kt: Float64Builder,
    track_deg: Float64Builder,
    flags: UInt8Builder,
    source: TextRuns,
    callsign: TextRuns,
    squawk: TextRuns,
    category: TextRuns,
    registration: TextRuns,
    type_code: TextRuns,
    description: TextRuns,
    operator: TextRuns,
    year: TextRuns,
    db_flags: UInt16Builder,
    interval_ms: UInt32Builder,
    rejected: RejectCounts,
}

impl Default for PointsBuilder {
    fn default() -> Self {
        Self::with_capacity(0)
    }
}

impl PointsBuilder {
    pub fn with_capacity(points: usize) -> Self {
        Self {
            address: TextRuns::default(),
            time: TimestampMillisecondBuilder::with_capacity(points).with_timezone("UTC"),
            lat: Float64Builder::with_capacity(points),
            lon: Float64Builder::with_capacity(points),
            alt_ft: Float64Builder::with_capacity(points),
            on_ground: BooleanBuilder::with_capacity(points),
            gs_kt: Float64Builder::with_capacity(points),
            track_deg: Float64Builder::with_capacity(points),
            flags: UInt8Builder::with_capacity(points),
            source: TextRuns::default(),
            callsign: TextRuns::default(),
            squawk: TextRuns::default(),
            category: TextRuns::default(),
            registration: TextRuns::default(),
            type_code: TextRuns::default(),
            description: TextRuns::default(),
            operator: TextRuns::default(),
            year: TextRuns::default(),
            db_flags: UInt16Builder::with_capacity(points),
            interval_ms: UInt32Builder::with_capacity(points),
            rejected: RejectCounts::default(),
        }
    }

    /// Appends the point when its position is acceptable, else counts the rejection.
    pub fn push(&mut self, point: &Point<'_>) {
        if let Err(reason) = check_position(point.lat, point.lon) {
            self.reject(reason);
            return;
        }
        self.address.push(point.address);
        self.time.append_option(point.time_ms);
        self.lat.append_value(point.lat);
        self.lon.append_value(point.lon);
        self.alt_ft.append_option(point.alt_ft);
        self.on_ground.append_value(point.on_ground);
        self.gs_kt.append_option(point.gs_kt);
        self.track_deg.append_option(point.track_deg);
        self.flags.append_value(point.flags);
        self.source.push(point.source);
        self.callsign.push(point.callsign);
        self.squawk.push(point.squawk);
        self.category.push(point.category);
        self.registration.push(point.registration);
        self.type_code.push(point.type_code);
        self.description.push(point.description);
        self.operator.push(point.operator);
        self.year.push(point.year);
        self.db_flags.append_option(point.db_flags);
        self.interval_ms.append_option(point.interval_ms);
    }

    pub fn reject(&mut self, reason: Rejection) {
        self.rejected.add(reason, 1);
    }

    pub fn len(&self) -> usize {
        self.lat.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Returns the accepted points as one batch (possibly empty) and the rejection counts;
    /// fails only when a text column would pass Arrow's 2 GiB (hostile input).
    pub fn finish(mut self) -> Result<(RecordBatch, RejectCounts), TextTooLarge> {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.address.finish(column::ADDRESS)?),
            Arc::new(self.time.finish()),
            Arc::new(self.lat.finish()),
            Arc::new(self.lon.finish()),
            Arc::new(self.alt_ft.finish()),
            Arc::new(self.on_ground.finish()),
            Arc::new(self.gs_kt.finish()),
            Arc::new(self.track_deg.finish()),
            Arc::new(self.flags.finish()),
            Arc::new(self.source.finish(column::SOURCE)?),
            Arc::new(self.callsign.finish(column::CALLSIGN)?),
            Arc::new(self.squawk.finish(column::SQUAWK)?),
            Arc::new(self.category.finish(column::CATEGORY)?),
            Arc::new(self.registration.finish(column::REGISTRATION)?),
            Arc::new(self.type_code.finish(column::TYPE_CODE)?),
            Arc::new(self.description.finish(column::DESCRIPTION)?),
            Arc::new(self.operator.finish(column::OPERATOR)?),
            Arc::new(self.year.finish(column::YEAR)?),
            Arc::new(self.db_flags.finish()),
            Arc::new(self.interval_ms.finish()),
        ];
        let batch = RecordBatch::try_new(schema(), columns)
            .expect("builders produce columns of the canonical schema and equal length");
        Ok((batch, self.rejected))
    }
}

/// A text column of [`PointsBuilder`] kept as runs of equal values until it is finished:
/// consecutive points mostly repeat the previous one's text (a trace file's registration,
/// an aircraft's callsign, a column a table lacks), so a push is mostly one comparison
/// instead of a copy and a validity bit.
#[derive(Debug, Default)]
struct TextRuns {
    runs: Vec<TextRun>,
    /// The runs' texts, one after the other.
    texts: String,
    /// The texts would not fit an Arrow string column.
    too_large: bool,
}

/// Consecutive points with one text (`None` when they have none).
#[derive(Debug, Clone, Copy)]
struct TextRun {
    text: Option<(u32, u32)>,
    points: u32,
}

impl TextRuns {
    fn push(&mut self, value: Option<&str>) {
        if let Some(last) = self.runs.last_mut()
            && last.points < u32::MAX
            && text_in(&self.texts, last.text) == value
        {
            last.points += 1;
            return;
        }
        let text = match value {
            // Each run's text is in the column at least once: past 2 GiB, `finish` fails.
            Some(value) if self.texts.len() + value.len() > i32::MAX as usize => {
                self.too_large = true;
                None
            }
            Some(value) => {
                let start = self.texts.len();
                self.texts.push_str(value);
                Some((start as u32, value.len() as u32))
            }
            None => None,
        };
        self.runs.push(TextRun { text, points: 1 });
    }

    fn finish(&self, column: &'static str) -> Result<StringArray, TextTooLarge> {
        if self.too_large {
            return Err(TextTooLarge(column));
        }
        let points: usize = self.runs.iter().map(|run| run.points as usize).sum();
        if self.runs.iter().all(|run| run.text.is_none()) {
            return Ok(StringArray::new_null(points));
        }
        let bytes: u64 = self
            .runs
            .iter()
            .map(|run| run.text.map_or(0, |(_, len)| u64::from(len)) * u64::from(run.points))
            .sum();
        if bytes > i32::MAX as u64 {
            return Err(TextTooLarge(column));
        }
        let mut offsets = Vec::with_capacity(points + 1);
        let mut values = Vec::with_capacity(bytes as usize);
        let mut nulls = NullBufferBuilder::new(points);
        offsets.push(0_i32);
        for run in &self.runs {
            let points = run.points as usize;
            let text = text_in(&self.texts, run.text).unwrap_or_default().as_bytes();
            for _ in 0..points {
                values.extend_from_slice(text);
                offsets.push(values.len() as i32);
            }
            if run.text.is_some() {
                nulls.append_n_non_nulls(points);
            } else {
                nulls.append_n_nulls(points);
            }
        }
        Ok(StringArray::new(OffsetBuffer::new(offsets.into()), Buffer::from_vec(values), nulls.finish()))
    }
}

/// The text at (start, length) in `texts`.
fn text_in(texts: &str, text: Option<(u32, u32)>) -> Option<&str> {
    text.map(|(start, len)| &texts[start as usize..(start + len) as usize])
}

/// A text column of one input would pass the 2 GiB an Arrow string column can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the {0} text of this input passes 2 GiB")]
pub struct TextTooLarge(pub &'static str);

/// Typed, borrowed view of the columns of one canonical batch.
#[derive(Debug, Clone, Copy)]
pub struct PointColumns<'a> {
    pub address: &'a StringArray,
    pub time: &'a TimestampMillisecondArray,
    pub lat: &'a Float64Array,
    pub lon: &'a Float64Array,
    pub alt_ft: &'a Float64Array,
    pub on_ground: &'a BooleanArray,
    pub flags: &'a UInt8Array,
    pub source: &'a StringArray,
    pub callsign: &'a StringArray,
    pub squawk: &'a StringArray,
    pub registration: &'a StringArray,
    pub type_code: &'a StringArray,
    pub db_flags: &'a UInt16Array,
    pub interval_ms: &'a UInt32Array,
}

impl<'a> PointColumns<'a> {
    /// Views a batch of the canonical [`schema`]. Panics on any other schema: batches only
    /// come from [`PointsBuilder`] or decoders that emit the canonical schema.
    pub fn new(batch: &'a RecordBatch) -> Self {
        fn col<'b, T: 'static>(batch: &'b RecordBatch, name: &str) -> &'b T {
            batch
                .column_by_name(name)
                .and_then(|array| array.as_any().downcast_ref::<T>())
                .unwrap_or_else(|| panic!("canonical points batch lacks column {name}"))
        }
        Self {
            address: col(batch, column::ADDRESS),
            time: col(batch, column::TIME),
            lat: col(batch, column::LAT),
            lon: col(batch, column::LON),
            alt_ft: col(batch, column::ALT_FT),
            on_ground: col(batch, column::ON_GROUND),
            flags: col(batch, column::FLAGS),
            source: col(batch, column::SOURCE),
            callsign: col(batch, column::CALLSIGN),
            squawk: col(batch, column::SQUAWK),
            registration: col(batch, column::REGISTRATION),
            type_code: col(batch, column::TYPE_CODE),
            db_flags: col(batch, column::DB_FLAGS),
            interval_ms: col(batch, column::INTERVAL_MS),
        }
    }

    pub fn len(&self) -> usize {
        self.lat.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn address(&self, row: usize) -> Option<&'a str> {
        text(self.address, row)
    }

    pub fn source(&self, row: usize) -> Option<&'a str> {
        text(self.source, row)
    }

    pub fn callsign(&self, row: usize) -> Option<&'a str> {
        text(self.callsign, row)
    }

    pub fn squawk(&self, row: usize) -> Option<&'a str> {
        text(self.squawk, row)
    }

    pub fn registration(&self, row: usize) -> Option<&'a str> {
        text(self.registration, row)
    }

    pub fn type_code(&self, row: usize) -> Option<&'a str> {
        text(self.type_code, row)
    }

    pub fn db_flags(&self, row: usize) -> Option<u16> {
        self.db_flags.is_valid(row).then(|| self.db_flags.value(row))
    }

    pub fn interval_ms(&self, row: usize) -> Option<u32> {
        self.interval_ms.is_valid(row).then(|| self.interval_ms.value(row))
    }

    pub fn time_ms(&self, row: usize) -> Option<i64> {
        self.time.is_valid(row).then(|| self.time.value(row))
    }

    pub fn alt_ft(&self, row: usize) -> Option<f64> {
        self.alt_ft.is_valid(row).then(|| self.alt_ft.value(row))
    }
}

fn text(array: &StringArray, row: usize) -> Option<&str> {
    array.is_valid(row).then(|| array.value(row))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_runs_give_each_point_its_text() {
        let mut runs = TextRuns::default();
        for value in [Some("a"), Some("a"), None, Some("bc"), Some("bc"), Some(""), None] {
            runs.push(value);
        }
        assert_eq!(runs.runs.len(), 5, "equal neighbours share a run");
        assert_eq!(runs.texts, "abc", "each run's text is kept once");
        let array = runs.finish(column::CALLSIGN).expect("short texts");
        let texts: Vec<Option<&str>> = array.iter().collect();
        assert_eq!(texts, [Some("a"), Some("a"), None, Some("bc"), Some("bc"), Some(""), None]);
        assert_eq!(TextRuns::default().finish(column::CALLSIGN).expect("empty").len(), 0);
    }

    #[test]
    fn text_past_two_gib_is_an_error_not_a_panic() {
        let runs = TextRuns {
            runs: vec![TextRun { text: Some((0, 1 << 16)), points: 1 << 15 }],
            texts: "x".repeat(1 << 16),
            too_large: false,
        };
        assert_eq!(runs.finish(column::OPERATOR).err(), Some(TextTooLarge(column::OPERATOR)));
        let runs = TextRuns { too_large: true, ..TextRuns::default() };
        assert_eq!(runs.finish(column::OPERATOR).err(), Some(TextTooLarge(column::OPERATOR)));
    }

    #[test]
    fn rejects_by_reason_and_keeps_valid_points() {
        let mut builder = PointsBuilder::default();
        let ok = Point { address: Some("abc123"), lat: 90.0, lon: -180.0, ..Point::default() };
        builder.push(&ok);
        builder.push(&Point { lat: f64::NAN, ..ok });
        builder.push(&Point { lon: f64::INFINITY, ..ok });
        builder.push(&Point { lat: 90.000001, ..ok });
        builder.push(&Point { lon: 180.5, ..ok });
        builder.reject(Rejection::MissingCoordinate);
        let (batch, rejected) = builder.finish().expect("short texts");
        assert_eq!(batch.num_rows(), 1);
        assert_eq!(rejected.get(Rejection::NonFiniteCoordinate), 2);
        assert_eq!(rejected.get(Rejection::CoordinateOutOfRange), 2);
        assert_eq!(rejected.get(Rejection::MissingCoordinate), 1);
        assert_eq!(rejected.total(), 5);
        let columns = PointColumns::new(&batch);
        assert_eq!(columns.address(0), Some("abc123"));
        assert_eq!(columns.time_ms(0), None);
    }
}
