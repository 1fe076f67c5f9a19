//! Everything that talks to the browser outside the DOM tree: the page's URL, files the
//! user picked, fetches and downloads. JavaScript errors become Rust strings here.

use js_sys::{Array, Uint8Array};
use skyhex_core::map::colour::{self, ColourSettings, Palette, ScaleKind};
use skyhex_core::map::tiles::tile_template;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url, UrlSearchParams};

use crate::state::{LayersShown, Theme, TileSource};

/// The page's query parameters, read once at start.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StartParams {
    /// `src=` URLs, in order (relative ones resolve against the page).
    pub sources: Vec<String>,
    /// `res=`: H3 resolution of the density layer.
    pub resolution: Option<u8>,
    /// `metric=`: what colours the cells (`points`, `aircraft-minutes`...).
    pub metric: Option<skyhex_core::density::Metric>,
    /// `workers=`: how many web workers decode and aggregate (default: one per core).
    pub workers: Option<usize>,
    /// `memory_mb=`: the memory the workers' points may take before they are sampled.
    pub memory_mb: Option<u64>,
    /// `scale=`, `palette=`, `classes=` (fixed class bounds): the map's colours.
    pub colours: ColourSettings,
    /// `opacity=`: of the hexagons, 0 to 1.
    pub opacity: Option<f64>,
    /// `tiles=` (a URL template with {z}, {x}, {y}) and `tiles_credit=`: a raster basemap.
    pub tiles: Option<TileSource>,
    /// `embed=1`: the map, its legend and attribution only, for an iframe in a portal.
    pub embed: bool,
    /// `view=LAT,LON,ZOOM`: where the map looks (else it fits the data).
    pub view: Option<MapView>,
    /// `hide=hexagons,track,airports`: map layers hidden.
    pub layers: LayersShown,
    /// `theme=light`: the light theme (dark by default).
    pub theme: Theme,
}

/// The map's centre (degrees) and zoom, as `view=` gives them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapView {
    pub lat: f64,
    pub lon: f64,
    pub zoom: f64,
}

impl MapView {
    fn parse(text: &str) -> Option<Self> {
        let numbers: Vec<f64> =
            text.split(',').map(|part| part.trim().parse().ok()).collect::<Option<_>>()?;
        let &[lat, lon, zoom] = numbers.as_slice() else { return None };
        let valid =
            (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) && (0.0..=24.0).contains(&zoom);
        valid.then_some(Self { lat, lon, zoom })
    }

    /// As `view=` writes it: 5 decimals of a degree (about a metre), 2 of a zoom level.
    pub fn text(&self) -> String {
        format!("{:.5},{:.5},{:.2}", self.lat, self.lon, self.zoom)
    }
}

impl StartParams {
    pub fn from_location() -> Self {
        let Some(params) = url_params() else { return Self::default() };
        let sources = params.get_all("src").iter().filter_map(|value| value.as_string()).collect();
        let resolution = params.get("res").and_then(|res| res.parse::<u8>().ok()).filter(|res| *res <= 15);
        let metric = params.get("metric").and_then(|name| skyhex_core::density::Metric::from_name(&name));
        let workers = positive(&params, "workers");
        let memory_mb = positive(&params, "memory_mb");
        let colours = ColourSettings {
            kind: params.get("scale").and_then(|name| ScaleKind::from_name(&name)).unwrap_or_default(),
            palette: params.get("palette").and_then(|name| Palette::from_name(&name)).unwrap_or_default(),
            fixed_bounds: params.get("classes").and_then(|text| colour::bounds_from_text(&text)),
        };
        let opacity = params
            .get("opacity")
            .and_then(|value| value.parse::<f64>().ok())
            .filter(|opacity| (0.0..=1.0).contains(opacity));
        let tiles = params
            .get("tiles")
            .and_then(|text| tile_template(&text).ok())
            .map(|template| TileSource { template, credit: params.get("tiles_credit").unwrap_or_default() });
        let embed = params.get("embed").is_some_and(|value| value == "1" || value == "true");
        let view = params.get("view").and_then(|text| MapView::parse(&text));
        let layers =
            params.get("hide").map_or_else(LayersShown::default, |text| LayersShown::from_hidden(&text));
        let theme = params.get("theme").and_then(|name| Theme::from_name(&name)).unwrap_or_default();
        Self {
            sources,
            resolution,
            metric,
            workers,
            memory_mb,
            colours,
            opacity,
            tiles,
            embed,
            view,
            layers,
            theme,
        }
    }
}

