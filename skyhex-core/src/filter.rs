//! Point filters applied before aggregation (the CLI's `--from/--to/--min-alt-ft/
//! --max-alt-ft/--exclude-ground`, and the page's controls).

use crate::points::PointColumns;

/// Which points count. The default keeps every accepted point.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PointFilter {
    /// Keep points at or after this time (ms since the Unix epoch, UTC).
    pub from_ms: Option<i64>,
    /// Keep points strictly before this time.
    pub to_ms: Option<i64>,
    /// Keep points at or above this barometric altitude.
    pub min_alt_ft: Option<f64>,
    /// Keep points at or below this barometric altitude.
    pub max_alt_ft: Option<f64>,
    /// Drop points on the ground.
    pub exclude_ground: bool,
}

impl PointFilter {
    /// True when the filter keeps every point.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Whether the point at `row` passes. With a time window, points without a time are
    /// dropped; with an altitude band, points on the ground or without altitude are dropped.
    pub fn keeps(&self, points: &PointColumns<'_>, row: usize) -> bool {
        let on_ground = points.on_ground.value(row);
        if self.exclude_ground && on_ground {
            return false;
        }
        if self.from_ms.is_some() || self.to_ms.is_some() {
            let Some(time_ms) = points.time_ms(row) else { return false };
            if self.from_ms.is_some_and(|from| time_ms < from) || self.to_ms.is_some_and(|to| time_ms >= to) {
                return false;
            }
        }
        if self.min_alt_ft.is_some() || self.max_alt_ft.is_some() {
            let Some(alt_ft) = points.alt_ft(row).filter(|_| !on_ground) else { return false };
            if self.min_alt_ft.is_some_and(|min| alt_ft < min)
                || self.max_alt_ft.is_some_and(|max| alt_ft > max)
            {
                return false;
            }
        }
        true
    }
}
