//! Triangle meshes of the map's layers, ready for a GPU: built once per aggregate (or
//! basemap), then panned and zoomed by uniforms alone.
//!
//! World coordinates need f64 at deep zoom (the world is 2^28 pixels wide at zoom 20), GPUs
//! take f32. So vertices are stored relative to the origin of their chunk, a square of
//! [`CHUNK_WORLD`] (or one land polygon); the renderer adds the chunk's origin, in f64,
//! through a uniform. Within a chunk f32 keeps a vertex within half a pixel at zoom 20.

use earcut::Earcut;
use serde::{Deserialize, Serialize};

use super::basemap::Basemap;
use super::colour::NO_CLASS;
use super::hexagons::HexLayer;
use super::mercator::{WorldBounds, WorldPoint};
use super::track::TrackLayer;

/// The side of a hexagon chunk in world units (1/32 of the world: ~8 pixels at zoom 0).
pub const CHUNK_WORLD: f64 = 1.0 / 32.0;

/// Triangles (and outline segments) of one part of a layer, in coordinates relative to
/// `origin`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeshChunk {
    pub origin: WorldPoint,
    /// x, y of each vertex, in world units from `origin`.
    pub positions: Vec<f32>,
    /// The layer's cells in vertex order, each with its number of vertices, to give each
    /// vertex its cell's colour class ([`vertex_classes`]); empty for land.
    pub cell_runs: Vec<(u32, u32)>,
    /// Of lines drawn a number of pixels wide: the unit normal of each vertex's segment,
    /// x, y (the renderer moves the vertex by it times half the width); empty otherwise.
    pub offsets: Vec<f32>,
    /// Vertex indices, three per triangle.
    pub triangles: Vec<u32>,
    /// Vertex indices, two per outline segment.
    pub outlines: Vec<u32>,
    /// The box around the chunk's vertices, in world coordinates, to skip it off screen.
    pub bounds: WorldBounds,
}

impl MeshChunk {
    fn new(origin: WorldPoint) -> Self {
        Self {
            origin,
            positions: Vec::new(),
            cell_runs: Vec::new(),
            offsets: Vec::new(),
            triangles: Vec::new(),
            outlines: Vec::new(),
            bounds: WorldBounds { min: origin, max: origin },
        }
    }

    pub fn vertices(&self) -> usize {
        self.positions.len() / 2
    }

    /// Appends a ring's vertices; returns the index of the first.
    fn push_ring(&mut self, ring: &[WorldPoint]) -> u32 {
        let first = self.vertices() as u32;
        for point in ring {
            self.positions.push((point.x - self.origin.x) as f32);
            self.positions.push((point.y - self.origin.y) as f32);
        }
        if let Some(bounds) = WorldBounds::around(ring.iter().copied()) {
            self.bounds = if first == 0 { bounds } else { self.bounds.union(bounds) };
        }
        first
    }

    /// Triangulates, by ear clipping in f64, the polygon whose `points` were pushed from
    /// vertex `first` on (holes start at `hole_starts`, counted from `first`).
    fn push_ear_clipped<'a>(
        &mut self,
        earcut: &mut Earcut<f64>,
        points: impl Iterator<Item = &'a WorldPoint>,
        first: u32,
        hole_starts: &[u32],
    ) {
        let origin = self.origin;
        let relative = points.map(|point| [point.x - origin.x, point.y - origin.y]);
        let mut triangles: Vec<u32> = Vec::new();
        earcut.earcut(relative, hole_starts, &mut triangles);
        self.triangles.extend(triangles.iter().map(|vertex| first + vertex));
    }

    /// The quad of the segment `from`–`to` (number `segment` of its layer); a segment of
    /// no length has no direction and is left out.
    fn push_segment(&mut self, from: WorldPoint, to: WorldPoint, segment: u32) {
        let (dx, dy) = (to.x - from.x, to.y - from.y);
        let length = dx.hypot(dy);
        if length == 0.0 {
            return;
        }
        let normal = [(-dy / length) as f32, (dx / length) as f32];
        let first = self.push_ring(&[from, from, to, to]);
        for side in [1.0, -1.0, 1.0, -1.0] {
            self.offsets.extend_from_slice(&[normal[0] * side, normal[1] * side]);
        }
        self.cell_runs.push((segment, 4));
        self.triangles.extend_from_slice(&[first, first + 1, first + 2, first + 1, first + 3, first + 2]);
    }

    /// Segments along a ring of `len` vertices starting at `first`, closing it.
    fn push_outline(&mut self, first: u32, len: u32) {
        for vertex in 0..len {
            self.outlines.push(first + vertex);
            self.outlines.push(first + (vertex + 1) % len);
        }
    }
}

