//! readsb `trace_full_<hex>.json` / `trace_recent_<hex>.json` files.
//!
//! Top level: `{"icao": "3c66b0", "timestamp": 1663259853.016, "trace": [[...], ...]}`.
//! A point is a positional array of 9, 14 or 15 elements (`design/FORMATS.md` in the
//! project's shared notes); its time is `timestamp + point[0]` seconds. Every slot is read
//! leniently: a value of the wrong type becomes "unknown" (or rejects the point when it is a
//! coordinate) instead of failing the whole file.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{Decoded, Format, IngestError};
use crate::points::{Point, PointsBuilder, Rejection};

/// Decodes the (already decompressed) JSON of one trace file.
pub fn decode(json: &[u8]) -> Result<Decoded, IngestError> {
    let file: TraceFile = serde_json::from_slice(json).map_err(IngestError::Json)?;
    let address = normalise_address(&file.icao);
    let base_ms = file.timestamp * 1000.0;
    let mut builder = PointsBuilder::with_capacity(file.trace.len());
    let mut carried = Details::default();
    for raw in &file.trace {
        let RawPoint::Array(slots) = raw else {
            builder.reject(Rejection::MalformedPoint);
            continue;
        };
        carried.carry_forward(&slots.details);
        let position = slots.lat.coordinate().and_then(|lat| Ok((lat, slots.lon.coordinate()?)));
        let (lat, lon) = match position {
            Ok(position) => position,
            Err(reason) => {
                builder.reject(reason);
                continue;
            }
        };
        builder.push(&Point {
            address: Some(&address),
            time_ms: slots.offset.number().map(|secs| (base_ms + secs * 1000.0).round() as i64),
            lat,
            lon,
            alt_ft: slots.alt.number(),
            on_ground: matches!(slots.alt, Slot::Ground),
            gs_kt: slots.gs.number(),
            track_deg: slots.track.number(),
            flags: slots.flags.number().map_or(0, |flags| flags as u8),
            source: slots.source.text(),
            callsign: carried.flight.as_deref(),
            squawk: carried.squawk.as_deref(),
            category: carried.category.as_deref(),
            registration: file.r.as_deref(),
            type_code: file.t.as_deref(),
            description: file.desc.as_deref(),
            operator: file.own_op.as_deref(),
            year: file.year.as_deref(),
            db_flags: file.db_flags,
            interval_ms: None,
        });
    }
    let (batch, rejected) = builder.finish()?;
    Ok(Decoded::complete(Format::ReadsbTrace, vec![batch], rejected))
}

/// readsb addresses are lowercase hex; `~` marks a non-ICAO address and stays.
fn normalise_address(icao: &str) -> String {
    icao.trim().to_ascii_lowercase()
}

#[derive(Deserialize)]
struct TraceFile<'json> {
    icao: String,
    timestamp: f64,
    #[serde(borrow)]
    trace: Vec<RawPoint<'json>>,
    #[serde(default, deserialize_with = "super::json::lenient_text")]
    r: Option<String>,
    #[serde(default, deserialize_with = "super::json::lenient_text")]
    t: Option<String>,
    #[serde(default, deserialize_with = "super::json::lenient_text")]
    desc: Option<String>,
    #[serde(default, rename = "ownOp", deserialize_with = "super::json::lenient_text")]
    own_op: Option<String>,
    #[serde(default, deserialize_with = "super::json::lenient_text")]
    year: Option<String>,
    #[serde(default, rename = "dbFlags", deserialize_with = "super::json::lenient_u16")]
    db_flags: Option<u16>,
}

/// One element of `trace`: normally an array; anything else is a malformed point. Texts
/// borrow from the JSON where they have no escapes (each would otherwise be allocated, for
/// every point: the source slot, the details object).
enum RawPoint<'json> {
    Array(Box<Slots<'json>>),
    Malformed,
}

