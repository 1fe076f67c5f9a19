//! Airport labels for the map, from the airportsdata table (ICAO code, IATA code, name,
//! position): airports with an IATA code (those with airline service, mostly) from a
//! regional zoom, all airports closer in, placed so that no two labels overlap. The table
//! has no traffic figures, so international airports take the room first, then other
//! airports with an IATA code, then the rest.

use bytes::Bytes;
use serde::Deserialize;

use super::camera::{Camera, ScreenPoint};
use super::mercator::{WorldPoint, world_from_lat_lon};
use crate::ingest::compression::decompress;

/// From this zoom on, airports with an IATA code are labelled.
pub const MAJOR_FROM_ZOOM: f64 = 5.0;
/// From this zoom on, every airport is.
pub const ALL_FROM_ZOOM: f64 = 8.0;
/// From this zoom on, labels carry the airport's name after its code.
pub const NAMES_FROM_ZOOM: f64 = 9.0;
/// The most labels drawn at once.
pub const MAX_LABELS: usize = 250;

/// Label text is measured as this many pixels per character (12 px sans-serif averages
/// under 7), so boxes err on the side of room.
const CHAR_PX: f64 = 7.0;
const LABEL_HEIGHT_PX: f64 = 14.0;
/// Room kept around each label below [`ALL_FROM_ZOOM`].
const REGIONAL_SPACING_PX: f64 = 24.0;
/// The label starts this far right of its airport's dot.
pub const LABEL_GAP_PX: f64 = 6.0;

#[derive(Debug, Clone, PartialEq)]
pub struct Airport {
    pub icao: Box<str>,
    pub iata: Option<Box<str>>,
    pub name: Box<str>,
    pub at: WorldPoint,
}

impl Airport {
    /// 0 for international airports with an IATA code, 1 for other IATA airports, 2 else.
    pub fn rank(&self) -> u8 {
        match &self.iata {
            Some(_) if self.name.contains("International") => 0,
            Some(_) => 1,
            None => 2,
        }
    }

    /// The code people know it by: IATA where it has one.
    pub fn code(&self) -> &str {
        self.iata.as_deref().unwrap_or(&self.icao)
    }
}

/// Airports in the order they win the room for labels ([`Airport::rank`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Airports {
    pub airports: Vec<Airport>,
}

/// A label placed on screen: the airport's dot at `at`, the text to its right.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub at: ScreenPoint,
    pub text: String,
    pub major: bool,
}

#[derive(Deserialize)]
struct Row {
    icao: String,
    iata: String,
    name: String,
    lat: f64,
    lon: f64,
}

impl Airports {
    /// Reads the airportsdata CSV, plain or gzipped. Rows without a usable position are
    /// left out.
    pub fn from_csv(content: Bytes) -> Result<Self, String> {
        let text = decompress(content).map_err(|err| format!("the airport table: {err}"))?;
        let mut reader = csv::Reader::from_reader(&text[..]);
        let mut airports: Vec<Airport> = Vec::new();
        for row in reader.deserialize::<Row>() {
            let row = row.map_err(|err| format!("the airport table: {err}"))?;
            if !(row.lat.is_finite()
                && row.lon.is_finite()
                && row.lat.abs() <= 90.0
                && row.lon.abs() <= 180.0)
            {
                continue;
            }
            airports.push(Airport {
                icao: row.icao.into(),
                iata: (!row.iata.is_empty()).then(|| row.iata.into()),
                name: row.name.into(),
                at: world_from_lat_lon(row.lat, row.lon),
            });
        }
        airports.sort_by_key(Airport::rank);
        Ok(Self { airports })
    }

    /// The labels the camera's view has room for, at most [`MAX_LABELS`]; none below
    /// [`MAJOR_FROM_ZOOM`].
    pub fn labels(&self, camera: &Camera) -> Vec<Label> {
        if camera.zoom < MAJOR_FROM_ZOOM {
            return Vec::new();
        }
        let visible = camera.visible_bounds();
        // Regional views keep labels further apart, so they stay few and legible.
        let spacing_px = if camera.zoom < ALL_FROM_ZOOM { REGIONAL_SPACING_PX } else { 0.0 };
        let mut placed: Vec<(Label, [f64; 4])> = Vec::new();
        for airport in &self.airports {
            let major = airport.iata.is_some();
            if !major && camera.zoom < ALL_FROM_ZOOM {
                break;
            }
            let Some(x) = world_copy_x(airport.at.x, visible.min.x, visible.max.x) else { continue };
            if airport.at.y < visible.min.y || airport.at.y > visible.max.y {
                continue;
            }
            let at = camera.screen_from_world(WorldPoint::new(x, airport.at.y));
            let text = if camera.zoom >= NAMES_FROM_ZOOM {
                format!("{} {}", airport.code(), airport.name)
            } else {
                airport.code().to_owned()
            };
            let width = text.chars().count() as f64 * CHAR_PX + LABEL_GAP_PX;
            let half_height = LABEL_HEIGHT_PX / 2.0 + spacing_px / 2.0;
            let room =
                [at.x - 3.0 - spacing_px, at.y - half_height, at.x + width + spacing_px, at.y + half_height];
            if placed.iter().any(|(_, taken)| overlaps(taken, &room)) {
                continue;
            }
            placed.push((Label { at, text, major }, room));
            if placed.len() == MAX_LABELS {
                break;
            }
        }
        placed.into_iter().map(|(label, _)| label).collect()
    }
}

