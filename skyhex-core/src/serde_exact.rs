//! Vectors read back at their exact length. serde grows a vector past 1 MiB by doubling (it
//! does not trust a length prefix), so the millions of cells of a worker's answer took up
//! to twice their size while they were read, and wasm memory never shrinks back. Used with
//! `#[serde(deserialize_with = "...")]` on the large vectors workers and page exchange.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// Reserved up front at most (a corrupt length prefix then grows the vector as serde would).
const MAX_RESERVED_BYTES: usize = 1 << 30;

pub fn deserialize<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    deserializer.deserialize_seq(ExactVec(PhantomData))
}

struct ExactVec<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ExactVec<T> {
    type Value = Vec<T>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let reserved = seq.size_hint().unwrap_or(0).min(MAX_RESERVED_BYTES / size_of::<T>().max(1));
        let mut items = Vec::with_capacity(reserved);
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Cells {
        #[serde(deserialize_with = "super::deserialize")]
        cells: Vec<u64>,
    }

    #[test]
    fn reads_back_at_the_exact_length() {
        let cells = Cells { cells: (0..300_000).collect() };
        let bytes = postcard::to_stdvec(&cells).expect("encodes");
        let read: Cells = postcard::from_bytes(&bytes).expect("decodes");
        assert_eq!(read, cells);
        assert_eq!(read.cells.capacity(), 300_000, "serde alone would have grown it to 2^19");
    }

    #[test]
    fn a_corrupt_length_is_an_error_not_a_huge_reservation() {
        let mut bytes = postcard::to_stdvec(&Cells { cells: vec![1, 2, 3] }).expect("encodes");
        bytes[0] = 0xff;
        bytes.splice(1..1, [0xff, 0xff, 0xff, 0x0f]);
        assert!(postcard::from_bytes::<Cells>(&bytes).is_err());
    }
}