/// The slots of a point that skyhex keeps.
#[derive(Default)]
struct Slots<'json> {
    offset: Slot<'json>,
    lat: Slot<'json>,
    lon: Slot<'json>,
    alt: Slot<'json>,
    gs: Slot<'json>,
    track: Slot<'json>,
    flags: Slot<'json>,
    details: Option<Details<'json>>,
    source: Slot<'json>,
}

/// A lenient reading of one scalar slot.
#[derive(Default)]
enum Slot<'json> {
    #[default]
    Missing,
    Number(f64),
    /// The altitude slot's `"ground"`.
    Ground,
    Text(Cow<'json, str>),
    /// A value of a type the slot never holds.
    Other,
}

impl<'json> Slot<'json> {
    fn of_text(text: Cow<'json, str>) -> Self {
        if text == "ground" { Self::Ground } else { Self::Text(text) }
    }

    fn number(&self) -> Option<f64> {
        match *self {
            Self::Number(value) => Some(value),
            _ => None,
        }
    }

    fn text(&self) -> Option<&str> {
        match self {
            Self::Text(text) => Some(text),
            _ => None,
        }
    }

    fn coordinate(&self) -> Result<f64, Rejection> {
        match self {
            Self::Number(value) => Ok(*value),
            Self::Missing => Err(Rejection::MissingCoordinate),
            Self::Ground | Self::Text(_) | Self::Other => Err(Rejection::NonNumericCoordinate),
        }
    }
}

/// The fields of the details object (slot 8) that carry forward to later points.
#[derive(Default)]
struct Details<'json> {
    flight: Option<Cow<'json, str>>,
    squawk: Option<Cow<'json, str>>,
    category: Option<Cow<'json, str>>,
}

impl<'json> Details<'json> {
    /// Takes the callsign and squawk of `update` where it has them.
    fn carry_forward(&mut self, update: &Option<Self>) {
        let Some(update) = update else { return };
        if let Some(flight) = &update.flight {
            self.flight = match flight {
                Cow::Borrowed(flight) => Some(Cow::Borrowed(flight.trim())),
                Cow::Owned(flight) => Some(Cow::Owned(flight.trim().to_owned())),
            }
            .filter(|callsign| !callsign.is_empty());
        }
        if update.squawk.is_some() {
            self.squawk.clone_from(&update.squawk);
        }
        if update.category.is_some() {
            self.category.clone_from(&update.category);
        }
    }
}

/// Visitor methods that answer every scalar (and null) with one fallback value.
macro_rules! scalars_as {
    ($fallback:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($fallback)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($fallback)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($fallback)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($fallback)
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok($fallback)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($fallback)
        }
    };
}

impl<'de: 'json, 'json> Deserialize<'de> for RawPoint<'json> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(PointVisitor(PhantomData))
    }
}

struct PointVisitor<'json>(PhantomData<&'json ()>);

impl<'de: 'json, 'json> Visitor<'de> for PointVisitor<'json> {
    type Value = RawPoint<'json>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a trace point array")
    }

    scalars_as!(RawPoint::Malformed);

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawPoint<'json>, A::Error> {
        let mut slots = Slots::default();
        for index in 0.. {
            let more = match index {
                0 => next_slot(&mut seq, &mut slots.offset)?,
                1 => next_slot(&mut seq, &mut slots.lat)?,
                2 => next_slot(&mut seq, &mut slots.lon)?,
                3 => next_slot(&mut seq, &mut slots.alt)?,
                4 => next_slot(&mut seq, &mut slots.gs)?,
                5 => next_slot(&mut seq, &mut slots.track)?,
                6 => next_slot(&mut seq, &mut slots.flags)?,
                8 => seq.next_element::<LenientDetails>()?.map(|details| slots.details = details.0).is_some(),
                9 => next_slot(&mut seq, &mut slots.source)?,
                _ => seq.next_element::<IgnoredAny>()?.is_some(),
            };
            if !more {
                break;
            }
        }
        Ok(RawPoint::Array(Box::new(slots)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawPoint<'json>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(RawPoint::Malformed)
    }
}

