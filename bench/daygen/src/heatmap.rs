//! readsb heatmaps (`heatmap/NN.bin.ttf`, one per half hour): gzip of 16-byte little-endian
//! records `{ i32 hex; i32 lat; i32 lon; i16 alt; i16 gs }`. Each file: an index of one
//! record per slice (its `hex` = the record offset of the slice's marker), then per slice a
//! marker (`hex` 0x0e7f7c9d, `lat:lon` = slice start in ms, `alt` = slice length in ms) and
//! for each aircraft with a trace point in the slice its callsign record (when it has a
//! callsign) and one position: its last point in the slice.

use crate::fleet::Aircraft;
use crate::trace::{Alt, DayTrace};

pub const SLICE_MS: u32 = 60_000;
pub const FILES: usize = 48;
pub const SLICES_PER_FILE: usize = 30;
const SLICE_CS: u32 = SLICE_MS / 10;
const SLICE_MARKER: u32 = 0x0e7f_7c9d;
/// Callsign records carry `(1 << 30) | squawk` (its digits read as a decimal number) in `lat`.
const CALLSIGN_FLAG: i32 = 1 << 30;
const ALT_UNIT_FT: i32 = 25;
const ALT_GROUND: i16 = -123;
const ALT_UNKNOWN: i16 = -124;

pub type Record = [u8; 16];

fn record(hex: u32, lat: i32, lon: i32, alt: i16, gs: i16) -> Record {
    let mut out = [0; 16];
    out[..4].copy_from_slice(&hex.to_le_bytes());
    out[4..8].copy_from_slice(&lat.to_le_bytes());
    out[8..12].copy_from_slice(&lon.to_le_bytes());
    out[12..14].copy_from_slice(&alt.to_le_bytes());
    out[14..].copy_from_slice(&gs.to_le_bytes());
    out
}

/// The aircraft's records with their slice of the day (0..1440), in time order.
pub fn aircraft_records(aircraft: &Aircraft, day: &DayTrace) -> Vec<(u16, Record)> {
    let mut out = Vec::new();
    for (i, point) in day.points.iter().enumerate() {
        let slice = point.time_cs / SLICE_CS;
        let last_in_slice = day.points.get(i + 1).is_none_or(|next| next.time_cs / SLICE_CS != slice);
        if !last_in_slice {
            continue;
        }
        let hex = aircraft.flagged_address() | point.source.address_type() << 27;
        let ident = &day.idents[usize::from(point.ident)];
        if let Some(callsign) = ident.callsign {
            let squawk: i32 = ident.squawk.map_or(0, |digits| {
                digits.iter().fold(0, |number, digit| number * 10 + i32::from(digit - b'0'))
            });
            let word = |at: usize| {
                i32::from_le_bytes([callsign[at], callsign[at + 1], callsign[at + 2], callsign[at + 3]])
            };
            let half = |at: usize| i16::from_le_bytes([callsign[at], callsign[at + 1]]);
            out.push((slice as u16, record(hex, CALLSIGN_FLAG | squawk, word(0), half(4), half(6))));
        }
        let alt = match point.alt {
            Alt::Ground => ALT_GROUND,
            Alt::Feet(ft) => (ft / ALT_UNIT_FT) as i16,
            Alt::Unknown => ALT_UNKNOWN,
        };
        let gs = i16::try_from(point.gs_dkt).unwrap_or(i16::MAX);
        out.push((slice as u16, record(hex, point.lat_e6, point.lon_e6, alt, gs)));
    }
    out
}

/// The day's records by slice, gathered aircraft by aircraft.
#[derive(Debug)]
pub struct Heatmaps {
    day_start_ms: i64,
    slices: Vec<Vec<Record>>,
}

impl Heatmaps {
    pub fn new(day_start_ms: i64) -> Self {
        Self { day_start_ms, slices: vec![Vec::new(); FILES * SLICES_PER_FILE] }
    }

    pub fn add(&mut self, records: &[(u16, Record)]) {
        for (slice, record) in records {
            self.slices[usize::from(*slice)].push(*record);
        }
    }

