//! Spherical-earth geometry in degrees: enough to fly great circles.

pub const EARTH_RADIUS_M: f64 = 6_371_000.0;
pub const M_PER_NM: f64 = 1852.0;
pub const MPS_PER_KT: f64 = M_PER_NM / 3600.0;
pub const G_MPS2: f64 = 9.81;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

impl LatLon {
    pub fn new(lat: f64, lon: f64) -> Self {
        Self { lat, lon }
    }
}

/// Great-circle distance (haversine).
pub fn distance_m(from: LatLon, to: LatLon) -> f64 {
    let (lat1, lat2) = (from.lat.to_radians(), to.lat.to_radians());
    let half_dlat = (lat2 - lat1) / 2.0;
    let half_dlon = (to.lon - from.lon).to_radians() / 2.0;
    let h = half_dlat.sin().powi(2) + lat1.cos() * lat2.cos() * half_dlon.sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// Initial great-circle bearing, degrees in [0, 360).
pub fn bearing_deg(from: LatLon, to: LatLon) -> f64 {
    let (lat1, lat2) = (from.lat.to_radians(), to.lat.to_radians());
    let dlon = (to.lon - from.lon).to_radians();
    let y = dlon.sin() * lat2.cos();
    let x = lat1.cos() * lat2.sin() - lat1.sin() * lat2.cos() * dlon.cos();
    y.atan2(x).to_degrees().rem_euclid(360.0)
}

/// Great-circle distance (m) and initial bearing (degrees in [0, 360)) at once, sharing
/// their trigonometry (the simulator asks for both every step).
pub fn distance_bearing(from: LatLon, to: LatLon) -> (f64, f64) {
    let (sin_lat1, cos_lat1) = from.lat.to_radians().sin_cos();
    let (sin_lat2, cos_lat2) = to.lat.to_radians().sin_cos();
    let (sin_dlon, cos_dlon) = (to.lon - from.lon).to_radians().sin_cos();
    let east = sin_dlon * cos_lat2;
    let north = cos_lat1 * sin_lat2 - sin_lat1 * cos_lat2 * cos_dlon;
    let along = sin_lat1 * sin_lat2 + cos_lat1 * cos_lat2 * cos_dlon;
    let angle = (east * east + north * north).sqrt().atan2(along);
    (EARTH_RADIUS_M * angle, east.atan2(north).to_degrees().rem_euclid(360.0))
}

/// The point `distance_m` away along the great circle leaving at `bearing_deg`.
pub fn destination(from: LatLon, bearing_deg: f64, distance_m: f64) -> LatLon {
    let angle = distance_m / EARTH_RADIUS_M;
    let (lat1, lon1, bearing) = (from.lat.to_radians(), from.lon.to_radians(), bearing_deg.to_radians());
    let (sin_lat1, cos_lat1) = lat1.sin_cos();
    let (sin_angle, cos_angle) = angle.sin_cos();
    let sin_lat2 = (sin_lat1 * cos_angle + cos_lat1 * sin_angle * bearing.cos()).clamp(-1.0, 1.0);
    let lat2 = sin_lat2.asin();
    let lon2 = lon1 + (bearing.sin() * sin_angle * cos_lat1).atan2(cos_angle - sin_lat1 * sin_lat2);
    LatLon::new(lat2.to_degrees(), wrap_lon(lon2.to_degrees()))
}

/// The point `distance_m` (short: metres to a few hundred) away along `bearing_deg`, on a
/// locally flat earth: cheaper than `destination` and as good at that range.
pub fn nudge(from: LatLon, bearing_deg: f64, distance_m: f64) -> LatLon {
    let (sin_bearing, cos_bearing) = bearing_deg.to_radians().sin_cos();
    let north_deg = (distance_m * cos_bearing / EARTH_RADIUS_M).to_degrees();
    let east_deg =
        (distance_m * sin_bearing / (EARTH_RADIUS_M * from.lat.to_radians().cos().max(1e-6))).to_degrees();
    LatLon::new((from.lat + north_deg).clamp(-90.0, 90.0), wrap_lon(from.lon + east_deg))
}

/// Longitude in [-180, 180).
pub fn wrap_lon(lon: f64) -> f64 {
    (lon + 180.0).rem_euclid(360.0) - 180.0
}

/// The signed turn from `from_deg` to `to_deg`, in (-180, 180].
pub fn turn_deg(from_deg: f64, to_deg: f64) -> f64 {
    let turn = (to_deg - from_deg).rem_euclid(360.0);
    if turn > 180.0 { turn - 360.0 } else { turn }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_and_bearing_agree_with_destination() {
        let from = LatLon::new(51.47, -0.45);
        for (bearing, distance) in [(0.0, 1000.0), (97.5, 5_570_000.0), (250.0, 12_000_000.0)] {
            let to = destination(from, bearing, distance);
            let (got_distance, got_bearing) = distance_bearing(from, to);
            assert!((got_distance - distance).abs() < 1e-3, "{got_distance} vs {distance}");
            assert!(turn_deg(bearing, got_bearing).abs() < 1e-6);
            assert!((distance_m(from, to) - distance).abs() < 1e-3);
            assert!(turn_deg(bearing, bearing_deg(from, to)).abs() < 1e-6);
        }
        let near = nudge(from, 90.0, 200.0);
        assert!((distance_m(from, near) - 200.0).abs() < 0.01);
    }
}
