//! Colour scales of the density layer: quantiles (the seed map's choice in Kepler.gl),
//! linear or logarithmic classes over the data's range, or class bounds kept fixed so
//! that playback and day-to-day comparisons do not re-normalise. Each class is one colour
//! of a perceptually uniform, colour-blind-safe ramp.

use serde::{Deserialize, Serialize};

use crate::density::{CellStats, Metric};

/// Classes of a scale (at most; quantiles of few distinct values have fewer).
pub const CLASSES: usize = 6;

/// The class of a cell whose metric has no value (it is not drawn).
pub const NO_CLASS: u8 = u8::MAX;

/// Ramps from matplotlib's colour maps, six even samples each, without their darkest end
/// so the lowest class still reads on the dark map (inferno from 0.3 to 0.9, viridis and
/// cividis from 0.2 to 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Palette {
    #[default]
    Inferno,
    Viridis,
    Cividis,
}

impl Palette {
    pub const ALL: [Self; 3] = [Self::Inferno, Self::Viridis, Self::Cividis];

    pub fn name(self) -> &'static str {
        match self {
            Self::Inferno => "inferno",
            Self::Viridis => "viridis",
            Self::Cividis => "cividis",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|palette| palette.name() == name)
    }

    /// RGB colours from low to high.
    pub fn colours(self) -> [[u8; 3]; CLASSES] {
        match self {
            Self::Inferno => [
                [0x78, 0x1c, 0x6d],
                [0xa5, 0x2c, 0x60],
                [0xcf, 0x44, 0x46],
                [0xed, 0x69, 0x25],
                [0xfb, 0x9b, 0x06],
                [0xf7, 0xd1, 0x3d],
            ],
            Self::Viridis => [
                [0x41, 0x44, 0x87],
                [0x2e, 0x6f, 0x8e],
                [0x1f, 0x95, 0x8b],
                [0x3b, 0xbb, 0x75],
                [0x95, 0xd8, 0x40],
                [0xfd, 0xe7, 0x25],
            ],
            Self::Cividis => [
                [0x35, 0x45, 0x6c],
                [0x5e, 0x62, 0x6e],
                [0x81, 0x7f, 0x78],
                [0xa9, 0x9f, 0x73],
                [0xd4, 0xc1, 0x5f],
                [0xfe, 0xe8, 0x38],
            ],
        }
    }
}

/// How values map to classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScaleKind {
    /// Classes of about equal numbers of cells.
    #[default]
    Quantile,
    /// Classes of equal width between the smallest and the largest value.
    Linear,
    /// Classes of equal width in the logarithm, from the smallest positive value.
    Log,
}

impl ScaleKind {
    pub const ALL: [Self; 3] = [Self::Quantile, Self::Linear, Self::Log];

    pub fn name(self) -> &'static str {
        match self {
            Self::Quantile => "quantile",
            Self::Linear => "linear",
            Self::Log => "log",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// How the legend names it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Quantile => "quantiles",
            Self::Linear => "linear",
            Self::Log => "log scale",
        }
    }
}

/// What the user chose for the colours.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ColourSettings {
    pub kind: ScaleKind,
    pub palette: Palette,
    /// Class bounds kept whatever the data (see [`ColourScale::bounds`]); `None`: from the data.
    pub fixed_bounds: Option<Vec<f64>>,
}

/// Fixed bounds as text (`1,10,20.5`), for a link that restores them.
pub fn bounds_text(bounds: &[f64]) -> String {
    bounds.iter().map(f64::to_string).collect::<Vec<_>>().join(",")
}

/// Bounds from [`bounds_text`]; `None` unless they are 2 to `CLASSES + 1` finite numbers
/// in increasing order.
pub fn bounds_from_text(text: &str) -> Option<Vec<f64>> {
    let bounds: Vec<f64> =
        text.split(',').map(|part| part.trim().parse::<f64>().ok()).collect::<Option<_>>()?;
    let usable = (2..=CLASSES + 1).contains(&bounds.len())
        && bounds.iter().all(|bound| bound.is_finite())
        && bounds.windows(2).all(|pair| pair[0] < pair[1]);
    usable.then_some(bounds)
}