/// The colour class of each vertex of a chunk whose cells are `cell_runs`
/// ([`MeshChunk::cell_runs`]), from the class of each cell of the layer.
pub fn vertex_classes(cell_runs: &[(u32, u32)], cell_classes: &[u8]) -> Vec<u8> {
    let mut classes = Vec::with_capacity(cell_runs.iter().map(|&(_, vertices)| vertices as usize).sum());
    for &(cell, vertices) in cell_runs {
        let class = cell_classes.get(cell as usize).copied().unwrap_or(NO_CLASS);
        classes.extend(std::iter::repeat_n(class, vertices as usize));
    }
    classes
}

/// A chunk's cells as points: where cells are a pixel or two across, a renderer paints
/// them as pixels ([`super::cell_pixels`]) instead of drawing their triangles (a software
/// rasteriser pays per triangle, and a day at res 6 has 11 M of them). A twelfth of the
/// chunk's mesh, so the page holds every chunk's points and asks for triangles only where
/// cells are drawn wide enough to need them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellPoints {
    pub origin: WorldPoint,
    pub bounds: WorldBounds,
    /// The layer's cells ([`MeshChunk::cell_runs`] order).
    pub cells: Vec<u32>,
    /// x, y of each cell's centre (the mean of its ring), in world units from the origin.
    pub centres: Vec<f32>,
    /// The mean width of the cells, in world units.
    pub mean_width: f64,
}

impl CellPoints {
    pub fn of(chunk: &MeshChunk) -> Self {
        let mut centres = Vec::with_capacity(chunk.cell_runs.len() * 2);
        let mut width_sum = 0.0;
        let mut first = 0;
        for &(_, vertices) in &chunk.cell_runs {
            let ring = &chunk.positions[first * 2..(first + vertices as usize) * 2];
            first += vertices as usize;
            let (mut min_x, mut max_x, mut sum_x, mut sum_y) = (f32::INFINITY, f32::NEG_INFINITY, 0.0, 0.0);
            for xy in ring.chunks_exact(2) {
                (min_x, max_x) = (min_x.min(xy[0]), max_x.max(xy[0]));
                (sum_x, sum_y) = (sum_x + xy[0], sum_y + xy[1]);
            }
            let count = vertices.max(1) as f32;
            centres.extend([sum_x / count, sum_y / count]);
            width_sum += f64::from((max_x - min_x).max(0.0));
        }
        Self {
            origin: chunk.origin,
            bounds: chunk.bounds,
            cells: chunk.cell_runs.iter().map(|&(cell, _)| cell).collect(),
            centres,
            mean_width: width_sum / chunk.cell_runs.len().max(1) as f64,
        }
    }

    /// The chunks of consecutive slices of one layer's cells as one list: each slice's cells
    /// are numbered from where it starts (`first_cells`, in the order of `slices`).
    pub fn joined(slices: impl IntoIterator<Item = (u32, Vec<Self>)>) -> Vec<Self> {
        let mut joined = Vec::new();
        for (first_cell, chunks) in slices {
            for mut chunk in chunks {
                chunk.cells.iter_mut().for_each(|cell| *cell += first_cell);
                joined.push(chunk);
            }
        }
        joined
    }
}

/// A layer's mesh: its chunks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Mesh {
    pub chunks: Vec<MeshChunk>,
}

impl Mesh {
    pub fn triangles(&self) -> usize {
        self.chunks.iter().map(|chunk| chunk.triangles.len() / 3).sum()
    }

    /// The mesh of some of a layer's cells, `cells` (the layer's numbers, in the order the
    /// hexagons were built from), numbered as the layer's.
    pub fn renumbered(mut self, cells: &[u32]) -> Self {
        for (cell, _) in self.chunks.iter_mut().flat_map(|chunk| &mut chunk.cell_runs) {
            *cell = cells.get(*cell as usize).copied().unwrap_or(u32::MAX);
        }
        self
    }

