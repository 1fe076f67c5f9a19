//! A chunked column of values that repeat, such as a point's altitude or state: each chunk
//! keeps its distinct values once and a 16-bit code per value, 2 bytes a value instead of 4.
//! A chunk holds at most 2^16 values, so its codes always fit; a chunk of mostly distinct
//! values (which coded would take more room) keeps them plainly instead.

use std::hash::Hash;

use rustc_hash::FxHashMap;

use super::chunked::{CHUNK_LEN, CHUNK_SHIFT};

/// A chunk with this many distinct values is kept plainly: coded, it would take more room.
const MAX_CODED_VALUES: usize = CHUNK_LEN / 2;

#[derive(Debug, Clone)]
pub struct Coded<T> {
    chunks: Vec<Chunk<T>>,
    len: usize,
    /// The code of each distinct value of the last chunk, while it fills (rebuilt when
    /// missing, so a shrunk or cloned column need not keep it).
    last_codes: FxHashMap<T, u16>,
}

#[derive(Debug, Clone)]
enum Chunk<T> {
    Coded { values: Vec<T>, codes: Vec<u16> },
    Plain(Vec<T>),
}

impl<T> Chunk<T> {
    fn len(&self) -> usize {
        match self {
            Self::Coded { codes, .. } => codes.len(),
            Self::Plain(values) => values.len(),
        }
    }

    fn retained_bytes(&self) -> usize {
        match self {
            Self::Coded { values, codes } => values.capacity() * size_of::<T>() + codes.capacity() * 2,
            Self::Plain(values) => values.capacity() * size_of::<T>(),
        }
    }
}

impl<T> Default for Coded<T> {
    fn default() -> Self {
        Self { chunks: Vec::new(), len: 0, last_codes: FxHashMap::default() }
    }
}

impl<T: Copy + Eq + Hash> Coded<T> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn push(&mut self, value: T) {
        if self.chunks.last().is_none_or(|chunk| chunk.len() == CHUNK_LEN) {
            // The first chunk grows as a `Vec` does, so small columns stay small.
            let codes = if self.chunks.is_empty() { Vec::new() } else { Vec::with_capacity(CHUNK_LEN) };
            self.chunks.push(Chunk::Coded { values: Vec::new(), codes });
            self.last_codes.clear();
        }
        self.len += 1;
        let (values, codes) = match self.chunks.last_mut().expect("a chunk with room") {
            Chunk::Plain(values) => return values.push(value),
            Chunk::Coded { values, codes } => (values, codes),
        };
        // Consecutive values are mostly equal: no lookup then.
        if let Some(&last) = codes.last()
            && values[usize::from(last)] == value
        {
            return codes.push(last);
        }
        if self.last_codes.len() != values.len() {
            self.last_codes = values.iter().enumerate().map(|(code, &value)| (value, code as u16)).collect();
        }
        let code = match self.last_codes.get(&value) {
            Some(&code) => code,
            None if values.len() == MAX_CODED_VALUES => {
                let mut plain = Vec::with_capacity(CHUNK_LEN);
                plain.extend(codes.iter().map(|&code| values[usize::from(code)]));
                plain.push(value);
                *self.chunks.last_mut().expect("a chunk with room") = Chunk::Plain(plain);
                self.last_codes = FxHashMap::default();
                return;
            }
            None => {
                let code = values.len() as u16;
                values.push(value);
                self.last_codes.insert(value, code);
                code
            }
        };
        codes.push(code);
    }

    /// The value at `index` (panics past the end, like a slice).
    #[inline]
    pub fn get(&self, index: usize) -> T {
        match &self.chunks[index >> CHUNK_SHIFT] {
            Chunk::Coded { values, codes } => values[usize::from(codes[index & (CHUNK_LEN - 1)])],
            Chunk::Plain(values) => values[index & (CHUNK_LEN - 1)],
        }
    }

    /// Keeps the values at `sources` (ascending). Chunks are freed as the sources pass them,
    /// so the column is never held twice.
    pub fn keep_in_order(&mut self, sources: impl Iterator<Item = usize>) {
        let mut old = std::mem::take(self);
        let mut freed = 0;
        for source in sources {
            while freed < source >> CHUNK_SHIFT {
                old.chunks[freed] = Chunk::Plain(Vec::new());
                freed += 1;
            }
            self.push(old.get(source));
        }
    }

    /// Frees the room the last chunk keeps for values to come.
    pub fn shrink_to_fit(&mut self) {
        match self.chunks.last_mut() {
            Some(Chunk::Coded { values, codes }) => {
                values.shrink_to_fit();
                codes.shrink_to_fit();
            }
            Some(Chunk::Plain(values)) => values.shrink_to_fit(),
            None => {}
        }
        self.chunks.shrink_to_fit();
        self.last_codes = FxHashMap::default();
    }

    /// Memory the column holds, in bytes.
    pub fn retained_bytes(&self) -> usize {
        self.chunks.iter().map(Chunk::retained_bytes).sum::<usize>()
            + self.chunks.capacity() * size_of::<Chunk<T>>()
            + self.last_codes.capacity() * (size_of::<T>() + size_of::<u16>() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values that repeat in runs, as altitudes do, with `distinct` values per chunk.
    fn repeating(len: usize, distinct: u32) -> Vec<u32> {
        (0..len as u32).map(|index| (index / 3) % distinct * 7919).collect()
    }

    fn coded(values: &[u32]) -> Coded<u32> {
        let mut column = Coded::default();
        values.iter().for_each(|&value| column.push(value));
        column
    }

    #[test]
    fn repeating_values_take_two_bytes_and_read_back() {
        let values = repeating(3 * CHUNK_LEN + 11, 2_000);
        let mut column = coded(&values);
        assert_eq!(column.len(), values.len());
        assert!((0..values.len()).all(|index| column.get(index) == values[index]));
        column.shrink_to_fit();
        let per_value = column.retained_bytes() as f64 / values.len() as f64;
        assert!((2.0..2.2).contains(&per_value), "{per_value} bytes a value");
        column.push(5);
        assert_eq!(column.get(values.len()), 5, "a shrunk column grows on");
    }

    #[test]
    fn chunks_of_distinct_values_turn_plain() {
        let values: Vec<u32> =
            (0..2 * CHUNK_LEN as u32 + 3).map(|index| index.wrapping_mul(2_654_435_761)).collect();
        let mut column = coded(&values);
        assert!((0..values.len()).all(|index| column.get(index) == values[index]));
        column.shrink_to_fit();
        let per_value = column.retained_bytes() as f64 / values.len() as f64;
        assert!(per_value < 4.5, "{per_value} bytes a value");
    }

    #[test]
    fn kept_values_are_those_asked_in_order() {
        let values = repeating(3 * CHUNK_LEN + 11, 40_000);
        for step in [1, 2, 3, 1000] {
            let mut column = coded(&values);
            column.keep_in_order((0..values.len()).step_by(step));
            let expected: Vec<u32> = values.iter().copied().step_by(step).collect();
            assert_eq!(column.len(), expected.len());
            assert!((0..expected.len()).all(|index| column.get(index) == expected[index]), "step {step}");
        }
    }
}
