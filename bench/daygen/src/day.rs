//! An aircraft's day: the flights its class flies (airline rotations, light aircraft and
//! helicopter sorties, tanker racetracks, vehicle shifts) at plausible local times, flown
//! through the recorder. Only what falls inside the UTC day is kept.

use crate::airports::{Airports, Size, Traffic};
use crate::dice::Dice;
use crate::fleet::{Aircraft, CallsignStyle, Class, Source};
use crate::geo::{self, LatLon, MPS_PER_KT};
use crate::perf::{Performance, performance};
use crate::plan::{self, Runway};
use crate::sim::{DAY_S, Field, Flight, Recorder, Waypoint};
use crate::trace::{DayTrace, LegIdent};

const HOUR_S: f64 = 3600.0;
/// Squawks that mean something (hijack, radio failure, emergency, VFR, unassigned).
const RESERVED_SQUAWKS: &[&[u8; 4]] = &[b"7500", b"7600", b"7700", b"1200", b"7000", b"2000", b"0000"];
/// Tries at a day with points before giving the aircraft a day on its home airport's ground.
const ATTEMPTS: u64 = 4;

/// The aircraft's day of trace points. Its draws come from (seed, aircraft index) alone.
pub fn generate(aircraft: &Aircraft, airports: &Airports, seed: u64) -> DayTrace {
    for attempt in 0..ATTEMPTS {
        let mut planner = Planner::new(aircraft, airports, Dice::new(seed, aircraft.index, 1 + attempt));
        planner.fly_day();
        if !planner.recorder.day.points.is_empty() {
            return planner.recorder.day;
        }
    }
    // Never heard in the air (say, only over oceans): a day parked at its heard home field.
    let mut planner = Planner::new(aircraft, airports, Dice::new(seed, aircraft.index, 1 + ATTEMPTS));
    planner.ground_shift(DAY_S / 2.0, 6.0 * HOUR_S);
    planner.recorder.day
}

struct Planner<'a> {
    aircraft: &'a Aircraft,
    airports: &'a Airports,
    perf: Performance,
    recorder: Recorder<'a>,
}

impl<'a> Planner<'a> {
    fn new(aircraft: &'a Aircraft, airports: &'a Airports, dice: Dice) -> Self {
        let perf = performance(aircraft.class);
        Self { aircraft, airports, perf, recorder: Recorder::new(aircraft, airports, perf, dice) }
    }

    fn dice(&mut self) -> &mut Dice {
        &mut self.recorder.dice
    }

    fn fly_day(&mut self) {
        match self.aircraft.class {
            Class::Narrowbody
            | Class::Widebody
            | Class::Regional
            | Class::Turboprop
            | Class::Bizjet
            | Class::Airlifter => self.rotations(),
            Class::Piston => self.light_aircraft_day(),
            Class::Helicopter => self.helicopter_day(),
            Class::Tanker => self.tanker_day(),
            Class::Vehicle => {
                let start_s = self.local_start_s(6.0, 15.0);
                let hours = self.dice().range(2.0, 8.0);
                self.ground_shift(start_s, hours * HOUR_S);
            }
        }
    }

    /// Legs between airports all day, resting overnight (long-haul aircraft rest shorter
    /// and at any hour). Starts on the previous local morning so the UTC day begins with
    /// aircraft already flying.
    fn rotations(&mut self) {
        let long_haul = matches!(self.aircraft.class, Class::Widebody | Class::Airlifter);
        let mut at = self.aircraft.home;
        let morning_h = self.dice().range(5.0, 9.5);
        let mut t_s = utc_s(-1, morning_h, self.airports.list[at].pos.lon);
        while t_s < DAY_S {
            let (fewest, most) = self.perf.legs_per_day;
            let legs = self.dice().int(fewest, most);
            for _ in 0..legs {
                if t_s >= DAY_S {
                    break;
                }
                let (airports, leg_m) = (self.airports, self.perf.leg_m);
                let to = airports.draw_destination(self.dice(), at, leg_m, Traffic::Airline);
                if to == at {
                    break;
                }
                let end_s = self.leg(t_s, at, to, true);
                let (shortest, longest) = self.perf.turnaround_s;
                t_s = end_s + self.dice().range(shortest, longest);
                at = to;
            }
            t_s = if long_haul {
                t_s + self.dice().range(3.0, 12.0) * HOUR_S
            } else {
                let morning_h = self.dice().range(5.0, 9.5);
                next_local_time(t_s + 6.0 * HOUR_S, morning_h, self.airports.list[at].pos.lon)
            };
        }
    }