    /// The hexagons, each a fan of triangles (H3 cells are convex, and stay so in
    /// Mercator; cells around a pole, whose rings run along the map's edge, are ear-clipped),
    /// grouped in chunks by where the cell starts.
    pub fn of_hexagons(layer: &HexLayer) -> Self {
        let mut earcut = Earcut::<f64>::new();
        let mut chunk_of_square: rustc_hash::FxHashMap<(i64, i64), usize> = Default::default();
        let mut chunks: Vec<MeshChunk> = Vec::new();
        for (slot, cell) in layer.cells.iter().enumerate() {
            let Some(start) = cell.ring.first() else { continue };
            let square = ((start.x / CHUNK_WORLD).floor() as i64, (start.y / CHUNK_WORLD).floor() as i64);
            let index = *chunk_of_square.entry(square).or_insert_with(|| {
                let origin = WorldPoint::new(square.0 as f64 * CHUNK_WORLD, square.1 as f64 * CHUNK_WORLD);
                chunks.push(MeshChunk::new(origin));
                chunks.len() - 1
            });
            let chunk = &mut chunks[index];
            let first = chunk.push_ring(&cell.ring);
            chunk.cell_runs.push((slot as u32, cell.ring.len() as u32));
            if cell.around_pole {
                chunk.push_ear_clipped(&mut earcut, cell.ring.iter(), first, &[]);
            } else {
                for corner in 1..cell.ring.len().saturating_sub(1) as u32 {
                    chunk.triangles.extend_from_slice(&[first, first + corner, first + corner + 1]);
                }
            }
        }
        Self { chunks }
    }

    /// A track: each segment a quad whose two sides the renderer pushes apart by the line's
    /// width, so lines stay as wide in pixels at every zoom; [`MeshChunk::cell_runs`] name
    /// segments (in [`TrackLayer::segment_bands`]' order), four vertices each.
    pub fn of_track(track: &TrackLayer) -> Self {
        const SEGMENTS_PER_CHUNK: usize = 512;
        let mut chunks: Vec<MeshChunk> = Vec::new();
        let mut segment = 0_u32;
        for piece in &track.pieces {
            for part in piece.windows(2).collect::<Vec<_>>().chunks(SEGMENTS_PER_CHUNK) {
                let mut chunk = MeshChunk::new(part[0][0]);
                for pair in part {
                    chunk.push_segment(pair[0], pair[1], segment);
                    segment += 1;
                }
                chunks.push(chunk);
            }
        }
        Self { chunks }
    }

    /// Polygons' rings as lines only (country borders): one chunk per polygon.
    pub fn of_outlines(basemap: &Basemap) -> Self {
        let chunks = basemap
            .polygons
            .iter()
            .filter_map(|polygon| {
                let mut chunk = MeshChunk::new(polygon.first()?.bounds.min);
                for ring in polygon {
                    let first = chunk.push_ring(&ring.points);
                    chunk.push_outline(first, ring.points.len() as u32);
                }
                Some(chunk)
            })
            .collect();
        Self { chunks }
    }

    /// The land: one chunk per polygon (holes included), triangulated by ear clipping, with
    /// its rings as outlines (the coast).
    pub fn of_land(basemap: &Basemap) -> Self {
        let mut earcut = Earcut::<f64>::new();
        let chunks = basemap
            .polygons
            .iter()
            .filter_map(|polygon| {
                let outline = polygon.first()?;
                let mut chunk = MeshChunk::new(outline.bounds.min);
                let mut hole_starts: Vec<u32> = Vec::new();
                for ring in polygon {
                    let first = chunk.push_ring(&ring.points);
                    if first > 0 {
                        hole_starts.push(first);
                    }
                    chunk.push_outline(first, ring.points.len() as u32);
                }
                chunk.push_ear_clipped(
                    &mut earcut,
                    polygon.iter().flat_map(|ring| &ring.points),
                    0,
                    &hole_starts,
                );
                Some(chunk)
            })
            .collect();
        Self { chunks }
    }
}

#[cfg(test)]
mod tests {
    use h3o::{CellIndex, LatLng, Resolution};

