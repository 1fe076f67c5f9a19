//! readsb heatmap files (`heatmap/NN.bin.ttf`, one per half hour of a globe-history day).
//!
//! After gzip: little-endian 16-byte records `{ i32 hex; i32 lat; i32 lon; i16 alt; i16 gs }`
//! (readsb `globe_index.h`, `struct heatEntry`). The file starts with an index of one record
//! per slice (its `hex` is the record offset of the slice's marker); then each slice is a
//! marker record (`hex == 0x0e7f7c9d`, `lat:lon` = slice start in ms, `alt` = slice length
//! in ms) followed by at most one position per aircraft and callsign records. A position
//! stands for its aircraft over the whole slice: the slice length travels with the point
//! (`interval_ms`), which makes time-weighted density exact.

use serde::{Deserialize, Serialize};

use super::{Decoded, Format, IngestError};
use crate::points::{Point, PointsBuilder};

const RECORD_BYTES: usize = 16;
const SLICE_MARKER: i32 = 0x0e7f_7c9d;
/// Callsign records carry `(1 << 30) | squawk` in `lat`, above any latitude in 1e-6 degrees.
const CALLSIGN_FLAG: i32 = 1 << 30;
const NON_ICAO_FLAG: u32 = 1 << 24;
const ALT_GROUND: i16 = -123;
const ALT_UNKNOWN: i16 = -124;
const ALT_UNIT_FT: f64 = 25.0;
const GS_UNIT_KT: f64 = 0.1;
const MICRODEGREES: f64 = 1e6;
/// A half-hour file holds at most this many slices (one per second).
const MAX_SLICES: i32 = 1800;

/// readsb's address types (`addrtype_t` in readsb.h, 0 to 12) by their JSON names.
const SOURCE_NAMES: [&str; 13] = [
    "adsb_icao",
    "adsb_icao_nt",
    "adsr_icao",
    "tisb_icao",
    "adsc",
    "mlat",
    "other",
    "mode_s",
    "adsb_other",
    "adsr_other",
    "tisb_trackfile",
    "tisb_other",
    "mode_ac",
];

#[derive(Debug, Clone, Copy)]
struct Record {
    hex: i32,
    lat: i32,
    lon: i32,
    alt: i16,
    gs: i16,
}

impl Record {
    fn parse(bytes: &[u8]) -> Self {
        let i32_at = |at: usize| i32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
        let i16_at = |at: usize| i16::from_le_bytes([bytes[at], bytes[at + 1]]);
        Self { hex: i32_at(0), lat: i32_at(4), lon: i32_at(8), alt: i16_at(12), gs: i16_at(14) }
    }

    fn is_marker(&self) -> bool {
        self.hex == SLICE_MARKER
    }

    /// The 8 bytes after `lat` of a callsign record.
    fn callsign(&self) -> String {
        let mut bytes = [0u8; 8];
        bytes[..4].copy_from_slice(&self.lon.to_le_bytes());
        bytes[4..6].copy_from_slice(&self.alt.to_le_bytes());
        bytes[6..].copy_from_slice(&self.gs.to_le_bytes());
        let text: String =
            bytes.iter().take_while(|&&byte| byte != 0).map(|&byte| char::from(byte)).collect();
        text.trim().to_owned()
    }
}

/// A share of the aircraft, by address. A heatmap file holds every aircraft of its half
/// hour, so a day's heatmaps split among workers by file would give each worker most
/// aircraft; split by aircraft instead (every worker reads every file and keeps its
/// share), no two workers hold the same aircraft, and each counts distinct aircraft per
/// cell on its own instead of sending (cell, aircraft) pairs to be told apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AircraftShare {
    pub index: u32,
    pub count: u32,
}

impl AircraftShare {
    pub const ALL: Self = Self { index: 0, count: 1 };

    /// Whether the aircraft `key` (its address, with the non-ICAO flag) is in this share.
    fn keeps(self, key: u32) -> bool {
        // Fibonacci hashing: neighbouring addresses (one operator's fleet) spread evenly.
        self.count <= 1 || (key.wrapping_mul(0x9e37_79b9) >> 7) % self.count == self.index
    }
}

/// True when the (decompressed) content looks like a heatmap: whole records, and the first
/// index entry points at a slice marker.
pub fn sniff(content: &[u8]) -> bool {
    if content.len() < 2 * RECORD_BYTES || !content.len().is_multiple_of(RECORD_BYTES) {
        return false;
    }
    let first = Record::parse(&content[..RECORD_BYTES]);
    if !(1..=MAX_SLICES).contains(&first.hex) {
        return false;
    }
    let marker_at = first.hex as usize * RECORD_BYTES;
    content.get(marker_at..marker_at + RECORD_BYTES).is_some_and(|bytes| Record::parse(bytes).is_marker())
}

