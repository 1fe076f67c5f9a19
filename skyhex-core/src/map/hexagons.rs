//! Hexagon outlines of H3 cells in world coordinates.

use h3o::CellIndex;

use super::colour::QuantileScale;
use super::mercator::{WorldBounds, WorldPoint, world_from_lat_lon};
use crate::density::{CellStats, Metric};

/// One cell ready to draw: its outline and colour class.
#[derive(Debug, Clone, PartialEq)]
pub struct HexCell {
    pub class: usize,
    pub ring: Vec<WorldPoint>,
    pub bounds: WorldBounds,
}

/// The density layer: cells coloured by a quantile scale of one metric (cells without a
/// value, such as cells of ground points only for an altitude metric, are not drawn).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HexLayer {
    pub cells: Vec<HexCell>,
    pub scale: QuantileScale,
    /// The box around every cell, to fit the camera to the data.
    pub bounds: Option<WorldBounds>,
}

impl HexLayer {
    pub fn new(cells: &[CellStats], metric: Metric) -> Self {
        let scale = QuantileScale::new(cells.iter().filter_map(|cell| cell.value(metric)));
        let cells: Vec<HexCell> = cells
            .iter()
            .filter_map(|cell| {
                let value = cell.value(metric)?;
                let ring = cell_ring(cell.cell);
                let bounds = WorldBounds::around(ring.iter().copied())?;
                Some(HexCell { class: scale.class_of(value), ring, bounds })
            })
            .collect();
        let bounds = cells.iter().map(|cell| cell.bounds).reduce(WorldBounds::union);
        Self { cells, scale, bounds }
    }
}

/// The cell's boundary as a ring in world coordinates. A cell that crosses the antimeridian
/// is kept in one piece: its longitudes are unwrapped next to its first vertex, so part of
/// the ring lies outside x in [0, 1] (the renderer draws the world's copies to show it).
pub fn cell_ring(cell: CellIndex) -> Vec<WorldPoint> {
    let boundary = cell.boundary();
    let first_lon = boundary.iter().next().map_or(0.0, |vertex| vertex.lng());
    boundary
        .iter()
        .map(|vertex| {
            let mut lon = vertex.lng();
            if lon - first_lon > 180.0 {
                lon -= 360.0;
            } else if first_lon - lon > 180.0 {
                lon += 360.0;
            }
            world_from_lat_lon(vertex.lat(), lon)
        })
        .collect()
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
    fn antimeridian_cell_stays_in_one_piece() {
        let cell = LatLng::new(0.0, 179.99).expect("valid").to_cell(Resolution::Two);
        let ring = cell_ring(cell);
        let (min, max) = ring.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| (lo.min(p.x), hi.max(p.x)));
        assert!(max - min < 0.01, "ring spans {min}..{max}");
    }
}
