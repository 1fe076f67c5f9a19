//! Waypoint plans: departures (gate, taxi, take-off), arrivals (entry, final approach fix,
//! landing, taxi in), traffic circuits, helicopter hops, racetracks and airport ground work.

use crate::airports::{Airport, Size};
use crate::dice::Dice;
use crate::geo::{self, LatLon};
use crate::perf::Performance;
use crate::sim::{Mode, Waypoint};

/// Airports turn their runway round when the wind changes, a few times a day.
const RUNWAY_PERIOD_S: f64 = 6.0 * 3600.0;

/// The runway direction in use at `airport` (index `index`) at `t_s`: the same for everyone.
pub fn runway_heading_deg(airport: &Airport, index: usize, t_s: f64) -> f64 {
    let period = (t_s / RUNWAY_PERIOD_S).floor() as i64;
    let reversed = (index as i64 * 7 + period).rem_euclid(3) == 0;
    airport.runway_deg + if reversed { 180.0 } else { 0.0 }
}

/// A runway in use: where landings touch down and take-offs end.
#[derive(Debug, Clone, Copy)]
pub struct Runway {
    pub heading_deg: f64,
    pub threshold: LatLon,
    pub end: LatLon,
    pub length_m: f64,
    pub elevation_ft: f64,
}

impl Runway {
    pub fn of(airport: &Airport, index: usize, t_s: f64) -> Self {
        let heading_deg = runway_heading_deg(airport, index, t_s);
        let half_m = airport.runway_m / 2.0;
        Self {
            heading_deg,
            threshold: geo::destination(airport.pos, heading_deg + 180.0, half_m),
            end: geo::destination(airport.pos, heading_deg, half_m),
            length_m: airport.runway_m,
            elevation_ft: airport.elevation_ft,
        }
    }

    /// A point `along_m` past the threshold (negative: before it) and `across_m` to the
    /// right of the centre line (negative: left).
    pub fn at(&self, along_m: f64, across_m: f64) -> LatLon {
        let on_line = geo::destination(self.threshold, self.heading_deg, along_m);
        geo::destination(on_line, self.heading_deg + 90.0, across_m)
    }
}

/// A parking spot beside the runway: terminals at big airports sit far from it.
pub fn gate(airport: &Airport, runway: &Runway, dice: &mut Dice) -> LatLon {
    let (across_m, along_m) = match airport.size {
        Size::Large => (dice.range(400.0, 1200.0), dice.range(-1200.0, 1200.0)),
        Size::Medium => (dice.range(250.0, 700.0), dice.range(-600.0, 600.0)),
        Size::Small => (dice.range(80.0, 250.0), dice.range(-200.0, 200.0)),
    };
    let side = if dice.chance(0.5) { 1.0 } else { -1.0 };
    runway.at(runway.length_m / 2.0 + along_m, side * across_m)
}

/// Gate to lift-off and the initial climb to `climb_to_ft`. Returns the gate and the plan.
pub fn departure(
    airport: &Airport,
    runway: &Runway,
    perf: &Performance,
    climb_to_ft: f64,
    dice: &mut Dice,
) -> (LatLon, Vec<Waypoint>) {
    let gate = gate(airport, runway, dice);
    let side = if geo::turn_deg(runway.heading_deg, geo::bearing_deg(runway.threshold, gate)) > 0.0 {
        1.0
    } else {
        -1.0
    };
    let climb_out_m = if perf.jet { 8000.0 } else { 3000.0 };
    let initial_ft = runway.elevation_ft + if perf.jet { 1500.0 } else { 700.0 };
    let plan = vec![
        Waypoint::ground(gate, Mode::Taxi, perf.taxi_kt).paused(dice.range(0.0, 300.0)),
        Waypoint::ground(runway.at(-60.0, side * 150.0), Mode::Taxi, perf.taxi_kt)
            .paused(dice.range(0.0, 150.0)),
        Waypoint::ground(runway.threshold, Mode::Taxi, perf.taxi_kt / 2.0),
        // Lined up before the take-off roll.
        Waypoint::ground(runway.at(40.0, 0.0), Mode::Taxi, perf.taxi_kt / 2.0),
        Waypoint {
            cruise_ft: initial_ft,
            alt_ft: initial_ft,
            ..Waypoint::ground(runway.end, Mode::Takeoff, perf.cruise_kt.min(250.0))
        },
        Waypoint::air(
            runway.at(runway.length_m + climb_out_m, 0.0),
            climb_to_ft,
            climb_to_ft,
            perf.cruise_kt,
        ),
    ];
    (gate, plan)
}