/// Decodes the (already decompressed) records of one heatmap file: the aircraft in `share`.
pub fn decode(content: &[u8], share: AircraftShare) -> Result<Decoded, IngestError> {
    if !content.len().is_multiple_of(RECORD_BYTES) {
        return Err(IngestError::Heatmap(format!(
            "{} bytes is not a whole number of {RECORD_BYTES}-byte records (the file is cut short)",
            content.len()
        )));
    }
    let records: Vec<Record> = content.chunks_exact(RECORD_BYTES).map(Record::parse).collect();
    let first_marker = records
        .iter()
        .position(Record::is_marker)
        .ok_or_else(|| IngestError::Heatmap("no slice marker: not a readsb heatmap".to_owned()))?;
    let mut builder = PointsBuilder::with_capacity(records.len());
    let mut callsigns: std::collections::HashMap<u32, (String, String)> = std::collections::HashMap::new();
    let mut slice_start_ms = 0;
    let mut slice_ms = None;
    for record in &records[first_marker..] {
        if record.is_marker() {
            slice_start_ms = (i64::from(record.lat) << 32) | i64::from(record.lon as u32);
            slice_ms = Some(u32::from(record.alt as u16)).filter(|&ms| ms > 0);
            continue;
        }
        let hex = record.hex as u32;
        if !share.keeps(hex & 0x1ff_ffff) {
            continue;
        }
        let address = format!("{}{:06x}", if hex & NON_ICAO_FLAG != 0 { "~" } else { "" }, hex & 0xff_ffff);
        if record.lat >= CALLSIGN_FLAG {
            let squawk = format!("{:04}", record.lat & !CALLSIGN_FLAG);
            callsigns.insert(hex & 0x1ff_ffff, (record.callsign(), squawk));
            continue;
        }
        let details = callsigns.get(&(hex & 0x1ff_ffff));
        builder.push(&Point {
            address: Some(&address),
            time_ms: Some(slice_start_ms),
            lat: f64::from(record.lat) / MICRODEGREES,
            lon: f64::from(record.lon) / MICRODEGREES,
            alt_ft: match record.alt {
                ALT_GROUND | ALT_UNKNOWN => None,
                alt => Some(f64::from(alt) * ALT_UNIT_FT),
            },
            on_ground: record.alt == ALT_GROUND,
            gs_kt: (record.gs != -1).then(|| f64::from(record.gs) * GS_UNIT_KT),
            source: Some(SOURCE_NAMES.get((hex >> 27) as usize).copied().unwrap_or("unknown")),
            callsign: details.map(|(callsign, _)| callsign.as_str()).filter(|callsign| !callsign.is_empty()),
            squawk: details.map(|(_, squawk)| squawk.as_str()),
            interval_ms: slice_ms,
            ..Point::default()
        });
    }
    let (batch, rejected) = builder.finish()?;
    Ok(Decoded::complete(Format::ReadsbHeatmap, vec![batch], rejected))
}

#[cfg(test)]
mod tests {
    use arrow::array::{Array, AsArray};

    use super::*;
    use crate::points::PointColumns;

    fn record(hex: i32, lat: i32, lon: i32, alt: i16, gs: i16) -> Vec<u8> {
        [
            &hex.to_le_bytes()[..],
            &lat.to_le_bytes(),
            &lon.to_le_bytes(),
            &alt.to_le_bytes(),
            &gs.to_le_bytes(),
        ]
        .concat()
    }

    fn marker(start_ms: i64, interval_ms: u16) -> Vec<u8> {
        record(SLICE_MARKER, (start_ms >> 32) as i32, start_ms as u32 as i32, interval_ms as i16, 0)
    }

    /// Laid out as readsb's `globe_index.c` writes it: index, then marker and records per slice.
    fn sample() -> Vec<u8> {
        let start_ms = 1_748_476_800_000; // 2025-05-29T00:00:00Z
        let callsign = *b"UAL123  ";
        let callsign_record = record(
            0xa1b2c3,
            CALLSIGN_FLAG | 1200,
            i32::from_le_bytes(callsign[..4].try_into().expect("4 bytes")),
            i16::from_le_bytes(callsign[4..6].try_into().expect("2 bytes")),
            i16::from_le_bytes(callsign[6..].try_into().expect("2 bytes")),
        );
        [
            record(2, 0, 0, 0, 0),
            record(6, 0, 0, 0, 0),
            marker(start_ms, 60_000),
            callsign_record,
            record(0xa1b2c3 | (5 << 27), 37_500_000, -122_250_000, 140, 2505),
            record(0x0100_beef, -33_900_000, 151_200_000, ALT_GROUND, -1),
            marker(start_ms + 60_000, 60_000),
            record(0xa1b2c3 | (5 << 27), 37_600_000, -122_150_000, ALT_UNKNOWN, 2500),
        ]
        .concat()
    }