/// One class of the scale: the values it holds and how many cells.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LegendClass {
    pub colour: [u8; 3],
    pub min_value: f64,
    pub max_value: f64,
    pub cells: usize,
}

/// Classes low to high. A value belongs to the first class whose `max_value` it does not
/// pass; values beyond the classes fall in the end classes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ColourScale {
    pub classes: Vec<LegendClass>,
}

impl ColourScale {
    /// The scale of `values` (any order; NaN is left out).
    pub fn new(values: impl IntoIterator<Item = f64>, settings: &ColourSettings) -> Self {
        let mut sorted: Vec<f64> = values.into_iter().filter(|value| !value.is_nan()).collect();
        sorted.sort_unstable_by(f64::total_cmp);
        let colours = settings.palette.colours();
        let (Some(&low), Some(&high)) = (sorted.first(), sorted.last()) else { return Self::default() };
        let bounds = match (&settings.fixed_bounds, settings.kind) {
            (Some(fixed), _) => fixed.clone(),
            (None, ScaleKind::Quantile) => return Self::quantile(&sorted, &colours),
            (None, ScaleKind::Linear) => even_bounds(low, high, |value| value, |value| value),
            (None, ScaleKind::Log) => match sorted.iter().find(|value| **value > 0.0) {
                Some(&positive) if high > positive => even_bounds(positive, high, f64::ln, f64::exp),
                _ => even_bounds(low, high, |value| value, |value| value),
            },
        };
        Self::of_bounds(&sorted, &bounds, &colours)
    }

    /// Classes of about equal size; equal values stay in one class, and with fewer
    /// classes than colours the classes spread over the whole ramp.
    fn quantile(sorted: &[f64], colours: &[[u8; 3]; CLASSES]) -> Self {
        let n = sorted.len();
        let mut classes: Vec<LegendClass> = Vec::new();
        let mut start = 0;
        for class in 0..CLASSES {
            let mut end = n * (class + 1) / CLASSES;
            while end < n && end > 0 && sorted[end] == sorted[end - 1] {
                end += 1;
            }
            if end > start {
                let (min_value, max_value) = (sorted[start], sorted[end - 1]);
                classes.push(LegendClass { colour: [0; 3], min_value, max_value, cells: end - start });
                start = end;
            }
        }
        spread_colours(&mut classes, colours);
        Self { classes }
    }

    /// Classes between consecutive `bounds` (class i holds values above `bounds[i]` up to
    /// `bounds[i + 1]`, the first class everything up to `bounds[1]`), empty ones kept.
    fn of_bounds(sorted: &[f64], bounds: &[f64], colours: &[[u8; 3]; CLASSES]) -> Self {
        let classes = bounds
            .windows(2)
            .map(|pair| LegendClass { colour: [0; 3], min_value: pair[0], max_value: pair[1], cells: 0 })
            .collect();
        let mut scale = Self { classes };
        for &value in sorted {
            let class = scale.class_of(value);
            if let Some(class) = scale.classes.get_mut(class) {
                class.cells += 1;
            }
        }
        spread_colours(&mut scale.classes, colours);
        scale
    }

    /// The bounds that reproduce these classes: the lowest value, then each class's top.
    pub fn bounds(&self) -> Vec<f64> {
        let low = self.classes.first().map(|class| class.min_value);
        low.into_iter().chain(self.classes.iter().map(|class| class.max_value)).collect()
    }

    /// The class index of a value (values beyond the classes fall in the end classes).
    pub fn class_of(&self, value: f64) -> usize {
        self.classes
            .partition_point(|class| class.max_value < value)
            .min(self.classes.len().saturating_sub(1))
    }
}

