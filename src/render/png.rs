//! The map as a PNG: the canvas as drawn, with the legend and the attribution painted on,
//! so the picture says what its colours count and where its data comes from.

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::css_rgb;
use crate::browser::js_error_message;

/// One row of the legend: a colour and what it stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendRow {
    pub colour: [u8; 3],
    pub range: String,
    pub cells: String,
}

const FONT: &str = "12px system-ui, sans-serif";
const PANEL: &str = "rgba(15, 23, 42, 0.95)";
const TEXT: &str = "#e2e8f0";
const MUTED: &str = "#94a3b8";
const PADDING_PX: f64 = 10.0;
const LINE_PX: f64 = 18.0;
const SWATCH_PX: (f64, f64) = (16.0, 11.0);

/// The map canvas (and the labels laid over it) with the legend (`title`, rows top class
/// first) at its bottom left and `attribution` at its bottom right, as a PNG data URL.
/// `pixel_ratio`: device pixels per CSS pixel of the map canvas.
pub fn map_png(
    map: &HtmlCanvasElement,
    labels: Option<&HtmlCanvasElement>,
    pixel_ratio: f64,
    title: &str,
    rows: &[LegendRow],
    attribution: &str,
) -> Result<String, String> {
    let document = web_sys::window().and_then(|window| window.document()).ok_or("no document")?;
    let picture: HtmlCanvasElement =
        document.create_element("canvas").map_err(|err| js_error_message(&err))?.unchecked_into();
    picture.set_width(map.width());
    picture.set_height(map.height());
    let context: CanvasRenderingContext2d = picture
        .get_context("2d")
        .map_err(|err| js_error_message(&err))?
        .ok_or("no 2D canvas to compose the picture")?
        .unchecked_into();
    for layer in std::iter::once(map).chain(labels) {
        context.draw_image_with_html_canvas_element(layer, 0.0, 0.0).map_err(|err| js_error_message(&err))?;
    }
    context.scale(pixel_ratio, pixel_ratio).map_err(|err| js_error_message(&err))?;
    context.set_font(FONT);
    let (width, height) = (f64::from(map.width()) / pixel_ratio, f64::from(map.height()) / pixel_ratio);
    if !rows.is_empty() {
        draw_legend(&context, height, title, rows)?;
    }
    draw_attribution(&context, width, height, attribution)?;
    picture.to_data_url_with_type("image/png").map_err(|err| js_error_message(&err))
}

fn text_width(context: &CanvasRenderingContext2d, text: &str) -> Result<f64, String> {
    context.measure_text(text).map(|metrics| metrics.width()).map_err(|err| js_error_message(&err))
}

fn draw_legend(
    context: &CanvasRenderingContext2d,
    height: f64,
    title: &str,
    rows: &[LegendRow],
) -> Result<(), String> {
    let range_width = rows
        .iter()
        .map(|row| text_width(context, &row.range))
        .try_fold(0.0, |max: f64, width| width.map(|w| max.max(w)))?;
    let cells_width = rows
        .iter()
        .map(|row| text_width(context, &row.cells))
        .try_fold(0.0, |max: f64, width| width.map(|w| max.max(w)))?;
    let row_width = SWATCH_PX.0 + 8.0 + range_width + 16.0 + cells_width;
    let box_width = row_width.max(text_width(context, title)?) + 2.0 * PADDING_PX;
    let box_height = (rows.len() + 1) as f64 * LINE_PX + 2.0 * PADDING_PX;
    let (left, top) = (12.0, height - 32.0 - box_height);
    context.set_fill_style_str(PANEL);
    context.fill_rect(left, top, box_width, box_height);
    context.set_text_baseline("middle");
    context.set_fill_style_str(MUTED);
    let mut y = top + PADDING_PX + LINE_PX / 2.0;
    context.fill_text(title, left + PADDING_PX, y).map_err(|err| js_error_message(&err))?;
    for row in rows {
        y += LINE_PX;
        context.set_fill_style_str(&css_rgb(row.colour));
        context.fill_rect(left + PADDING_PX, y - SWATCH_PX.1 / 2.0, SWATCH_PX.0, SWATCH_PX.1);
        context.set_fill_style_str(TEXT);
        let range_x = left + PADDING_PX + SWATCH_PX.0 + 8.0;
        context.fill_text(&row.range, range_x, y).map_err(|err| js_error_message(&err))?;
        context.set_fill_style_str(MUTED);
        let cells_x = left + box_width - PADDING_PX - text_width(context, &row.cells)?;
        context.fill_text(&row.cells, cells_x, y).map_err(|err| js_error_message(&err))?;
    }
    Ok(())
}

fn draw_attribution(
    context: &CanvasRenderingContext2d,
    width: f64,
    height: f64,
    attribution: &str,
) -> Result<(), String> {
    let text_px = text_width(context, attribution)?;
    let (box_width, box_height) = (text_px + 2.0 * 8.0, LINE_PX + 4.0);
    context.set_fill_style_str(PANEL);
    context.fill_rect(width - box_width, height - box_height, box_width, box_height);
    context.set_fill_style_str(MUTED);
    context.set_text_baseline("middle");
    context
        .fill_text(attribution, width - box_width + 8.0, height - box_height / 2.0)
        .map_err(|err| js_error_message(&err))
}