    use super::*;
    use crate::map::basemap::Ring;
    use crate::map::hexagons::HexCell;

    fn cell_at(lat: f64, lon: f64) -> CellIndex {
        LatLng::new(lat, lon).expect("valid").to_cell(Resolution::Five)
    }

    #[test]
    fn hexagons_become_fans_that_return_to_their_world_positions() {
        let layer = HexLayer::new([cell_at(39.4991, -119.7681), cell_at(-33.9, 151.2)]);
        let mesh = Mesh::of_hexagons(&layer);
        assert_eq!(mesh.chunks.len(), 2, "cells far apart fall in different chunks");
        assert_eq!(mesh.triangles(), 8, "4 triangles per hexagon");
        for (slot, (chunk, cell)) in mesh.chunks.iter().zip(&layer.cells).enumerate() {
            assert_eq!(chunk.cell_runs, vec![(slot as u32, 6)]);
            assert_eq!(vertex_classes(&chunk.cell_runs, &[3, 5]), vec![[3, 5][slot]; 6]);
            for (xy, world) in chunk.positions.chunks_exact(2).zip(&cell.ring) {
                let x = chunk.origin.x + f64::from(xy[0]);
                let y = chunk.origin.y + f64::from(xy[1]);
                // f32 relative to a chunk's origin: within 1e-9 world units (0.3 px at zoom 20).
                assert!((x - world.x).abs() < 1e-9 && (y - world.y).abs() < 1e-9, "{x} {y} {world:?}");
            }
        }
    }

    #[test]
    fn cells_as_points_sit_at_their_centres_with_their_width() {
        let layer = HexLayer::new([cell_at(39.4991, -119.7681), cell_at(39.6, -119.6)]);
        let mesh = Mesh::of_hexagons(&layer);
        let chunk = &mesh.chunks[0];
        assert_eq!(chunk.cell_runs.len(), 2, "neighbours share a chunk");
        let points = CellPoints::of(chunk);
        for (centre, cell) in points.centres.chunks_exact(2).zip(&layer.cells) {
            let mean = |axis: fn(&WorldPoint) -> f64| cell.ring.iter().map(axis).sum::<f64>() / 6.0;
            assert!((chunk.origin.x + f64::from(centre[0]) - mean(|p| p.x)).abs() < 1e-9);
            assert!((chunk.origin.y + f64::from(centre[1]) - mean(|p| p.y)).abs() < 1e-9);
        }
        let width = |cell: &HexCell| {
            let xs = cell.ring.iter().map(|p| p.x);
            xs.clone().fold(f64::MIN, f64::max) - xs.fold(f64::MAX, f64::min)
        };
        let expected = layer.cells.iter().map(width).sum::<f64>() / 2.0;
        assert!((points.mean_width - expected).abs() < 1e-9, "{} {expected}", points.mean_width);
    }

    /// Signed areas of the triangles of a one-cell mesh, in world units squared.
    fn triangle_areas(chunk: &MeshChunk) -> Vec<f64> {
        let vertex = |index: u32| {
            let at = index as usize * 2;
            (f64::from(chunk.positions[at]), f64::from(chunk.positions[at + 1]))
        };
        chunk
            .triangles
            .chunks_exact(3)
            .map(|t| {
                let (a, b, c) = (vertex(t[0]), vertex(t[1]), vertex(t[2]));
                ((b.0 - a.0) * (c.1 - a.1) - (c.0 - a.0) * (b.1 - a.1)) / 2.0
            })
            .collect()
    }

    fn ring_area(ring: &[WorldPoint]) -> f64 {
        let n = ring.len();
        (0..n).map(|i| ring[i].x * ring[(i + 1) % n].y - ring[(i + 1) % n].x * ring[i].y).sum::<f64>() / 2.0
    }

    fn one_cell_mesh(cell: CellIndex) -> (HexLayer, Mesh) {
        let layer = HexLayer::new([cell]);
        let mesh = Mesh::of_hexagons(&layer);
        (layer, mesh)
    }

