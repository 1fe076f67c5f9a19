//! The map: a canvas with pan and zoom by pointer, wheel, pinch and keyboard, airport
//! labels laid over it, the legend, the cell tooltip, the aircraft panel and the
//! attribution of what is drawn.

use std::rc::Rc;
use std::sync::Arc;

use gloo::timers::callback::Timeout;
use leptos::html;
use leptos::prelude::*;
use skyhex_core::density::CellStats;
use skyhex_core::map::airports::{self, Airports};
use skyhex_core::map::basemap::WorldAtlas;
use skyhex_core::map::camera::{Camera, Insets, ScreenPoint};
use skyhex_core::map::colour::CellColours;
use skyhex_core::map::mercator;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use super::cell_tooltip::{CellTooltip, cell_under};
use super::gestures::{Follow, Gestures};
use super::inspector::InspectorPanel;
use super::legend::{Legend, attribution, legend_rows, legend_title};
use super::map_data::{
    COARSE_BASEMAP_URL, DETAILED_BASEMAP_URL, build_hexagons, fetch_triangles, load_airports, load_basemap,
};
use crate::browser;
use crate::inspect::Inspector;
use crate::render::{Hexagons, MapLayers, MapRenderer, TileCounts, draw_labels, map_png, style};
use crate::state::{AppState, Theme};

/// The map's colours in `theme`.
fn basemap_colours(theme: Theme) -> &'static style::BasemapColours {
    match theme {
        Theme::Dark => &style::DARK,
        Theme::Light => &style::LIGHT,
    }
}

/// Pixels that arrow keys move the map.
const KEY_PAN_PX: f64 = 80.0;
/// Zoom levels per `+` or `-` key press.
const KEY_ZOOM_STEP: f64 = 0.5;
/// Zoom levels per pixel of wheel movement.
const WHEEL_ZOOM_PER_PX: f64 = 1.0 / 400.0;
/// Room kept free when fitting the data: the legend sits bottom left, the buttons top
/// right. Narrow screens keep a plain margin.
fn fit_insets(camera: &Camera) -> Insets {
    if camera.viewport_px.x < 720.0 {
        Insets::uniform(24.0)
    } else {
        Insets { top: 32.0, right: 64.0, bottom: 40.0, left: 250.0 }
    }
}

/// Room kept free when fitting a track: the aircraft panel sits on the right.
fn track_fit_insets(camera: &Camera) -> Insets {
    let insets = fit_insets(camera);
    if camera.viewport_px.x < 720.0 { insets } else { Insets { right: 400.0, ..insets } }
}

/// The pause after the camera's last move before the link's `view=` follows it.
const VIEW_URL_DELAY_MS: u32 = 300;

/// Where the camera looks, in the link's terms (longitude brought into [-180, 180)).
fn camera_view(camera: &Camera) -> browser::MapView {
    let (lat, lon) = camera.center_lat_lon();
    browser::MapView { lat, lon, zoom: camera.zoom }
}

