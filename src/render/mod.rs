//! Drawing the map. Geometry comes ready from `skyhex_core::map`; this module only turns
//! world coordinates into pixels: with WebGL2 (`webgl.rs`), or on a 2D canvas
//! (`canvas2d.rs`) where WebGL2 is missing; a user's raster tiles go under the hexagons
//! (`tiles.rs`, WebGL2 only); airport labels go on a 2D canvas laid over it (`labels.rs`);
//! `png.rs` makes the picture to download.

mod canvas2d;
mod cell_pixels;
mod labels;
mod png;
mod tiles;
mod webgl;

use std::rc::Rc;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use skyhex_core::density::Density;
use skyhex_core::map::basemap::WorldAtlas;
use skyhex_core::map::camera::Camera;
use skyhex_core::map::colour::CellColours;
use skyhex_core::map::mercator::WorldBounds;
use skyhex_core::map::mesh::{CellPoints, Mesh};
use skyhex_core::map::track::{TRACK_BANDS, TrackLayer};

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use webgl::GlMap;

pub use labels::draw_labels;
pub use png::{LegendRow, map_png};
pub use tiles::TileCounts;

/// The density layer's hexagons, and the density they are the cells of (in its cells'
/// order: the colours must come from the same density). The page holds every chunk's cells
/// as points, a twelfth of their mesh; the triangles of a chunk come from the workers only
/// once it is drawn wide enough to need them ([`Hexagons::ask`]), and a WebGL map takes them
/// onto the GPU. A day at res 6 on a world map needs none of its 11 M triangles.
#[derive(Debug, Default)]
pub struct Hexagons {
    pub points: Vec<CellPoints>,
    /// Where each chunk's triangles are.
    triangles: Mutex<Vec<Triangles>>,
    pub bounds: Option<WorldBounds>,
    pub density: Arc<Density>,
}

#[derive(Debug)]
enum Triangles {
    Missing,
    /// Asked of the workers (and left so if they failed: not asked again).
    Asked,
    Here(Mesh),
    /// On a GPU; a lost context asks again.
    Taken,
}

impl Hexagons {
    pub fn new(points: Vec<CellPoints>, density: Arc<Density>) -> Self {
        let bounds = points.iter().map(|chunk| chunk.bounds).reduce(WorldBounds::union);
        let triangles = Mutex::new(points.iter().map(|_| Triangles::Missing).collect());
        Self { points, triangles, bounds, density }
    }

    fn triangles(&self) -> MutexGuard<'_, Vec<Triangles>> {
        self.triangles.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Of `chunks`, those whose triangles are neither here nor asked for, now marked asked,
    /// each with its cells to build them from.
    pub fn ask(&self, chunks: &[usize]) -> Vec<(usize, Vec<u64>)> {
        let mut triangles = self.triangles();
        let mut asked = Vec::new();
        for &chunk in chunks {
            if let Some(state @ (Triangles::Missing | Triangles::Taken)) = triangles.get_mut(chunk) {
                *state = Triangles::Asked;
                asked.push((chunk, self.cells_of(chunk)));
            }
        }
        asked
    }

    fn cells_of(&self, chunk: usize) -> Vec<u64> {
        let cells = self.points.get(chunk).map_or(&[][..], |points| &points.cells);
        cells
            .iter()
            .filter_map(|&cell| self.density.cells.get(cell as usize))
            .map(|cell| u64::from(cell.cell))
            .collect()
    }

    /// The triangles of `chunk` have come (built from its cells in [`Hexagons::ask`]'s order).
    pub fn arrived(&self, chunk: usize, mesh: Mesh) {
        let Some(points) = self.points.get(chunk) else { return };
        if let Some(state) = self.triangles().get_mut(chunk) {
            *state = Triangles::Here(mesh.renumbered(&points.cells));
        }
    }

    /// The triangles of `chunk`, if here, for a GPU (the page keeps none of them then).
    fn take_triangles(&self, chunk: usize) -> Option<Mesh> {
        let mut triangles = self.triangles();
        let state = triangles.get_mut(chunk)?;
        match std::mem::replace(state, Triangles::Taken) {
            Triangles::Here(mesh) => Some(mesh),
            other => {
                *state = other;
                None
            }
        }
    }

    /// Draws with the triangles of `chunk` if they are here; whether they were.
    fn with_triangles(&self, chunk: usize, draw: impl FnOnce(&Mesh)) -> bool {
        match self.triangles().get(chunk) {
            Some(Triangles::Here(mesh)) => {
                draw(mesh);
                true
            }
            _ => false,
        }
    }
}

/// What to draw.
#[derive(Debug, Clone, Copy)]
pub struct MapLayers<'a> {
    pub coarse_basemap: Option<&'a Arc<WorldAtlas>>,
    pub detailed_basemap: Option<&'a Arc<WorldAtlas>>,
    pub hexagons: &'a Arc<Hexagons>,
    /// The class of each of `hexagons`' cells, and the scale's colours.
    pub colours: &'a Arc<CellColours>,
    /// Of the hexagons, 0 to 1.
    pub opacity: f64,
    /// All traffic, thinned, drawn over the hexagons.
    pub traffic: Option<&'a Arc<TrackLayer>>,
    /// An aircraft's track, drawn over everything.
    pub track: Option<&'a Arc<TrackLayer>>,
    pub basemap_colours: &'static style::BasemapColours,
}

/// The renderer of one canvas.
#[derive(Debug)]
pub enum MapRenderer {
    WebGl(Box<GlMap>),
    /// Where WebGL2 is missing; says why.
    Canvas2d {
        context: CanvasRenderingContext2d,
        why: String,
    },
}

