//! Flying a plan: a kinematic model (turn, speed and climb limits, wind) stepped every
//! second (every few seconds in steady cruise), and a recorder that keeps the points a
//! readsb receiver network would: adaptively sampled, with coverage gaps.

use crate::airports::Airports;
use crate::dice::Dice;
use crate::fleet::{Aircraft, Source};
use crate::geo::{self, G_MPS2, LatLon, M_PER_NM, MPS_PER_KT};
use crate::perf::Performance;
use crate::trace::{Alt, DayTrace, FLAG_GEOM_RATE, FLAG_NEW_LEG, FLAG_STALE, LegIdent, TracePoint};

pub const DAY_S: f64 = 86_400.0;
/// readsb marks a point stale when no position came for this long before it.
const STALE_AFTER_S: f64 = 20.0;
/// A flight is cut off after this long (guards against a plan that never ends).
const MAX_FLIGHT_S: f64 = 20.0 * 3600.0;
/// Step while standing still.
const PAUSE_STEP_S: f64 = 5.0;
/// Step in steady cruise.
const CRUISE_STEP_S: f64 = 4.0;
/// Vertical rate changes at most this fast, fpm per second.
const VRATE_ACCEL_FPM_S: f64 = 400.0;
/// Glide slope: 3 degrees is 318 ft per nm.
const GLIDE_FT_PER_NM: f64 = 318.0;
/// readsb's longest wait between trace points (`json_trace_interval`, default 30 s).
const TRACE_INTERVAL_S: f64 = 30.0;
/// Fields whose ground is not heard are deaf below at most this height.
const MAX_FLOOR_FT: f64 = 1500.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Taxi,
    /// On the runway, accelerating; airborne at rotate speed, then climbing.
    Takeoff,
    Air,
    /// Straight to the runway threshold on the glide slope; touches down there.
    Final,
    /// On the runway after touchdown, slowing down.
    Rollout,
}

#[derive(Debug, Clone, Copy)]
pub struct Waypoint {
    pub pos: LatLon,
    pub mode: Mode,
    /// Air: the altitude to be at on reaching it. Final: the field elevation.
    pub alt_ft: f64,
    /// Air and Takeoff: the altitude to hold until the descent to `alt_ft` must begin.
    pub cruise_ft: f64,
    pub speed_kt: f64,
    /// Stand still this long on reaching it (on the ground).
    pub pause_s: f64,
}

impl Waypoint {
    pub fn ground(pos: LatLon, mode: Mode, speed_kt: f64) -> Self {
        Self { pos, mode, alt_ft: 0.0, cruise_ft: 0.0, speed_kt, pause_s: 0.0 }
    }

    pub fn air(pos: LatLon, alt_ft: f64, cruise_ft: f64, speed_kt: f64) -> Self {
        Self { pos, mode: Mode::Air, alt_ft, cruise_ft, speed_kt, pause_s: 0.0 }
    }

    pub fn paused(self, pause_s: f64) -> Self {
        Self { pause_s, ..self }
    }
}

/// An end of a flight, for receiver coverage near the ground.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub pos: LatLon,
    pub elevation_ft: f64,
    /// Nothing lower than this above the field is heard (0: its ground is covered).
    pub floor_ft: f64,
}

#[derive(Debug, Clone)]
pub struct Flight {
    pub start_s: f64,
    pub start: LatLon,
    pub elevation_ft: f64,
    pub plan: Vec<Waypoint>,
    pub fields: [Field; 2],
    pub ident: LegIdent,
    /// Wind aloft: the direction it blows toward, and its speed at 30,000 ft.
    pub wind_toward_deg: f64,
    pub wind_kt: f64,
    /// Geometric altitude = barometric * (1 + this) + `geom_offset_ft`.
    pub geom_scale: f64,
    pub geom_offset_ft: f64,
}