/// `CLASSES` classes of equal width in `forward(value)` from `low` to `high`; inner bounds
/// rounded to two significant digits where that keeps them in order, for a legend that
/// reads at a glance.
fn even_bounds(low: f64, high: f64, forward: fn(f64) -> f64, back: fn(f64) -> f64) -> Vec<f64> {
    if high <= low {
        return vec![low, high];
    }
    let (from, to) = (forward(low), forward(high));
    let exact: Vec<f64> =
        (0..=CLASSES).map(|step| back(from + (to - from) * step as f64 / CLASSES as f64)).collect();
    let mut rounded = exact.clone();
    for bound in &mut rounded[1..CLASSES] {
        *bound = round_significant(*bound, 2);
    }
    (rounded[0], rounded[CLASSES]) = (low, high);
    if rounded.windows(2).all(|pair| pair[0] < pair[1]) { rounded } else { exact }
}

fn round_significant(value: f64, digits: i32) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    let scale = 10_f64.powi(digits - 1 - value.abs().log10().floor() as i32);
    (value * scale).round() / scale
}

/// Colours over the whole ramp: one class takes the top colour.
fn spread_colours(classes: &mut [LegendClass], colours: &[[u8; 3]; CLASSES]) {
    let used = classes.len();
    for (index, class) in classes.iter_mut().enumerate() {
        class.colour =
            if used > 1 { colours[index * (CLASSES - 1) / (used - 1)] } else { colours[CLASSES - 1] };
    }
}

/// The scale of one metric over a density's cells and the class of every cell, in the
/// cells' order ([`NO_CLASS`] where the metric has no value).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CellColours {
    pub scale: ColourScale,
    pub classes: Vec<u8>,
}

impl CellColours {
    pub fn new(cells: &[CellStats], metric: Metric, settings: &ColourSettings) -> Self {
        let scale = ColourScale::new(cells.iter().filter_map(|cell| cell.value(metric)), settings);
        let classes = cells
            .iter()
            .map(|cell| {
                cell.value(metric)
                    .filter(|value| !value.is_nan() && !scale.classes.is_empty())
                    .map_or(NO_CLASS, |value| u8::try_from(scale.class_of(value)).unwrap_or(NO_CLASS))
            })
            .collect();
        Self { scale, classes }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quantiles() -> ColourSettings {
        ColourSettings::default()
    }

    fn of_kind(kind: ScaleKind) -> ColourSettings {
        ColourSettings { kind, ..ColourSettings::default() }
    }

    fn ranges(scale: &ColourScale) -> Vec<(f64, f64, usize)> {
        scale.classes.iter().map(|class| (class.min_value, class.max_value, class.cells)).collect()
    }

    #[test]
    fn quantiles_split_into_equal_classes() {
        let scale = ColourScale::new((1..=60).map(f64::from), &quantiles());
        assert_eq!(scale.classes.len(), 6);
        assert!(scale.classes.iter().all(|class| class.cells == 10));
        assert_eq!((scale.classes[0].min_value, scale.classes[0].max_value), (1.0, 10.0));
        assert_eq!(scale.class_of(10.0), 0);
        assert_eq!(scale.class_of(10.5), 1);
        assert_eq!(scale.class_of(60.0), 5);
        assert_eq!(scale.classes[5].colour, Palette::Inferno.colours()[5]);
    }

    #[test]
    fn quantile_ties_never_split_and_the_ramp_is_spread() {
        let values = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 9.0, f64::NAN];
        let settings = ColourSettings { palette: Palette::Viridis, ..quantiles() };
        let scale = ColourScale::new(values, &settings);
        assert_eq!(ranges(&scale), vec![(1.0, 1.0, 8), (2.0, 9.0, 2)]);
        assert_eq!(scale.classes[0].colour, Palette::Viridis.colours()[0]);
        assert_eq!(scale.classes[1].colour, Palette::Viridis.colours()[5]);
    }

