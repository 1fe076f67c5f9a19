//! A Kepler.gl map file: the cells as a dataset and a map config that draws them as the
//! seed pipeline's map did (an H3 layer on `h3_index`, quantile colours), with skyhex's
//! palette, opacity and view. Kepler.gl opens it through "Add data" (a JSON file whose
//! `info.app` is `kepler.gl` is read as a saved map).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{extra_columns, h3_index};
use crate::density::{CellStats, Metric};
use crate::map::camera::Camera;
use crate::map::colour::Palette;

/// The dataset's id, which the layer names.
const DATA_ID: &str = "skyhex_cells";

/// How the map looks in skyhex, for Kepler.gl to look the same.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct KeplerLook {
    /// The column that colours the cells.
    pub metric: Metric,
    pub palette: Palette,
    pub opacity: f64,
    pub center_lat: f64,
    pub center_lon: f64,
    /// Kepler.gl's zoom (Mapbox GL's: 512 px tiles).
    pub zoom: f64,
}

impl KeplerLook {
    pub fn new(metric: Metric, palette: Palette, opacity: f64, camera: &Camera) -> Self {
        let (center_lat, center_lon) = camera.center_lat_lon();
        // skyhex's world is 256 px wide at zoom 0, Mapbox GL's 512: one level less.
        Self { metric, palette, opacity, center_lat, center_lon, zoom: camera.zoom - 1.0 }
    }
}

/// The map file: `datasets` (the cells and their columns), `config` (layer and view) and
/// `info`, titled `title`.
pub fn kepler_map(cells: &[CellStats], look: &KeplerLook, title: &str) -> String {
    let mut columns: Vec<Metric> = vec![Metric::Points, Metric::Aircraft];
    columns.extend(extra_columns(&[look.metric]));
    let mut fields = vec![field("h3_index", "string", "STRING")];
    fields.extend(columns.iter().map(|&metric| field_of(metric)));
    fields.extend([field("center_lat", "real", "FLOAT"), field("center_lon", "real", "FLOAT")]);
    let rows: Vec<Value> = cells
        .iter()
        .map(|cell| {
            let mut row = vec![Value::from(h3_index(cell.cell))];
            row.extend(columns.iter().map(|&metric| value_of(cell, metric)));
            row.extend([Value::from(cell.center_lat), Value::from(cell.center_lon)]);
            Value::Array(row)
        })
        .collect();
    let dataset = json!({
        "version": "v1",
        "data": { "id": DATA_ID, "label": title, "color": [255, 203, 5], "allData": rows, "fields": fields },
    });
    json!({
        "datasets": [dataset],
        "config": { "version": "v1", "config": config(look, title) },
        "info": { "app": "kepler.gl", "title": title, "source": "skyhex" },
    })
    .to_string()
}

fn field(name: &str, kind: &str, analyzer: &str) -> Value {
    json!({ "name": name, "type": kind, "format": "", "analyzerType": analyzer })
}

/// Counts are integers; time-weighted and altitude metrics are reals.
fn field_of(metric: Metric) -> Value {
    match metric {
        Metric::Points | Metric::Aircraft | Metric::Flights => field(metric.column(), "integer", "INT"),
        Metric::AircraftMinutes | Metric::MeanAltitude | Metric::MaxAltitude => {
            field(metric.column(), "real", "FLOAT")
        }
    }
}

fn value_of(cell: &CellStats, metric: Metric) -> Value {
    match metric {
        Metric::Points => cell.point_count.into(),
        Metric::Aircraft => cell.aircraft_count.into(),
        Metric::Flights => cell.flight_count.into(),
        _ => cell.value(metric).into(),
    }
}

fn config(look: &KeplerLook, title: &str) -> Value {
    let colours: Vec<String> =
        look.palette.colours().iter().map(|[r, g, b]| format!("#{r:02x}{g:02x}{b:02x}")).collect();
    let colour_field = field_of(look.metric);
    json!({
        "visState": {
            "filters": [],
            "layers": [{
                "id": "skyhex_h3",
                "type": "hexagonId",
                "config": {
                    "dataId": DATA_ID,
                    "label": title,
                    "color": [255, 203, 5],
                    "columns": { "hex_id": "h3_index" },
                    "isVisible": true,
                    "visConfig": {
                        "opacity": look.opacity,
                        "colorRange": {
                            "name": format!("skyhex {}", look.palette.name()),
                            "type": "sequential",
                            "category": "Custom",
                            "colors": colours,
                        },
                        "coverage": 1,
                        "enable3d": false,
                        "sizeRange": [0, 500],
                        "coverageRange": [0, 1],
                        "elevationScale": 5,
                    },
                },
                "visualChannels": {
                    "colorField": { "name": colour_field["name"], "type": colour_field["type"] },
                    "colorScale": "quantile",
                    "sizeField": null,
                    "sizeScale": "linear",
                    "coverageField": null,
                    "coverageScale": "linear",
                },
            }],
            "interactionConfig": {
                "tooltip": {
                    "enabled": true,
                    "fieldsToShow": { DATA_ID: ["h3_index", "point_count", "aircraft_count", colour_field["name"]] },
                },
            },
        },
        "mapState": { "latitude": look.center_lat, "longitude": look.center_lon, "zoom": look.zoom },
        "mapStyle": { "styleType": "dark" },
    })
}

#[cfg(test)]
mod tests {
    use h3o::{LatLng, Resolution};

    use super::*;
    use crate::map::mercator::world_from_lat_lon;

    #[test]
    fn the_map_holds_the_cells_and_colours_them_by_the_metric() {
        let cell = CellStats {
            cell: LatLng::new(39.5, -119.8).expect("valid").to_cell(Resolution::Five),
            point_count: 12,
            aircraft_count: 3,
            aircraft_minutes: 4.5,
            flight_count: 3,
            mean_alt_ft: None,
            max_alt_ft: None,
            center_lat: 39.5,
            center_lon: -119.8,
        };
        let camera = Camera { center: world_from_lat_lon(39.5, -119.8), zoom: 7.0, ..Camera::default() };
        let look = KeplerLook::new(Metric::AircraftMinutes, Palette::Viridis, 0.6, &camera);
        let map: Value = serde_json::from_str(&kepler_map(&[cell], &look, "test")).expect("JSON");
        assert_eq!(map["info"]["app"], "kepler.gl");
        let data = &map["datasets"][0]["data"];
        let names: Vec<&str> = data["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .map(|f| f["name"].as_str().expect("name"))
            .collect();
        assert_eq!(
            names,
            ["h3_index", "point_count", "aircraft_count", "aircraft_minutes", "center_lat", "center_lon"]
        );
        assert_eq!(data["allData"][0], json!([h3_index(cell.cell), 12, 3, 4.5, 39.5, -119.8]));
        let layer = &map["config"]["config"]["visState"]["layers"][0];
        assert_eq!(layer["type"], "hexagonId");
        assert_eq!(layer["config"]["columns"]["hex_id"], "h3_index");
        assert_eq!(layer["visualChannels"]["colorField"]["name"], "aircraft_minutes");
        assert_eq!(layer["visualChannels"]["colorScale"], "quantile");
        let state = &map["config"]["config"]["mapState"];
        assert!((state["latitude"].as_f64().expect("lat") - 39.5).abs() < 1e-9);
        assert_eq!(state["zoom"], 6.0);
    }
}