/// A parameter that must be a whole number above zero (else it is ignored).
fn positive<T: std::str::FromStr + PartialOrd + Default>(params: &UrlSearchParams, name: &str) -> Option<T> {
    params.get(name).and_then(|value| value.parse::<T>().ok()).filter(|value| *value > T::default())
}

/// Sets the theme of the whole page (`data-theme` on `<html>`, which the style sheet reads).
pub fn set_page_theme(name: &str) {
    if let Some(root) =
        web_sys::window().and_then(|window| window.document()).and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-theme", name);
    }
}

/// Whether the user asked their system for less motion.
pub fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|window| window.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
        .is_some_and(|query| query.matches())
}

/// The page's query parameters.
pub fn url_params() -> Option<UrlSearchParams> {
    let search = web_sys::window().and_then(|window| window.location().search().ok()).unwrap_or_default();
    UrlSearchParams::new_with_str(&search).ok()
}

/// Sets (or, with `None`, removes) query parameters of the page's URL without reloading,
/// so a copied link restores the view.
pub fn set_url_params(params: &[(&str, Option<String>)]) {
    let Some(window) = web_sys::window() else { return };
    let Ok(url) = Url::new(&window.location().href().unwrap_or_default()) else { return };
    let search = url.search_params();
    for (key, value) in params {
        match value {
            Some(value) => search.set(key, value),
            None => search.delete(key),
        }
    }
    url.set_search(&String::from(search.to_string()));
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url.href()));
    }
}

/// The number of logical cores the browser reports (at least one).
pub fn core_count() -> usize {
    web_sys::window().map_or(1, |window| window.navigator().hardware_concurrency() as usize).max(1)
}

/// A readable message from a JavaScript exception.
pub fn js_error_message(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|error| String::from(error.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}

/// Reads bytes `start..end` of a file or blob, without reading the rest.
pub async fn read_blob_range(blob: &Blob, start: u64, end: u64) -> Result<Vec<u8>, String> {
    Ok(read_blob_range_js(blob, start, end).await?.to_vec())
}

/// Like [`read_blob_range`], but the bytes stay in JavaScript's memory, for callers that
/// need only parts of them.
pub async fn read_blob_range_js(blob: &Blob, start: u64, end: u64) -> Result<Uint8Array, String> {
    let slice =
        blob.slice_with_f64_and_f64(start as f64, end as f64).map_err(|err| js_error_message(&err))?;
    let buffer = JsFuture::from(slice.array_buffer()).await.map_err(|err| js_error_message(&err))?;
    Ok(Uint8Array::new(&buffer))
}

/// The files one after another as one blob; the browser joins them without copying.
pub fn join_blobs(parts: &[web_sys::File]) -> Result<Blob, String> {
    let sequence: Array = parts.iter().collect();
    Blob::new_with_blob_sequence(&sequence).map_err(|err| js_error_message(&err))
}

/// Resolves `text` against the page and accepts only http(s) URLs: nothing else (no
/// `javascript:`, `data:` or `file:`) is ever fetched.
pub fn resolve_http_url(text: &str) -> Result<String, String> {
    let base = web_sys::window().and_then(|window| window.location().href().ok()).unwrap_or_default();
    let url = Url::new_with_base(text.trim(), &base).map_err(|_| format!("{text:?} is not a URL"))?;
    match url.protocol().as_str() {
        "http:" | "https:" => Ok(url.href()),
        protocol => Err(format!("only http and https URLs can be loaded, not {protocol}")),
    }
}

/// The last path segment of a URL, as the input's name.
pub fn url_file_name(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.rsplit('/').find(|segment| !segment.is_empty()).unwrap_or(url).to_owned()
}

/// Fetches a URL's bytes. A network failure (typically a host that sends no CORS header)
/// gets a message that says so in plain words.
pub async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let response = send(url, gloo::net::http::Request::get(url)).await?;
    response.binary().await.map_err(|err| format!("could not download {url}: {err}"))
}

