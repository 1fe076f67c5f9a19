//! Trace points as readsb keeps them, and their `trace_full_<hex>.json` text (written by
//! hand: it is most of the day's bytes, and fixed-point integers print exactly).

use crate::fleet::{Aircraft, Class, Source};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alt {
    Ground,
    /// Barometric, ft (a multiple of 25, as transponders report it).
    Feet(i32),
    Unknown,
}

/// readsb trace flags.
pub const FLAG_STALE: u8 = 1;
pub const FLAG_NEW_LEG: u8 = 2;
pub const FLAG_GEOM_RATE: u8 = 4;

/// One point; fixed-point fields keep JSON and heatmap records exactly consistent.
#[derive(Debug, Clone, Copy)]
pub struct TracePoint {
    /// Centiseconds after the day's midnight.
    pub time_cs: u32,
    pub lat_e6: i32,
    pub lon_e6: i32,
    pub alt: Alt,
    pub gs_dkt: u32,
    pub track_cdeg: Option<u32>,
    pub flags: u8,
    pub vrate_fpm: Option<i32>,
    pub geom_alt_ft: Option<i32>,
    pub geom_rate_fpm: Option<i32>,
    pub ias_kt: Option<i32>,
    pub roll_ddeg: Option<i32>,
    pub source: Source,
    /// Carries a details object (readsb writes one on about every 4th point).
    pub details: bool,
    /// Index of the leg's identity (callsign, squawk) in the day's list.
    pub ident: u16,
}

/// What an aircraft transmits about itself on one leg.
#[derive(Debug, Clone, Copy)]
pub struct LegIdent {
    /// Right-padded to 8 characters, as readsb writes `flight`.
    pub callsign: Option<[u8; 8]>,
    /// Four octal digits.
    pub squawk: Option<[u8; 4]>,
    pub nav_altitude_ft: i32,
    pub qnh_dhpa: u32,
}

/// An aircraft's day: its trace points in time order and its legs' identities.
#[derive(Debug, Default)]
pub struct DayTrace {
    pub points: Vec<TracePoint>,
    pub idents: Vec<LegIdent>,
}

/// Writes the trace file's JSON (readsb's layout: one key or point per line).
pub fn write_json(out: &mut Vec<u8>, aircraft: &Aircraft, timestamp_s: i64, day: &DayTrace) {
    out.extend_from_slice(b"{\"icao\":\"");
    out.extend_from_slice(aircraft.hex.as_bytes());
    out.extend_from_slice(b"\",\n");
    if let Some(db) = &aircraft.db {
        if let Some(registration) = &db.registration {
            key_string(out, "r", registration);
        }
        let model = aircraft.model.filter(|_| db.type_known);
        if let Some(model) = model {
            key_string(out, "t", model.code);
        }
        out.extend_from_slice(b"\"dbFlags\":");
        int(out, i64::from(db.db_flags));
        out.extend_from_slice(b",\n");
        if let Some(model) = model {
            key_string(out, "desc", model.desc);
        }
        if let Some(own_op) = &db.own_op {
            key_string(out, "ownOp", own_op);
        }
        if let Some(year) = db.year {
            key_string(out, "year", &year.to_string());
        }
    }
    out.extend_from_slice(b"\"timestamp\": ");
    int(out, timestamp_s);
    out.extend_from_slice(b".000,\n\"trace\":[ \n");
    for (i, point) in day.points.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b",\n");
        }
        write_point(out, aircraft, point, &day.idents[usize::from(point.ident)]);
    }
    out.extend_from_slice(b" ]\n }\n");
}

fn write_point(out: &mut Vec<u8>, aircraft: &Aircraft, point: &TracePoint, ident: &LegIdent) {
    out.push(b'[');
    fixed(out, i64::from(point.time_cs), 2);
    out.push(b',');
    fixed(out, i64::from(point.lat_e6), 6);
    out.push(b',');
    fixed(out, i64::from(point.lon_e6), 6);
    out.push(b',');
    match point.alt {
        Alt::Ground => out.extend_from_slice(b"\"ground\""),
        Alt::Feet(ft) => int(out, i64::from(ft)),
        Alt::Unknown => out.extend_from_slice(b"null"),
    }
    out.push(b',');
    fixed(out, i64::from(point.gs_dkt), 1);
    out.push(b',');
    option(out, point.track_cdeg.map(|cdeg| i64::from((cdeg + 5) / 10 % 3600)), 1);
    out.push(b',');
    int(out, i64::from(point.flags));
    out.push(b',');
    option(out, point.vrate_fpm.map(i64::from), 0);
    out.push(b',');
    if point.details {
        write_details(out, aircraft, point, ident);
    } else {
        out.extend_from_slice(b"null");
    }
    out.extend_from_slice(b",\"");
    out.extend_from_slice(point.source.name().as_bytes());
    out.extend_from_slice(b"\",");
    option(out, point.geom_alt_ft.map(i64::from), 0);
    out.push(b',');
    option(out, point.geom_rate_fpm.map(i64::from), 0);
    out.push(b',');
    option(out, point.ias_kt.map(i64::from), 0);
    out.push(b',');
    option(out, point.roll_ddeg.map(i64::from), 1);
    out.push(b']');
}

