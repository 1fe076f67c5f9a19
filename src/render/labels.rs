//! Airport labels on a 2D canvas laid over the map (text is what a 2D canvas does well):
//! a dot at the airport, its code (and name, closer in) beside it on a halo.

use skyhex_core::map::airports::{LABEL_GAP_PX, Label};
use skyhex_core::map::camera::Camera;
use web_sys::CanvasRenderingContext2d;

use super::style::BasemapColours;

const FONT: &str = "12px system-ui, sans-serif";
const MINOR_FONT: &str = "11px system-ui, sans-serif";
const DOT_RADIUS_PX: f64 = 2.5;

/// Clears the overlay and draws `labels`. `pixel_ratio`: device pixels per CSS pixel.
pub fn draw_labels(
    context: &CanvasRenderingContext2d,
    camera: &Camera,
    pixel_ratio: f64,
    labels: &[Label],
    colours: &BasemapColours,
) {
    let _ = context.set_transform(pixel_ratio, 0.0, 0.0, pixel_ratio, 0.0, 0.0);
    context.clear_rect(0.0, 0.0, camera.viewport_px.x, camera.viewport_px.y);
    context.set_line_join("round");
    context.set_text_baseline("middle");
    for label in labels {
        context.begin_path();
        let _ = context.arc(label.at.x, label.at.y, DOT_RADIUS_PX, 0.0, std::f64::consts::TAU);
        context.set_fill_style_str(colours.label);
        context.fill();
        context.set_stroke_style_str(colours.label_halo);
        context.set_line_width(1.5);
        context.stroke();
        context.set_font(if label.major { FONT } else { MINOR_FONT });
        let x = label.at.x + LABEL_GAP_PX;
        context.set_line_width(3.0);
        let _ = context.stroke_text(&label.text, x, label.at.y);
        context.set_fill_style_str(if label.major { colours.label } else { colours.minor_label });
        let _ = context.fill_text(&label.text, x, label.at.y);
    }
}
