//! An aircraft's track on the map: each piece (a flight leg, or its part between stale
//! gaps) a polyline in world coordinates, each segment coloured by the altitude band of
//! the point it starts from.

use super::mercator::{WorldBounds, WorldPoint, world_from_lat_lon, wrapped_deg};
use crate::engine::inspect::TrackPiece;

/// Upper bounds (ft) of the altitude bands 1 to 6; band 7 is above the last, band 0 is
/// on the ground or unknown.
pub const ALTITUDE_BANDS_FT: [f32; 6] = [2_000.0, 5_000.0, 10_000.0, 20_000.0, 30_000.0, 40_000.0];

/// Bands a track's segments fall in (ground or unknown, then the altitude bands).
pub const TRACK_BANDS: usize = ALTITUDE_BANDS_FT.len() + 2;

/// The colour band of an altitude (`None`: on the ground or not reported).
pub fn altitude_band(alt_ft: Option<f32>) -> u8 {
    alt_ft.map_or(0, |alt| 1 + ALTITUDE_BANDS_FT.partition_point(|&top| top <= alt) as u8)
}

/// The track as drawn: pieces of world points and the band of every segment, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrackLayer {
    pub pieces: Vec<Vec<WorldPoint>>,
    /// One per segment, pieces one after the other.
    pub segment_bands: Vec<u8>,
    pub bounds: Option<WorldBounds>,
}

impl TrackLayer {
    /// Longitudes are unwrapped point to point, so a piece crossing the antimeridian stays
    /// one line (the renderer's world copies show both sides).
    pub fn new(pieces: &[TrackPiece]) -> Self {
        let mut layer = Self::default();
        for piece in pieces {
            let mut line: Vec<WorldPoint> = Vec::with_capacity(piece.len());
            let mut last_lon: Option<f64> = None;
            for point in piece {
                let lon = last_lon.map_or(point.lon, |last| last + wrapped_deg(point.lon - last));
                last_lon = Some(lon);
                line.push(world_from_lat_lon(point.lat, lon));
            }
            layer
                .segment_bands
                .extend(piece.iter().skip(1).zip(piece).map(|(_, from)| altitude_band(from.alt_ft)));
            if let Some(bounds) = WorldBounds::around(line.iter().copied()) {
                layer.bounds = Some(layer.bounds.map_or(bounds, |known| known.union(bounds)));
            }
            layer.pieces.push(line);
        }
        layer
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::inspect::TrackPoint;

    fn point(lat: f64, lon: f64, alt_ft: Option<f32>) -> TrackPoint {
        TrackPoint { lat, lon, time_ms: None, alt_ft }
    }

    #[test]
    fn bands_split_at_their_bounds() {
        assert_eq!(altitude_band(None), 0);
        assert_eq!(altitude_band(Some(0.0)), 1);
        assert_eq!(altitude_band(Some(1_999.0)), 1);
        assert_eq!(altitude_band(Some(2_000.0)), 2);
        assert_eq!(altitude_band(Some(39_999.0)), 6);
        assert_eq!(altitude_band(Some(45_000.0)), 7);
        assert_eq!(usize::from(altitude_band(Some(f32::MAX))), TRACK_BANDS - 1);
    }

    #[test]
    fn a_piece_across_the_antimeridian_stays_one_line() {
        let piece =
            vec![point(10.0, 179.5, Some(30_000.0)), point(10.0, -179.5, None), point(10.0, -179.0, None)];
        let layer = TrackLayer::new(&[piece, vec![point(0.0, 0.0, None)]]);
        let xs: Vec<f64> = layer.pieces[0].iter().map(|p| p.x).collect();
        assert!(xs.windows(2).all(|pair| (pair[1] - pair[0]).abs() < 0.01), "{xs:?}");
        assert!(xs[2] > 1.0, "continues past the world's edge");
        assert_eq!(layer.segment_bands, vec![6, 0], "a segment takes its first point's band");
        assert_eq!(layer.pieces[1].len(), 1);
    }
}