#[derive(Debug, Clone, Copy)]
struct Body {
    pos: LatLon,
    alt_ft: f64,
    tas_kt: f64,
    gs_kt: f64,
    track_deg: f64,
    vrate_fpm: f64,
    roll_deg: f64,
    on_ground: bool,
    /// Past the top of descent toward the current waypoint.
    descending: bool,
}

/// The last recorded point, which the next is compared with.
#[derive(Debug, Clone, Copy)]
struct Last {
    time_s: f64,
    pos: LatLon,
    alt_ft: f64,
    gs_kt: f64,
    track_deg: f64,
    vrate_fpm: f64,
    on_ground: bool,
}

enum Heard {
    Yes,
    /// A receiver outage or interference.
    Gap,
    /// No receiver within range: oceans, deserts.
    NoReceiver,
    /// Too low near a field without ground coverage.
    TooLow,
}

/// Flies an aircraft's flights one after the other and keeps its day's trace.
#[derive(Debug)]
pub struct Recorder<'a> {
    aircraft: &'a Aircraft,
    airports: &'a Airports,
    perf: Performance,
    /// tan(bank angle), which limits the turn rate at speed.
    bank_tan: f64,
    pub dice: Dice,
    pub day: DayTrace,
    last: Option<Last>,
    last_position_s: f64,
    gap_until_s: f64,
    next_adsc_s: f64,
    new_leg: bool,
    points_since_details: u32,
    gaps_per_s: f64,
}

impl<'a> Recorder<'a> {
    pub fn new(aircraft: &'a Aircraft, airports: &'a Airports, perf: Performance, mut dice: Dice) -> Self {
        Self {
            aircraft,
            airports,
            perf,
            bank_tan: perf.bank_deg.to_radians().tan(),
            gaps_per_s: dice.range(0.3, 2.0) / 3600.0,
            dice,
            day: DayTrace::default(),
            last: None,
            last_position_s: f64::NEG_INFINITY,
            gap_until_s: f64::NEG_INFINITY,
            next_adsc_s: f64::NEG_INFINITY,
            new_leg: false,
            points_since_details: 0,
        }
    }

    /// Flies `flight` from its start (recording only inside the day); returns when it ended.
    pub fn fly(&mut self, flight: &Flight) -> f64 {
        if flight.plan.is_empty() {
            return flight.start_s;
        }
        self.new_leg = true;
        self.day.idents.push(flight.ident);
        let mut body = Body {
            pos: flight.start,
            alt_ft: flight.elevation_ft,
            tas_kt: 0.0,
            gs_kt: 0.0,
            // Facing the first place it goes to.
            track_deg: flight
                .plan
                .iter()
                .find(|waypoint| geo::distance_m(flight.start, waypoint.pos) > 1.0)
                .map_or(0.0, |waypoint| geo::bearing_deg(flight.start, waypoint.pos)),
            vrate_fpm: 0.0,
            roll_deg: 0.0,
            on_ground: true,
            descending: false,
        };
        let mut t = flight.start_s;
        let end_s = (flight.start_s + MAX_FLIGHT_S).min(DAY_S);
        for waypoint in &flight.plan {
            let distance_m = geo::distance_m(body.pos, waypoint.pos);
            let deadline_s = t + 600.0 + 4.0 * distance_m / (waypoint.speed_kt.max(5.0) * MPS_PER_KT);
            loop {
                if t >= end_s {
                    return t;
                }
                let (distance_m, bearing_deg) = geo::distance_bearing(body.pos, waypoint.pos);
                let wanted_turn_deg = geo::turn_deg(body.track_deg, bearing_deg);
                if self.reached(&body, waypoint, distance_m, wanted_turn_deg) || t > deadline_s {
                    break;
                }
                let dt = self.advance(&mut body, waypoint, flight, distance_m, wanted_turn_deg);
                t += dt;
                self.observe(t, dt, &body, flight);
            }
            body.descending = false;
            if waypoint.mode == Mode::Final {
                body =
                    Body { on_ground: true, alt_ft: waypoint.alt_ft, vrate_fpm: 0.0, roll_deg: 0.0, ..body };
            }
            if waypoint.pause_s > 0.0 {
                body = Body { tas_kt: 0.0, gs_kt: 0.0, ..body };
                let until_s = (t + waypoint.pause_s).min(end_s);
                while t < until_s {
                    t += PAUSE_STEP_S;
                    self.observe(t, PAUSE_STEP_S, &body, flight);
                }
            }
        }
        t
    }

