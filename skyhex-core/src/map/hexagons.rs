//! Hexagon outlines of H3 cells in world coordinates.

use std::sync::OnceLock;

use h3o::{CellIndex, LatLng, Resolution};

use super::mercator::{MAX_LAT_DEG, WorldBounds, WorldPoint, world_from_lat_lon, wrapped_deg};

/// One cell ready to draw: its outline.
#[derive(Debug, Clone, PartialEq)]
pub struct HexCell {
    pub ring: Vec<WorldPoint>,
    pub bounds: WorldBounds,
    /// The cell holds a pole: its ring is not convex (see [`cell_ring`]).
    pub around_pole: bool,
}

/// The geometry of the density layer, one [`HexCell`] per cell in the aggregate's order;
/// colours come apart ([`super::colour::CellColours`]), so a new metric or scale never
/// rebuilds it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HexLayer {
    pub cells: Vec<HexCell>,
    /// The box around every cell, to fit the camera to the data.
    pub bounds: Option<WorldBounds>,
}

impl HexLayer {
    pub fn new(cells: impl IntoIterator<Item = CellIndex>) -> Self {
        let cells: Vec<HexCell> = cells
            .into_iter()
            .map(|cell| {
                let ring = cell_ring(cell);
                let bounds =
                    WorldBounds::around(ring.iter().copied()).expect("an H3 cell's boundary has vertices");
                HexCell { ring, bounds, around_pole: holds_a_pole(cell) }
            })
            .collect();
        let bounds = cells.iter().map(|cell| cell.bounds).reduce(WorldBounds::union);
        Self { cells, bounds }
    }
}

/// The cell's boundary as a ring in world coordinates. Longitudes are unwrapped vertex to
/// vertex, so a cell across the antimeridian stays in one piece: part of its ring lies
/// outside x in [0, 1], and the renderer draws the world's copies to show it. A cell
/// around a pole winds once round the globe: its ring goes on one world width to the
/// first vertex again and closes along the map's edge on the pole's side, so it fills
/// the map up to the Mercator limit (cut where it passes beyond the limit).
pub fn cell_ring(cell: CellIndex) -> Vec<WorldPoint> {
    let around_pole = holds_a_pole(cell);
    let boundary: Vec<LatLng> = cell.boundary().iter().copied().collect();
    // Edges near a pole bend far in Mercator: follow them (clamped at the map's edge).
    let vertices = if around_pole { beyond_the_map_cut(along_great_circles(&boundary)) } else { boundary };
    let mut lons: Vec<f64> = Vec::with_capacity(vertices.len());
    for vertex in &vertices {
        let lon =
            lons.last().map_or(vertex.lng(), |&previous| previous + wrapped_deg(vertex.lng() - previous));
        lons.push(lon);
    }
    let mut ring: Vec<WorldPoint> =
        vertices.iter().zip(&lons).map(|(vertex, &lon)| world_from_lat_lon(vertex.lat(), lon)).collect();
    let reaches_the_edge = vertices.iter().any(|vertex| vertex.lat().abs() >= MAX_LAT_DEG);
    if let (Some(&first), Some(&first_lon), Some(&last_lon)) = (ring.first(), lons.first(), lons.last())
        && around_pole
        && !reaches_the_edge
    {
        let winding_deg = last_lon - first_lon + wrapped_deg(first_lon - last_lon);
        let once_round = WorldPoint::new(first.x + winding_deg.signum(), first.y);
        let edge_y = if LatLng::from(cell).lat() > 0.0 { 0.0 } else { 1.0 };
        ring.extend([once_round, WorldPoint::new(once_round.x, edge_y), WorldPoint::new(first.x, edge_y)]);
    }
    ring
}

