//! Merging store aggregates, whose cells are in increasing order ([`aggregate_store`]
//! sorts them): one walk over the sorted lists, no hash map of cells. At fine resolutions
//! a day has millions of cells, and a map of them (with the sums beside it) took about
//! four times the memory of the merged result, on the page's thread.
//!
//! [`aggregate_store`]: super::aggregate_store

use rustc_hash::FxHashMap;

use super::query::{PointSums, StoreAggregate};

/// Where the cells of several increasing lists go in their merged, increasing list.
#[derive(Debug, Default)]
pub struct MergedCells {
    pub cells: Vec<u64>,
    /// Per list, the merged index of each of its cells (increasing, like the cells).
    pub index_of: Vec<Vec<u32>>,
}

impl MergedCells {
    /// Each list holds each cell once, in increasing order.
    pub fn of(lists: &[&[u64]]) -> Self {
        debug_assert!(lists.iter().all(|list| list.is_sorted_by(|a, b| a < b)), "increasing cells");
        let mut next = vec![0_usize; lists.len()];
        let mut index_of: Vec<Vec<u32>> = lists.iter().map(|list| Vec::with_capacity(list.len())).collect();
        let mut cells = Vec::with_capacity(lists.iter().map(|list| list.len()).max().unwrap_or(0));
        while let Some(cell) = lists.iter().zip(&next).filter_map(|(list, &at)| list.get(at)).min().copied() {
            let index = cells.len() as u32;
            cells.push(cell);
            for ((list, at), indexes) in lists.iter().zip(&mut next).zip(&mut index_of) {
                if list.get(*at) == Some(&cell) {
                    indexes.push(index);
                    *at += 1;
                }
            }
        }
        Self { cells, index_of }
    }

    /// Calls `each` with every merged cell's index and the (list, position) of its parts.
    pub fn for_each_cell(&self, mut each: impl FnMut(usize, &[(usize, usize)])) {
        let mut next = vec![0_usize; self.index_of.len()];
        let mut parts = Vec::with_capacity(self.index_of.len());
        for index in 0..self.cells.len() {
            parts.clear();
            for (list, (indexes, at)) in self.index_of.iter().zip(&mut next).enumerate() {
                if indexes.get(*at) == Some(&(index as u32)) {
                    parts.push((list, *at));
                    *at += 1;
                }
            }
            each(index, &parts);
        }
    }
}

/// The distinct (merged cell, aircraft) pairs of aggregates, aircraft numbered anew.
#[derive(Debug, Default)]
pub struct MergedAircraft<'a> {
    /// Packed as `cell index << 32 | aircraft id`.
    pub pairs: Vec<u64>,
    /// By aircraft id.
    pub addresses: Vec<&'a str>,
}

impl<'a> MergedAircraft<'a> {
    /// `index_of`: where each aggregate's cells went (its list in [`MergedCells::of`]).
    pub fn of(aggregates: &'a [StoreAggregate], index_of: &[Vec<u32>]) -> Self {
        let mut ids: FxHashMap<&str, u32> = FxHashMap::default();
        let mut addresses = Vec::new();
        // Whether several aggregates name the aircraft: only its pairs may repeat (each
        // aggregate's pairs are distinct).
        let mut shared = Vec::new();
        let mut pairs = Vec::with_capacity(aggregates.iter().map(|aggregate| aggregate.aircraft.len()).sum());
        for (aggregate, indexes) in aggregates.iter().zip(index_of) {
            let local: Vec<u32> = aggregate
                .addresses
                .iter()
                .map(|address| match ids.get(&**address) {
                    // An aggregate names each aircraft once: an earlier one named this.
                    Some(&id) => {
                        shared[id as usize] = true;
                        id
                    }
                    None => {
                        let id = addresses.len() as u32;
                        ids.insert(address, id);
                        addresses.push(&**address);
                        shared.push(false);
                        id
                    }
                })
                .collect();
            pairs.extend(aggregate.aircraft.iter().map(|&(slot, address)| {
                u64::from(indexes[slot as usize]) << 32 | u64::from(local[address as usize])
            }));
        }
        let is_shared = |pair: &u64| shared[*pair as u32 as usize];
        let mut repeated: Vec<u64> = pairs.iter().copied().filter(is_shared).collect();
        if !repeated.is_empty() {
            pairs.retain(|pair| !is_shared(pair));
            repeated.sort_unstable();
            repeated.dedup();
            pairs.append(&mut repeated);
        }
        Self { pairs, addresses }
    }
}