/// The x of the world copy of `x` that lies within [min, max], if one does.
fn world_copy_x(x: f64, min: f64, max: f64) -> Option<f64> {
    let copy = x + (min - x).ceil();
    (copy <= max).then_some(copy)
}

fn overlaps(a: &[f64; 4], b: &[f64; 4]) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::mercator::lat_lon_from_world;

    const CSV: &str = "\"icao\",\"iata\",\"name\",\"city\",\"subd\",\"country\",\"elevation\",\"lat\",\"lon\",\"tz\",\"lid\"\n\
        \"00AA\",\"\",\"Aero B Ranch Airport\",\"Leoti\",\"Kansas\",\"US\",3435,38.704022,-101.473911,\"America/Chicago\",\"00AA\"\n\
        \"KRNO\",\"RNO\",\"Reno/Tahoe International Airport\",\"Reno\",\"Nevada\",\"US\",4414.9,39.499111,-119.768111,\"America/Los_Angeles\",\"RNO\"\n\
        \"KRTS\",\"\",\"Reno Stead Airport\",\"Reno\",\"Nevada\",\"US\",5050,39.6682,-119.8765,\"America/Los_Angeles\",\"RTS\"\n\
        \"XXXX\",\"\",\"Nowhere\",\"\",\"\",\"\",0,NaN,0,\"\",\"\"\n";

    fn camera_on(lat: f64, lon: f64, zoom: f64) -> Camera {
        let center = world_from_lat_lon(lat, lon);
        Camera { center, zoom, viewport_px: ScreenPoint::new(800.0, 600.0) }
    }

    #[test]
    fn reads_the_table_with_iata_airports_first_and_leaves_out_bad_positions() {
        let airports = Airports::from_csv(Bytes::from_static(CSV.as_bytes())).expect("reads");
        let codes: Vec<&str> = airports.airports.iter().map(Airport::code).collect();
        assert_eq!(codes, vec!["RNO", "00AA", "KRTS"]);
        let (lat, lon) = lat_lon_from_world(airports.airports[0].at);
        assert!((lat - 39.499111).abs() < 1e-9 && (lon + 119.768111).abs() < 1e-9);
    }

    #[test]
    fn zoom_decides_which_airports_and_what_text() {
        let airports = Airports::from_csv(Bytes::from_static(CSV.as_bytes())).expect("reads");
        let texts = |zoom| -> Vec<String> {
            airports.labels(&camera_on(39.55, -119.8, zoom)).into_iter().map(|label| label.text).collect()
        };
        assert!(texts(4.0).is_empty());
        assert_eq!(texts(6.0), vec!["RNO"]);
        assert_eq!(texts(8.5), vec!["RNO", "KRTS"]);
        assert_eq!(texts(10.0), vec!["RNO Reno/Tahoe International Airport", "KRTS Reno Stead Airport"]);
        let reno = airports.labels(&camera_on(39.499111, -119.768111, 6.0));
        assert!(
            (reno[0].at.x - 400.0).abs() < 1e-6 && (reno[0].at.y - 300.0).abs() < 1e-6,
            "{:?}",
            reno[0].at
        );
    }

    #[test]
    fn labels_never_overlap() {
        // At zoom 8 Reno and Stead are 23 km apart, 37 px: side by side labels would touch
        // at zoom 7 if both were shown; the IATA airport takes the room first.
        let airports = Airports::from_csv(Bytes::from_static(CSV.as_bytes())).expect("reads");
        let close = airports.labels(&camera_on(39.55, -119.8, 8.0));
        assert_eq!(close.len(), 2, "{close:?}");
        let crowded = Airports {
            airports: (0..10)
                .map(|i| Airport {
                    icao: format!("K{i:03}").into(),
                    iata: Some(format!("A{i:02}").into()),
                    name: "x".into(),
                    at: world_from_lat_lon(39.5, -119.8 + f64::from(i) * 0.001),
                })
                .collect(),
        };
        assert_eq!(crowded.labels(&camera_on(39.5, -119.8, 8.0)).len(), 1, "ten airports within 2 px");
    }

    #[test]
    fn an_airport_across_the_antimeridian_is_labelled_on_the_copy_in_view() {
        let airports = Airports {
            airports: vec![Airport {
                icao: "NFFN".into(),
                iata: Some("NAN".into()),
                name: "Nadi".into(),
                at: world_from_lat_lon(-17.755, 177.443),
            }],
        };
        // The view is centred east of the antimeridian; Nadi, west of it, shows at its left.
        let labels = airports.labels(&camera_on(-17.7, -178.0, 6.0));
        assert_eq!(labels.len(), 1);
        assert!(labels[0].at.x > 0.0 && labels[0].at.x < 400.0, "{:?}", labels[0].at);
    }
}
