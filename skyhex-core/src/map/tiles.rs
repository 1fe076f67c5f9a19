//! Raster map tiles in the XYZ ("slippy map") scheme that most tile servers use: which
//! tiles a view needs and where to fetch them, from a URL template such as
//! `https://tile.example.org/{z}/{x}/{y}.png` that the user gives (skyhex ships none).

use super::camera::Camera;
use super::mercator::{WorldBounds, WorldPoint};

/// Tiles are this many pixels wide: a view at zoom z uses tiles of level z.
pub const TILE_PX: f64 = 256.0;
/// The deepest level asked of a server (most serve up to 19).
pub const MAX_TILE_ZOOM: u8 = 19;
/// At most this many tiles for one view (a 4K screen needs about 150).
const MAX_TILES_IN_VIEW: usize = 400;

/// One tile. `x` is unwrapped (it may lie left or right of the world, on a copy of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileKey {
    pub z: u8,
    pub x: i64,
    pub y: u32,
}

impl TileKey {
    /// The tile's URL from a template with `{z}`, `{x}` and `{y}` (x brought into the world).
    pub fn url(&self, template: &str) -> String {
        let x = self.x.rem_euclid(1_i64 << self.z);
        template
            .replace("{z}", &self.z.to_string())
            .replace("{x}", &x.to_string())
            .replace("{y}", &self.y.to_string())
    }

    /// The tile with the world copy's `x` (the same image wherever it is drawn).
    pub fn in_world(&self) -> Self {
        Self { x: self.x.rem_euclid(1_i64 << self.z), ..*self }
    }

    pub fn bounds(&self) -> WorldBounds {
        let size = self.size();
        let min = WorldPoint::new(self.x as f64 * size, f64::from(self.y) * size);
        WorldBounds { min, max: WorldPoint::new(min.x + size, min.y + size) }
    }

    /// The tile's width in world units.
    pub fn size(&self) -> f64 {
        1.0 / f64::from(1_u32 << self.z)
    }
}

/// The tiles that cover the camera's view, at the level nearest its zoom.
pub fn tiles_in_view(camera: &Camera) -> Vec<TileKey> {
    let z = camera.zoom.round().clamp(0.0, f64::from(MAX_TILE_ZOOM)) as u8;
    let per_world = f64::from(1_u32 << z);
    let visible = camera.visible_bounds();
    let (first_x, last_x) =
        ((visible.min.x * per_world).floor() as i64, (visible.max.x * per_world).floor() as i64);
    let last_row = (1_u32 << z) - 1;
    let row = |y: f64| ((y * per_world).floor().max(0.0) as u32).min(last_row);
    let (first_y, last_y) = (row(visible.min.y), row(visible.max.y));
    (first_y..=last_y)
        .flat_map(|y| (first_x..=last_x).map(move |x| TileKey { z, x, y }))
        .take(MAX_TILES_IN_VIEW)
        .collect()
}

/// A tile URL template as given, if it can be one: http(s) or relative to the page, with
/// `{z}`, `{x}` and `{y}`.
pub fn tile_template(text: &str) -> Result<String, String> {
    let text = text.trim();
    let scheme = text.split_once(':').map(|(scheme, _)| scheme.to_ascii_lowercase());
    if let Some(scheme) = &scheme
        && scheme != "http"
        && scheme != "https"
        && !scheme.contains('/')
    {
        return Err(format!("tile URLs must be http or https, not {scheme}:"));
    }
    match ["{z}", "{x}", "{y}"].into_iter().find(|part| !text.contains(part)) {
        Some(missing) => Err(format!("the tile URL template has no {missing}")),
        None => Ok(text.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::camera::ScreenPoint;
    use crate::map::mercator::world_from_lat_lon;

    /// The tile of a position as the OpenStreetMap wiki computes it ("Slippy map tilenames").
    fn osm_tile(lat: f64, lon: f64, z: u8) -> (i64, u32) {
        let n = f64::from(1_u32 << z);
        let x = ((lon + 180.0) / 360.0 * n).floor() as i64;
        let lat = lat.to_radians();
        let y = ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor() as u32;
        (x, y)
    }

    #[test]
    fn the_view_needs_the_tiles_the_osm_formula_gives() {
        let (lat, lon) = (39.499111, -119.768111);
        let camera = Camera {
            center: world_from_lat_lon(lat, lon),
            zoom: 10.2,
            viewport_px: ScreenPoint::new(512.0, 256.0),
        };
        let tiles = tiles_in_view(&camera);
        assert!(tiles.iter().all(|tile| tile.z == 10));
        let (x, y) = osm_tile(lat, lon, 10);
        assert!(tiles.contains(&TileKey { z: 10, x, y }), "{tiles:?}");
        // 512 x 256 px at 1.15 px per tile pixel span 1.74 x 0.87 tiles: 2 or 3 columns,
        // 1 or 2 rows.
        assert!((2..=6).contains(&tiles.len()), "{}", tiles.len());
    }

    #[test]
    fn urls_wrap_x_into_the_world_and_rows_stay_inside_it() {
        let tile = TileKey { z: 2, x: -1, y: 3 };
        assert_eq!(tile.url("https://t.example/{z}/{x}/{y}.png"), "https://t.example/2/3/3.png");
        assert_eq!(tile.in_world(), TileKey { z: 2, x: 3, y: 3 });
        assert_eq!(tile.bounds().min, WorldPoint::new(-0.25, 0.75));
        let world = Camera {
            center: WorldPoint::new(0.5, 0.5),
            zoom: 0.0,
            viewport_px: ScreenPoint::new(1000.0, 1000.0),
        };
        let tiles = tiles_in_view(&world);
        assert!(tiles.iter().all(|tile| tile.y == 0), "one row at zoom 0, however tall the view");
        assert_eq!(tiles.len(), 5, "the world and its copies either side: {tiles:?}");
    }

    #[test]
    fn templates_must_be_http_with_all_three_parts() {
        assert!(tile_template(" https://t.example/{z}/{x}/{y}.png ").is_ok());
        assert!(tile_template("tiles/{z}/{x}/{y}.png").is_ok(), "relative to the page");
        assert!(
            tile_template("javascript:alert(1)/{z}/{x}/{y}").expect_err("refused").contains("http or https")
        );
        assert!(tile_template("data:image/png,{z}{x}{y}").is_err());
        assert!(tile_template("https://t.example/{z}/{x}.png").expect_err("refused").contains("{y}"));
    }
}