    fn reached(&self, body: &Body, waypoint: &Waypoint, distance_m: f64, wanted_turn_deg: f64) -> bool {
        let step_m = body.gs_kt * MPS_PER_KT;
        match waypoint.mode {
            Mode::Taxi | Mode::Rollout => distance_m <= step_m.max(10.0),
            Mode::Final => distance_m <= step_m.max(30.0),
            Mode::Takeoff if body.on_ground => distance_m <= step_m.max(30.0),
            // Turn early by about the turn's radius; give up on a point inside the turn,
            // which could only be circled.
            Mode::Takeoff | Mode::Air => {
                let radius_m = self.turn_radius_m(body.tas_kt);
                let reachable_m = 2.0 * radius_m * wanted_turn_deg.abs().min(90.0).to_radians().sin();
                distance_m <= radius_m.max(step_m * CRUISE_STEP_S).max(200.0) || distance_m < reachable_m
            }
        }
    }

    /// The turn rate the aircraft can fly at `tas_kt`, deg/s.
    fn turn_rate_deg_s(&self, tas_kt: f64) -> f64 {
        let speed_mps = (tas_kt * MPS_PER_KT).max(1.0);
        (G_MPS2 * self.bank_tan / speed_mps).to_degrees().min(self.perf.max_turn_deg_s)
    }

    fn turn_radius_m(&self, tas_kt: f64) -> f64 {
        tas_kt * MPS_PER_KT / self.turn_rate_deg_s(tas_kt).to_radians()
    }

    /// One step toward `waypoint`; returns its length, s.
    fn advance(
        &mut self,
        body: &mut Body,
        waypoint: &Waypoint,
        flight: &Flight,
        distance_m: f64,
        wanted_turn: f64,
    ) -> f64 {
        let perf = self.perf;
        let target_vrate = if body.on_ground { 0.0 } else { self.target_vrate(body, waypoint, distance_m) };
        let straight = waypoint.mode == Mode::Air && wanted_turn.abs() < 0.5 && distance_m > 10_000.0;
        let steady = straight
            && body.alt_ft > 15_000.0
            && body.vrate_fpm.abs() < 50.0
            && target_vrate.abs() < 50.0
            && distance_m > 50_000.0;
        // Fine steps where the aircraft turns or is near the ground, where points are dense.
        let dt = match (steady, straight) {
            (true, _) => CRUISE_STEP_S,
            (false, true) => 2.0,
            (false, false) => 1.0,
        };
        // Turn.
        let max_turn_deg_s = match (body.on_ground, waypoint.mode) {
            (true, Mode::Takeoff | Mode::Rollout) => 1.0,
            (true, _) => 15.0,
            (false, _) => self.turn_rate_deg_s(body.tas_kt),
        };
        let turn = wanted_turn.clamp(-max_turn_deg_s * dt, max_turn_deg_s * dt);
        body.track_deg = (body.track_deg + turn).rem_euclid(360.0);
        body.roll_deg = if body.on_ground || turn == 0.0 {
            0.0
        } else {
            (body.tas_kt * MPS_PER_KT * (turn / dt).to_radians() / G_MPS2).atan().to_degrees()
        };
        // Speed.
        let (target_kt, accel_kt_s) = match waypoint.mode {
            Mode::Takeoff if body.on_ground => (perf.rotate_kt + 20.0, perf.accel_kt_s * 3.0),
            Mode::Taxi => (waypoint.speed_kt, 2.0),
            Mode::Rollout => (waypoint.speed_kt, 4.0),
            Mode::Final => (perf.approach_kt, perf.accel_kt_s),
            Mode::Takeoff | Mode::Air => {
                (self.speed_limit_kt(waypoint.speed_kt, body.alt_ft), perf.accel_kt_s)
            }
        };
        body.tas_kt = approach(body.tas_kt, target_kt, accel_kt_s * dt);
        if waypoint.mode == Mode::Takeoff && body.on_ground && body.tas_kt >= perf.rotate_kt {
            body.on_ground = false;
        }
        // Climb and descent.
        if !body.on_ground {
            body.vrate_fpm = approach(body.vrate_fpm, target_vrate, VRATE_ACCEL_FPM_S * dt);
            body.alt_ft += body.vrate_fpm / 60.0 * dt;
        }
        // Wind, stronger aloft.
        let wind_kt = if body.on_ground {
            0.0
        } else {
            flight.wind_kt
                * (body.alt_ft / 30_000.0).clamp(0.1, 1.0)
                * (body.track_deg - flight.wind_toward_deg).to_radians().cos()
        };
        body.gs_kt = (body.tas_kt + wind_kt).max(0.0);
        body.pos = geo::destination(body.pos, body.track_deg, body.gs_kt * MPS_PER_KT * dt);
        dt
    }