    #[test]
    fn reads_slices_positions_and_callsigns() {
        let content = sample();
        assert!(sniff(&content));
        let decoded = decode(&content, AircraftShare::ALL).expect("heatmap decodes");
        assert_eq!(decoded.format, Format::ReadsbHeatmap);
        let batch = &decoded.batches[0];
        let points = PointColumns::new(batch);
        assert_eq!(points.len(), 3);
        assert_eq!(points.address(0), Some("a1b2c3"));
        assert_eq!(points.address(1), Some("~00beef"), "the non-ICAO bit becomes readsb's ~");
        assert_eq!(points.time_ms(0), Some(1_748_476_800_000));
        assert_eq!(points.time_ms(2), Some(1_748_476_860_000));
        assert_eq!((points.lat.value(0), points.lon.value(0)), (37.5, -122.25));
        assert_eq!((points.lat.value(1), points.lon.value(1)), (-33.9, 151.2));
        assert_eq!(points.alt_ft(0), Some(3500.0));
        assert!(points.on_ground.value(1));
        assert_eq!(points.alt_ft(2), None);
        let column = |name: &str| batch.column_by_name(name).expect("column");
        assert_eq!(column("gs_kt").as_primitive::<arrow::datatypes::Float64Type>().value(0), 250.5);
        assert!(column("gs_kt").is_null(1));
        assert_eq!(column("source").as_string::<i32>().value(0), "mlat");
        assert_eq!(column("source").as_string::<i32>().value(1), "adsb_icao");
        assert_eq!(
            column("callsign").as_string::<i32>().value(2),
            "UAL123",
            "callsign records carry forward"
        );
        assert_eq!(column("squawk").as_string::<i32>().value(0), "1200");
        assert!(column("callsign").is_null(1));
        let interval = column("interval_ms");
        assert_eq!(interval.as_primitive::<arrow::datatypes::UInt32Type>().value(0), 60_000);
    }

    #[test]
    fn shares_split_the_aircraft_whole() {
        let content = sample();
        let points_of = |share| {
            let decoded = decode(&content, share).expect("heatmap decodes");
            let points = PointColumns::new(&decoded.batches[0]);
            let callsigns = decoded.batches[0].column_by_name("callsign").expect("column").clone();
            (0..points.len())
                .map(|at| {
                    let callsign = callsigns.as_string::<i32>();
                    (
                        points.address(at).map(str::to_owned),
                        callsign.is_valid(at).then(|| callsign.value(at).to_owned()),
                    )
                })
                .collect::<Vec<_>>()
        };
        let halves = [0, 1].map(|index| points_of(AircraftShare { index, count: 2 }));
        let mut joined = [halves[0].clone(), halves[1].clone()].concat();
        let mut all = points_of(AircraftShare::ALL);
        joined.sort();
        all.sort();
        assert_eq!(joined, all, "the shares hold every point once, callsigns included");
        for (address, _) in &halves[0] {
            assert!(halves[1].iter().all(|(other, _)| other != address), "{address:?} is in both shares");
        }
    }

    #[test]
    fn shares_are_even_over_consecutive_addresses() {
        for count in [2, 3, 4] {
            let mut per_share = vec![0u32; count as usize];
            for key in 0xa0_0000..0xa0_0000 + 30_000 {
                let share = (0..count).filter(|&index| AircraftShare { index, count }.keeps(key));
                let [index] = share.collect::<Vec<_>>()[..] else { panic!("{key:x} in no share or several") };
                per_share[index as usize] += 1;
            }
            let even = 30_000 / count;
            assert!(per_share.iter().all(|&n| n.abs_diff(even) < even / 20), "{count} shares: {per_share:?}");
        }
    }

    #[test]
    fn cut_or_foreign_content_is_an_error() {
        let content = sample();
        assert!(matches!(
            decode(&content[..content.len() - 3], AircraftShare::ALL),
            Err(IngestError::Heatmap(_))
        ));
        assert!(!sniff(&content[..content.len() - 3]));
        assert!(!sniff(&[0u8; 64]));
        assert!(matches!(decode(&[0u8; 64], AircraftShare::ALL), Err(IngestError::Heatmap(_))));
    }
}