    /// File `file`'s records (before gzip).
    pub fn file_content(&self, file: usize) -> Vec<u8> {
        let slices = &self.slices[file * SLICES_PER_FILE..(file + 1) * SLICES_PER_FILE];
        let total = SLICES_PER_FILE * 2 + slices.iter().map(Vec::len).sum::<usize>();
        let mut out = Vec::with_capacity(total * 16);
        let mut offset = SLICES_PER_FILE;
        for slice in slices {
            out.extend_from_slice(&record(offset as u32, 0, 0, 0, 0));
            offset += 1 + slice.len();
        }
        for (i, slice) in slices.iter().enumerate() {
            let start_ms = self.day_start_ms + ((file * SLICES_PER_FILE + i) as i64) * i64::from(SLICE_MS);
            let interval = SLICE_MS as u16 as i16;
            out.extend_from_slice(&record(
                SLICE_MARKER,
                (start_ms >> 32) as i32,
                start_ms as i32,
                interval,
                0,
            ));
            for record in slice {
                out.extend_from_slice(record);
            }
        }
        out
    }
}

/// True for a position record (not a callsign record).
pub fn is_position(record: &Record) -> bool {
    i32::from_le_bytes([record[4], record[5], record[6], record[7]]) < CALLSIGN_FLAG
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::airports::Airports;
    use crate::fleet;
    use crate::fleet::Source;
    use crate::trace::{LegIdent, TracePoint};

    const MIDNIGHT_MS: i64 = 1_748_390_400_000;

    fn words(record: &[u8]) -> (u32, i32, i32, i16, i16) {
        let i32_at = |at: usize| i32::from_le_bytes(record[at..at + 4].try_into().expect("4 bytes"));
        let i16_at = |at: usize| i16::from_le_bytes(record[at..at + 2].try_into().expect("2 bytes"));
        (i32_at(0) as u32, i32_at(4), i32_at(8), i16_at(12), i16_at(14))
    }

    #[test]
    fn the_index_points_at_slice_markers_with_start_and_length() {
        let mut heatmaps = Heatmaps::new(MIDNIGHT_MS);
        let position = record(0xabc123, 51_500_000, -120_000, 1400, 4501);
        heatmaps.add(&[(31, position)]);
        let content = heatmaps.file_content(1);
        let records: Vec<&[u8]> = content.chunks(16).collect();
        assert_eq!(records.len(), 2 * SLICES_PER_FILE + 1);
        for slice in 0..SLICES_PER_FILE {
            let (offset, ..) = words(records[slice]);
            let (marker, high, low, interval, _) = words(records[offset as usize]);
            assert_eq!(marker, SLICE_MARKER);
            let start_ms = (i64::from(high) << 32) | i64::from(low as u32);
            assert_eq!(start_ms, MIDNIGHT_MS + (30 + slice as i64) * 60_000);
            assert_eq!(interval as u16, 60_000);
        }
        let (offset, ..) = words(records[1]);
        assert_eq!(records[offset as usize + 1], position);
    }

    #[test]
    fn each_slice_gets_the_last_position_after_the_callsign() {
        let airports = Airports::load().expect("airport table");
        let aircraft = &fleet::generate(1, 7, &airports)[0];
        let point = |time_cs: u32, lat_e6: i32, alt: Alt| TracePoint {
            time_cs,
            lat_e6,
            lon_e6: 2_000_000,
            alt,
            gs_dkt: 1234,
            track_cdeg: None,
            flags: 0,
            vrate_fpm: None,
            geom_alt_ft: None,
            geom_rate_fpm: None,
            ias_kt: None,
            roll_ddeg: None,
            source: Source::Mlat,
            details: false,
            ident: 0,
        };
        let day = DayTrace {
            points: vec![
                point(100, 1, Alt::Ground),
                point(5000, 2, Alt::Feet(1025)),
                point(6100, 3, Alt::Unknown),
            ],
            idents: vec![LegIdent {
                callsign: Some(*b"ABC123  "),
                squawk: Some(*b"7421"),
                nav_altitude_ft: 0,
                qnh_dhpa: 10_132,
            }],
        };
        let records = aircraft_records(aircraft, &day);
        let slices: Vec<u16> = records.iter().map(|(slice, _)| *slice).collect();
        assert_eq!(slices, [0, 0, 1, 1]);
        let hex = aircraft.flagged_address() | 5 << 27;
        let (callsign_hex, squawk, ..) = words(&records[0].1);
        assert_eq!((callsign_hex, squawk), (hex, CALLSIGN_FLAG | 7421));
        assert_eq!(&records[0].1[8..], b"ABC123  ");
        assert_eq!(words(&records[1].1), (hex, 2, 2_000_000, 41, 1234));
        assert_eq!(words(&records[3].1), (hex, 3, 2_000_000, ALT_UNKNOWN, 1234));
        assert!(is_position(&records[1].1) && !is_position(&records[0].1));
    }
}
