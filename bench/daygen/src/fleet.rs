//! Who flies: each aircraft's address, database entry (registration, type, operator, year,
//! dbFlags), radio habits and home airport, drawn from (seed, index) alone.

use std::collections::HashSet;

use crate::airports::{Airports, Traffic};
use crate::dice::Dice;
use crate::tables::{self, Country, Model, RegStyle};

/// The generator purpose of identity draws (trajectories use others).
const IDENTITY_PURPOSE: u64 = 0;
const NON_ICAO_BIT: u32 = 1 << 24;
/// Draws of a home airport before settling for one without receivers.
const HOME_DRAWS: usize = 64;
/// Registration letters (no I or O, as most registries).
const REG_LETTERS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Narrowbody,
    Widebody,
    Regional,
    Turboprop,
    Bizjet,
    Piston,
    Helicopter,
    /// Military tankers and patrol aircraft: racetracks at altitude.
    Tanker,
    /// Military transports: airline-like legs.
    Airlifter,
    /// Airport ground vehicles with transponders.
    Vehicle,
}

/// Share of each class among the day's aircraft (a day of adsb.lol is mostly airliners and
/// US general aviation).
const CLASS_SHARES: &[(Class, f64)] = &[
    (Class::Narrowbody, 0.34),
    (Class::Widebody, 0.07),
    (Class::Regional, 0.09),
    (Class::Turboprop, 0.06),
    (Class::Bizjet, 0.09),
    (Class::Piston, 0.23),
    (Class::Helicopter, 0.05),
    (Class::Tanker, 0.01),
    (Class::Airlifter, 0.02),
    (Class::Vehicle, 0.04),
];

/// readsb's address types (`addrtype_t`), by the names its JSON uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    AdsbIcao,
    AdsrIcao,
    TisbIcao,
    Adsc,
    Mlat,
    AdsbOther,
    TisbOther,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::AdsbIcao => "adsb_icao",
            Source::AdsrIcao => "adsr_icao",
            Source::TisbIcao => "tisb_icao",
            Source::Adsc => "adsc",
            Source::Mlat => "mlat",
            Source::AdsbOther => "adsb_other",
            Source::TisbOther => "tisb_other",
        }
    }

    /// The `addrtype_t` number, which heatmap records carry in bits 27..31.
    pub fn address_type(self) -> u32 {
        match self {
            Source::AdsbIcao => 0,
            Source::AdsrIcao => 2,
            Source::TisbIcao => 3,
            Source::Adsc => 4,
            Source::Mlat => 5,
            Source::AdsbOther => 8,
            Source::TisbOther => 11,
        }
    }
}

/// How the aircraft's callsign is made, leg by leg.
#[derive(Debug, Clone)]
pub enum CallsignStyle {
    /// An operator code and a flight number that changes every leg.
    FlightNumber(&'static str),
    /// The same text every leg (the registration, or a vehicle's call).
    Fixed(String),
    /// Transmits no callsign.
    None,
}

/// What the aircraft database says; fields are missing as they are in real files.
#[derive(Debug, Clone)]
pub struct DbEntry {
    pub registration: Option<String>,
    pub type_known: bool,
    pub own_op: Option<String>,
    pub year: Option<u16>,
    pub db_flags: u8,
}

/// Equipment and receiver habits that shape the trace points.
#[derive(Debug, Clone, Copy)]
pub struct Habits {
    /// Mode S enhanced surveillance: indicated airspeed and roll on some points.
    pub ehs: bool,
    /// Vertical rate from GNSS (flag 4) rather than barometric.
    pub geom_rate: bool,
    /// Reports a track on the ground (else null there).
    pub ground_track: bool,
    /// Reports by ADS-C (satellite) where no receiver hears it.
    pub adsc: bool,
    pub adsb_version: u8,
}

#[derive(Debug, Clone)]
pub struct Aircraft {
    pub index: u64,
    pub address: u32,
    pub non_icao: bool,
    /// As readsb names it: six lower-case hex digits, `~` first for a non-ICAO address.
    pub hex: String,
    pub source: Source,
    pub class: Class,
    pub model: Option<&'static Model>,
    pub db: Option<DbEntry>,
    pub home: usize,
    pub callsign: CallsignStyle,
    pub vfr_squawk: &'static str,
    pub habits: Habits,
}

impl Aircraft {
    /// The member's path in the day's archive.
    pub fn member_path(&self) -> String {
        format!("./traces/{}/trace_full_{}.json", self.member_dir(), self.hex)
    }

    /// The traces folder's sub-folder: the address's last two hex digits.
    pub fn member_dir(&self) -> &str {
        &self.hex[self.hex.len() - 2..]
    }

    /// ADS-B emitter category.
    pub fn category(&self) -> &'static str {
        match (self.model, self.class) {
            (Some(model), _) => model.category,
            (None, Class::Vehicle) => "C2",
            (None, _) => "A1",
        }
    }