/// Aggregates (of stores, or of workers) as one, its cells in increasing order: what a
/// worker holding several stores sends the page.
pub fn merge_aggregates(aggregates: &[StoreAggregate]) -> StoreAggregate {
    let lists: Vec<&[u64]> = aggregates.iter().map(|aggregate| aggregate.cells.as_slice()).collect();
    let merged = MergedCells::of(&lists);
    let aircraft = MergedAircraft::of(aggregates, &merged.index_of);
    let any_private = aggregates.iter().any(|aggregate| !aggregate.private_aircraft.is_empty());
    let mut sums = Vec::with_capacity(merged.cells.len());
    let mut legs = Vec::with_capacity(merged.cells.len());
    let mut private_aircraft = Vec::with_capacity(if any_private { merged.cells.len() } else { 0 });
    merged.for_each_cell(|_, parts| {
        let mut cell_sums = PointSums::default();
        let (mut cell_legs, mut private) = (0, 0);
        for &(list, at) in parts {
            let aggregate = &aggregates[list];
            cell_sums.merge(&aggregate.sums[at]);
            cell_legs += aggregate.legs[at];
            private += aggregate.private_aircraft.get(at).copied().unwrap_or(0);
        }
        sums.push(cell_sums);
        legs.push(cell_legs);
        if any_private {
            private_aircraft.push(private);
        }
    });
    StoreAggregate {
        cells: merged.cells,
        sums,
        legs,
        aircraft: aircraft.pairs.iter().map(|&pair| ((pair >> 32) as u32, pair as u32)).collect(),
        addresses: aircraft.addresses.into_iter().map(Box::from).collect(),
        private_aircraft,
        private_aircraft_total: aggregates.iter().map(|aggregate| aggregate.private_aircraft_total).sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_lists_merge_into_one_with_each_cells_place() {
        let merged = MergedCells::of(&[&[2, 5, 9], &[], &[1, 5, 10]]);
        assert_eq!(merged.cells, [1, 2, 5, 9, 10]);
        assert_eq!(merged.index_of, [vec![1, 2, 3], vec![], vec![0, 2, 4]]);
        let mut parts = Vec::new();
        merged.for_each_cell(|index, found| parts.push((index, found.to_vec())));
        assert_eq!(parts[2], (2, vec![(0, 1), (2, 1)]), "cell 5 from both lists");
        assert_eq!(parts.len(), 5);
    }

    #[test]
    fn pairs_of_aircraft_two_aggregates_name_are_counted_once() {
        let aggregate = |cells: Vec<u64>, aircraft: Vec<(u32, u32)>, addresses: &[&str]| StoreAggregate {
            sums: vec![PointSums { points: 1, ..PointSums::default() }; cells.len()],
            legs: vec![1; cells.len()],
            cells,
            aircraft,
            addresses: addresses.iter().map(|&address| Box::from(address)).collect(),
            ..StoreAggregate::default()
        };
        let first = aggregate(vec![3, 7], vec![(0, 0), (1, 0), (1, 1)], &["a", "b"]);
        let second = aggregate(vec![7, 8], vec![(0, 0), (1, 1)], &["b", "c"]);
        let merged = merge_aggregates(&[first, second]);
        assert_eq!(merged.cells, [3, 7, 8]);
        assert_eq!(merged.sums.iter().map(|sums| sums.points).collect::<Vec<_>>(), [1, 2, 1]);
        let mut pairs: Vec<(u64, &str)> = merged
            .aircraft
            .iter()
            .map(|&(slot, id)| (merged.cells[slot as usize], &*merged.addresses[id as usize]))
            .collect();
        pairs.sort_unstable();
        assert_eq!(pairs, [(3, "a"), (7, "a"), (7, "b"), (8, "c")], "b in cell 7 once");
    }
}