/// The size of the file at `url` from a HEAD request, when the server tells it.
pub async fn fetch_length(url: &str) -> Result<Option<u64>, String> {
    let head = gloo::net::http::RequestBuilder::new(url).method(gloo::net::http::Method::HEAD);
    let response = send(url, head).await?;
    Ok(response.headers().get("content-length").and_then(|length| length.parse().ok()))
}

/// What a Range request brought.
#[derive(Debug)]
pub enum Ranged {
    Part(Vec<u8>),
    /// The server ignored the range and sent the whole file.
    Whole(Vec<u8>),
}

/// Bytes `range` of the file at `url`, by an HTTP Range request.
pub async fn fetch_range(url: &str, range: std::ops::Range<u64>) -> Result<Ranged, String> {
    let header = format!("bytes={}-{}", range.start, range.end - 1);
    let response = send(url, gloo::net::http::Request::get(url).header("Range", &header)).await?;
    let partial = response.status() == 206;
    let bytes = response.binary().await.map_err(|err| format!("could not download {url}: {err}"))?;
    Ok(if partial { Ranged::Part(bytes) } else { Ranged::Whole(bytes) })
}

async fn send(
    url: &str,
    request: gloo::net::http::RequestBuilder,
) -> Result<gloo::net::http::Response, String> {
    let response = request.send().await.map_err(|_| {
        format!(
            "could not download {url}: the network request failed. If the file is on another \
             host, that host may not allow browsers to read it (no CORS header); download the \
             file and open it from disk instead"
        )
    })?;
    if !response.ok() {
        return Err(format!(
            "could not download {url}: HTTP {} {}",
            response.status(),
            response.status_text()
        ));
    }
    Ok(response)
}

/// Offers `bytes` to the user as a download named `file_name`.
pub fn download(bytes: &[u8], mime_type: &str, file_name: &str) -> Result<(), String> {
    let parts = Array::of1(&Uint8Array::from(bytes));
    let options = BlobPropertyBag::new();
    options.set_type(mime_type);
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|err| js_error_message(&err))?;
    let url = Url::create_object_url_with_blob(&blob).map_err(|err| js_error_message(&err))?;
    download_url(&url, file_name)?;
    // Revoking at once can cancel the download in some browsers; a minute is plenty.
    gloo::timers::callback::Timeout::new(60_000, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// Offers what `url` (an object or data URL) holds as a download named `file_name`.
pub fn download_url(url: &str, file_name: &str) -> Result<(), String> {
    let document = web_sys::window().and_then(|window| window.document()).ok_or("no document")?;
    let anchor: HtmlAnchorElement =
        document.create_element("a").map_err(|err| js_error_message(&err))?.unchecked_into();
    anchor.set_href(url);
    anchor.set_download(file_name);
    anchor.click();
    Ok(())
}

/// The size of this wasm instance's linear memory, in bytes (it grows and never shrinks,
/// so it is the instance's high-water mark).
pub fn wasm_memory_bytes() -> u64 {
    #[cfg(target_arch = "wasm32")]
    let pages = core::arch::wasm32::memory_size::<0>();
    #[cfg(not(target_arch = "wasm32"))]
    let pages = 0;
    pages as u64 * 65_536
}

/// Milliseconds since page load, for pacing work.
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|window| window.performance()).map_or(0.0, |performance| performance.now())
}
