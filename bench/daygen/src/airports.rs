//! The world's airports (airportsdata, MIT licence; the table the app's map uses too), with
//! the weights that make big airports busy, and a coarse map of where receivers are.

use std::io::Read;

use crate::dice::Dice;
use crate::geo::{self, LatLon};

/// airportsdata's table, gzip: icao,iata,name,city,subd,country,elevation,lat,lon,tz,lid.
const AIRPORTS_CSV_GZ: &[u8] = include_bytes!("../../../tests/data/real/airports/airports.csv.gz");
/// Grid cell of the neighbourhood index, degrees.
const INDEX_CELL_DEG: f64 = 1.0;
/// Grid cell of the coverage map, degrees: a cell is covered when an airport lies in it or
/// next to it (which leaves the open oceans and the emptiest deserts without receivers), in
/// a feeder-rich country or by chance elsewhere.
const COVERAGE_CELL_DEG: f64 = 2.0;
/// Outside the feeder-rich countries, covered cells per 64.
const PATCHY_COVERED_OF_64: u64 = 36;
const M_PER_DEG: f64 = 111_195.0;
/// Tries at drawing a destination from the global weights before searching the neighbourhood.
const DRAWS_BEFORE_SEARCH: usize = 48;

/// Countries with many adsb.lol feeders: traffic there is seen more.
const FEEDER_RICH: &[&str] = &[
    "US", "CA", "GB", "DE", "FR", "NL", "BE", "CH", "AT", "IT", "ES", "PT", "IE", "DK", "SE", "NO", "FI",
    "PL", "CZ", "AU", "NZ", "JP",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    Small,
    /// Has an IATA code: scheduled service.
    Medium,
    /// An IATA code and "International" in the name.
    Large,
}

#[derive(Debug, Clone)]
pub struct Airport {
    pub country: String,
    pub size: Size,
    pub elevation_ft: f64,
    pub pos: LatLon,
    /// One direction of the (single, made-up) runway, degrees; the other is +180.
    pub runway_deg: f64,
    pub runway_m: f64,
}

/// Who flies where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Traffic {
    /// Scheduled and business flights: airports with an IATA code, the big ones most.
    Airline,
    /// Light aircraft: every airfield, small ones too.
    General,
}

#[derive(Debug)]
pub struct Airports {
    pub list: Vec<Airport>,
    airline_cumulative: Vec<f64>,
    general_cumulative: Vec<f64>,
    /// Airport indexes per INDEX_CELL_DEG cell, row-major from (-90, -180).
    index: Vec<Vec<u32>>,
    covered: Vec<bool>,
}