    /// The address with the non-ICAO flag, as heatmap records hold it.
    pub fn flagged_address(&self) -> u32 {
        self.address | if self.non_icao { NON_ICAO_BIT } else { 0 }
    }
}

/// `count` aircraft, ordered as their members are in the archive.
pub fn generate(count: usize, seed: u64, airports: &Airports) -> Vec<Aircraft> {
    let mut taken = HashSet::new();
    let mut fleet: Vec<Aircraft> = (0..count as u64)
        .map(|index| build(index, &mut Dice::new(seed, index, IDENTITY_PURPOSE), airports, &mut taken))
        .collect();
    fleet.sort_by(|a, b| (a.member_dir(), &a.hex).cmp(&(b.member_dir(), &b.hex)));
    fleet
}

fn build(index: u64, dice: &mut Dice, airports: &Airports, taken: &mut HashSet<u32>) -> Aircraft {
    let shares: Vec<f64> = CLASS_SHARES
        .iter()
        .scan(0.0, |sum, (_, share)| {
            *sum += share;
            Some(*sum)
        })
        .collect();
    let class = CLASS_SHARES[dice.weighted(&shares)].0;
    let traffic = match class {
        Class::Piston | Class::Helicopter => Traffic::General,
        _ => Traffic::Airline,
    };
    // Only aircraft that receivers hear have trace files: based where coverage is.
    let mut home = airports.draw(dice, traffic);
    for _ in 0..HOME_DRAWS {
        if airports.covered(airports.list[home].pos) {
            break;
        }
        home = airports.draw(dice, traffic);
    }
    let country_code = airports.list[home].country.as_str();
    let country = tables::COUNTRIES.iter().find(|country| country.code == country_code);
    let models: Vec<&'static Model> = tables::MODELS.iter().filter(|model| model.class == class).collect();
    let model = (!models.is_empty()).then(|| *dice.pick(&models));
    let source = draw_source(dice, class, country_code);
    let non_icao = matches!(source, Source::TisbOther | Source::AdsbOther);
    let address = draw_address(dice, class, country, non_icao, taken);
    let db = (!non_icao && class != Class::Vehicle && dice.chance(0.94))
        .then(|| draw_db_entry(dice, class, country, country_code));
    let callsign = draw_callsign_style(dice, class, source, country, db.as_ref());
    let european = country.is_some_and(|country| country.vfr_squawk == "7000");
    Aircraft {
        index,
        address,
        non_icao,
        hex: format!("{}{address:06x}", if non_icao { "~" } else { "" }),
        source,
        class,
        model,
        db,
        home,
        callsign,
        vfr_squawk: country.map_or("7000", |country| country.vfr_squawk),
        habits: Habits {
            ehs: dice.chance(if european { 0.7 } else { 0.1 })
                && !matches!(class, Class::Piston | Class::Vehicle),
            geom_rate: dice.chance(if matches!(class, Class::Piston | Class::Helicopter) {
                0.4
            } else {
                0.05
            }),
            ground_track: dice.chance(if class == Class::Piston { 0.4 } else { 0.9 }),
            adsc: class == Class::Widebody && dice.chance(0.5),
            adsb_version: if dice.chance(0.85) { 2 } else { 1 },
        },
    }
}

fn draw_source(dice: &mut Dice, class: Class, country_code: &str) -> Source {
    let roll = dice.unit();
    let shares: &[(f64, Source)] = match (class, country_code) {
        // TIS-B and ADS-R rebroadcasts are a US thing (UAT light aircraft).
        (Class::Piston, "US") => {
            &[(0.12, Source::TisbOther), (0.08, Source::AdsrIcao), (0.03, Source::TisbIcao)]
        }
        (Class::Piston, _) => &[(0.3, Source::Mlat)],
        (Class::Helicopter, _) => &[(0.1, Source::Mlat)],
        (Class::Tanker | Class::Airlifter, _) => &[(0.4, Source::Mlat)],
        (Class::Vehicle, _) => &[(0.6, Source::AdsbOther)],
        _ => &[(0.03, Source::Mlat)],
    };
    let mut sum = 0.0;
    shares
        .iter()
        .find(|(share, _)| {
            sum += share;
            roll < sum
        })
        .map_or(Source::AdsbIcao, |(_, source)| *source)
}

fn draw_address(
    dice: &mut Dice,
    class: Class,
    country: Option<&Country>,
    non_icao: bool,
    taken: &mut HashSet<u32>,
) -> u32 {
    let (low, high) = match (non_icao, class, country) {
        (true, _, _) => (0, 0xff_ffff),
        (false, Class::Tanker | Class::Airlifter, Some(country)) if country.code == "US" => {
            tables::US_MILITARY_BLOCK
        }
        (false, _, Some(country)) => country.block,
        (false, _, None) => tables::ELSEWHERE_BLOCK,
    };
    let flag = if non_icao { NON_ICAO_BIT } else { 0 };
    let mut address = low + dice.int(0, high - low);
    // Taken: the next free one in the block (deterministic: aircraft are built in order).
    while !taken.insert(address | flag) {
        address = if address >= high { low } else { address + 1 };
    }
    address
}

