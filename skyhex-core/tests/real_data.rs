//! skyhex-core on the real files in tests/data/real. Expected numbers were computed by the
//! independent oracle (tests/oracle/oracle.py, h3-py) and by the data's own README.

mod common;

use std::path::Path;

use bytes::Bytes;
use common::{files_under, real};
use skyhex_core::Resolution;
use skyhex_core::density::aggregate;
use skyhex_core::filter::PointFilter;
use skyhex_core::ingest::{self, Decoded, Format};
use skyhex_core::summary::{Summary, format_time};

fn decode_path(path: &Path) -> Decoded {
    let bytes = std::fs::read(path).expect("readable file");
    ingest::decode(Bytes::from(bytes)).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn summary(decoded: &[Decoded]) -> Summary {
    let mut total = Summary::default();
    for file in decoded {
        total.merge(&Summary::of_batches(&file.batches, file.rejected));
    }
    total
}

#[test]
fn every_real_trace_decodes_with_exact_counts() {
    let decoded: Vec<Decoded> =
        files_under(&real("readsb_traces")).iter().map(|path| decode_path(path)).collect();
    assert_eq!(decoded.len(), 1054);
    assert!(decoded.iter().all(|file| file.format == Format::ReadsbTrace));
    let total = summary(&decoded);
    assert_eq!(total.points, 84_692);
    assert_eq!(total.rejected.total(), 0);
    assert_eq!(total.aircraft.len(), 931);
    let non_icao = total.aircraft.iter().filter(|address| address.starts_with('~')).count();
    assert_eq!(non_icao, 78, "non-ICAO addresses stay distinct");
    assert_eq!(total.first_time_ms.map(format_time).as_deref(), Some("2023-08-30T00:04:26.800Z"));
    assert_eq!(total.last_time_ms.map(format_time).as_deref(), Some("2025-06-02T23:59:59Z"));

    let batches = decoded.iter().flat_map(|file| &file.batches);
    let density = aggregate(batches, Resolution::Eight, &PointFilter::default());
    assert_eq!(density.cells.len(), 10_284);
    assert_eq!(density.cells.iter().map(|cell| cell.point_count).sum::<u64>(), 84_692);
    assert_eq!(density.aircraft, 931);
    assert!(density.cells.windows(2).all(|pair| pair[0].cell < pair[1].cell), "cells sorted by index");
}

#[test]
fn both_real_parquet_files_decode_the_same_points() {
    for name in ["parquet/adsb_actions_points.parquet", "parquet/adsb_actions_points_7col.parquet"] {
        let decoded = decode_path(&real(name));
        assert_eq!(decoded.format, Format::Parquet);
        let total = summary(std::slice::from_ref(&decoded));
        assert_eq!(total.points, 105_072, "{name}");
        assert_eq!(total.aircraft.len(), 1_182, "{name}");
        assert_eq!(total.rejected.total(), 0, "{name}");
        assert_eq!(total.first_time_ms.map(format_time).as_deref(), Some("2023-08-29T10:00:00Z"));
        assert_eq!(total.last_time_ms.map(format_time).as_deref(), Some("2025-12-13T23:59:43Z"));
        let density = aggregate(&decoded.batches, Resolution::Five, &PointFilter::default());
        assert_eq!(density.cells.len(), 468, "{name}");
    }
}

#[test]
fn real_aircraft_snapshots_and_json_lines_decode_with_exact_counts() {
    let snapshots: Vec<Decoded> = files_under(&real("aircraft_json"))
        .iter()
        .filter(|path| path.to_string_lossy().contains("sdre_aircraft"))
        .map(|path| decode_path(path))
        .collect();
    assert!(snapshots.iter().all(|file| file.format == Format::ReadsbAircraft));
    let total = summary(&snapshots);
    assert_eq!(total.points, 376, "aircraft with a position in the five snapshots");
    assert_eq!(total.rejected.total(), 16, "aircraft without one");

    let logs: Vec<Decoded> = files_under(&real("jsonl")).iter().map(|path| decode_path(path)).collect();
    let total = summary(&logs);
    assert_eq!(total.points, 101_142);
    assert_eq!(total.rejected.total(), 847 + 418, "heartbeat lines without a position");
    assert_eq!(total.first_time_ms.map(format_time).as_deref(), Some("2023-08-29T10:00:00Z"));
}

#[test]
fn the_airport_table_reads_whole() {
    use skyhex_core::map::airports::Airports;
    let bytes = std::fs::read(real("airports/airports.csv.gz")).expect("readable");
    let airports = Airports::from_csv(Bytes::from(bytes)).expect("reads");
    // Counted by Python's csv module: 28,298 rows, 7,884 with an IATA code.
    assert_eq!(airports.airports.len(), 28_298);
    assert_eq!(airports.airports.iter().take_while(|airport| airport.iata.is_some()).count(), 7_884);
    let reno = airports.airports.iter().find(|airport| &*airport.icao == "KRNO").expect("Reno");
    assert_eq!((reno.code(), &*reno.name), ("RNO", "Reno/Tahoe International Airport"));
}

#[test]
fn the_world_atlas_gives_land_and_countries() {
    use skyhex_core::map::basemap::WorldAtlas;
    // Polygons counted by Python's json module (a MultiPolygon counts its parts).
    for (file, land, countries) in [("countries-110m.json", 124, 285), ("countries-50m.json", 1_427, 1_616)] {
        let json = std::fs::read_to_string(real(&format!("basemap/{file}"))).expect("readable");
        let atlas = WorldAtlas::from_topojson(&json).expect("reads");
        assert_eq!((atlas.land.polygons.len(), atlas.countries.polygons.len()), (land, countries), "{file}");
    }
}