impl Airports {
    pub fn load() -> Result<Self, String> {
        let mut text = Vec::new();
        flate2::read::GzDecoder::new(AIRPORTS_CSV_GZ)
            .read_to_end(&mut text)
            .map_err(|error| format!("airport table: {error}"))?;
        let mut reader = csv::Reader::from_reader(text.as_slice());
        let mut list = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|error| format!("airport table: {error}"))?;
            let number = |column: usize| record.get(column).and_then(|text| text.parse::<f64>().ok());
            let (Some(elevation_ft), Some(lat), Some(lon)) = (number(6), number(7), number(8)) else {
                continue;
            };
            let icao = record.get(0).unwrap_or_default();
            let has_iata = !record.get(1).unwrap_or_default().is_empty();
            let international = record.get(2).unwrap_or_default().contains("International");
            let size = match (has_iata, international) {
                (true, true) => Size::Large,
                (true, false) => Size::Medium,
                _ => Size::Small,
            };
            list.push(Airport {
                country: record.get(5).unwrap_or_default().to_owned(),
                size,
                elevation_ft,
                pos: LatLon::new(lat, lon),
                // A fixed direction per airport, from its code.
                runway_deg: f64::from(
                    icao.bytes().fold(7u32, |hash, byte| hash.wrapping_mul(31) ^ u32::from(byte)) % 180,
                ),
                runway_m: match size {
                    Size::Large => 3200.0,
                    Size::Medium => 2200.0,
                    Size::Small => 900.0,
                },
            });
        }
        if list.is_empty() {
            return Err("airport table: no airports".to_owned());
        }
        Ok(Self::index(list))
    }

    fn index(list: Vec<Airport>) -> Self {
        let cumulative = |weight: fn(&Airport) -> f64| -> Vec<f64> {
            list.iter()
                .scan(0.0, |sum, airport| {
                    *sum += weight(airport) * feeder_weight(airport);
                    Some(*sum)
                })
                .collect()
        };
        let airline_cumulative = cumulative(airline_weight);
        let general_cumulative = cumulative(general_weight);
        let mut index = vec![Vec::new(); 180 * 360];
        let (coverage_rows, coverage_cols) = coverage_shape();
        // Per coverage cell: 0 no airport, 1 an airport, 2 one in a feeder-rich country.
        let mut airports = vec![0u8; coverage_rows * coverage_cols];
        for (i, airport) in list.iter().enumerate() {
            index[index_cell(airport.pos.lat.floor() as i64, airport.pos.lon.floor() as i64)].push(i as u32);
            let cell = &mut airports[coverage_cell(airport.pos)];
            *cell = (*cell).max(if feeder_weight(airport) > 1.0 { 2 } else { 1 });
        }
        let covered = (0..coverage_rows * coverage_cols)
            .map(|cell| {
                let (row, col) = ((cell / coverage_cols) as i64, (cell % coverage_cols) as i64);
                let nearby = (-1..=1)
                    .filter(|dr| (0..coverage_rows as i64).contains(&(row + dr)))
                    .flat_map(|dr| {
                        (-1..=1).map(move |dc| {
                            ((row + dr) as usize, (col + dc).rem_euclid(coverage_cols as i64) as usize)
                        })
                    })
                    .map(|(r, c)| airports[r * coverage_cols + c])
                    .max()
                    .unwrap_or(0);
                // Elsewhere, feeders are few: a fixed share of cells has one.
                nearby == 2 || (nearby == 1 && patch_has_feeders(row, col))
            })
            .collect();
        Self { list, airline_cumulative, general_cumulative, index, covered }
    }

    /// An airport drawn by the traffic's weights.
    pub fn draw(&self, dice: &mut Dice, traffic: Traffic) -> usize {
        dice.weighted(self.cumulative(traffic))
    }

    /// An airport `min_m..max_m` away from `from`, drawn by the traffic's weights; `from`
    /// itself when there is none.
    pub fn draw_destination(
        &self,
        dice: &mut Dice,
        from: usize,
        (min_m, max_m): (f64, f64),
        traffic: Traffic,
    ) -> usize {
        let origin = self.list[from].pos;
        let in_range = |i: usize| (min_m..=max_m).contains(&geo::distance_m(origin, self.list[i].pos));
        for _ in 0..DRAWS_BEFORE_SEARCH {
            let i = self.draw(dice, traffic);
            if i != from && in_range(i) {
                return i;
            }
        }
        // Rare far-flung origins: search the neighbourhood instead.
        let weights = self.cumulative(traffic);
        let weight = |i: usize| weights[i] - if i == 0 { 0.0 } else { weights[i - 1] };
        let candidates: Vec<usize> =
            self.near(origin, max_m).filter(|&i| i != from && weight(i) > 0.0 && in_range(i)).collect();
        if candidates.is_empty() {
            return from;
        }
        let mut sum = 0.0;
        let cumulative: Vec<f64> = candidates
            .iter()
            .map(|&i| {
                sum += weight(i);
                sum
            })
            .collect();
        candidates[dice.weighted(&cumulative)]
    }

    /// True when receivers hear aircraft at `pos` (away from the oceans' middles).
    pub fn covered(&self, pos: LatLon) -> bool {
        self.covered[coverage_cell(pos)]
    }

    fn cumulative(&self, traffic: Traffic) -> &[f64] {
        match traffic {
            Traffic::Airline => &self.airline_cumulative,
            Traffic::General => &self.general_cumulative,
        }
    }

    /// Airports in the index cells within `radius_m` of `center` (a superset of those in range).
    fn near(&self, center: LatLon, radius_m: f64) -> impl Iterator<Item = usize> + '_ {
        let radius_deg = radius_m / M_PER_DEG + INDEX_CELL_DEG;
        let (lat_low, lat_high) =
            ((center.lat - radius_deg).max(-90.0), (center.lat + radius_deg).min(89.999));
        let widest_cos = lat_low.abs().max(lat_high.abs()).to_radians().cos().max(1e-3);
        let lon_radius = (radius_deg / widest_cos).min(180.0);
        let rows = lat_low.floor() as i64..=lat_high.floor() as i64;
        let cols = (center.lon - lon_radius).floor() as i64..=(center.lon + lon_radius).floor() as i64;
        let cols: Vec<i64> = if lon_radius >= 180.0 { (-180..180).collect() } else { cols.collect() };
        rows.flat_map(move |row| {
            let cols = cols.clone();
            cols.into_iter().flat_map(move |col| self.index[index_cell(row, col)].iter().map(|&i| i as usize))
        })
    }
}

fn airline_weight(airport: &Airport) -> f64 {
    match airport.size {
        Size::Large => 12.0,
        Size::Medium => 1.0,
        Size::Small => 0.0,
    }
}

fn general_weight(airport: &Airport) -> f64 {
    match airport.size {
        Size::Large => 2.0,
        Size::Medium => 3.0,
        Size::Small => 1.0,
    }
}

fn feeder_weight(airport: &Airport) -> f64 {
    if FEEDER_RICH.contains(&airport.country.as_str()) { 2.0 } else { 0.6 }
}

/// The index cell of whole degrees (lon wrapped).
fn index_cell(lat_deg: i64, lon_deg: i64) -> usize {
    let row = (lat_deg + 90).clamp(0, 179) as usize;
    let col = (lon_deg + 180).rem_euclid(360) as usize;
    row * 360 + col
}

/// Feeders cluster: the chance is drawn per block of 3 x 3 coverage cells.
fn patch_has_feeders(row: i64, col: i64) -> bool {
    let block = (row / 3) as u64 * 1000 + (col / 3) as u64;
    block.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 58 < PATCHY_COVERED_OF_64
}

fn coverage_shape() -> (usize, usize) {
    ((180.0 / COVERAGE_CELL_DEG) as usize, (360.0 / COVERAGE_CELL_DEG) as usize)
}

fn coverage_cell(pos: LatLon) -> usize {
    let (rows, cols) = coverage_shape();
    let row = (((pos.lat + 90.0) / COVERAGE_CELL_DEG) as usize).min(rows - 1);
    let col = (((geo::wrap_lon(pos.lon) + 180.0) / COVERAGE_CELL_DEG) as usize).min(cols - 1);
    row * cols + col
}