/// Reads the next element into `slot`; false when the array has ended.
fn next_slot<'de: 'json, 'json, A: SeqAccess<'de>>(
    seq: &mut A,
    slot: &mut Slot<'json>,
) -> Result<bool, A::Error> {
    let next = seq.next_element::<Slot>()?;
    let more = next.is_some();
    if let Some(value) = next {
        *slot = value;
    }
    Ok(more)
}

impl<'de: 'json, 'json> Deserialize<'de> for Slot<'json> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SlotVisitor(PhantomData))
    }
}

struct SlotVisitor<'json>(PhantomData<&'json ()>);

impl<'de: 'json, 'json> Visitor<'de> for SlotVisitor<'json> {
    type Value = Slot<'json>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a trace point value")
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Slot<'json>, E> {
        Ok(Slot::Number(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Slot<'json>, E> {
        Ok(Slot::Number(value as f64))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Slot<'json>, E> {
        Ok(Slot::Number(value as f64))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Slot<'json>, E> {
        Ok(Slot::of_text(Cow::Owned(value.to_owned())))
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Slot<'json>, E> {
        Ok(Slot::of_text(Cow::Borrowed(value)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Slot<'json>, E> {
        Ok(Slot::Missing)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Slot<'json>, E> {
        Ok(Slot::Other)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Slot<'json>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Slot::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Slot<'json>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Slot::Other)
    }
}

/// The details slot: an object, or null (anything else is ignored).
struct LenientDetails<'json>(Option<Details<'json>>);

impl<'de: 'json, 'json> Deserialize<'de> for LenientDetails<'json> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DetailsVisitor(PhantomData))
    }
}

/// Keys of the details object, matched without allocating.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum DetailsKey {
    Flight,
    Squawk,
    Category,
    #[serde(other)]
    Other,
}

struct DetailsVisitor<'json>(PhantomData<&'json ()>);

