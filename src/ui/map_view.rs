//! The map: a canvas with pan and zoom by pointer, wheel and keyboard, the legend and the
//! attribution of what is drawn.

use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;
use skyhex_core::density::CellStats;
use skyhex_core::map::airports::{self, Airports};
use skyhex_core::map::basemap::Basemap;
use skyhex_core::map::camera::{Camera, Insets, ScreenPoint};
use skyhex_core::map::colour::{CellColours, ColourSettings, Palette, ScaleKind};
use skyhex_core::map::mercator::{WorldPoint, lat_lon_from_world};
use skyhex_core::map::mesh::Mesh;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use super::format;
use super::gestures::{Follow, Gestures};
use super::inspector::InspectorPanel;
use crate::browser;
use crate::inspect::Inspector;
use crate::render::{Hexagons, LegendRow, MapLayers, MapRenderer, css_rgb, draw_labels, map_png};
use crate::state::AppState;

const COARSE_LAND_URL: &str = "basemap/land-110m.json";
const AIRPORTS_URL: &str = "airports/airports.csv.gz";
const DETAILED_LAND_URL: &str = "basemap/land-50m.json";
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

#[component]
pub fn MapView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let canvas_ref = NodeRef::<html::Canvas>::new();
    let labels_ref = NodeRef::<html::Canvas>::new();
    let camera = RwSignal::new(Camera::default());
    let coarse_land = RwSignal::new(None::<Arc<Basemap>>);
    let detailed_land = RwSignal::new(None::<Arc<Basemap>>);
    load_basemap(COARSE_LAND_URL, coarse_land);
    load_basemap(DETAILED_LAND_URL, detailed_land);
    let hexagons = RwSignal::new(Arc::new(Hexagons::default()));
    let mesh_failure = RwSignal::new(None::<String>);
    build_hexagons(state, hexagons, mesh_failure);
    let inspector = Inspector::new(state);
    let track = Memo::new(move |_| inspector.track_layer());
    let traffic = Memo::new(move |_| inspector.traffic_layer());
    // Colours are of the density the drawn hexagons belong to (the next may be on its way).
    let colours = Memo::new(move |_| {
        let metric = state.metric.get();
        Arc::new(hexagons.with(|hexagons| {
            state.colours.with(|settings| CellColours::new(&hexagons.density.cells, metric, settings))
        }))
    });

    // Fit the camera to the data whenever a load finishes with data that has a new extent.
    let fitted_bounds = StoredValue::new(None);
    Effect::new(move |_| {
        if state.progress.with(Option::is_some) {
            return;
        }
        let bounds = hexagons.with(|hexagons| hexagons.mesh.bounds());
        if bounds.is_some() && fitted_bounds.get_value() != bounds {
            fitted_bounds.set_value(bounds);
            if let Some(bounds) = bounds {
                camera.update(|camera| *camera = camera.fitted_to(bounds, fit_insets(camera)));
            }
        }
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
            (coarse_land.get(), detailed_land.get(), hexagons.get(), colours.get());
        let (track, traffic) = (track.get(), traffic.get());
        let layers = MapLayers {
            coarse_land: coarse.as_ref(),
            detailed_land: detailed.as_ref(),
            hexagons: &hexagons,
            colours: &colours,
            opacity: state.opacity.get(),
            traffic: traffic.as_ref(),
            track: track.as_ref(),
        };
        renderer.update_value(|renderer| {
            if let Some(renderer) = renderer {
                renderer.draw(&camera, ratio, &layers);
            }
        });
    });

    // Airport labels: the table is fetched once the map is zoomed in far enough for them.
    let airports = RwSignal::new(None::<Arc<Airports>>);
    let airports_asked = StoredValue::new(false);
    let placed_labels = RwSignal::new(String::new());
    Effect::new(move |_| {
        if camera.with(|camera| camera.zoom) >= airports::MAJOR_FROM_ZOOM && !airports_asked.get_value() {
            airports_asked.set_value(true);
            load_airports(airports);
        }
    });
    Effect::new(move |_| {
        let Some(canvas) = labels_ref.get() else { return };
        let camera = camera.get();
        let labels = airports
            .with(|airports| airports.as_ref().map(|airports| airports.labels(&camera)).unwrap_or_default());
        let ratio = web_sys::window().map_or(1.0, |window| window.device_pixel_ratio());
        if let Ok(Some(context)) = canvas.get_context("2d") {
            draw_labels(&context.unchecked_into(), &camera, ratio, &labels);
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
        if let Some(bounds) = hexagons.with_untracked(|hexagons| hexagons.mesh.bounds()) {
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
                &attribution(&state, airports.with(Option::is_some)),
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
        <section class="map" aria-label="Map">
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
            <InspectorPanel inspector fit_track=Callback::new(move |()| fit_track()) />
            <Legend colours />
            <p class="attribution">{move || attribution(&state, airports.with(Option::is_some))}</p>
        </section>
    }
}

/// The legend's rows, top class first.
fn legend_rows(colours: &CellColours) -> Vec<LegendRow> {
    colours
        .scale
        .classes
        .iter()
        .rev()
        .map(|class| {
            let range = if class.min_value == class.max_value {
                format::value(class.min_value)
            } else {
                format!("{} – {}", format::value(class.min_value), format::value(class.max_value))
            };
            LegendRow { colour: class.colour, range, cells: format::cells(class.cells) }
        })
        .collect()
}

fn legend_title(state: &AppState) -> String {
    let classes = state.colours.with(|settings| match settings.fixed_bounds {
        Some(_) => "fixed classes",
        None => settings.kind.label(),
    });
    format!(
        "{} per cell · H3 res {} · {classes}",
        capitalised(state.metric.get().label()),
        state.shown_resolution()
    )
}

/// Whose data the map shows: the land always, the airports once labelled, the demo's
/// positions while it is loaded.
fn attribution(state: &AppState, with_airports: bool) -> String {
    let demo = state.inputs.with(|inputs| inputs.iter().any(|input| input.is_demo));
    let airports = if with_airports { " · Airports: airportsdata (MIT)" } else { "" };
    let data = if demo { " · Data: © adsb.lol contributors, ODbL" } else { "" };
    format!("Land: Natural Earth (public domain), via world-atlas{airports}{data}")
}

#[component]
fn Legend(colours: Memo<Arc<CellColours>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let rows = move || {
        colours.with(|colours| {
            legend_rows(colours)
                .into_iter()
                .map(|LegendRow { colour, range, cells }| {
                    view! {
                        <li>
                            <span class="swatch" style=format!("background: {}", css_rgb(colour))></span>
                            <span class="legend-range">{range}</span>
                            <span class="legend-cells">{cells}</span>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <Show when=move || colours.with(|colours| !colours.scale.classes.is_empty())>
            <figure class="legend" aria-label="Legend">
                <figcaption>{move || legend_title(&state)}</figcaption>
                <ul data-testid="legend-rows">{rows}</ul>
                <ColourControls colours />
            </figure>
        </Show>
    }
}

/// The scale, palette, opacity and fixed classes, under the legend they change.
#[component]
fn ColourControls(colours: Memo<Arc<CellColours>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let on_scale = move |event: leptos::ev::Event| {
        if let Some(kind) = ScaleKind::from_name(&event_target_value(&event)) {
            // A new kind of scale means new classes: fixed ones are let go.
            state.colours.set(ColourSettings { kind, fixed_bounds: None, ..state.colours.get_untracked() });
        }
    };
    let on_palette = move |event: leptos::ev::Event| {
        if let Some(palette) = Palette::from_name(&event_target_value(&event)) {
            state.colours.update(|settings| settings.palette = palette);
        }
    };
    let on_opacity = move |event: leptos::ev::Event| {
        if let Ok(opacity) = event_target_value(&event).parse::<f64>() {
            state.opacity.set(opacity.clamp(0.0, 1.0));
        }
    };
    let on_fixed = move |event: leptos::ev::Event| {
        let bounds =
            event_target_checked(&event).then(|| colours.with_untracked(|colours| colours.scale.bounds()));
        state.colours.update(|settings| settings.fixed_bounds = bounds);
    };
    let is_fixed = move || state.colours.with(|settings| settings.fixed_bounds.is_some());
    view! {
        <div class="legend-controls">
            <label>
                <span>"Scale"</span>
                <select data-testid="colour-scale" on:change=on_scale>
                    {ScaleKind::ALL
                        .into_iter()
                        .map(|kind| {
                            view! {
                                <option value=kind.name() selected=move || state.colours.with(|s| s.kind == kind)>
                                    {kind.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                <span>"Palette"</span>
                <select data-testid="palette" on:change=on_palette>
                    {Palette::ALL
                        .into_iter()
                        .map(|palette| {
                            view! {
                                <option value=palette.name() selected=move || state.colours.with(|s| s.palette == palette)>
                                    {palette.name()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <label class="legend-opacity">
                <span>"Opacity"</span>
                <input
                    type="range"
                    min="0.1"
                    max="1"
                    step="0.05"
                    data-testid="opacity"
                    prop:value=move || state.opacity.get().to_string()
                    on:input=on_opacity
                    aria-valuetext=move || format!("{} %", (state.opacity.get() * 100.0).round())
                />
            </label>
            <label class="legend-fixed" title="Keep these classes when the data, the filters or the time window change, so colours stay comparable">
                <input type="checkbox" data-testid="fix-classes" prop:checked=is_fixed on:change=on_fixed />
                <span>"Keep these classes"</span>
            </label>
        </div>
    }
}

/// The cell with data under a point of the map, if any.
fn cell_under(state: &AppState, camera: &Camera, at: ScreenPoint) -> Option<CellStats> {
    let world = camera.world_from_screen(at);
    if !(0.0..=1.0).contains(&world.y) {
        return None;
    }
    let (lat, lon) = lat_lon_from_world(WorldPoint::new(world.x.rem_euclid(1.0), world.y));
    state.density.with_untracked(|density| density.cell_at(lat, lon).copied())
}

/// What the cell under the pointer holds: its index, size and every metric.
#[component]
fn CellTooltip(
    hovered: RwSignal<Option<(ScreenPoint, CellStats)>>,
    camera: RwSignal<Camera>,
) -> impl IntoView {
    let text = |stats: &CellStats| {
        let altitude = match (stats.mean_alt_ft, stats.max_alt_ft) {
            (Some(mean), Some(max)) => {
                format!(
                    "altitude mean {} ft, max {} ft",
                    format::value(mean.round()),
                    format::value(max.round())
                )
            }
            _ => "no altitude reported".to_owned(),
        };
        [
            format!(
                "Cell {} · res {} · {}",
                stats.cell,
                u8::from(stats.cell.resolution()),
                format::area_km2(stats.cell.area_km2())
            ),
            format!(
                "{} points · {} aircraft · {} flights",
                format::count(stats.point_count),
                format::count(stats.aircraft_count),
                format::count(stats.flight_count)
            ),
            format!("{} aircraft-minutes · {altitude}", format::value(stats.aircraft_minutes)),
        ]
    };
    move || {
        hovered.get().map(|(at, stats)| {
            let lines = text(&stats).map(|line| view! { <span>{line}</span> }).collect_view();
            view! {
                <div class="map-tooltip" role="tooltip" data-testid="cell-tooltip" style=tooltip_position(at, camera.with_untracked(|camera| camera.viewport_px))>
                    {lines}
                </div>
            }
        })
    }
}

/// Beside the pointer, on the side with more room.
fn tooltip_position(at: ScreenPoint, viewport_px: ScreenPoint) -> String {
    const GAP_PX: f64 = 14.0;
    let x = if at.x < viewport_px.x / 2.0 {
        format!("left: {}px", at.x + GAP_PX)
    } else {
        format!("right: {}px", viewport_px.x - at.x + GAP_PX)
    };
    let y = if at.y < viewport_px.y / 2.0 {
        format!("top: {}px", at.y + GAP_PX)
    } else {
        format!("bottom: {}px", viewport_px.y - at.y + GAP_PX)
    };
    format!("{x}; {y}")
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Keeps `hexagons` the mesh of the current density, built by the workers: one build at a
/// time (while data loads, densities come faster than meshes), the latest density next.
fn build_hexagons(state: AppState, hexagons: RwSignal<Arc<Hexagons>>, failure: RwSignal<Option<String>>) {
    let building = StoredValue::new(false);
    Effect::new(move |_| {
        let density = state.density.get();
        state.drawing_cells.set(Some(density.cells.len()));
        if building.get_value() {
            return;
        }
        building.set_value(true);
        leptos::task::spawn_local(async move {
            let mut density = density;
            loop {
                let cells: Vec<u64> = density.cells.iter().map(|cell| u64::from(cell.cell)).collect();
                let mesh = match state.pool() {
                    _ if cells.is_empty() => Ok(Mesh::default()),
                    Ok(pool) => pool.hex_mesh(&cells).await,
                    Err(reason) => Err(reason),
                };
                match mesh {
                    Ok(mesh) => {
                        failure.set(None);
                        hexagons.set(Arc::new(Hexagons { mesh, density: Arc::clone(&density) }));
                    }
                    Err(reason) => failure.set(Some(reason)),
                }
                let latest = state.density.get_untracked();
                if Arc::ptr_eq(&latest, &density) {
                    break;
                }
                density = latest;
            }
            building.set_value(false);
            state.drawing_cells.set(None);
        });
    });
}

fn load_airports(target: RwSignal<Option<Arc<Airports>>>) {
    leptos::task::spawn_local(async move {
        let loaded = browser::fetch_bytes(AIRPORTS_URL)
            .await
            .and_then(|bytes| Airports::from_csv(bytes::Bytes::from(bytes)));
        match loaded {
            Ok(airports) => target.set(Some(Arc::new(airports))),
            Err(message) => leptos::logging::warn!("airport labels unavailable: {message}"),
        }
    });
}

fn load_basemap(url: &'static str, target: RwSignal<Option<Arc<Basemap>>>) {
    leptos::task::spawn_local(async move {
        let loaded = browser::fetch_bytes(url).await.and_then(|bytes| {
            let json = String::from_utf8(bytes).map_err(|err| err.to_string())?;
            Basemap::from_topojson(&json, "land").map_err(|err| err.to_string())
        });
        match loaded {
            Ok(basemap) => target.set(Some(Arc::new(basemap))),
            Err(message) => leptos::logging::warn!("basemap {url} unavailable: {message}"),
        }
    });
}
