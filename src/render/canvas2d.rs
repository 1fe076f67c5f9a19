//! The map on a 2D canvas: ocean, land, then the hexagons, one path per colour class.
//! Vertices are projected to screen pixels in f64 each frame, so deep zoom stays exact.

use skyhex_core::map::basemap::{Basemap, Ring, WorldAtlas};
use skyhex_core::map::camera::Camera;
use skyhex_core::map::colour::{CellColours, NO_CLASS};
use skyhex_core::map::mercator::WorldPoint;
use skyhex_core::map::mesh::Mesh;
use skyhex_core::map::track::TrackLayer;
use web_sys::{CanvasRenderingContext2d, Path2d};

use super::style::BasemapColours;
use super::{MapLayers, basemap_for_zoom, css_rgb, style, world_copies};

/// Draws the whole map. `pixel_ratio` is the canvas' device pixels per CSS pixel.
pub fn draw_map(
    context: &CanvasRenderingContext2d,
    camera: &Camera,
    pixel_ratio: f64,
    layers: &MapLayers<'_>,
) -> Vec<usize> {
    let _ = context.set_transform(pixel_ratio, 0.0, 0.0, pixel_ratio, 0.0, 0.0);
    context.set_fill_style_str(&css_rgb(layers.basemap_colours.ocean));
    context.fill_rect(0.0, 0.0, camera.viewport_px.x, camera.viewport_px.y);
    let basemap = basemap_for_zoom(camera.zoom, layers.coarse_basemap, layers.detailed_basemap);
    let mut wanted = Vec::new();
    for offset in world_copies(camera) {
        if let Some(basemap) = basemap {
            draw_land(context, camera, offset, basemap, layers.basemap_colours);
        }
        wanted.extend(draw_hexagons(context, camera, offset, layers));
        if let Some(traffic) = layers.traffic {
            draw_lines(context, camera, offset, traffic, &style::TRAFFIC);
        }
        if let Some(track) = layers.track {
            draw_lines(context, camera, offset, track, &style::TRACK);
        }
    }
    context.set_global_alpha(1.0);
    wanted
}

/// Lines of a track-like layer: a dark casing (when the style has one), then each segment
/// in its altitude colour.
fn draw_lines(
    context: &CanvasRenderingContext2d,
    camera: &Camera,
    offset: f64,
    track: &TrackLayer,
    line: &style::LineStyle,
) {
    let screen = |point: &WorldPoint| camera.screen_from_world(WorldPoint::new(point.x + offset, point.y));
    context.set_global_alpha(line.alpha);
    context.set_line_cap("round");
    context.set_line_join("round");
    if line.casing {
        context.set_stroke_style_str(&css_rgb(style::TRACK_CASING));
        context.set_line_width(line.width_px + 2.0);
        for piece in &track.pieces {
            context.begin_path();
            for (index, point) in piece.iter().map(screen).enumerate() {
                if index == 0 { context.move_to(point.x, point.y) } else { context.line_to(point.x, point.y) }
            }
            context.stroke();
        }
    }
    context.set_line_width(line.width_px);
    let segments = track.pieces.iter().flat_map(|piece| piece.windows(2));
    for (pair, &band) in segments.zip(&track.segment_bands) {
        let (from, to) = (screen(&pair[0]), screen(&pair[1]));
        context.set_stroke_style_str(&css_rgb(style::TRACK_COLOURS[usize::from(band)]));
        context.begin_path();
        context.move_to(from.x, from.y);
        context.line_to(to.x, to.y);
        context.stroke();
    }
}

fn trace_ring(path: &Path2d, camera: &Camera, offset: f64, ring: &[WorldPoint]) {
    for (index, point) in ring.iter().enumerate() {
        let screen = camera.screen_from_world(WorldPoint::new(point.x + offset, point.y));
        if index == 0 {
            path.move_to(screen.x, screen.y);
        } else {
            path.line_to(screen.x, screen.y);
        }
    }
    path.close_path();
}