/// `embed`: in a portal's iframe the map shows no inspector (the page has no side panel).
/// `start_view`: where the map looks first (a link's `view=`), instead of fitting the data.
#[component]
pub fn MapView(embed: bool, start_view: Option<browser::MapView>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let canvas_ref = NodeRef::<html::Canvas>::new();
    let labels_ref = NodeRef::<html::Canvas>::new();
    let camera = state.camera;
    let coarse_basemap = RwSignal::new(None::<Arc<WorldAtlas>>);
    let detailed_basemap = RwSignal::new(None::<Arc<WorldAtlas>>);
    load_basemap(COARSE_BASEMAP_URL, coarse_basemap);
    load_basemap(DETAILED_BASEMAP_URL, detailed_basemap);
    let hexagons = RwSignal::new(Arc::new(Hexagons::default()));
    let mesh_failure = RwSignal::new(None::<String>);
    build_hexagons(state, hexagons, mesh_failure);
    // Triangles of hexagon chunks drawn wide come from the workers; each arrival redraws.
    let triangles_arrived = Trigger::new();
    let inspector = expect_context::<Inspector>();
    let track = Memo::new(move |_| inspector.track_layer());
    let traffic = Memo::new(move |_| inspector.traffic_layer());
    // Colours are of the density the drawn hexagons belong to (the next may be on its way).
    let colours = Memo::new(move |_| {
        let metric = state.metric.get();
        Arc::new(hexagons.with(|hexagons| {
            state.colours.with(|settings| CellColours::new(&hexagons.density.cells, metric, settings))
        }))
    });

    // Fit the camera to the data once a load finishes (not when filters or playback change
    // what is shown: the user keeps their view); a link's view is kept for the first data.
    let fitted_version = StoredValue::new(None);
    let keep_start_view = StoredValue::new(start_view.is_some());
    if let Some(view) = start_view {
        camera.update(|camera| {
            camera.center = mercator::world_from_lat_lon(view.lat, view.lon);
            camera.zoom = view.zoom;
        });
    }
    Effect::new(move |_| {
        if state.progress.with(Option::is_some) {
            return;
        }
        // The hexagons drawn are those of the density shown (the next may be on its way).
        let current =
            hexagons.with(|hexagons| state.density.with(|density| Arc::ptr_eq(&hexagons.density, density)));
        let version = state.shown_data_version();
        let bounds = hexagons.with(|hexagons| hexagons.bounds);
        if current && bounds.is_some() && fitted_version.get_value() != version {
            fitted_version.set_value(version);
            if keep_start_view.get_value() {
                keep_start_view.set_value(false);
            } else if let Some(bounds) = bounds {
                camera.update(|camera| *camera = camera.fitted_to(bounds, fit_insets(camera)));
            }
        }
    });
    // The view goes into the link once the camera rests (a pan moves it every frame).
    let view_text = Memo::new(move |_| camera_view(&camera.get()).text());
    let url_timer = StoredValue::new_local(None::<Timeout>);
    Effect::new(move |_| {
        let text = view_text.get();
        let write = move || browser::set_url_params(&[("view", Some(text))]);
        url_timer.set_value(Some(Timeout::new(VIEW_URL_DELAY_MS, write)));
    });

    // Keep the canvas' pixel size equal to its CSS size times the device pixel ratio,
    // whatever changes that size: the window, the panels, the status bar's height.
    let resize = move || {
        let Some(canvas) = canvas_ref.get_untracked() else { return };
        let ratio = web_sys::window().map_or(1.0, |window| window.device_pixel_ratio());
        let (width, height) = (f64::from(canvas.client_width()), f64::from(canvas.client_height()));
        for canvas in std::iter::once(canvas).chain(labels_ref.get_untracked()) {
            canvas.set_width((width * ratio).round() as u32);
            canvas.set_height((height * ratio).round() as u32);
        }
        camera.update(|camera| camera.viewport_px = ScreenPoint::new(width, height));
    };
    Effect::new(move |_| {
        let Some(canvas) = canvas_ref.get() else { return };
        resize();
        // The map lives as long as the page: its observer and callback are never let go.
        let on_resize = Closure::<dyn Fn()>::new(resize);
        if let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
            observer.observe(&canvas);
        }
        on_resize.forget();
    });

    // The renderer is made once the canvas is in the page; WebGL2 when the browser has it.
    // A lost WebGL context (the GPU reset, too many tabs) takes every buffer with it: the
    // map waits, says so, and is built anew when the browser restores the context.
    let renderer = StoredValue::new_local(None::<MapRenderer>);
    let fallback_reason = RwSignal::new(None::<String>);
    let context_lost = RwSignal::new(false);
    // Raster tiles: each one landing (or failing) draws the map again.
    let tile_counts = RwSignal::new(TileCounts::default());
    let tile_problem = RwSignal::new(None::<String>);
    let on_tiles: Rc<dyn Fn(TileCounts)> = Rc::new(move |counts| tile_counts.set(counts));
    let on_context_lost = move |event: leptos::ev::Event| {
        event.prevent_default();
        context_lost.set(true);
    };
    let on_context_restored = move |_: leptos::ev::Event| {
        renderer.set_value(None);
        context_lost.set(false);
    };
    Effect::new(move |_| {
        let Some(canvas) = canvas_ref.get() else { return };
        if context_lost.get() {
            return;
        }
        if renderer.with_value(Option::is_none) {
            let made = MapRenderer::on(&canvas);
            fallback_reason.set(made.as_ref().and_then(|made| made.fallback_reason().map(str::to_owned)));
            renderer.set_value(made);
        }
        let camera = camera.get();
        let ratio = web_sys::window().map_or(1.0, |window| window.device_pixel_ratio());
        let (coarse, detailed, hexagons, colours) =
            (coarse_basemap.get(), detailed_basemap.get(), hexagons.get(), colours.get());
        let (track, traffic) = (track.get(), traffic.get());
        tile_counts.track();
        triangles_arrived.track();
        let tiles = state.tiles.with(|tiles| tiles.as_ref().map(|tiles| tiles.template.clone()));
        let shown = state.layers.get();
        let layers = MapLayers {
            coarse_basemap: coarse.as_ref(),
            detailed_basemap: detailed.as_ref(),
            hexagons: &hexagons,
            colours: &colours,
            opacity: if shown.hexagons { state.opacity.get() } else { 0.0 },
            traffic: traffic.as_ref(),
            track: track.as_ref().filter(|_| shown.track),
            basemap_colours: basemap_colours(state.theme.get()),
        };
        renderer.update_value(|renderer| {
            if let Some(renderer) = renderer {
                let problem = renderer.set_tiles(tiles.as_deref(), &on_tiles).err();
                if tile_problem.with_untracked(|known| *known != problem) {
                    tile_problem.set(problem);
                }
                let wanted = renderer.draw(&camera, ratio, &layers);
                fetch_triangles(state, &hexagons, &wanted, triangles_arrived, mesh_failure);
            }
        });
    });

    // Airport labels: the table is fetched once the map is zoomed in far enough for them.
    let airports = RwSignal::new(None::<Arc<Airports>>);
    let airports_asked = StoredValue::new(false);
    let placed_labels = RwSignal::new(String::new());
    let airports_credited =
        move || airports.with(Option::is_some) && state.layers.with(|layers| layers.airports);
    Effect::new(move |_| {
        if camera.with(|camera| camera.zoom) >= airports::MAJOR_FROM_ZOOM && !airports_asked.get_value() {
            airports_asked.set_value(true);
            load_airports(airports);
        }
    });
    Effect::new(move |_| {
        let Some(canvas) = labels_ref.get() else { return };
        let camera = camera.get();
        let shown = state.layers.with(|layers| layers.airports);
        let labels = airports.with(|airports| match airports {
            Some(airports) if shown => airports.labels(&camera),
            _ => Vec::new(),
        });
        let ratio = web_sys::window().map_or(1.0, |window| window.device_pixel_ratio());
        if let Ok(Some(context)) = canvas.get_context("2d") {
            draw_labels(
                &context.unchecked_into(),
                &camera,
                ratio,
                &labels,
                basemap_colours(state.theme.get()),
            );
        }
        placed_labels.set(labels.iter().map(|label| label.text.as_str()).collect::<Vec<_>>().join("|"));
    });

    let gestures = StoredValue::new(Gestures::default());
    let client_at = |event: &leptos::ev::PointerEvent| {
        ScreenPoint::new(f64::from(event.client_x()), f64::from(event.client_y()))
    };
    let on_pointer_down = move |event: leptos::ev::PointerEvent| {
        if let Some(canvas) = canvas_ref.get_untracked() {
            let _ = canvas.set_pointer_capture(event.pointer_id());
        }
        gestures.update_value(|gestures| gestures.down(event.pointer_id(), client_at(&event)));
    };
    // A press released where it began is a click: it lists the aircraft of the cell there.
    let inspect_at =
        move |at: ScreenPoint| match camera.with_untracked(|camera| cell_under(&state, camera, at)) {
            Some(stats) => inspector.inspect_cell(state, stats),
            None => inspector.cell.set(None),
        };
    let on_pointer_up = move |event: leptos::ev::PointerEvent| {
        let is_click =
            gestures.try_update_value(|gestures| gestures.up(event.pointer_id(), Some(client_at(&event))));
        if is_click == Some(true) && event.button() == 0 {
            inspect_at(ScreenPoint::new(f64::from(event.offset_x()), f64::from(event.offset_y())));
        }
    };
    let on_pointer_cancel = move |event: leptos::ev::PointerEvent| {
        gestures.update_value(|gestures| _ = gestures.up(event.pointer_id(), None));
    };
    let hovered = RwSignal::new(None::<(ScreenPoint, CellStats)>);
    // A zoom or a new aggregate changes what lies under the pointer: the next move tells.
    Effect::new(move |_| {
        camera.track();
        state.density.track();
        hovered.set(None);
    });
    let on_pointer_move = move |event: leptos::ev::PointerEvent| {
        if !gestures.with_value(Gestures::is_pressed) {
            let at = ScreenPoint::new(f64::from(event.offset_x()), f64::from(event.offset_y()));
            let cell = camera.with_untracked(|camera| cell_under(&state, camera, at));
            hovered.set(cell.map(|cell| (at, cell)));
            return;
        }
        let follow =
            gestures.try_update_value(|gestures| gestures.moved(event.pointer_id(), client_at(&event)));
        match follow.flatten() {
            Some(Follow::Pan { dx, dy }) => camera.update(|camera| *camera = camera.panned_by_px(dx, dy)),
            Some(Follow::Pinch { dx, dy, around, zoom_delta }) => {
                let Some(canvas) = canvas_ref.get_untracked() else { return };
                let origin = canvas.get_bounding_client_rect();
                let anchor = ScreenPoint::new(around.x - origin.left(), around.y - origin.top());
                camera
                    .update(|camera| *camera = camera.panned_by_px(dx, dy).zoomed_around(anchor, zoom_delta));
            }
            None => {}
        }
    };
    let on_wheel = move |event: leptos::ev::WheelEvent| {
        event.prevent_default();
        let anchor = ScreenPoint::new(f64::from(event.offset_x()), f64::from(event.offset_y()));
        let delta = (-event.delta_y() * WHEEL_ZOOM_PER_PX).clamp(-1.0, 1.0);
        camera.update(|camera| *camera = camera.zoomed_around(anchor, delta));
    };
    let on_double_click = move |event: leptos::ev::MouseEvent| {
        let anchor = ScreenPoint::new(f64::from(event.offset_x()), f64::from(event.offset_y()));
        camera.update(|camera| *camera = camera.zoomed_around(anchor, 1.0));
    };
    let fit = move || {
        if let Some(bounds) = hexagons.with_untracked(|hexagons| hexagons.bounds) {
            camera.update(|camera| *camera = camera.fitted_to(bounds, fit_insets(camera)));
        }
    };
    let fit_track = move || {
        if let Some(bounds) = track.with_untracked(|track| track.as_ref().and_then(|track| track.bounds)) {
            camera.update(|camera| *camera = camera.fitted_to(bounds, track_fit_insets(camera)));
        }
    };
    let save_png = move || {
        let Some(canvas) = canvas_ref.get_untracked() else { return };
        let ratio = web_sys::window().map_or(1.0, |window| window.device_pixel_ratio());
        let rows = colours.with_untracked(|colours| legend_rows(colours));
        let labels = labels_ref.get_untracked();
        let picture = untrack(|| {
            map_png(
                &canvas,
                labels.as_ref(),
                ratio,
                &legend_title(&state),
                &rows,
                &attribution(&state, airports_credited()),
            )
        });
        let name = format!("skyhex-map-res{}.png", state.shown_resolution());
        if let Err(message) = picture.and_then(|url| browser::download_url(&url, &name)) {
            leptos::logging::error!("PNG export failed: {message}");
        }
    };
    let on_key = move |event: leptos::ev::KeyboardEvent| {
        let center = camera.with_untracked(|camera| {
            ScreenPoint::new(camera.viewport_px.x / 2.0, camera.viewport_px.y / 2.0)
        });
        let change: Option<Box<dyn Fn(Camera) -> Camera>> = match event.key().as_str() {
            "ArrowLeft" => Some(Box::new(|c: Camera| c.panned_by_px(KEY_PAN_PX, 0.0))),
            "ArrowRight" => Some(Box::new(|c: Camera| c.panned_by_px(-KEY_PAN_PX, 0.0))),
            "ArrowUp" => Some(Box::new(|c: Camera| c.panned_by_px(0.0, KEY_PAN_PX))),
            "ArrowDown" => Some(Box::new(|c: Camera| c.panned_by_px(0.0, -KEY_PAN_PX))),
            "+" | "=" => Some(Box::new(move |c: Camera| c.zoomed_around(center, KEY_ZOOM_STEP))),
            "-" | "_" => Some(Box::new(move |c: Camera| c.zoomed_around(center, -KEY_ZOOM_STEP))),
            "0" => {
                fit();
                None
            }
            "Enter" => {
                inspect_at(center);
                None
            }
            "Escape" => {
                inspector.cell.set(None);
                inspector.track.set(None);
                None
            }
            _ => return,
        };
        event.prevent_default();
        if let Some(change) = change {
            camera.update(|camera| *camera = change(*camera));
        }
    };

    view! {
        <section class="map" aria-label="Map" data-view=move || view_text.get()>
            <canvas
                node_ref=canvas_ref
                data-testid="map"
                data-camera=move || camera.with(|camera| format!("{} {} {}", camera.center.x, camera.center.y, camera.zoom))
                tabindex="0"
                role="img"
                aria-label="Flight-density map. Arrow keys pan, plus and minus zoom, 0 fits the data, Enter lists the aircraft of the cell at the centre, Escape closes the list and the track."
                on:pointerdown=on_pointer_down
                on:pointermove=on_pointer_move
                on:pointerup=on_pointer_up
                on:pointercancel=on_pointer_cancel
                on:pointerleave=move |_| hovered.set(None)
                on:wheel=on_wheel
                on:dblclick=on_double_click
                on:keydown=on_key
                on:webglcontextlost=on_context_lost
                on:webglcontextrestored=on_context_restored
            ></canvas>
            <canvas node_ref=labels_ref class="map-labels" data-testid="map-labels" data-labels=move || placed_labels.get() aria-hidden="true"></canvas>
            <div class="map-controls">
                <button class="icon-button" aria-label="Zoom in" on:click=move |_| camera.update(|c| *c = c.zoomed_around(ScreenPoint::new(c.viewport_px.x / 2.0, c.viewport_px.y / 2.0), KEY_ZOOM_STEP))>"+"</button>
                <button class="icon-button" aria-label="Zoom out" on:click=move |_| camera.update(|c| *c = c.zoomed_around(ScreenPoint::new(c.viewport_px.x / 2.0, c.viewport_px.y / 2.0), -KEY_ZOOM_STEP))>"−"</button>
                <button class="icon-button" aria-label="Fit the map to the data" on:click=move |_| fit()>"⤢"</button>
                <button
                    class="icon-button"
                    class:active=move || inspector.traffic_on.get()
                    aria-label="All traffic, thinned per aircraft"
                    title="Show all traffic as lines, thinned per aircraft"
                    aria-pressed=move || inspector.traffic_on.get().to_string()
                    data-testid="traffic-toggle"
                    on:click=move |_| inspector.traffic_on.update(|on| *on = !*on)
                >
                    "≋"
                </button>
                <button class="icon-button" aria-label="Save the map as PNG" title="Save the map as PNG (with legend and attribution)" data-testid="export-png" on:click=move |_| save_png()>"⤓"</button>
            </div>
            <Show when=move || mesh_failure.with(Option::is_some)>
                <p class="map-notice error" role="alert">
                    {move || format!("The hexagons could not be drawn: {}", mesh_failure.get().unwrap_or_default())}
                </p>
            </Show>
            <Show when=move || context_lost.get()>
                <p class="map-notice" role="status" data-testid="context-lost">
                    "The graphics context was lost; the map is redrawn as soon as the browser restores it."
                </p>
            </Show>
            <Show when=move || fallback_reason.with(Option::is_some)>
                <p class="map-notice" role="status">
                    {move || format!("WebGL2 is unavailable ({}): the map is drawn on a 2D canvas, slower with many cells.", fallback_reason.get().unwrap_or_default())}
                </p>
            </Show>
            <CellTooltip hovered camera />
            {(!embed).then(|| view! { <InspectorPanel inspector fit_track=Callback::new(move |()| fit_track()) /> })}
            <Legend colours tile_counts tile_problem />
            <p class="attribution">{move || attribution(&state, airports_credited())}</p>
        </section>
    }
}
