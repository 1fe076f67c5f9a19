//! Drawing the map. Geometry comes ready from `skyhex_core::map`; this module only turns
//! world coordinates into pixels on a canvas.

mod canvas2d;

pub use canvas2d::{MapLayers, draw_map};
