//! A column that grows in fixed-size chunks. A `Vec` that grows is moved to a larger block
//! and, for a moment, held twice; in wasm, memory once taken is never given back, so a
//! store grown as `Vec`s would keep that peak for good. Chunks are never moved, and a
//! chunk freed is exactly the size the next one needs. The first chunk grows as a `Vec`
//! does, so the many small columns of small inputs stay small.

/// Values per chunk (a power of two, so an index splits with a shift and a mask).
pub(super) const CHUNK_SHIFT: usize = 16;
pub(super) const CHUNK_LEN: usize = 1 << CHUNK_SHIFT;

#[derive(Debug, Clone, PartialEq)]
pub struct Chunked<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Self { chunks: Vec::new(), len: 0 }
    }
}

impl<T: Copy> Chunked<T> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn push(&mut self, value: T) {
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < CHUNK_LEN => chunk.push(value),
            _ => {
                let mut chunk =
                    if self.chunks.is_empty() { Vec::new() } else { Vec::with_capacity(CHUNK_LEN) };
                chunk.push(value);
                self.chunks.push(chunk);
            }
        }
        self.len += 1;
    }

    pub fn last(&self) -> Option<T> {
        self.len.checked_sub(1).map(|index| self.get(index))
    }

    /// The value at `index` (panics past the end, like a slice).
    #[inline]
    pub fn get(&self, index: usize) -> T {
        self.chunks[index >> CHUNK_SHIFT][index & (CHUNK_LEN - 1)]
    }

    fn set(&mut self, index: usize, value: T) {
        self.chunks[index >> CHUNK_SHIFT][index & (CHUNK_LEN - 1)] = value;
    }

    /// Keeps the values at `sources` (ascending), in place: the column is not copied.
    pub fn keep_in_order(&mut self, sources: impl Iterator<Item = usize>) {
        let mut kept = 0;
        for source in sources {
            self.set(kept, self.get(source));
            kept += 1;
        }
        self.truncate(kept);
    }

    /// Keeps the first `len` values; whole chunks past them are freed.
    fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        self.chunks.truncate(len.div_ceil(CHUNK_LEN));
        if let Some(last) = self.chunks.last_mut() {
            last.truncate(len - (len - 1) / CHUNK_LEN * CHUNK_LEN);
        }
        self.len = len;
    }

    pub fn iter(&self) -> impl Iterator<Item = T> + '_ {
        self.chunks.iter().flatten().copied()
    }

    /// Frees the room the last chunk keeps for values to come.
    pub fn shrink_to_fit(&mut self) {
        if let Some(last) = self.chunks.last_mut() {
            last.shrink_to_fit();
        }
        self.chunks.shrink_to_fit();
    }

    /// Memory the column holds, in bytes.
    pub fn retained_bytes(&self) -> usize {
        self.chunks.iter().map(Vec::capacity).sum::<usize>() * size_of::<T>()
            + self.chunks.capacity() * size_of::<Vec<T>>()
    }
}

impl<T: Copy> FromIterator<T> for Chunked<T> {
    fn from_iter<I: IntoIterator<Item = T>>(values: I) -> Self {
        let mut column = Self::default();
        values.into_iter().for_each(|value| column.push(value));
        column
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_cross_chunk_boundaries_in_order() {
        let column: Chunked<u32> = (0..3 * CHUNK_LEN as u32 + 5).collect();
        assert_eq!(column.len(), 3 * CHUNK_LEN + 5);
        for index in [0, CHUNK_LEN - 1, CHUNK_LEN, 2 * CHUNK_LEN + 1, 3 * CHUNK_LEN + 4] {
            assert_eq!(column.get(index), index as u32);
        }
        assert!(column.iter().eq(0..3 * CHUNK_LEN as u32 + 5));
        let small: Chunked<u32> = (0..10).collect();
        assert!(small.retained_bytes() < 200, "a small column takes little room: {}", small.retained_bytes());
        let mut shrunk = column.clone();
        shrunk.shrink_to_fit();
        assert!(shrunk.retained_bytes() < column.retained_bytes());
        shrunk.push(7);
        assert_eq!(shrunk.get(3 * CHUNK_LEN + 5), 7, "a shrunk last chunk still grows");
        for len in [2 * CHUNK_LEN + 1, 2 * CHUNK_LEN, 1, 0] {
            let mut cut = column.clone();
            cut.truncate(len);
            assert_eq!(cut.len(), len);
            assert!(cut.iter().eq(0..len as u32));
            cut.push(9);
            assert_eq!(cut.get(len), 9, "a cut column grows on at its end");
        }
    }
}
