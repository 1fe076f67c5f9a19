//! The quantile colour scale (the seed map's choice in Kepler.gl): cells split into classes
//! of about equal size by their value, each class one colour of a perceptually uniform,
//! colour-blind-safe ramp (inferno, without its darkest end so it reads on a dark map).

/// RGB colours from low to high density.
pub const PALETTE: [[u8; 3]; 6] = [
    [0x78, 0x1c, 0x6d],
    [0xa5, 0x2c, 0x60],
    [0xcf, 0x44, 0x46],
    [0xed, 0x69, 0x25],
    [0xfb, 0x9b, 0x06],
    [0xf7, 0xd1, 0x3d],
];

/// One class of the scale: the values it holds and how many cells.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LegendClass {
    pub colour: [u8; 3],
    pub min_value: f64,
    pub max_value: f64,
    pub cells: usize,
}

/// Classes of a quantile scale, low to high, with no empty class.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuantileScale {
    pub classes: Vec<LegendClass>,
}

impl QuantileScale {
    /// Builds the scale from the cells' values (any order; NaN is left out).
    pub fn new(values: impl IntoIterator<Item = f64>) -> Self {
        let mut sorted: Vec<f64> = values.into_iter().filter(|value| !value.is_nan()).collect();
        sorted.sort_unstable_by(f64::total_cmp);
        let n = sorted.len();
        let mut classes: Vec<LegendClass> = Vec::new();
        let mut start = 0;
        for (class, colour) in PALETTE.iter().enumerate() {
            let mut end = n * (class + 1) / PALETTE.len();
            // Equal values stay in one class.
            while end < n && end > 0 && sorted[end] == sorted[end - 1] {
                end += 1;
            }
            if end > start {
                classes.push(LegendClass {
                    colour: *colour,
                    min_value: sorted[start],
                    max_value: sorted[end - 1],
                    cells: end - start,
                });
                start = end;
            }
        }
        // With fewer distinct values than colours, spread the classes over the whole ramp.
        let used = classes.len();
        if used > 1 {
            for (index, class) in classes.iter_mut().enumerate() {
                class.colour = PALETTE[index * (PALETTE.len() - 1) / (used - 1)];
            }
        } else if let Some(only) = classes.first_mut() {
            only.colour = PALETTE[PALETTE.len() - 1];
        }
        Self { classes }
    }

    /// The class index of a value (values beyond the data fall in the end classes).
    pub fn class_of(&self, value: f64) -> usize {
        self.classes
            .partition_point(|class| class.max_value < value)
            .min(self.classes.len().saturating_sub(1))
    }

    pub fn colour_of(&self, value: f64) -> [u8; 3] {
        self.classes.get(self.class_of(value)).map_or(PALETTE[0], |class| class.colour)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_into_equal_classes() {
        let scale = QuantileScale::new((1..=60).map(f64::from));
        assert_eq!(scale.classes.len(), 6);
        assert!(scale.classes.iter().all(|class| class.cells == 10));
        assert_eq!((scale.classes[0].min_value, scale.classes[0].max_value), (1.0, 10.0));
        assert_eq!(scale.class_of(10.0), 0);
        assert_eq!(scale.class_of(10.5), 1);
        assert_eq!(scale.class_of(60.0), 5);
        assert_eq!(scale.colour_of(60.0), PALETTE[5]);
    }

    #[test]
    fn ties_never_split_and_the_ramp_is_spread() {
        let scale = QuantileScale::new([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 9.0, f64::NAN]);
        let bounds: Vec<(f64, f64)> = scale.classes.iter().map(|c| (c.min_value, c.max_value)).collect();
        assert_eq!(bounds, vec![(1.0, 1.0), (2.0, 9.0)]);
        assert_eq!(scale.classes[0].colour, PALETTE[0]);
        assert_eq!(scale.classes[1].colour, PALETTE[5]);
        assert_eq!(scale.classes.iter().map(|c| c.cells).sum::<usize>(), 10);
    }

    #[test]
    fn empty_and_single_value() {
        assert!(QuantileScale::new([]).classes.is_empty());
        let one = QuantileScale::new([7.0, 7.0]);
        assert_eq!(one.classes.len(), 1);
        assert_eq!(one.colour_of(7.0), PALETTE[5]);
    }
}