    /// Jets keep 250 kt below 10,000 ft; their true airspeed grows with altitude above.
    fn speed_limit_kt(&self, speed_kt: f64, alt_ft: f64) -> f64 {
        if !self.perf.jet {
            return speed_kt;
        }
        let limit_kt = if alt_ft < 10_000.0 { 250.0 } else { 290.0 + (alt_ft - 10_000.0) / 25_000.0 * 190.0 };
        speed_kt.min(limit_kt)
    }

    fn target_vrate(&self, body: &mut Body, waypoint: &Waypoint, distance_m: f64) -> f64 {
        let perf = self.perf;
        if waypoint.mode == Mode::Final {
            let glide_ft = waypoint.alt_ft + distance_m / M_PER_NM * GLIDE_FT_PER_NM;
            return (-5.3 * body.gs_kt + (glide_ft - body.alt_ft) * 2.0).clamp(-2000.0, 500.0);
        }
        let minutes_left = distance_m / (body.gs_kt * MPS_PER_KT).max(30.0) / 60.0;
        let descent_needed_fpm = (body.alt_ft - waypoint.alt_ft) / minutes_left.max(0.1);
        // Top of descent: from there, straight down to the waypoint's altitude.
        if body.descending || descent_needed_fpm > perf.descent_fpm {
            body.descending = true;
            return -descent_needed_fpm.clamp(0.0, perf.descent_fpm * 1.8);
        }
        let below_ft = waypoint.cruise_ft - body.alt_ft;
        if below_ft > 0.0 {
            // Climb performance falls off with altitude; level off gently.
            let climb_fpm = perf.climb_fpm * (1.0 - body.alt_ft / 60_000.0).max(0.3);
            climb_fpm.min(below_ft * 2.0 + 50.0)
        } else {
            (below_ft * 2.0).max(-perf.descent_fpm)
        }
    }

    /// Receivers hear the aircraft at `t_s` (or not); the recorder keeps the points due.
    fn observe(&mut self, t_s: f64, dt: f64, body: &Body, flight: &Flight) {
        match self.hears(t_s, dt, body, flight) {
            Heard::Yes => {
                let stale = t_s - self.last_position_s > STALE_AFTER_S;
                self.last_position_s = t_s;
                if stale || self.due(t_s, body) {
                    self.record(t_s, body, flight, self.aircraft.source, stale);
                }
            }
            Heard::NoReceiver if self.aircraft.habits.adsc && !body.on_ground && t_s >= self.next_adsc_s => {
                // Satellite reports every 10 to 20 minutes where no receiver is.
                self.next_adsc_s = t_s + self.dice.range(600.0, 1200.0);
                let stale = t_s - self.last_position_s > STALE_AFTER_S;
                self.last_position_s = t_s;
                self.record(t_s, body, flight, Source::Adsc, stale);
            }
            _ => {}
        }
    }