    /// The mesh covers the cell's ring exactly: triangles of one orientation whose areas
    /// add up to the ring's.
    fn assert_covers_its_ring(cell: CellIndex) {
        let (_, mesh) = one_cell_mesh(cell);
        let chunk = &mesh.chunks[0];
        let areas = triangle_areas(chunk);
        // The ring as the mesh holds it (f32 from the chunk's origin), so only the
        // triangulation is compared.
        let vertices: Vec<WorldPoint> = chunk
            .positions
            .chunks_exact(2)
            .map(|xy| WorldPoint::new(f64::from(xy[0]), f64::from(xy[1])))
            .collect();
        let ring = ring_area(&vertices).abs();
        let sign = areas.iter().sum::<f64>().signum();
        assert!(areas.iter().all(|area| area * sign >= 0.0), "{cell}: triangles fold over");
        let total = areas.iter().sum::<f64>().abs();
        assert!((total - ring).abs() <= ring * 1e-9, "{cell}: {total} against the ring's {ring}");
    }

    #[test]
    fn the_twelve_pentagons_are_drawn_whole_at_every_resolution() {
        for resolution in Resolution::range(Resolution::Zero, Resolution::Fifteen) {
            let pentagons: Vec<CellIndex> = resolution.pentagons().collect();
            assert_eq!(pentagons.len(), 12);
            pentagons.into_iter().for_each(assert_covers_its_ring);
        }
    }

    #[test]
    fn cells_around_the_poles_fill_to_the_edge_of_the_map() {
        for resolution in Resolution::range(Resolution::Zero, Resolution::Five) {
            for (lat, edge_y) in [(90.0, 0.0), (-90.0, 1.0)] {
                let cell = LatLng::new(lat, 0.0).expect("pole").to_cell(resolution);
                assert_covers_its_ring(cell);
                let (layer, _) = one_cell_mesh(cell);
                let hex = &layer.cells[0];
                assert!(hex.around_pole);
                let width = hex.bounds.max.x - hex.bounds.min.x;
                // One world where the cell stays inside the map all round, less where its
                // boundary passes beyond the Mercator limit.
                assert!(width > 0.0 && width < 1.0 + 1e-12, "{cell} spans up to one world: {width}");
                let reaches = if edge_y == 0.0 { hex.bounds.min.y } else { hex.bounds.max.y };
                assert!((reaches - edge_y).abs() < 1e-12, "{cell} reaches the map's edge: {reaches}");
            }
        }
    }

    #[test]
    fn neighbours_across_the_antimeridian_share_their_edges() {
        let centre = LatLng::new(0.0, 179.9).expect("valid").to_cell(Resolution::Three);
        let cells: Vec<CellIndex> = centre.grid_disk(2);
        let rings: Vec<Vec<WorldPoint>> =
            cells.iter().map(|&cell| crate::map::hexagons::cell_ring(cell)).collect();
        let xs: Vec<f64> = rings.iter().flatten().map(|point| point.x).collect();
        assert!(
            xs.iter().any(|&x| x > 1.0) || xs.iter().any(|&x| x < 0.0),
            "the disc crosses the antimeridian"
        );
        let mut pairs = 0;
        for (a, ring_a) in cells.iter().zip(&rings) {
            for (b, ring_b) in cells.iter().zip(&rings) {
                if !a.is_neighbor_with(*b).unwrap_or(false) {
                    continue;
                }
                let shared = ring_a
                    .iter()
                    .filter(|p| {
                        ring_b.iter().any(|q| {
                            let dx = p.x - q.x;
                            (dx - dx.round()).abs() < 1e-12 && (p.y - q.y).abs() < 1e-12
                        })
                    })
                    .count();
                assert_eq!(shared, 2, "{a} and {b} share an edge (modulo one world)");
                pairs += 1;
            }
        }
        assert!(pairs > 50, "{pairs} neighbour pairs");
    }

