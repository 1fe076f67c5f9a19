//! What `skyhex inspect` reports about inputs: points, distinct aircraft, time span.

use std::collections::BTreeSet;

use arrow::array::RecordBatch;
use chrono::{DateTime, SecondsFormat};
use serde::{Deserialize, Serialize};

use crate::points::{PointColumns, RejectCounts};

/// Summary of the accepted points of one input or of several merged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub points: u64,
    pub rejected: RejectCounts,
    /// Distinct aircraft addresses, sorted.
    pub aircraft: BTreeSet<String>,
    pub first_time_ms: Option<i64>,
    pub last_time_ms: Option<i64>,
}

impl Summary {
    pub fn of_batches<'a>(
        batches: impl IntoIterator<Item = &'a RecordBatch>,
        rejected: RejectCounts,
    ) -> Self {
        let mut summary = Self { rejected, ..Self::default() };
        for batch in batches {
            let points = PointColumns::new(batch);
            summary.points += points.len() as u64;
            let mut last_address = None;
            for row in 0..points.len() {
                let address = points.address(row);
                if address != last_address {
                    if let Some(address) = address {
                        summary.aircraft.insert(address.to_owned());
                    }
                    last_address = address;
                }
                if let Some(time_ms) = points.time_ms(row) {
                    summary.include_time(time_ms);
                }
            }
        }
        summary
    }

    /// The summary of one decoded input, points of pre-aggregated cells included.
    pub fn of_decoded(decoded: &crate::ingest::Decoded) -> Self {
        let mut summary = Self::of_batches(&decoded.batches, decoded.rejected);
        summary.points += decoded.cells.iter().map(|cell| cell.points).sum::<u64>();
        summary
    }

    fn include_time(&mut self, time_ms: i64) {
        self.first_time_ms = Some(self.first_time_ms.map_or(time_ms, |first| first.min(time_ms)));
        self.last_time_ms = Some(self.last_time_ms.map_or(time_ms, |last| last.max(time_ms)));
    }

    pub fn merge(&mut self, other: &Self) {
        self.points += other.points;
        self.rejected.merge(&other.rejected);
        self.aircraft.extend(other.aircraft.iter().cloned());
        for time_ms in [other.first_time_ms, other.last_time_ms].into_iter().flatten() {
            self.include_time(time_ms);
        }
    }
}

/// Formats milliseconds since the Unix epoch as RFC 3339 in UTC (`2023-08-30T00:54:51.590Z`).
pub fn format_time(time_ms: i64) -> String {
    DateTime::from_timestamp_millis(time_ms)
        .map_or_else(|| format!("{time_ms} ms"), |time| time.to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

/// Parses an RFC 3339 time to milliseconds since the Unix epoch.
pub fn parse_time(text: &str) -> Result<i64, chrono::ParseError> {
    DateTime::parse_from_rfc3339(text).map(|time| time.timestamp_millis())
}
