//! readsb aircraft records: `aircraft.json` snapshots (`{"now": …, "aircraft": [{…}, …]}`)
//! and logs of one record per line (JSON lines, or fragments of the aircraft array with
//! commas between records). A record becomes a point at `now - seen_pos`; a record without
//! a position is counted as rejected (`missing_coordinate`), like any other point.

use serde_json::{Map, Value};

use super::json::text;
use super::{Decoded, Format, IngestError};
use crate::points::{Point, PointsBuilder, Rejection};

/// Decodes the (already decompressed) JSON of a snapshot or a record log.
pub fn decode(content: &[u8]) -> Result<Decoded, IngestError> {
    let mut builder = PointsBuilder::default();
    let mut objects = 0;
    let mut first_error = None;
    for value in JsonValues::new(content) {
        match value {
            Ok(Value::Object(object)) => {
                objects += 1;
                match object.get("aircraft") {
                    Some(Value::Array(aircraft)) => {
                        let now = object.get("now").and_then(Value::as_f64);
                        for record in aircraft {
                            push_record(&mut builder, record, now);
                        }
                    }
                    _ => push_record(&mut builder, &Value::Object(object), None),
                }
            }
            Ok(_) => builder.reject(Rejection::MalformedPoint),
            Err(err) => {
                builder.reject(Rejection::MalformedPoint);
                first_error.get_or_insert(err);
            }
        }
    }
    if objects == 0 {
        return Err(first_error
            .map_or_else(|| IngestError::Records("no aircraft records".to_owned()), IngestError::Json));
    }
    let (batch, rejected) = builder.finish()?;
    Ok(Decoded::complete(Format::ReadsbAircraft, vec![batch], rejected))
}

fn push_record(builder: &mut PointsBuilder, record: &Value, file_now_secs: Option<f64>) {
    let Value::Object(record) = record else {
        builder.reject(Rejection::MalformedPoint);
        return;
    };
    let (lat, lon) = match (coordinate(record, "lat"), coordinate(record, "lon")) {
        (Ok(lat), Ok(lon)) => (lat, lon),
        (Err(reason), _) | (_, Err(reason)) => {
            builder.reject(reason);
            return;
        }
    };
    let number = |key: &str| record.get(key).and_then(Value::as_f64);
    let field = |key: &str| record.get(key).and_then(text);
    // adsb.lol logs keep readsb's details under "flightdict".
    let details = record.get("flightdict").and_then(Value::as_object);
    let detail =
        |key: &str| field(key).or_else(|| details.and_then(|details| details.get(key)).and_then(text));
    let now_secs = number("now").or(file_now_secs);
    let time_ms = now_secs.map(|now| ((now - number("seen_pos").unwrap_or(0.0)) * 1000.0).round() as i64);
    let alt_baro = record.get("alt_baro");
    let address = field("hex").map(|hex| hex.to_ascii_lowercase());
    let (callsign, squawk, category, source) =
        (detail("flight"), detail("squawk"), detail("category"), detail("type"));
    let (registration, type_code) = (field("r"), field("t"));
    let (description, operator, year) = (field("desc"), field("ownOp"), field("year"));
    builder.push(&Point {
        address: address.as_deref(),
        time_ms,
        lat,
        lon,
        alt_ft: alt_baro.and_then(Value::as_f64),
        on_ground: alt_baro.and_then(Value::as_str) == Some("ground"),
        gs_kt: number("gs").or_else(|| number("gscp")),
        track_deg: number("track"),
        flags: 0,
        source: source.as_deref(),
        callsign: callsign.as_deref(),
        squawk: squawk.as_deref(),
        category: category.as_deref(),
        registration: registration.as_deref(),
        type_code: type_code.as_deref(),
        description: description.as_deref(),
        operator: operator.as_deref(),
        year: year.as_deref(),
        db_flags: record.get("dbFlags").and_then(Value::as_u64).and_then(|flags| u16::try_from(flags).ok()),
        interval_ms: None,
    });
}

fn coordinate(record: &Map<String, Value>, key: &str) -> Result<f64, Rejection> {
    match record.get(key) {
        None | Some(Value::Null) => Err(Rejection::MissingCoordinate),
        Some(value) => value.as_f64().ok_or(Rejection::NonNumericCoordinate),
    }
}

/// The JSON values of a text, separated by white space, commas or array brackets. After a
/// value that does not parse, reading resumes at the next line.
struct JsonValues<'a> {
    content: &'a [u8],
    at: usize,
}

impl<'a> JsonValues<'a> {
    fn new(content: &'a [u8]) -> Self {
        Self { content, at: 0 }
    }
}

impl Iterator for JsonValues<'_> {
    type Item = Result<Value, serde_json::Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let separators = |byte: &u8| byte.is_ascii_whitespace() || matches!(byte, b',' | b'[' | b']');
        self.at += self.content[self.at..].iter().take_while(|byte| separators(byte)).count();
        if self.at >= self.content.len() {
            return None;
        }
        let rest = &self.content[self.at..];
        let mut stream = serde_json::Deserializer::from_slice(rest).into_iter::<Value>();
        match stream.next()? {
            Ok(value) => {
                self.at += stream.byte_offset();
                Some(Ok(value))
            }
            Err(err) => {
                let line_end = rest.iter().position(|&byte| byte == b'\n').map_or(rest.len(), |end| end + 1);
                self.at += line_end;
                Some(Err(err))
            }
        }
    }
}