    /// Flies (or, when it ends before the day, only times) a leg from `from` to `to`.
    /// Returns when it ended.
    fn leg(&mut self, start_s: f64, from: usize, to: usize, instrument: bool) -> f64 {
        let airports = self.airports;
        let (origin, destination) = (&airports.list[from], &airports.list[to]);
        let distance_m = geo::distance_m(origin.pos, destination.pos);
        let estimate_s = 1800.0 + distance_m / (self.perf.cruise_kt * 0.85 * MPS_PER_KT);
        if start_s + 1.5 * estimate_s + HOUR_S < 0.0 {
            return start_s + estimate_s;
        }
        let (low_ft, high_ft) = self.perf.cruise_ft;
        // Short legs do not climb all the way.
        let cruise_ft = self
            .dice()
            .range(low_ft, high_ft)
            .min(origin.elevation_ft.max(destination.elevation_ft) + 3000.0 + distance_m / 1852.0 * 100.0);
        let cruise_ft = (cruise_ft / 1000.0).round() * 1000.0;
        let cruise_ft = cruise_ft.max(origin.elevation_ft.max(destination.elevation_ft) + 1500.0);
        let perf = self.perf;
        let departure_runway = Runway::of(origin, from, start_s);
        let (gate, mut waypoints) = plan::departure(origin, &departure_runway, &perf, cruise_ft, self.dice());
        let arrival_runway = Runway::of(destination, to, start_s + estimate_s);
        waypoints.extend(plan::arrival(
            destination,
            &arrival_runway,
            &perf,
            origin.pos,
            cruise_ft,
            self.dice(),
        ));
        let flight = self.flight(start_s, gate, from, to, waypoints, cruise_ft, instrument);
        self.recorder.fly(&flight)
    }

    /// A few flights from the home field: circuits, sight-seeing, or out to a nearby field
    /// and back.
    fn light_aircraft_day(&mut self) {
        let home = self.aircraft.home;
        let mut t_s = self.local_start_s(7.5, 16.0);
        let (fewest, most) = self.perf.legs_per_day;
        let flights = self.dice().int(fewest, most);
        for _ in 0..flights {
            let roll = self.dice().unit();
            let end_s = if roll < 0.4 {
                let (airports, leg_m) = (self.airports, self.perf.leg_m);
                let to = airports.draw_destination(self.dice(), home, leg_m, Traffic::General);
                let out_s = self.leg(t_s, home, to, false);
                let stay_s = self.dice().range(1800.0, 3.0 * HOUR_S);
                self.leg(out_s + stay_s, to, home, false)
            } else {
                self.local_flight(t_s, home, roll < 0.6)
            };
            let (shortest, longest) = self.perf.turnaround_s;
            t_s = end_s + self.dice().range(shortest, longest);
            if t_s >= DAY_S {
                break;
            }
        }
    }

    /// Circuits or sight-seeing from `home` and back.
    fn local_flight(&mut self, start_s: f64, home: usize, circuits: bool) -> f64 {
        let airport = &self.airports.list[home];
        let runway = Runway::of(airport, home, start_s);
        let perf = self.perf;
        let pattern_ft = airport.elevation_ft + 1000.0;
        let cruise_ft = airport.elevation_ft + self.dice().range(1500.0, 4500.0);
        let climb_ft = if circuits { pattern_ft } else { cruise_ft };
        let (gate, mut waypoints) = plan::departure(airport, &runway, &perf, climb_ft, self.dice());
        if circuits {
            let laps = self.dice().int(3, 8);
            waypoints.extend(plan::circuits(&runway, &perf, laps, self.dice()));
            let landing = plan::arrival(airport, &runway, &perf, airport.pos, pattern_ft, self.dice());
            waypoints.extend(landing.into_iter().skip(3));
        } else {
            let count = self.dice().int(2, 7);
            let tour = plan::wander(airport.pos, count, cruise_ft, perf.cruise_kt, self.dice());
            let last = tour.last().map_or(airport.pos, |waypoint| waypoint.pos);
            waypoints.extend(tour);
            waypoints.extend(plan::arrival(airport, &runway, &perf, last, cruise_ft, self.dice()));
        }
        let flight = self.flight(start_s, gate, home, home, waypoints, cruise_ft, false);
        self.recorder.fly(&flight)
    }