/// From cruise to the gate: an entry point toward where the aircraft comes from, the final
/// approach fix on the extended centre line, touchdown, roll-out and taxi in.
pub fn arrival(
    airport: &Airport,
    runway: &Runway,
    perf: &Performance,
    from: LatLon,
    cruise_ft: f64,
    dice: &mut Dice,
) -> Vec<Waypoint> {
    let field_ft = runway.elevation_ft;
    let (fix_m, entry_m, entry_agl_ft, fix_agl_ft) =
        if perf.jet { (18_000.0, 40_000.0, 6000.0, 3000.0) } else { (5000.0, 12_000.0, 2000.0, 1200.0) };
    let entry = geo::destination(runway.threshold, geo::bearing_deg(runway.threshold, from), entry_m);
    let fix_ft = field_ft + fix_agl_ft;
    let rollout = runway.at(runway.length_m * 0.6, 0.0);
    let gate = gate(airport, runway, dice);
    let side = if geo::turn_deg(runway.heading_deg, geo::bearing_deg(runway.threshold, gate)) > 0.0 {
        1.0
    } else {
        -1.0
    };
    vec![
        Waypoint::air(entry, field_ft + entry_agl_ft, cruise_ft, perf.cruise_kt),
        Waypoint::air(runway.at(-fix_m, 0.0), fix_ft, fix_ft, (perf.approach_kt + 60.0).min(210.0)),
        Waypoint { alt_ft: field_ft, ..Waypoint::ground(runway.threshold, Mode::Final, perf.approach_kt) },
        Waypoint::ground(rollout, Mode::Rollout, perf.taxi_kt + 4.0),
        Waypoint::ground(runway.at(runway.length_m * 0.6 + 100.0, side * 150.0), Mode::Taxi, perf.taxi_kt),
        Waypoint::ground(gate, Mode::Taxi, perf.taxi_kt).paused(dice.range(30.0, 240.0)),
    ]
}

/// Touch-and-go circuits at pattern height, `laps` times, ending on final.
pub fn circuits(runway: &Runway, perf: &Performance, laps: u32, dice: &mut Dice) -> Vec<Waypoint> {
    let pattern_ft = runway.elevation_ft + 1000.0;
    let side = if dice.chance(0.7) { -1.0 } else { 1.0 };
    let out_m = runway.length_m + 1500.0;
    let speed_kt = perf.approach_kt + 20.0;
    let mut plan = Vec::new();
    for lap in 0..laps {
        if lap > 0 {
            let takeoff = Waypoint::ground(runway.end, Mode::Takeoff, speed_kt);
            plan.push(Waypoint { alt_ft: pattern_ft, cruise_ft: pattern_ft, ..takeoff });
        }
        plan.extend([
            Waypoint::air(runway.at(out_m, side * 1500.0), pattern_ft, pattern_ft, speed_kt),
            Waypoint::air(runway.at(-1500.0, side * 1500.0), pattern_ft, pattern_ft, speed_kt),
            Waypoint::air(runway.at(-2500.0, 0.0), pattern_ft - 400.0, pattern_ft - 400.0, speed_kt),
            Waypoint {
                alt_ft: runway.elevation_ft,
                ..Waypoint::ground(runway.threshold, Mode::Final, speed_kt)
            },
        ]);
    }
    plan
}

/// A helicopter hop: lift off at `from`, fly low, land at `to` and stay a while.
pub fn hop(from: LatLon, to: LatLon, ground_ft: f64, perf: &Performance, dice: &mut Dice) -> Vec<Waypoint> {
    let heading_deg = geo::bearing_deg(from, to);
    let cruise_ft = ground_ft + dice.range(perf.cruise_ft.0, perf.cruise_ft.1);
    let lift = Waypoint::ground(geo::destination(from, heading_deg, 150.0), Mode::Takeoff, perf.cruise_kt);
    vec![
        Waypoint { alt_ft: ground_ft + 300.0, cruise_ft: ground_ft + 300.0, ..lift },
        Waypoint::air(
            geo::destination(to, heading_deg + 180.0, 1500.0),
            ground_ft + 400.0,
            cruise_ft,
            perf.cruise_kt,
        ),
        Waypoint { alt_ft: ground_ft, ..Waypoint::ground(to, Mode::Final, perf.approach_kt) },
        Waypoint::ground(to, Mode::Taxi, 0.0).paused(dice.range(300.0, 2400.0)),
    ]
}

/// Laps of a racetrack between two points at `alt_ft`.
pub fn racetrack(a: LatLon, b: LatLon, alt_ft: f64, speed_kt: f64, laps: u32) -> Vec<Waypoint> {
    (0..laps)
        .flat_map(|_| {
            [Waypoint::air(b, alt_ft, alt_ft, speed_kt), Waypoint::air(a, alt_ft, alt_ft, speed_kt)]
        })
        .collect()
}

/// Sight-seeing or training: `count` points 10 to 60 km from `center`.
pub fn wander(center: LatLon, count: u32, alt_ft: f64, speed_kt: f64, dice: &mut Dice) -> Vec<Waypoint> {
    (0..count)
        .map(|_| {
            let spot = geo::destination(center, dice.range(0.0, 360.0), dice.range(10_000.0, 60_000.0));
            Waypoint::air(spot, alt_ft, alt_ft, speed_kt)
        })
        .collect()
}

/// A vehicle's shift on the airport: drives between spots within `radius_m`, stopping a while.
pub fn ground_work(
    airport: &Airport,
    radius_m: f64,
    stops: u32,
    speed_kt: f64,
    dice: &mut Dice,
) -> Vec<Waypoint> {
    (0..stops)
        .map(|_| {
            let spot = geo::destination(airport.pos, dice.range(0.0, 360.0), radius_m * dice.unit().sqrt());
            let speed_kt = speed_kt * dice.range(0.5, 1.2);
            Waypoint::ground(spot, Mode::Taxi, speed_kt).paused(dice.range(30.0, 900.0))
        })
        .collect()
}