fn draw_db_entry(dice: &mut Dice, class: Class, country: Option<&Country>, country_code: &str) -> DbEntry {
    let us = country_code == "US";
    let military = matches!(class, Class::Tanker | Class::Airlifter);
    let private = matches!(class, Class::Piston | Class::Bizjet | Class::Turboprop);
    let mut db_flags = 0;
    if military {
        db_flags |= 1;
    }
    if dice.chance(0.005) {
        db_flags |= 2;
    }
    if us && private && dice.chance(0.05) {
        db_flags |= 8;
    }
    // Privacy ICAO addresses: the registry does not name the aircraft.
    let pia = us && class == Class::Bizjet && dice.chance(0.03);
    if pia {
        db_flags |= 4;
    }
    let registration = (!pia).then(|| match (military, us) {
        // USAF serials: fiscal year and number.
        (true, true) => format!("{:02}-{:04}", (55 + dice.int(0, 68)) % 100, dice.int(0, 9999)),
        _ => registration(dice, country, country_code),
    });
    let operator = match class {
        Class::Narrowbody | Class::Widebody | Class::Regional => {
            dice.pick(country.map_or(tables::ELSEWHERE_AIRLINES, |country| country.airlines)).1.to_owned()
        }
        Class::Tanker | Class::Airlifter => "UNITED STATES AIR FORCE".to_owned(),
        _ => format!("{} {}", dice.pick(tables::OWNER_WORDS), dice.pick(tables::OWNER_KINDS)),
    };
    let built_from = if matches!(class, Class::Piston | Class::Turboprop) { 1965 } else { 1995 };
    DbEntry {
        registration,
        type_known: dice.chance(0.95),
        // The FAA registry names owners; elsewhere the database rarely does.
        own_op: dice.chance(if us { 0.85 } else { 0.1 }).then_some(operator),
        year: dice
            .chance(if us { 0.8 } else { 0.3 })
            .then(|| built_from + dice.int(0, 2024 - built_from as u32) as u16),
        db_flags,
    }
}

/// A registration as the country writes them; elsewhere its code, a dash and three letters.
fn registration(dice: &mut Dice, country: Option<&Country>, country_code: &str) -> String {
    match country.map(|country| country.reg) {
        None => format!("{country_code}-{}", letters(dice, 3)),
        Some(RegStyle::UnitedStates) => {
            // At most five characters after the N.
            let more_digits = dice.int(1, 3) as usize;
            let letter_count = dice.int(0, if more_digits == 3 { 1 } else { 2 }) as usize;
            format!("N{}{}{}", dice.int(1, 9), digits(dice, more_digits), letters(dice, letter_count))
        }
        Some(RegStyle::Letters(prefix, count)) => format!("{prefix}{}", letters(dice, count)),
        Some(RegStyle::Digits(prefix, count)) => format!("{prefix}{}", digits(dice, count)),
        Some(RegStyle::Japan) => format!("JA{}{}", digits(dice, 3), letters(dice, 1)),
    }
}

fn letters(dice: &mut Dice, count: usize) -> String {
    (0..count).map(|_| char::from(*dice.pick(REG_LETTERS))).collect()
}

fn digits(dice: &mut Dice, count: usize) -> String {
    (0..count).map(|_| char::from(b'0' + dice.int(0, 9) as u8)).collect()
}

fn draw_callsign_style(
    dice: &mut Dice,
    class: Class,
    source: Source,
    country: Option<&Country>,
    db: Option<&DbEntry>,
) -> CallsignStyle {
    let by_registration = || {
        db.and_then(|db| db.registration.as_ref())
            .map_or(CallsignStyle::None, |registration| CallsignStyle::Fixed(registration.replace('-', "")))
    };
    match class {
        _ if source == Source::TisbOther => CallsignStyle::None,
        Class::Narrowbody | Class::Widebody | Class::Regional => CallsignStyle::FlightNumber(
            dice.pick(country.map_or(tables::ELSEWHERE_AIRLINES, |country| country.airlines)).0,
        ),
        Class::Turboprop | Class::Bizjet if dice.chance(0.4) => {
            CallsignStyle::FlightNumber(dice.pick(tables::BIZJET_OPERATORS).0)
        }
        Class::Tanker | Class::Airlifter => {
            CallsignStyle::FlightNumber(dice.pick::<&str>(tables::MILITARY_CALLSIGNS))
        }
        Class::Vehicle => {
            CallsignStyle::Fixed(format!("{}{}", dice.pick(tables::VEHICLE_CALLSIGNS), dice.int(1, 29)))
        }
        _ if source == Source::Mlat && dice.chance(0.5) => CallsignStyle::None,
        _ => by_registration(),
    }
}