    #[test]
    fn a_track_becomes_quads_that_name_their_segments() {
        use crate::engine::inspect::TrackPoint;
        let at = |lat, lon| TrackPoint { lat, lon, time_ms: None, alt_ft: None };
        let track = TrackLayer::new(&[
            vec![at(10.0, 20.0), at(10.0, 20.0), at(11.0, 20.0)],
            vec![at(0.0, 0.0), at(0.0, 1.0)],
        ]);
        let mesh = Mesh::of_track(&track);
        assert_eq!(track.segment_bands.len(), 3);
        // The repeated point's segment has no length and no quad; the others keep their numbers.
        let runs: Vec<(u32, u32)> = mesh.chunks.iter().flat_map(|chunk| chunk.cell_runs.clone()).collect();
        assert_eq!(runs, vec![(1, 4), (2, 4)]);
        let chunk = &mesh.chunks[1];
        assert_eq!(
            chunk.offsets,
            vec![-0.0, 1.0, 0.0, -1.0, -0.0, 1.0, 0.0, -1.0],
            "east-going: normals north-south"
        );
        assert_eq!(chunk.triangles, vec![0, 1, 2, 1, 3, 2]);
        assert_eq!(chunk.offsets.len(), chunk.positions.len());
    }

    #[test]
    fn points_of_slices_join_and_a_chunks_triangles_come_back_numbered_as_the_layer() {
        let cells =
            [cell_at(39.4991, -119.7681), cell_at(-33.9, 151.2), cell_at(51.5, -0.1), cell_at(39.6, -119.6)];
        let points_of = |cells: &[CellIndex]| -> Vec<CellPoints> {
            Mesh::of_hexagons(&HexLayer::new(cells.iter().copied()))
                .chunks
                .iter()
                .map(CellPoints::of)
                .collect()
        };
        let whole = points_of(&cells);
        let joined = CellPoints::joined([(0, points_of(&cells[..1])), (1, points_of(&cells[1..]))]);
        let mut numbers: Vec<Vec<u32>> = joined.iter().map(|chunk| chunk.cells.clone()).collect();
        numbers.sort();
        assert_eq!(numbers, vec![vec![0], vec![1], vec![2], vec![3]], "Reno's two cells: one per slice");
        assert_eq!(
            whole.iter().map(|chunk| chunk.cells.clone()).collect::<Vec<_>>(),
            vec![vec![0, 3], vec![1], vec![2]]
        );
        // A chunk's triangles, asked for by its cells, name the layer's cells.
        let reno = &whole[0];
        let asked: Vec<CellIndex> = reno.cells.iter().map(|&cell| cells[cell as usize]).collect();
        let triangles = Mesh::of_hexagons(&HexLayer::new(asked)).renumbered(&reno.cells);
        assert_eq!(triangles.chunks.len(), 1, "cells of one chunk stay in one chunk");
        let whole_mesh = Mesh::of_hexagons(&HexLayer::new(cells));
        assert_eq!(triangles.chunks[0], whole_mesh.chunks[0]);
        assert_eq!(CellPoints::of(&triangles.chunks[0]), *reno);
    }

    #[test]
    fn land_with_a_hole_is_triangulated_around_it() {
        let square = |min: f64, max: f64| {
            let points = vec![
                WorldPoint::new(min, min),
                WorldPoint::new(max, min),
                WorldPoint::new(max, max),
                WorldPoint::new(min, max),
            ];
            Ring { bounds: WorldBounds::around(points.iter().copied()).expect("points"), points }
        };
        let basemap = Basemap { polygons: vec![vec![square(0.2, 0.4), square(0.25, 0.35)]] };
        let mesh = Mesh::of_land(&basemap);
        let chunk = &mesh.chunks[0];
        assert_eq!(chunk.vertices(), 8);
        assert_eq!(chunk.outlines.len(), 16, "both rings outlined");
        // Area of the triangles = outer square less the hole.
        let vertex = |index: u32| {
            let at = index as usize * 2;
            (f64::from(chunk.positions[at]), f64::from(chunk.positions[at + 1]))
        };
        let area: f64 = chunk
            .triangles
            .chunks_exact(3)
            .map(|t| {
                let (a, b, c) = (vertex(t[0]), vertex(t[1]), vertex(t[2]));
                ((b.0 - a.0) * (c.1 - a.1) - (c.0 - a.0) * (b.1 - a.1)).abs() / 2.0
            })
            .sum();
        assert!((area - (0.04 - 0.01)).abs() < 1e-6, "{area}");
        let borders = Mesh::of_outlines(&basemap);
        assert_eq!(borders.chunks[0].outlines, chunk.outlines, "the same rings as lines");
        assert!(borders.chunks[0].triangles.is_empty());
    }
}
