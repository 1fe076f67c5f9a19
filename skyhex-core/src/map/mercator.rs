//! Web Mercator (EPSG:3857) in normalised world coordinates: x and y in [0, 1], x east
//! from the antimeridian, y south from the northern Mercator limit.
//! Reference: <https://en.wikipedia.org/wiki/Web_Mercator_projection>.

use std::f64::consts::PI;

use serde::{Deserialize, Serialize};

/// The latitude where the Mercator square ends (the world is as tall as it is wide).
pub const MAX_LAT_DEG: f64 = 85.051_128_779_806_59;

/// A point in normalised world coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct WorldPoint {
    pub x: f64,
    pub y: f64,
}

impl WorldPoint {
    pub fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }
}

/// Projects degrees; latitudes past the Mercator limit are clamped to it.
pub fn world_from_lat_lon(lat_deg: f64, lon_deg: f64) -> WorldPoint {
    let lat_rad = lat_deg.clamp(-MAX_LAT_DEG, MAX_LAT_DEG).to_radians();
    let y = 0.5 - (PI / 4.0 + lat_rad / 2.0).tan().ln() / (2.0 * PI);
    WorldPoint { x: (lon_deg + 180.0) / 360.0, y }
}

/// The inverse of [`world_from_lat_lon`]: (lat, lon) in degrees.
pub fn lat_lon_from_world(point: WorldPoint) -> (f64, f64) {
    let lat_rad = 2.0 * ((0.5 - point.y) * 2.0 * PI).exp().atan() - PI / 2.0;
    (lat_rad.to_degrees(), point.x * 360.0 - 180.0)
}

/// A longitude difference brought into [-180, 180): consecutive vertices of a ring or a
/// track unwrap across the antimeridian with it.
pub fn wrapped_deg(delta: f64) -> f64 {
    (delta + 180.0).rem_euclid(360.0) - 180.0
}

/// An axis-aligned box in world coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WorldBounds {
    pub min: WorldPoint,
    pub max: WorldPoint,
}

impl WorldBounds {
    /// The smallest box holding every point, or `None` for no points.
    pub fn around(points: impl IntoIterator<Item = WorldPoint>) -> Option<Self> {
        points.into_iter().map(|p| Self { min: p, max: p }).reduce(Self::union)
    }

    pub fn union(self, other: Self) -> Self {
        Self {
            min: WorldPoint::new(self.min.x.min(other.min.x), self.min.y.min(other.min.y)),
            max: WorldPoint::new(self.max.x.max(other.max.x), self.max.y.max(other.max.y)),
        }
    }

    /// The box moved east by `dx` world units (a copy of the world: dx = ±1).
    pub fn shifted_x(self, dx: f64) -> Self {
        Self {
            min: WorldPoint::new(self.min.x + dx, self.min.y),
            max: WorldPoint::new(self.max.x + dx, self.max.y),
        }
    }

    pub fn intersects(&self, other: &Self) -> bool {
        self.min.x <= other.max.x
            && other.min.x <= self.max.x
            && self.min.y <= other.max.y
            && other.min.y <= self.max.y
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projects_a_landmark_and_back() {
        // Reno-Tahoe International Airport (KRNO): 39.4991 N, 119.7681 W.
        let krno = world_from_lat_lon(39.4991, -119.7681);
        assert!((krno.x - 0.167_310_833).abs() < 1e-9, "{krno:?}");
        // y from the Mercator formula: 0.5 - ln(tan(pi/4 + lat/2)) / (2 pi).
        assert!((krno.y - 0.380_388_880).abs() < 1e-9, "{krno:?}");
        let (lat, lon) = lat_lon_from_world(krno);
        assert!((lat - 39.4991).abs() < 1e-9 && (lon + 119.7681).abs() < 1e-9);
    }

    #[test]
    fn corners_of_the_world() {
        assert_eq!(world_from_lat_lon(0.0, -180.0), WorldPoint::new(0.0, 0.5));
        let north = world_from_lat_lon(90.0, 180.0);
        assert!((north.x - 1.0).abs() < 1e-12 && north.y.abs() < 1e-12);
    }
}