/// The details object, with the fields readsb writes for the point's source.
fn write_details(out: &mut Vec<u8>, aircraft: &Aircraft, point: &TracePoint, ident: &LegIdent) {
    out.extend_from_slice(b"{\"type\":\"");
    out.extend_from_slice(point.source.name().as_bytes());
    out.push(b'"');
    if let Some(callsign) = &ident.callsign {
        out.extend_from_slice(b",\"flight\":\"");
        out.extend_from_slice(callsign);
        out.push(b'"');
    }
    let airborne = point.alt != Alt::Ground;
    if let (Some(geom_alt_ft), true) = (point.geom_alt_ft, airborne) {
        out.extend_from_slice(b",\"alt_geom\":");
        int(out, i64::from(geom_alt_ft));
    }
    if let Some(ias_kt) = point.ias_kt {
        out.extend_from_slice(b",\"ias\":");
        int(out, i64::from(ias_kt));
    }
    if let (Some(track_cdeg), true) = (point.track_cdeg, airborne) {
        out.extend_from_slice(b",\"track\":");
        fixed(out, i64::from(track_cdeg), 2);
    }
    if let Some(rate) = point.vrate_fpm {
        out.extend_from_slice(if point.flags & FLAG_GEOM_RATE != 0 {
            b",\"geom_rate\":"
        } else {
            b",\"baro_rate\":"
        });
        int(out, i64::from(rate));
    }
    if let Some(squawk) = &ident.squawk {
        out.extend_from_slice(b",\"squawk\":\"");
        out.extend_from_slice(squawk);
        out.extend_from_slice(b"\",\"emergency\":\"none\"");
    }
    out.extend_from_slice(b",\"category\":\"");
    out.extend_from_slice(aircraft.category().as_bytes());
    out.push(b'"');
    let transmits_adsb = !matches!(point.source, Source::Mlat | Source::Adsc);
    if airborne && transmits_adsb && aircraft.class != Class::Vehicle {
        out.extend_from_slice(b",\"nav_qnh\":");
        fixed(out, i64::from(ident.qnh_dhpa), 1);
        out.extend_from_slice(b",\"nav_altitude_mcp\":");
        int(out, i64::from(ident.nav_altitude_ft));
    }
    if transmits_adsb {
        let version = aircraft.habits.adsb_version;
        out.extend_from_slice(b",\"nic\":8,\"rc\":186,\"version\":");
        int(out, i64::from(version));
        out.extend_from_slice(b",\"nic_baro\":1,\"nac_p\":");
        int(out, if version == 2 { 9 } else { 8 });
        out.extend_from_slice(b",\"nac_v\":1,\"sil\":3,\"sil_type\":\"perhour\",\"gva\":2,\"sda\":2");
    }
    out.extend_from_slice(b",\"alert\":0,\"spi\":0}");
}

fn key_string(out: &mut Vec<u8>, key: &str, value: &str) {
    out.push(b'"');
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\":\"");
    for byte in value.bytes() {
        if matches!(byte, b'"' | b'\\') {
            out.push(b'\\');
        }
        out.push(byte);
    }
    out.extend_from_slice(b"\",\n");
}

fn int(out: &mut Vec<u8>, value: i64) {
    out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
}

/// `value` / 10^decimals with exactly `decimals` decimals.
fn fixed(out: &mut Vec<u8>, value: i64, decimals: u32) {
    if decimals == 0 {
        return int(out, value);
    }
    if value < 0 {
        out.push(b'-');
    }
    let scale = 10u64.pow(decimals);
    let magnitude = value.unsigned_abs();
    out.extend_from_slice(itoa::Buffer::new().format(magnitude / scale).as_bytes());
    out.push(b'.');
    let mut fraction = itoa::Buffer::new();
    let digits = fraction.format(magnitude % scale);
    out.extend(std::iter::repeat_n(b'0', decimals as usize - digits.len()));
    out.extend_from_slice(digits.as_bytes());
}

fn option(out: &mut Vec<u8>, value: Option<i64>, decimals: u32) {
    match value {
        Some(value) => fixed(out, value, decimals),
        None => out.extend_from_slice(b"null"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: i64, decimals: u32) -> String {
        let mut out = Vec::new();
        fixed(&mut out, value, decimals);
        String::from_utf8(out).expect("ascii")
    }

    #[test]
    fn fixed_point_numbers_print_exactly() {
        assert_eq!(text(-122_250_000, 6), "-122.250000");
        assert_eq!(text(-500, 6), "-0.000500");
        assert_eq!(text(38_605_166, 6), "38.605166");
        assert_eq!(text(329_159, 2), "3291.59");
        assert_eq!(text(7, 1), "0.7");
        assert_eq!(text(-64, 0), "-64");
    }
}