impl MapRenderer {
    /// WebGL2 where the browser has it, else a 2D canvas; `None` when the canvas gives
    /// neither.
    pub fn on(canvas: &HtmlCanvasElement) -> Option<Self> {
        match GlMap::new(canvas) {
            Ok(map) => Some(Self::WebGl(Box::new(map))),
            Err(why) => {
                let context = canvas.get_context("2d").ok().flatten()?.dyn_into().ok()?;
                Some(Self::Canvas2d { context, why })
            }
        }
    }

    /// Draws the whole map. `pixel_ratio` is the canvas' device pixels per CSS pixel.
    /// Returns the hexagon chunks it would draw as triangles once they are here
    /// ([`Hexagons::ask`]).
    pub fn draw(&mut self, camera: &Camera, pixel_ratio: f64, layers: &MapLayers<'_>) -> Vec<usize> {
        match self {
            Self::WebGl(map) => map.draw(camera, pixel_ratio, layers),
            Self::Canvas2d { context, .. } => canvas2d::draw_map(context, camera, pixel_ratio, layers),
        }
    }

    /// Raster tiles from a URL template under the hexagons (`None`: none), with WebGL2 only.
    pub fn set_tiles(
        &mut self,
        template: Option<&str>,
        on_change: &Rc<dyn Fn(TileCounts)>,
    ) -> Result<(), String> {
        match (self, template) {
            (Self::WebGl(map), _) => map.set_tiles(template, on_change),
            (Self::Canvas2d { .. }, None) => Ok(()),
            (Self::Canvas2d { .. }, Some(_)) => Err("raster tiles need WebGL2".to_owned()),
        }
    }

    /// Why the map is not drawn with WebGL2, if it is not.
    pub fn fallback_reason(&self) -> Option<&str> {
        match self {
            Self::WebGl(_) => None,
            Self::Canvas2d { why, .. } => Some(why),
        }
    }
}

/// The map's colours, shared by both renderers.
pub mod style {
    /// The basemap's colours in one theme, and its airport labels' (CSS colours).
    #[derive(Debug, PartialEq, Eq)]
    pub struct BasemapColours {
        pub ocean: [u8; 3],
        pub land: [u8; 3],
        pub coastline: [u8; 3],
        pub border: [u8; 3],
        pub label: &'static str,
        pub minor_label: &'static str,
        pub label_halo: &'static str,
    }

    /// The default: dark, so the hexagons' ramps glow over it.
    pub const DARK: BasemapColours = BasemapColours {
        ocean: [0x0b, 0x12, 0x20],
        land: [0x1e, 0x29, 0x3b],
        coastline: [0x33, 0x41, 0x55],
        border: [0x3b, 0x4a, 0x60],
        label: "#e2e8f0",
        minor_label: "#cbd5e1",
        label_halo: "rgba(2, 6, 23, 0.9)",
    };
    /// For print and bright rooms: pale land on a pale blue sea.
    pub const LIGHT: BasemapColours = BasemapColours {
        ocean: [0xd6, 0xe4, 0xf0],
        land: [0xf4, 0xf1, 0xea],
        coastline: [0xa8, 0xb4, 0xc2],
        border: [0xc4, 0xbc, 0xb0],
        label: "#0f172a",
        minor_label: "#334155",
        label_halo: "rgba(255, 255, 255, 0.9)",
    };
    /// A track's colours by altitude band (on the ground or unknown first), light to bright
    /// as it climbs, apart from the hexagons' ramps; drawn on a dark casing.
    pub const TRACK_COLOURS: [[u8; 3]; super::TRACK_BANDS] = [
        [0x94, 0xa3, 0xb8],
        [0x2d, 0xd4, 0xbf],
        [0x22, 0xd3, 0xee],
        [0x38, 0xbd, 0xf8],
        [0x60, 0xa5, 0xfa],
        [0x81, 0x8c, 0xf8],
        [0xc0, 0x84, 0xfc],
        [0xf0, 0xab, 0xfc],
    ];
    pub const TRACK_CASING: [u8; 3] = [0x02, 0x06, 0x17];

    /// How lines of a track-like layer are drawn.
    #[derive(Debug)]
    pub struct LineStyle {
        pub width_px: f64,
        /// A dark edge each side, so the line reads over any colour.
        pub casing: bool,
        pub alpha: f64,
    }

    /// The aircraft the user opened.
    pub const TRACK: LineStyle = LineStyle { width_px: 3.0, casing: true, alpha: 1.0 };
    /// All traffic: thin and see-through, many lines crossing.
    pub const TRAFFIC: LineStyle = LineStyle { width_px: 1.25, casing: false, alpha: 0.7 };
    /// From this zoom on the detailed basemap is drawn.
    pub const DETAILED_BASEMAP_FROM_ZOOM: f64 = 3.5;
}

/// A colour as CSS (`rgb(r,g,b)`).
pub fn css_rgb([r, g, b]: [u8; 3]) -> String {
    format!("rgb({r},{g},{b})")
}

/// The basemap to draw at `zoom`: the detailed one when zoomed in, else the coarse one
/// (it has a tenth of the vertices); whichever has arrived when the other has not.
fn basemap_for_zoom<T>(zoom: f64, coarse: Option<T>, detailed: Option<T>) -> Option<T> {
    if zoom < style::DETAILED_BASEMAP_FROM_ZOOM { coarse.or(detailed) } else { detailed.or(coarse) }
}

/// The horizontal world copies (x offsets) that the viewport shows, so panning past the
/// antimeridian shows the world again.
fn world_copies(camera: &Camera) -> impl Iterator<Item = f64> {
    let visible = camera.visible_bounds();
    let first = visible.min.x.floor() as i64;
    let last = visible.max.x.floor() as i64;
    (first..=last).map(|copy| copy as f64)
}
