//! The offline basemap: Natural Earth land and country polygons from TopoJSON
//! (world-atlas), as rings in world coordinates, each with its bounding box so drawing can
//! skip what is off screen.

use super::mercator::{WorldBounds, WorldPoint, world_from_lat_lon, wrapped_deg};

/// One closed ring (outer boundary or hole) of a land polygon.
#[derive(Debug, Clone, PartialEq)]
pub struct Ring {
    pub points: Vec<WorldPoint>,
    pub bounds: WorldBounds,
}

/// Land polygons ready to draw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Basemap {
    /// Rings grouped by polygon: the first ring of a polygon is its outline, the rest holes.
    pub polygons: Vec<Vec<Ring>>,
}

#[derive(Debug, thiserror::Error)]
pub enum BasemapError {
    #[error("not TopoJSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("invalid TopoJSON: {0}")]
    Topology(String),
    #[error("the TopoJSON has no object named {0:?}")]
    MissingObject(String),
}

impl Basemap {
    /// Reads the polygons of the TopoJSON object `object` (such as `land`).
    pub fn from_topojson(json: &str, object: &str) -> Result<Self, BasemapError> {
        let topojson: topojson::TopoJson =
            json.parse().map_err(|err: topojson::Error| BasemapError::Topology(err.to_string()))?;
        let topojson::TopoJson::Topology(topology) = topojson else {
            return Err(BasemapError::Topology("top level is not a Topology".to_owned()));
        };
        if !topology.list_names().iter().any(|name| name == object) {
            return Err(BasemapError::MissingObject(object.to_owned()));
        }
        let features =
            topojson::to_geojson(&topology, object).map_err(|err| BasemapError::Topology(err.to_string()))?;
        let mut basemap = Self::default();
        for feature in features.features {
            if let Some(geometry) = feature.geometry {
                basemap.add_geometry(&geometry.value);
            }
        }
        Ok(basemap)
    }

    fn add_geometry(&mut self, value: &geojson::Value) {
        match value {
            geojson::Value::Polygon(rings) => self.add_polygon(rings),
            geojson::Value::MultiPolygon(polygons) => {
                polygons.iter().for_each(|rings| self.add_polygon(rings));
            }
            geojson::Value::GeometryCollection(geometries) => {
                geometries.iter().for_each(|geometry| self.add_geometry(&geometry.value));
            }
            _ => {}
        }
    }

    fn add_polygon(&mut self, rings: &[Vec<geojson::Position>]) {
        let rings: Vec<Ring> = rings
            .iter()
            .filter_map(|ring| {
                let positions: Vec<(f64, f64)> = ring
                    .iter()
                    .filter(|position| position.len() >= 2)
                    .map(|position| (position[1], position[0]))
                    .collect();
                let points: Vec<WorldPoint> =
                    unwrapped(positions).into_iter().map(|(lat, lon)| world_from_lat_lon(lat, lon)).collect();
                WorldBounds::around(points.iter().copied()).map(|bounds| Ring { points, bounds })
            })
            .collect();
        if !rings.is_empty() {
            self.polygons.push(rings);
        }
    }

    pub fn vertex_count(&self) -> usize {
        self.polygons.iter().flatten().map(|ring| ring.points.len()).sum()
    }
}

/// A ring's `(lat, lon)` vertices with longitudes unwrapped vertex to vertex, so that land
/// across the antimeridian (Chukotka, Fiji: world-atlas stitches them whole) stays one
/// shape reaching past x = 1, drawn on the world's next copy, instead of a band across the
/// map. A ring around a pole (Antarctica) does not come back to its first longitude that
/// way: it stays as it is, along the map's edge.
fn unwrapped(mut positions: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    let original = positions.clone();
    for index in 1..positions.len() {
        let previous_lon = positions[index - 1].1;
        positions[index].1 = previous_lon + wrapped_deg(positions[index].1 - previous_lon);
    }
    let winds = match (positions.first(), positions.last()) {
        (Some(first), Some(last)) => (last.1 - first.1).abs() > 180.0,
        _ => false,
    };
    if winds { original } else { positions }
}

/// One level of detail of the world-atlas basemap (`countries-110m.json`, `-50m`): land to
/// fill, and countries whose outlines are the borders.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorldAtlas {
    pub land: Basemap,
    pub countries: Basemap,
}

impl WorldAtlas {
    pub fn from_topojson(json: &str) -> Result<Self, BasemapError> {
        Ok(Self {
            land: Basemap::from_topojson(json, "land")?,
            countries: Basemap::from_topojson(json, "countries")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_a_quantized_topology() {
        // One square polygon on two arcs, quantized with a transform.
        let json = r#"{"type":"Topology",
            "transform":{"scale":[1,1],"translate":[-10,-10]},
            "objects":{"land":{"type":"GeometryCollection","geometries":[{"type":"Polygon","arcs":[[0,1]]}]}},
            "arcs":[[[0,0],[20,0],[0,20]],[[20,20],[-20,0],[0,-20]]]}"#;
        let basemap = Basemap::from_topojson(json, "land").expect("valid topojson");
        assert_eq!(basemap.polygons.len(), 1);
        let ring = &basemap.polygons[0][0];
        assert_eq!(ring.bounds.min, world_from_lat_lon(10.0, -10.0));
        assert_eq!(ring.bounds.max, world_from_lat_lon(-10.0, 10.0));
        assert!(matches!(Basemap::from_topojson(json, "sea"), Err(BasemapError::MissingObject(_))));
        assert!(Basemap::from_topojson("{", "land").is_err());
    }

    #[test]
    fn land_across_the_antimeridian_stays_one_shape() {
        let atlas = include_str!("../../../public/basemap/countries-110m.json");
        let land = Basemap::from_topojson(atlas, "land").expect("the bundled basemap reads");
        let outlines: Vec<&Ring> = land.polygons.iter().map(|rings| &rings[0]).collect();
        // Only Antarctica, around the pole, spans the map; Eurasia reaches past 180° east.
        let spanning: Vec<_> =
            outlines.iter().filter(|ring| ring.bounds.max.x - ring.bounds.min.x > 0.5).collect();
        assert_eq!(spanning.len(), 2, "Antarctica and Eurasia");
        assert!(spanning.iter().any(|ring| ring.bounds.max.x > 1.0), "Chukotka lies past x = 1");
        let past_an_edge =
            outlines.iter().filter(|ring| ring.bounds.max.x > 1.0 || ring.bounds.min.x < 0.0).count();
        assert_eq!(past_an_edge, 3, "Eurasia, Fiji's Vanua Levu and Wrangel Island");
    }
}