impl<'de: 'json, 'json> Visitor<'de> for DetailsVisitor<'json> {
    type Value = LenientDetails<'json>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a details object")
    }

    scalars_as!(LenientDetails(None));

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LenientDetails<'json>, A::Error> {
        let mut details = Details::default();
        while let Some(key) = map.next_key::<DetailsKey>()? {
            let field = match key {
                DetailsKey::Flight => &mut details.flight,
                DetailsKey::Squawk => &mut details.squawk,
                DetailsKey::Category => &mut details.category,
                DetailsKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            if let Slot::Text(text) = map.next_value::<Slot>()? {
                *field = Some(text);
            }
        }
        Ok(LenientDetails(Some(details)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<LenientDetails<'json>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(LenientDetails(None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Array, AsArray};

    use crate::points::PointColumns;

    fn decode_str(json: &str) -> Decoded {
        decode(json.as_bytes()).expect("test trace decodes")
    }

    #[test]
    fn reads_every_point_length_ground_and_null_altitudes() {
        let decoded = decode_str(
            r#"{"icao":"A1B2C3","timestamp":1700000000.5,"trace":[
                [0.5,37.0,-122.0,"ground",3.1,180.0,0,null,null],
                [10,37.1,-122.1,1500,120,90,2,640,{"flight":"UAL12   ","squawk":"1200"},"adsb_icao",1550,null,null,null],
                [20,37.2,-122.2,null,null,null,1,null,null,"mlat",null,null,null,null,"rx7"],
                [-5,37.3,-122.3,2000,130,91,0,0,null,null,null,null,null,null]
            ]}"#,
        );
        assert_eq!(decoded.format, Format::ReadsbTrace);
        let batch = &decoded.batches[0];
        let points = PointColumns::new(batch);
        assert_eq!(points.len(), 4);
        assert_eq!(points.address(0), Some("a1b2c3"));
        assert_eq!(points.time_ms(0), Some(1_700_000_001_000));
        assert_eq!(points.time_ms(3), Some(1_699_999_995_500), "negative offsets are kept");
        assert!(points.on_ground.value(0));
        assert_eq!(points.alt_ft(0), None);
        assert_eq!(points.alt_ft(1), Some(1500.0));
        assert_eq!(points.alt_ft(2), None);
        assert!(!points.on_ground.value(2));
        assert_eq!(points.flags.value(1), 2);
        let callsign = batch.column_by_name("callsign").expect("callsign column").as_string::<i32>();
        assert!(callsign.is_null(0));
        assert_eq!(callsign.value(1), "UAL12", "trailing padding trimmed");
        assert_eq!(callsign.value(3), "UAL12", "callsign carries forward");
        let source = batch.column_by_name("source").expect("source column").as_string::<i32>();
        assert_eq!(source.value(2), "mlat");
    }

    #[test]
    fn texts_with_escapes_read_like_plain_ones() {
        // Escaped texts cannot borrow from the JSON; they must read the same.
        let decoded = decode_str(
            r#"{"icao":"a1b2c3","timestamp":0,"trace":[
                [0,37.0,-122.0,1000,null,null,0,null,{"flight":"\u0055AL12  ","squawk":"7\u003700"},"\u006dlat"],
                [1,37.0,-122.0,1000,null,null,0,null,{"flight":"\"Q\"  "},"ground"],
                [2,37.0,-122.0,"gr\u006fund"]
            ]}"#,
        );
        let batch = &decoded.batches[0];
        let text = |column: &str, row: usize| {
            let column = batch.column_by_name(column).expect("column").as_string::<i32>();
            column.is_valid(row).then(|| column.value(row).to_owned())
        };
        assert_eq!(text("callsign", 0).as_deref(), Some("UAL12"));
        assert_eq!(text("squawk", 0).as_deref(), Some("7700"));
        assert_eq!(text("source", 0).as_deref(), Some("mlat"));
        assert_eq!(text("callsign", 1).as_deref(), Some("\"Q\""));
        assert_eq!(text("squawk", 2).as_deref(), Some("7700"), "squawk carries forward");
        assert!(PointColumns::new(batch).on_ground.value(2), "an escaped \"ground\" is ground");
    }

    #[test]
    fn bad_points_are_counted_not_fatal() {
        let decoded = decode_str(
            r#"{"icao":"~2b1fcc","timestamp":0,"trace":[
                [1,91.0,0.0,100],
                [2,null,0.0,100],
                [3,"37.0",-122.0,100],
                {"not":"an array"},
                42,
                [4],
                [5,45.0,181.0],
                [6,45.0,7.0,{"odd":true},"fast",[],"x",null,"not details","???"]
            ]}"#,
        );
        let points = PointColumns::new(&decoded.batches[0]);
        assert_eq!(points.len(), 1);
        assert_eq!(points.address(0), Some("~2b1fcc"), "non-ICAO marker kept");
        assert_eq!(points.alt_ft(0), None);
        assert_eq!(decoded.rejected.get(Rejection::CoordinateOutOfRange), 2);
        assert_eq!(decoded.rejected.get(Rejection::MissingCoordinate), 2);
        assert_eq!(decoded.rejected.get(Rejection::NonNumericCoordinate), 1);
        assert_eq!(decoded.rejected.get(Rejection::MalformedPoint), 2);
    }

    #[test]
    fn a_file_that_is_not_a_trace_is_an_error() {
        assert!(matches!(decode(br#"{"icao":"abc"}"#), Err(IngestError::Json(_))));
        assert!(matches!(
            decode(br#"{"icao":"abc","timestamp":0,"trace":[[1,2,3]"#),
            Err(IngestError::Json(_))
        ));
        assert!(matches!(decode(br#"{"icao":5,"timestamp":0,"trace":[]}"#), Err(IngestError::Json(_))));
    }
}