    /// Hops between landing spots near the base (hospitals, news, tours), then home.
    fn helicopter_day(&mut self) {
        let (airports, perf) = (self.airports, self.perf);
        let base = &airports.list[self.aircraft.home];
        let mut t_s = self.local_start_s(7.0, 17.0);
        let hops = self.dice().int(perf.legs_per_day.0, perf.legs_per_day.1);
        let mut at = base.pos;
        for hop in 0..=hops {
            let to = if hop == hops {
                base.pos
            } else {
                let (near_m, far_m) = perf.leg_m;
                let (bearing_deg, distance_m) =
                    (self.dice().range(0.0, 360.0), self.dice().range(near_m, far_m));
                geo::destination(base.pos, bearing_deg, distance_m)
            };
            let waypoints = plan::hop(at, to, base.elevation_ft, &perf, self.dice());
            let cruise_ft = base.elevation_ft + perf.cruise_ft.1;
            let home = self.aircraft.home;
            let flight = self.flight(t_s, at, home, home, waypoints, cruise_ft, false);
            t_s = self.recorder.fly(&flight);
            at = to;
            if t_s >= DAY_S {
                break;
            }
        }
    }

    /// A racetrack sortie at altitude from the base.
    fn tanker_day(&mut self) {
        let home = self.aircraft.home;
        let base = &self.airports.list[home];
        let start_s = self.local_start_s(7.0, 15.0);
        let perf = self.perf;
        let alt_ft = (self.dice().range(perf.cruise_ft.0, perf.cruise_ft.1) / 1000.0).round() * 1000.0;
        let out_m = self.dice().range(perf.leg_m.0, perf.leg_m.1);
        let a = geo::destination(base.pos, self.dice().range(0.0, 360.0), out_m);
        let b = geo::destination(a, self.dice().range(0.0, 360.0), self.dice().range(80e3, 150e3));
        let runway = Runway::of(base, home, start_s);
        let (gate, mut waypoints) = plan::departure(base, &runway, &perf, alt_ft, self.dice());
        waypoints.push(Waypoint::air(a, alt_ft, alt_ft, perf.cruise_kt));
        let laps = self.dice().int(3, 7);
        waypoints.extend(plan::racetrack(a, b, alt_ft, perf.cruise_kt * 0.75, laps));
        let back = Runway::of(base, home, start_s + 6.0 * HOUR_S);
        waypoints.extend(plan::arrival(base, &back, &perf, a, alt_ft, self.dice()));
        let flight = self.flight(start_s, gate, home, home, waypoints, alt_ft, true);
        self.recorder.fly(&flight);
    }

    /// Driving about the home airport for `duration_s`.
    fn ground_shift(&mut self, start_s: f64, duration_s: f64) {
        let home = self.aircraft.home;
        let airport = &self.airports.list[home];
        let radius_m = if airport.size == Size::Large { 2000.0 } else { 800.0 };
        // About one stop per 8 minutes of shift.
        let stops = (duration_s / 480.0).ceil() as u32;
        let waypoints = plan::ground_work(airport, radius_m, stops, self.perf.taxi_kt, self.dice());
        let mut flight = self.flight(start_s, airport.pos, home, home, waypoints, 0.0, false);
        // Vehicles drive where receivers see the ground.
        flight.fields.iter_mut().for_each(|field| field.floor_ft = 0.0);
        self.recorder.fly(&flight);
    }

    #[allow(clippy::too_many_arguments)]
    fn flight(
        &mut self,
        start_s: f64,
        start: LatLon,
        from: usize,
        to: usize,
        plan: Vec<Waypoint>,
        cruise_ft: f64,
        instrument: bool,
    ) -> Flight {
        let ident = self.ident(cruise_ft, instrument);
        let fields = [self.field(from), self.field(to)];
        let dice = self.dice();
        Flight {
            start_s,
            start,
            elevation_ft: fields[0].elevation_ft,
            plan,
            fields,
            ident,
            wind_toward_deg: dice.range(0.0, 360.0),
            wind_kt: dice.range(5.0, 110.0),
            geom_scale: dice.range(-0.02, 0.07),
            geom_offset_ft: dice.range(-300.0, 300.0),
        }
    }