    fn hears(&mut self, t_s: f64, dt: f64, body: &Body, flight: &Flight) -> Heard {
        if t_s < self.gap_until_s {
            return Heard::Gap;
        }
        if self.dice.chance(self.gaps_per_s * dt) {
            let roll = self.dice.unit();
            let gap_s = if roll < 0.6 {
                self.dice.range(21.0, 60.0)
            } else if roll < 0.9 {
                self.dice.range(60.0, 180.0)
            } else {
                self.dice.range(180.0, 600.0)
            };
            self.gap_until_s = t_s + gap_s;
            return Heard::Gap;
        }
        if !self.airports.covered(body.pos) {
            return Heard::NoReceiver;
        }
        let lowest_field_ft = flight.fields[0].elevation_ft.min(flight.fields[1].elevation_ft);
        if body.on_ground || body.alt_ft - lowest_field_ft < MAX_FLOOR_FT {
            let [a, b] = &flight.fields;
            let field =
                if geo::distance_m(body.pos, a.pos) <= geo::distance_m(body.pos, b.pos) { a } else { b };
            if field.floor_ft > 0.0 && (body.on_ground || body.alt_ft - field.elevation_ft < field.floor_ft) {
                return Heard::TooLow;
            }
        }
        Heard::Yes
    }

    /// readsb's rules (track.c) for keeping a position in the trace: a change of air/ground
    /// state, speed, climb rate, altitude or track large enough for the time since the last
    /// point, or a last point getting old (`TRACE_INTERVAL_S`, half that for MLAT).
    fn due(&self, t_s: f64, body: &Body) -> bool {
        let Some(last) = self.last else {
            return true;
        };
        let elapsed_s = t_s - last.time_s;
        let max_s =
            if self.aircraft.source == Source::Mlat { TRACE_INTERVAL_S / 2.0 } else { TRACE_INTERVAL_S };
        let alt_diff_ft = (body.alt_ft - last.alt_ft).abs();
        let turned_deg = geo::turn_deg(last.track_deg, body.track_deg).abs();
        let speed_step_kt = if body.alt_ft > 10_000.0 { 10.0 } else { 5.0 };
        if body.on_ground != last.on_ground
            || (body.gs_kt - last.gs_kt).abs() >= speed_step_kt
            || (body.vrate_fpm - last.vrate_fpm).abs() >= 450.0
            || elapsed_s > 10.0 * max_s
        {
            return true;
        }
        if body.on_ground {
            let moved_m = geo::distance_m(last.pos, body.pos);
            return elapsed_s > 4.0 * max_s
                || (moved_m > 10.0 && elapsed_s > max_s)
                || (body.gs_kt > 5.0 && elapsed_s > max_s / 2.0)
                || moved_m * turned_deg > 130.0
                || moved_m > 50.0;
        }
        let (alt_step_ft, alt_base) = match body.alt_ft {
            alt if alt <= 7000.0 => (100.0, 125.0),
            alt if alt <= 12_000.0 => (200.0, 250.0),
            _ => (400.0, 800.0),
        };
        alt_diff_ft >= alt_step_ft
            || (alt_diff_ft >= 25.0 && elapsed_s > max_s / 4.0 * alt_base / alt_diff_ft)
            || elapsed_s > max_s
            || (turned_deg > 0.5 && elapsed_s * turned_deg * 5.0 > 100.0)
    }