    #[test]
    fn empty_and_single_value() {
        for kind in ScaleKind::ALL {
            assert!(ColourScale::new([], &of_kind(kind)).classes.is_empty());
            let one = ColourScale::new([7.0, 7.0], &of_kind(kind));
            assert_eq!(ranges(&one), vec![(7.0, 7.0, 2)], "{kind:?}");
            assert_eq!(one.classes[0].colour, Palette::Inferno.colours()[5]);
        }
    }

    #[test]
    fn linear_classes_have_equal_widths_and_keep_empty_ones() {
        let scale = ColourScale::new([0.0, 1.0, 2.0, 59.0, 60.0], &of_kind(ScaleKind::Linear));
        assert_eq!(
            ranges(&scale),
            vec![
                (0.0, 10.0, 3),
                (10.0, 20.0, 0),
                (20.0, 30.0, 0),
                (30.0, 40.0, 0),
                (40.0, 50.0, 0),
                (50.0, 60.0, 2)
            ]
        );
        assert_eq!(scale.class_of(10.0), 0);
        assert_eq!(scale.class_of(10.01), 1);
    }

    #[test]
    fn log_classes_grow_by_equal_factors_and_round_for_reading() {
        let scale = ColourScale::new([0.0, 1.0, 7.0, 1_000_000.0], &of_kind(ScaleKind::Log));
        assert_eq!(scale.bounds(), vec![1.0, 10.0, 100.0, 1_000.0, 10_000.0, 100_000.0, 1_000_000.0]);
        // 0 has no logarithm: it falls in the lowest class with the smallest positive value.
        assert_eq!(scale.classes.iter().map(|class| class.cells).collect::<Vec<_>>(), vec![3, 0, 0, 0, 0, 1]);
        let rounded = ColourScale::new([1.0, 13_424.0], &of_kind(ScaleKind::Log));
        assert_eq!(rounded.bounds(), vec![1.0, 4.9, 24.0, 120.0, 560.0, 2_800.0, 13_424.0]);
    }

    #[test]
    fn fixed_bounds_outlast_the_data() {
        let first = ColourScale::new((1..=60).map(f64::from), &quantiles());
        let fixed = ColourSettings { fixed_bounds: Some(first.bounds()), ..quantiles() };
        let later = ColourScale::new([5.0, 15.0, 100.0], &fixed);
        assert_eq!(later.bounds(), first.bounds());
        assert_eq!(later.classes.iter().map(|class| class.cells).collect::<Vec<_>>(), vec![1, 1, 0, 0, 0, 1]);
        assert_eq!(later.classes[5].colour, first.classes[5].colour);
    }

    #[test]
    fn bounds_survive_a_link_and_bad_ones_are_refused() {
        let bounds = vec![1.0, 4.9, 24.0, 13_424.0];
        assert_eq!(bounds_from_text(&bounds_text(&bounds)), Some(bounds));
        for bad in ["", "5", "1,1", "3,2", "1,NaN", "1,inf", "1,x", "0,1,2,3,4,5,6,7"] {
            assert_eq!(bounds_from_text(bad), None, "{bad}");
        }
    }

    #[test]
    fn cells_without_a_value_get_no_class() {
        let cell = |mean_alt_ft| CellStats {
            cell: h3o::LatLng::new(39.5, -119.8).expect("valid").to_cell(h3o::Resolution::Five),
            point_count: 1,
            aircraft_count: 1,
            aircraft_minutes: 1.0,
            flight_count: 1,
            mean_alt_ft,
            max_alt_ft: mean_alt_ft,
            center_lat: 39.5,
            center_lon: -119.8,
        };
        let colours = CellColours::new(
            &[cell(Some(100.0)), cell(None), cell(Some(300.0))],
            Metric::MeanAltitude,
            &quantiles(),
        );
        assert_eq!(colours.classes, vec![0, NO_CLASS, 1]);
    }
}
