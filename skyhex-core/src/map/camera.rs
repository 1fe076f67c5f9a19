//! The camera: what part of the world the map shows. Pan and zoom are pure functions here,
//! tested natively; the page's event handlers only call them.

use super::mercator::{WorldBounds, WorldPoint, lat_lon_from_world, wrapped_deg};

/// Screen pixels per world unit at zoom 0 (the world is one 256-pixel tile).
const TILE_PX: f64 = 256.0;
pub const MIN_ZOOM: f64 = 0.0;
pub const MAX_ZOOM: f64 = 20.0;

/// A screen position in CSS pixels, origin at the canvas' top left.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ScreenPoint {
    pub x: f64,
    pub y: f64,
}

impl ScreenPoint {
    pub fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }
}

/// Space in CSS pixels to keep free on each side of the viewport (under overlays).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Insets {
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
    pub left: f64,
}

impl Insets {
    pub fn uniform(px: f64) -> Self {
        Self { top: px, right: px, bottom: px, left: px }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Camera {
    /// World point at the centre of the viewport.
    pub center: WorldPoint,
    /// log2 of the scale: the world is `256 * 2^zoom` pixels wide.
    pub zoom: f64,
    pub viewport_px: ScreenPoint,
}

impl Default for Camera {
    fn default() -> Self {
        Self { center: WorldPoint::new(0.5, 0.5), zoom: 1.0, viewport_px: ScreenPoint::new(512.0, 512.0) }
    }
}

impl Camera {
    /// Screen pixels per world unit.
    pub fn scale_px(&self) -> f64 {
        TILE_PX * self.zoom.exp2()
    }

    pub fn screen_from_world(&self, world: WorldPoint) -> ScreenPoint {
        let scale = self.scale_px();
        ScreenPoint::new(
            (world.x - self.center.x) * scale + self.viewport_px.x / 2.0,
            (world.y - self.center.y) * scale + self.viewport_px.y / 2.0,
        )
    }

    pub fn world_from_screen(&self, screen: ScreenPoint) -> WorldPoint {
        let scale = self.scale_px();
        WorldPoint::new(
            (screen.x - self.viewport_px.x / 2.0) / scale + self.center.x,
            (screen.y - self.viewport_px.y / 2.0) / scale + self.center.y,
        )
    }

    /// The latitude and longitude at the centre of the view, the longitude in [-180, 180)
    /// however far the map was panned around the world.
    pub fn center_lat_lon(&self) -> (f64, f64) {
        let (lat, lon) = lat_lon_from_world(self.center);
        (lat, wrapped_deg(lon))
    }

    /// The world box that the viewport shows.
    pub fn visible_bounds(&self) -> WorldBounds {
        WorldBounds {
            min: self.world_from_screen(ScreenPoint::default()),
            max: self.world_from_screen(self.viewport_px),
        }
    }

    /// Moves the map with the pointer: content follows a drag of (dx, dy) pixels.
    pub fn panned_by_px(self, dx: f64, dy: f64) -> Self {
        let scale = self.scale_px();
        let center =
            WorldPoint::new(self.center.x - dx / scale, (self.center.y - dy / scale).clamp(0.0, 1.0));
        Self { center, ..self }
    }

    /// Zooms by `delta` (in zoom levels) keeping the world point under `anchor` in place.
    pub fn zoomed_around(self, anchor: ScreenPoint, delta: f64) -> Self {
        let fixed = self.world_from_screen(anchor);
        let zoomed = Self { zoom: (self.zoom + delta).clamp(MIN_ZOOM, MAX_ZOOM), ..self };
        let moved = zoomed.world_from_screen(anchor);
        let center =
            WorldPoint::new(zoomed.center.x + fixed.x - moved.x, zoomed.center.y + fixed.y - moved.y);
        Self { center, ..zoomed }
    }

    /// Shows `bounds` whole inside the viewport less `insets`.
    pub fn fitted_to(self, bounds: WorldBounds, insets: Insets) -> Self {
        let width = (bounds.max.x - bounds.min.x).max(1e-9);
        let height = (bounds.max.y - bounds.min.y).max(1e-9);
        let usable_x = (self.viewport_px.x - insets.left - insets.right).max(1.0);
        let usable_y = (self.viewport_px.y - insets.top - insets.bottom).max(1.0);
        let zoom = ((usable_x / width).min(usable_y / height) / TILE_PX).log2().clamp(MIN_ZOOM, MAX_ZOOM);
        // Centre the box in the usable area, which is off the viewport's centre by half the
        // difference of opposite insets.
        let scale = TILE_PX * zoom.exp2();
        let center = WorldPoint::new(
            (bounds.min.x + bounds.max.x) / 2.0 - (insets.left - insets.right) / 2.0 / scale,
            (bounds.min.y + bounds.max.y) / 2.0 - (insets.top - insets.bottom) / 2.0 / scale,
        );
        Self { center, zoom, ..self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn camera() -> Camera {
        Camera { center: WorldPoint::new(0.25, 0.4), zoom: 6.0, viewport_px: ScreenPoint::new(800.0, 600.0) }
    }

    fn close(a: WorldPoint, b: WorldPoint) -> bool {
        (a.x - b.x).abs() < 1e-12 && (a.y - b.y).abs() < 1e-12
    }

    #[test]
    fn screen_and_world_are_inverse() {
        let cam = camera();
        let world = WorldPoint::new(0.2512, 0.3987);
        let back = cam.world_from_screen(cam.screen_from_world(world));
        assert!(close(world, back));
        assert_eq!(cam.screen_from_world(cam.center), ScreenPoint::new(400.0, 300.0));
    }

    #[test]
    fn zoom_keeps_the_anchor_fixed() {
        let cam = camera();
        let anchor = ScreenPoint::new(100.0, 500.0);
        let under = cam.world_from_screen(anchor);
        let zoomed = cam.zoomed_around(anchor, 1.5);
        assert_eq!(zoomed.zoom, 7.5);
        assert!(close(zoomed.world_from_screen(anchor), under));
    }

    #[test]
    fn the_center_longitude_stays_in_range_after_panning_around_the_world() {
        let (lat, lon) = camera().center_lat_lon();
        let panned = Camera { center: WorldPoint::new(1.25, 0.4), ..camera() };
        let (panned_lat, panned_lon) = panned.center_lat_lon();
        assert_eq!(lon, -90.0);
        assert!((panned_lon - lon).abs() < 1e-9 && panned_lat == lat, "{panned_lon} after a turn east");
    }

    #[test]
    fn pan_moves_content_with_the_pointer() {
        let cam = camera();
        let world = WorldPoint::new(0.2505, 0.401);
        let before = cam.screen_from_world(world);
        let after = cam.panned_by_px(30.0, -20.0).screen_from_world(world);
        assert!((after.x - before.x - 30.0).abs() < 1e-6 && (after.y - before.y + 20.0).abs() < 1e-6);
    }

    #[test]
    fn fit_shows_the_whole_box() {
        let bounds = WorldBounds { min: WorldPoint::new(0.1, 0.3), max: WorldPoint::new(0.2, 0.35) };
        let fitted = camera().fitted_to(bounds, Insets::uniform(20.0));
        let visible = fitted.visible_bounds();
        assert!(
            visible.min.x <= 0.1 && visible.max.x >= 0.2 && visible.min.y <= 0.3 && visible.max.y >= 0.35
        );
        let top_left = fitted.screen_from_world(bounds.min);
        assert!((top_left.x - 20.0).abs() < 1e-6, "the wider side touches the padding: {top_left:?}");
    }

    #[test]
    fn fit_keeps_clear_of_insets() {
        let bounds = WorldBounds { min: WorldPoint::new(0.1, 0.3), max: WorldPoint::new(0.2, 0.35) };
        let insets = Insets { top: 10.0, right: 50.0, bottom: 30.0, left: 250.0 };
        let fitted = camera().fitted_to(bounds, insets);
        let top_left = fitted.screen_from_world(bounds.min);
        let bottom_right = fitted.screen_from_world(bounds.max);
        assert!(
            (top_left.x - 250.0).abs() < 1e-6 && (bottom_right.x - 750.0).abs() < 1e-6,
            "{top_left:?} {bottom_right:?}"
        );
        assert!(top_left.y >= 10.0 - 1e-6 && bottom_right.y <= 570.0 + 1e-6);
    }
}
