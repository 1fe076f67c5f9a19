//! Which stores share aircraft. Distinct aircraft per cell do not add up across stores
//! that hold the same aircraft, so those stores send (cell, aircraft) pairs to be told
//! apart where they merge; a store whose aircraft no other holds counts them itself
//! ([`super::AircraftSharing::None`]), which for a day's archive saves ~10^7 pairs a query.

use rustc_hash::{FxHashMap, FxHashSet};

use super::PointStore;

/// The holders (stores, or the workers holding parts of one input) of aircraft, known by
/// their addresses' hashes. Two addresses with one hash look shared: the safe mistake.
#[derive(Debug, Default)]
pub struct AircraftOwners {
    owner_of: FxHashMap<u64, u32>,
    sharing: FxHashSet<u32>,
}

impl AircraftOwners {
    /// Notes that `owner` holds the aircraft with these address hashes.
    pub fn note(&mut self, owner: u32, address_hashes: impl IntoIterator<Item = u64>) {
        for hash in address_hashes {
            let first = *self.owner_of.entry(hash).or_insert(owner);
            if first != owner {
                self.sharing.extend([first, owner]);
            }
        }
    }

    /// Whether another owner holds any aircraft of `owner`.
    pub fn shares(&self, owner: u32) -> bool {
        self.sharing.contains(&owner)
    }

    /// Whether any two owners hold a common aircraft.
    pub fn any_shared(&self) -> bool {
        !self.sharing.is_empty()
    }

    /// How each of `stores` counts its aircraft when they merge.
    pub fn of_stores<'a>(stores: impl IntoIterator<Item = &'a PointStore>) -> Self {
        let mut owners = Self::default();
        for (owner, store) in stores.into_iter().enumerate() {
            owners.note(owner as u32, store.address_hashes(0));
        }
        owners
    }
}