/// Whether the cell holds the north or the south pole.
pub fn holds_a_pole(cell: CellIndex) -> bool {
    // The cells of the poles at every resolution, computed once (H3 children do not nest,
    // so the base cell does not tell).
    static POLE_CELLS: OnceLock<Vec<CellIndex>> = OnceLock::new();
    let poles = POLE_CELLS.get_or_init(|| {
        let poles = [90.0, -90.0].map(|lat| LatLng::new(lat, 0.0).expect("the poles are valid positions"));
        Resolution::range(Resolution::Zero, Resolution::Fifteen)
            .flat_map(|resolution| poles.map(|pole| pole.to_cell(resolution)))
            .collect()
    });
    poles.contains(&cell)
}

/// The ring with points every 1/[`EDGE_STEPS`] of each edge along its great circle.
fn along_great_circles(ring: &[LatLng]) -> Vec<LatLng> {
    const EDGE_STEPS: u32 = 16;
    let unit = |point: &LatLng| {
        let (lat, lon) = (point.lat_radians(), point.lng_radians());
        [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
    };
    let mut points = Vec::with_capacity(ring.len() * EDGE_STEPS as usize);
    for (index, start) in ring.iter().enumerate() {
        let (a, b) = (unit(start), unit(&ring[(index + 1) % ring.len()]));
        for step in 0..EDGE_STEPS {
            let t = f64::from(step) / f64::from(EDGE_STEPS);
            let [x, y, z] = [0, 1, 2].map(|axis| a[axis] + (b[axis] - a[axis]) * t);
            let lat = z.atan2(x.hypot(y)).to_degrees();
            points.extend(LatLng::new(lat, y.atan2(x).to_degrees()).ok());
        }
    }
    points
}

/// A ring around a pole that passes beyond the Mercator limit, cut there: it starts where
/// it comes back into the map and ends where it first leaves, so that its closing edge
/// runs along the map's edge (the cell lies beyond the map between those longitudes).
fn beyond_the_map_cut(mut ring: Vec<LatLng>) -> Vec<LatLng> {
    let beyond = |vertex: &LatLng| vertex.lat().abs() >= MAX_LAT_DEG;
    let n = ring.len();
    let Some(back_in) = (0..n).find(|&index| beyond(&ring[index]) && !beyond(&ring[(index + 1) % n])) else {
        return ring;
    };
    ring.rotate_left(back_in);
    let leaves = (1..n).find(|&index| beyond(&ring[index])).unwrap_or(n - 1);
    ring.truncate(leaves + 1);
    ring
}

#[cfg(test)]
mod tests {
    use h3o::{LatLng, Resolution};

    use super::*;

    #[test]
    fn ring_surrounds_the_cell_center() {
        let cell = LatLng::new(39.4991, -119.7681).expect("valid").to_cell(Resolution::Five);
        let ring = cell_ring(cell);
        assert_eq!(ring.len(), 6);
        let center = LatLng::from(cell);
        let c = world_from_lat_lon(center.lat(), center.lng());
        assert!(ring.iter().all(|p| (p.x - c.x).abs() < 1e-3 && (p.y - c.y).abs() < 1e-3));
    }

    #[test]
    fn only_the_cells_of_the_poles_hold_one() {
        for resolution in Resolution::range(Resolution::Zero, Resolution::Fifteen) {
            for lat in [90.0, -90.0] {
                let pole = LatLng::new(lat, 0.0).expect("pole").to_cell(resolution);
                assert!(holds_a_pole(pole), "{pole}");
                let beside = pole.grid_disk::<Vec<_>>(1).into_iter().filter(|&cell| cell != pole);
                assert!(beside.into_iter().all(|cell| !holds_a_pole(cell)));
            }
        }
    }

    #[test]
    fn antimeridian_cell_stays_in_one_piece() {
        let cell = LatLng::new(0.0, 179.99).expect("valid").to_cell(Resolution::Two);
        let ring = cell_ring(cell);
        let (min, max) = ring.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| (lo.min(p.x), hi.max(p.x)));
        assert!(max - min < 0.01, "ring spans {min}..{max}");
    }
}
