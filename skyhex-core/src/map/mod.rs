//! Map geometry, free of any drawing API: Web Mercator, the camera, the basemap and its
//! airport labels, raster tiles, hexagon outlines, aircraft tracks and the colour scales. The app's renderer only turns these into pixels.

pub mod airports;
pub mod basemap;
pub mod camera;
pub mod cell_pixels;
pub mod colour;
pub mod hexagons;
pub mod mercator;
pub mod mesh;
pub mod tiles;
pub mod track;