    fn record(&mut self, t_s: f64, body: &Body, flight: &Flight, source: Source, stale: bool) {
        self.last = Some(Last {
            time_s: t_s,
            pos: body.pos,
            alt_ft: body.alt_ft,
            gs_kt: body.gs_kt,
            track_deg: body.track_deg,
            vrate_fpm: body.vrate_fpm,
            on_ground: body.on_ground,
        });
        // Receivers time positions to the hundredth of a second, not on the step: the point
        // is where the aircraft is then.
        let late_s = self.dice.range(0.0, 0.99);
        let time_s = t_s + late_s;
        if !(0.0..DAY_S).contains(&time_s) {
            return;
        }
        let pos = geo::nudge(body.pos, body.track_deg, body.gs_kt * MPS_PER_KT * late_s);
        let habits = self.aircraft.habits;
        let airborne = !body.on_ground;
        let new_leg = std::mem::take(&mut self.new_leg) && !self.day.points.is_empty();
        let has_rates = !matches!(source, Source::Mlat | Source::Adsc);
        let has_geometric = matches!(source, Source::AdsbIcao | Source::AdsrIcao | Source::AdsbOther);
        let missing_alt = if source == Source::Mlat { 0.01 } else { 0.0002 };
        let vrate_fpm = (airborne && has_rates)
            .then(|| ((body.vrate_fpm + self.dice.normal() * 30.0) / 64.0).round() as i32 * 64);
        let geom_rate = habits.geom_rate && vrate_fpm.is_some();
        let ehs = habits.ehs && airborne && source != Source::Adsc;
        let details = self.day.points.is_empty() || new_leg || self.points_since_details >= 3;
        self.points_since_details = if details { 0 } else { self.points_since_details + 1 };
        let point = TracePoint {
            time_cs: (time_s * 100.0) as u32,
            lat_e6: (pos.lat * 1e6).round() as i32,
            lon_e6: (pos.lon * 1e6).round() as i32,
            alt: match () {
                _ if body.on_ground => Alt::Ground,
                _ if self.dice.chance(missing_alt) => Alt::Unknown,
                _ => Alt::Feet(round_to(body.alt_ft, 25.0)),
            },
            gs_dkt: if body.gs_kt > 1.0 {
                ((body.gs_kt + self.dice.normal() * 0.2) * 10.0).round().max(0.0) as u32
            } else {
                (body.gs_kt * 10.0).round() as u32
            },
            track_cdeg: (airborne || habits.ground_track)
                .then(|| (body.track_deg * 100.0).round() as u32 % 36_000),
            flags: [(stale, FLAG_STALE), (new_leg, FLAG_NEW_LEG), (geom_rate, FLAG_GEOM_RATE)]
                .iter()
                .filter(|(set, _)| *set)
                .fold(0, |flags, (_, flag)| flags | flag),
            vrate_fpm,
            geom_alt_ft: (airborne && has_geometric)
                .then(|| round_to(body.alt_ft * (1.0 + flight.geom_scale) + flight.geom_offset_ft, 25.0)),
            geom_rate_fpm: vrate_fpm.filter(|_| geom_rate),
            ias_kt: (ehs && self.dice.chance(0.5)).then(|| indicated_kt(body.tas_kt, body.alt_ft)),
            roll_ddeg: (ehs && self.dice.chance(0.5)).then(|| (body.roll_deg * 10.0).round() as i32),
            source,
            details,
            ident: (self.day.idents.len() - 1) as u16,
        };
        self.day.points.push(point);
    }
}

/// `value` moved toward `target` by at most `step`.
fn approach(value: f64, target: f64, step: f64) -> f64 {
    value + (target - value).clamp(-step, step)
}

fn round_to(value: f64, unit: f64) -> i32 {
    ((value / unit).round() * unit) as i32
}

/// Indicated airspeed from true airspeed (standard atmosphere density ratio).
fn indicated_kt(tas_kt: f64, alt_ft: f64) -> i32 {
    let density_ratio = (1.0 - 6.875e-6 * alt_ft.min(40_000.0)).powf(4.2559);
    (tas_kt * density_ratio.sqrt()).round() as i32
}