/// The land filled and outlined, then the countries' borders.
fn draw_land(
    context: &CanvasRenderingContext2d,
    camera: &Camera,
    offset: f64,
    atlas: &WorldAtlas,
    colours: &BasemapColours,
) {
    let (Some(land_path), Some(border_path)) =
        (rings_path(camera, offset, &atlas.land), rings_path(camera, offset, &atlas.countries))
    else {
        return;
    };
    context.set_global_alpha(1.0);
    context.set_fill_style_str(&css_rgb(colours.land));
    context.fill_with_path_2d_and_winding(&land_path, web_sys::CanvasWindingRule::Evenodd);
    context.set_line_width(0.75);
    context.set_stroke_style_str(&css_rgb(colours.coastline));
    context.stroke_with_path(&land_path);
    context.set_stroke_style_str(&css_rgb(colours.border));
    context.stroke_with_path(&border_path);
}

/// The rings of the polygons in view as one path.
fn rings_path(camera: &Camera, offset: f64, basemap: &Basemap) -> Option<Path2d> {
    let path = Path2d::new().ok()?;
    let visible = camera.visible_bounds();
    for polygon in &basemap.polygons {
        let Some(outline) = polygon.first() else { continue };
        if !outline.bounds.shifted_x(offset).intersects(&visible) {
            continue;
        }
        for Ring { points, .. } in polygon {
            trace_ring(&path, camera, offset, points);
        }
    }
    Some(path)
}

/// The hexagons from their mesh, each cell's vertices its ring; returns the visible chunks
/// whose mesh is not here yet.
fn draw_hexagons(
    context: &CanvasRenderingContext2d,
    camera: &Camera,
    offset: f64,
    layers: &MapLayers<'_>,
) -> Vec<usize> {
    if layers.opacity <= 0.0 {
        return Vec::new();
    }
    let visible = camera.visible_bounds();
    let classes = &layers.colours.scale.classes;
    let paths: Vec<Path2d> = classes.iter().filter_map(|_| Path2d::new().ok()).collect();
    if paths.len() != classes.len() {
        return Vec::new();
    }
    let hexagons = layers.hexagons;
    let shown = hexagons
        .points
        .iter()
        .enumerate()
        .filter(|(_, points)| points.bounds.shifted_x(offset).intersects(&visible));
    let wanted = shown
        .filter(|&(index, _)| {
            !hexagons.with_triangles(index, |mesh| trace_cells(&paths, camera, offset, mesh, layers.colours))
        })
        .map(|(index, _)| index)
        .collect();
    context.set_global_alpha(layers.opacity);
    for (path, class) in paths.iter().zip(classes) {
        context.set_fill_style_str(&css_rgb(class.colour));
        context.fill_with_path_2d(path);
    }
    wanted
}

/// Adds each cell of `mesh` to the path of its class.
fn trace_cells(paths: &[Path2d], camera: &Camera, offset: f64, mesh: &Mesh, colours: &CellColours) {
    let mut ring: Vec<WorldPoint> = Vec::new();
    for chunk in &mesh.chunks {
        let mut vertex = 0;
        for &(cell, vertices) in &chunk.cell_runs {
            let class = colours.classes.get(cell as usize).copied().unwrap_or(NO_CLASS);
            let xy = &chunk.positions[vertex * 2..(vertex + vertices as usize) * 2];
            vertex += vertices as usize;
            if class == NO_CLASS {
                continue;
            }
            ring.clear();
            ring.extend(xy.chunks_exact(2).map(|xy| {
                WorldPoint::new(chunk.origin.x + f64::from(xy[0]), chunk.origin.y + f64::from(xy[1]))
            }));
            if let Some(path) = paths.get(usize::from(class)) {
                trace_ring(path, camera, offset, &ring);
            }
        }
    }
}
