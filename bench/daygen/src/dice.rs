//! Seeded randomness. Every aircraft draws from its own generator, seeded from (run seed,
//! aircraft index, purpose), so the output does not depend on which thread made what.

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

#[derive(Debug, Clone)]
pub struct Dice(Pcg64Mcg);

impl Dice {
    pub fn new(seed: u64, index: u64, purpose: u64) -> Self {
        Self(Pcg64Mcg::seed_from_u64(mix(mix(mix(seed) ^ index) ^ purpose)))
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        self.0.random()
    }

    /// Uniform in [low, high).
    pub fn range(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    /// Uniform integer in [low, high].
    pub fn int(&mut self, low: u32, high: u32) -> u32 {
        self.0.random_range(low..=high)
    }

    pub fn chance(&mut self, probability: f64) -> bool {
        self.unit() < probability
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.0.random_range(0..items.len())]
    }

    /// Approximately normal (mean 0, sd 1): the sum of four uniforms, rescaled. Bounded,
    /// which keeps every drawn quantity in a sane range.
    pub fn normal(&mut self) -> f64 {
        let sum: f64 = (0..4).map(|_| self.unit()).sum();
        (sum - 2.0) * 3f64.sqrt()
    }

    /// An index drawn with the given cumulative weights (last = total).
    pub fn weighted(&mut self, cumulative: &[f64]) -> usize {
        let total = cumulative.last().copied().unwrap_or(0.0);
        let target = self.unit() * total;
        cumulative.partition_point(|&sum| sum <= target).min(cumulative.len().saturating_sub(1))
    }
}

/// SplitMix64's finaliser: spreads nearby seeds and indexes over the whole state space.
fn mix(value: u64) -> u64 {
    let mut z = value.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