    /// Receivers see the ground at most big airports and at few small ones.
    fn field(&mut self, index: usize) -> Field {
        let airport = &self.airports.list[index];
        let ground_seen = match airport.size {
            Size::Large => 0.9,
            Size::Medium => 0.6,
            Size::Small => 0.25,
        };
        let dice = self.dice();
        let floor_ft = if dice.chance(ground_seen) { 0.0 } else { dice.range(200.0, 1500.0) };
        Field { pos: airport.pos, elevation_ft: airport.elevation_ft, floor_ft }
    }

    /// The leg's callsign and squawk: a new flight number and discrete code per leg for
    /// airline and instrument flights, the registration and the VFR code for light aircraft.
    fn ident(&mut self, cruise_ft: f64, instrument: bool) -> LegIdent {
        let aircraft = self.aircraft;
        let military = matches!(aircraft.class, Class::Tanker | Class::Airlifter);
        let dice = self.dice();
        let callsign = match &aircraft.callsign {
            CallsignStyle::FlightNumber(code) => {
                let number = dice.int(1, if military { 999 } else { 4999 });
                Some(padded(&format!("{code}{number}")))
            }
            CallsignStyle::Fixed(text) => Some(padded(text)),
            CallsignStyle::None => None,
        };
        let squawk = match (aircraft.class, aircraft.source) {
            (Class::Vehicle, _) | (_, Source::TisbOther) => None,
            _ if !instrument && dice.chance(0.8) => {
                let mut code = [0; 4];
                code.copy_from_slice(aircraft.vfr_squawk.as_bytes());
                Some(code)
            }
            _ => Some(discrete_squawk(dice)),
        };
        LegIdent {
            callsign,
            squawk,
            nav_altitude_ft: (cruise_ft / 16.0).round() as i32 * 16,
            qnh_dhpa: dice.range(9950.0, 10_300.0) as u32,
        }
    }

    /// A start time in the UTC day at a local time of day between the given hours.
    fn local_start_s(&mut self, earliest_h: f64, latest_h: f64) -> f64 {
        let lon = self.airports.list[self.aircraft.home].pos.lon;
        let hour = self.dice().range(earliest_h, latest_h);
        utc_s(0, hour, lon).rem_euclid(DAY_S)
    }
}

/// UTC seconds after the day's midnight of `hour` local (solar) time on local day `day`.
fn utc_s(day: i64, hour: f64, lon: f64) -> f64 {
    day as f64 * DAY_S + hour * HOUR_S - lon / 15.0 * HOUR_S
}

/// The first `hour` local time at or after `after_s`.
fn next_local_time(after_s: f64, hour: f64, lon: f64) -> f64 {
    let local_day = ((after_s + lon / 15.0 * HOUR_S) / DAY_S).floor() as i64;
    let same_day = utc_s(local_day, hour, lon);
    if same_day >= after_s { same_day } else { utc_s(local_day + 1, hour, lon) }
}

fn padded(text: &str) -> [u8; 8] {
    let mut out = [b' '; 8];
    for (slot, byte) in out.iter_mut().zip(text.bytes()) {
        *slot = byte;
    }
    out
}

fn discrete_squawk(dice: &mut Dice) -> [u8; 4] {
    loop {
        let code: [u8; 4] = std::array::from_fn(|_| b'0' + dice.int(0, 7) as u8);
        if !RESERVED_SQUAWKS.contains(&&code) {
            return code;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet;

    #[test]
    fn a_day_is_the_same_every_time_and_in_time_order_inside_the_day() {
        let airports = Airports::load().expect("airport table");
        for aircraft in &fleet::generate(12, 3, &airports) {
            let day = generate(aircraft, &airports, 3);
            let again = generate(aircraft, &airports, 3);
            assert!(!day.points.is_empty(), "{} has points", aircraft.hex);
            let times: Vec<u32> = day.points.iter().map(|point| point.time_cs).collect();
            assert_eq!(times, again.points.iter().map(|point| point.time_cs).collect::<Vec<_>>());
            assert!(times.windows(2).all(|pair| pair[0] < pair[1]), "{} in time order", aircraft.hex);
            assert!(times.iter().all(|&cs| f64::from(cs) < DAY_S * 100.0));
            assert!(day.points[0].details, "the first point names the aircraft");
        }
    }
}
