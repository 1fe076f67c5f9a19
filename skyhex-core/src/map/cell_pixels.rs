//! Cells narrower than a couple of pixels, painted as pixels. A day at res 6 puts ~3 M such
//! cells on a world map: a software rasteriser (SwiftShader) spends microseconds on each
//! point it draws (seconds a frame), where this loop over the cells' centres spends
//! nanoseconds; the renderer then draws the picture as one texture.

use super::colour::NO_CLASS;
use super::mesh::CellPoints;

/// A picture of colour classes, one byte per device pixel, top row first: 0 where no cell
/// falls, else 1 + the highest class of the cells that fall there (where one pixel covers
/// several cells, the densest shows, as the eye looks for it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClassImage {
    pub width_px: usize,
    pub height_px: usize,
    pub classes: Vec<u8>,
}

/// Where a chunk's cells land on the picture: the screen position of its origin and the
/// device pixels per world unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    pub origin_px: [f64; 2],
    pub scale_px: f64,
}

impl ClassImage {
    /// Empties the picture, at a new size if asked (the buffer is reused between frames).
    pub fn clear(&mut self, width_px: usize, height_px: usize) {
        (self.width_px, self.height_px) = (width_px, height_px);
        self.classes.clear();
        self.classes.resize(width_px * height_px, 0);
    }

    /// Paints `points` as squares as wide as they are (at least a pixel), in their classes
    /// among `cell_classes` (the layer's).
    pub fn paint(&mut self, points: &CellPoints, cell_classes: &[u8], at: Placement) {
        let side_px = (points.mean_width * at.scale_px).round().max(1.0);
        let half_side_px = side_px / 2.0;
        let side_px = side_px as usize;
        for (centre, &cell) in points.centres.chunks_exact(2).zip(&points.cells) {
            let class = cell_classes.get(cell as usize).copied().unwrap_or(NO_CLASS);
            if class == NO_CLASS {
                continue;
            }
            let left_px = (at.origin_px[0] + f64::from(centre[0]) * at.scale_px - half_side_px).round();
            let top_px = (at.origin_px[1] + f64::from(centre[1]) * at.scale_px - half_side_px).round();
            self.fill(left_px, top_px, side_px, class.saturating_add(1));
        }
    }

    /// Raises to `value` the pixels of the square at (`left_px`, `top_px`), within the picture.
    fn fill(&mut self, left_px: f64, top_px: f64, side_px: usize, value: u8) {
        let (width, height) = (self.width_px as f64, self.height_px as f64);
        if left_px >= width
            || top_px >= height
            || left_px + side_px as f64 <= 0.0
            || top_px + side_px as f64 <= 0.0
        {
            return;
        }
        // In range now: the casts below neither wrap nor saturate past the picture.
        let (left, top) = (left_px.max(0.0) as usize, top_px.max(0.0) as usize);
        let right = ((left_px + side_px as f64) as usize).min(self.width_px);
        let bottom = ((top_px + side_px as f64) as usize).min(self.height_px);
        for row in top..bottom {
            for pixel in &mut self.classes[row * self.width_px + left..row * self.width_px + right] {
                *pixel = (*pixel).max(value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::mercator::{WorldBounds, WorldPoint};

    /// Cells 0, 1, … at `centres`, their chunk's origin at the world's (the placement moves it).
    fn points(centres: &[f32], mean_width: f64) -> CellPoints {
        let origin = WorldPoint::new(0.0, 0.0);
        CellPoints {
            origin,
            bounds: WorldBounds { min: origin, max: origin },
            cells: (0..centres.len() as u32 / 2).collect(),
            centres: centres.to_vec(),
            mean_width,
        }
    }

    #[test]
    fn a_cell_lands_where_its_centre_is_in_its_class() {
        let mut image = ClassImage::default();
        image.clear(8, 6);
        // Origin at (2, 1) px, 10 px per world unit: the centre (0.35, 0.25) is at (5.5, 3.5),
        // the middle of pixel (5, 3).
        let at = Placement { origin_px: [2.0, 1.0], scale_px: 10.0 };
        image.paint(&points(&[0.35, 0.25], 0.1), &[4], at);
        let painted: Vec<usize> = (0..image.classes.len()).filter(|&i| image.classes[i] != 0).collect();
        assert_eq!(painted, vec![3 * 8 + 5]);
        assert_eq!(image.classes[3 * 8 + 5], 5);
    }

    #[test]
    fn where_cells_share_a_pixel_the_highest_class_shows() {
        let mut image = ClassImage::default();
        image.clear(4, 4);
        let at = Placement { origin_px: [0.0, 0.0], scale_px: 1.0 };
        let centres = [1.6, 1.6, 1.7, 1.6, 1.6, 1.7];
        image.paint(&points(&centres, 0.5), &[2, 6, 1], at);
        assert_eq!(image.classes.iter().filter(|&&class| class != 0).count(), 1);
        assert_eq!(image.classes.iter().max(), Some(&7));
    }

    #[test]
    fn cells_without_a_value_and_cells_off_the_picture_are_left_out() {
        let mut image = ClassImage::default();
        image.clear(4, 4);
        let at = Placement { origin_px: [0.0, 0.0], scale_px: 1.0 };
        let centres = [1.0, 1.0, -9.0, 1.0, 1.0, 40.0, 1e30, 1.0];
        image.paint(&points(&centres, 1.0), &[NO_CLASS, 3, 3, 3], at);
        assert!(image.classes.iter().all(|&class| class == 0));
    }

    #[test]
    fn wider_cells_fill_squares_cut_at_the_edges() {
        let mut image = ClassImage::default();
        image.clear(5, 5);
        let at = Placement { origin_px: [0.0, 0.0], scale_px: 1.0 };
        // 3 px wide around (0.5, 2.5): columns -1..2 cut to 0..2, rows 1..4.
        image.paint(&points(&[0.5, 2.5], 3.0), &[0], at);
        let painted: Vec<(usize, usize)> =
            (0..25).filter(|&i| image.classes[i] == 1).map(|i| (i % 5, i / 5)).collect();
        assert_eq!(painted, vec![(0, 1), (1, 1), (0, 2), (1, 2), (0, 3), (1, 3)]);
        image.clear(5, 5);
        assert!(image.classes.iter().all(|&class| class == 0));
    }
}
