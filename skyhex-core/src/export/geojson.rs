//! GeoJSON (RFC 7946) of the cells, as polygons with the table's columns as properties, and
//! of an aircraft's track, as one multi-line. Coordinates are `[longitude, latitude]`.

use h3o::CellIndex;
use serde_json::{Map, Value, json};

use super::{extra_columns, h3_index};
use crate::density::{CellStats, Metric};
use crate::engine::inspect::TrackPiece;
use crate::map::mercator::wrapped_deg;
use crate::summary::format_time;

/// The cells as a FeatureCollection of hexagons (pentagons), each with the columns of the
/// CSV export as properties.
pub fn cells_geojson(cells: &[CellStats], metrics: &[Metric]) -> String {
    let extra = extra_columns(metrics);
    let features: Vec<Value> = cells
        .iter()
        .map(|cell| {
            let mut properties = Map::new();
            properties.insert("h3_index".into(), h3_index(cell.cell).into());
            properties.insert("point_count".into(), cell.point_count.into());
            properties.insert("aircraft_count".into(), cell.aircraft_count.into());
            properties.insert("center_lat".into(), cell.center_lat.into());
            properties.insert("center_lon".into(), cell.center_lon.into());
            for &metric in &extra {
                properties.insert(metric.column().into(), cell.value(metric).into());
            }
            json!({
                "type": "Feature",
                "geometry": { "type": "Polygon", "coordinates": [cell_ring(cell.cell)] },
                "properties": properties,
            })
        })
        .collect();
    json!({ "type": "FeatureCollection", "features": features }).to_string()
}

/// The cell's boundary, closed and counter-clockwise as RFC 7946 asks. Longitudes run on
/// from the first vertex, so a cell across the antimeridian stays one polygon with some
/// longitudes past ±180 (as h3-js's `cellsToMultiPolygon` and Kepler.gl draw it) rather
/// than two polygons cut at it.
fn cell_ring(cell: CellIndex) -> Vec<[f64; 2]> {
    let boundary = cell.boundary();
    let mut ring: Vec<[f64; 2]> = Vec::with_capacity(boundary.len() + 1);
    for vertex in boundary.iter() {
        let lon = match ring.first() {
            Some(&[first_lon, _]) => first_lon + wrapped_deg(vertex.lng() - first_lon),
            None => vertex.lng(),
        };
        ring.push([lon, vertex.lat()]);
    }
    if let Some(&first) = ring.first() {
        ring.push(first);
    }
    ring
}

/// An aircraft's track as one Feature: a MultiLineString of its pieces (legs, cut at stale
/// points and gaps; a lone point makes no line), with its address, points and first and
/// last times.
pub fn track_geojson(address: &str, pieces: &[TrackPiece]) -> String {
    let lines: Vec<Vec<[f64; 2]>> = pieces
        .iter()
        .filter(|piece| piece.len() >= 2)
        .map(|piece| piece.iter().map(|point| [point.lon, point.lat]).collect())
        .collect();
    let times = pieces.iter().flatten().filter_map(|point| point.time_ms);
    let (first, last) = (times.clone().min(), times.max());
    json!({
        "type": "Feature",
        "geometry": { "type": "MultiLineString", "coordinates": lines },
        "properties": {
            "address": address,
            "points": pieces.iter().map(Vec::len).sum::<usize>(),
            "first_time": first.map(format_time),
            "last_time": last.map(format_time),
        },
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use h3o::{LatLng, Resolution};

    use super::*;
    use crate::engine::inspect::TrackPoint;

    fn cell_at(lat: f64, lon: f64) -> CellStats {
        CellStats {
            cell: LatLng::new(lat, lon).expect("valid").to_cell(Resolution::Five),
            point_count: 12,
            aircraft_count: 3,
            aircraft_minutes: 4.5,
            flight_count: 3,
            mean_alt_ft: None,
            max_alt_ft: Some(35_000.0),
            center_lat: lat,
            center_lon: lon,
        }
    }

    #[test]
    fn cells_become_closed_rings_with_the_table_columns() {
        let cells = [cell_at(39.5, -119.8), cell_at(0.0, 179.99)];
        let json: Value = serde_json::from_str(&cells_geojson(&cells, &[Metric::MaxAltitude])).expect("JSON");
        let features = json["features"].as_array().expect("features");
        assert_eq!(features.len(), 2);
        let first = &features[0];
        assert_eq!(first["properties"]["h3_index"], h3_index(cells[0].cell));
        assert_eq!(first["properties"]["point_count"], 12);
        assert_eq!(first["properties"]["max_alt_ft"], 35_000.0);
        let ring = first["geometry"]["coordinates"][0].as_array().expect("ring");
        assert_eq!(ring.len(), 7, "six vertices and the first again");
        assert_eq!(ring[0], ring[6]);
        // Counter-clockwise: a positive signed area (shoelace, x = longitude).
        let points: Vec<(f64, f64)> =
            ring.iter().map(|p| (p[0].as_f64().expect("lon"), p[1].as_f64().expect("lat"))).collect();
        let area: f64 = points.windows(2).map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1).sum();
        assert!(area > 0.0, "counter-clockwise ring");
        let across: Vec<f64> = features[1]["geometry"]["coordinates"][0]
            .as_array()
            .expect("ring")
            .iter()
            .map(|p| p[0].as_f64().expect("lon"))
            .collect();
        let (west, east) = across.iter().fold((f64::MAX, f64::MIN), |(w, e), &lon| (w.min(lon), e.max(lon)));
        assert!(east - west < 1.0, "the antimeridian cell stays in one piece: {west}..{east}");
        assert!(east > 180.0, "its eastern vertices run past 180: {east}");
    }

    #[test]
    fn a_track_is_one_multiline_with_its_times() {
        let point = |lat, lon, time_ms| TrackPoint { lat, lon, time_ms: Some(time_ms), alt_ft: None };
        let pieces = vec![vec![point(1.0, 2.0, 1_000), point(1.5, 2.5, 2_000)], vec![point(3.0, 4.0, 9_000)]];
        let json: Value = serde_json::from_str(&track_geojson("a1b2c3", &pieces)).expect("JSON");
        assert_eq!(json["geometry"]["type"], "MultiLineString");
        assert_eq!(
            json["geometry"]["coordinates"],
            json!([[[2.0, 1.0], [2.5, 1.5]]]),
            "no line of one point"
        );
        assert_eq!(json["properties"]["points"], 3);
        assert_eq!(json["properties"]["first_time"], "1970-01-01T00:00:01Z");
        assert_eq!(json["properties"]["last_time"], "1970-01-01T00:00:09Z");
    }
}
