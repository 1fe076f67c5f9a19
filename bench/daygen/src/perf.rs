//! How each class of aircraft flies: speeds, rates, altitudes, turns and day shape.

use crate::fleet::Class;

#[derive(Debug, Clone, Copy)]
pub struct Performance {
    /// True airspeed in cruise, kt.
    pub cruise_kt: f64,
    /// Cruise altitudes, ft (above the field for helicopters and local light aircraft).
    pub cruise_ft: (f64, f64),
    pub climb_fpm: f64,
    pub descent_fpm: f64,
    pub approach_kt: f64,
    /// Lift-off speed, kt.
    pub rotate_kt: f64,
    pub taxi_kt: f64,
    /// Turn rate limit (standard rate is 3 deg/s), and the bank that limits it at speed.
    pub max_turn_deg_s: f64,
    pub bank_deg: f64,
    /// Airborne speed change, kt/s.
    pub accel_kt_s: f64,
    /// Leg lengths, m.
    pub leg_m: (f64, f64),
    /// Legs flown between overnight rests.
    pub legs_per_day: (u32, u32),
    /// Ground time between legs, s.
    pub turnaround_s: (f64, f64),
    /// Jets keep 250 kt below 10,000 ft and speed up with altitude above it.
    pub jet: bool,
}

pub const fn performance(class: Class) -> Performance {
    let airliner = Performance {
        cruise_kt: 455.0,
        cruise_ft: (30_000.0, 39_000.0),
        climb_fpm: 2800.0,
        descent_fpm: 2200.0,
        approach_kt: 140.0,
        rotate_kt: 150.0,
        taxi_kt: 16.0,
        max_turn_deg_s: 3.0,
        bank_deg: 25.0,
        accel_kt_s: 1.5,
        leg_m: (300e3, 3000e3),
        legs_per_day: (3, 6),
        turnaround_s: (2400.0, 5400.0),
        jet: true,
    };
    match class {
        Class::Narrowbody => airliner,
        Class::Widebody => Performance {
            cruise_kt: 485.0,
            cruise_ft: (33_000.0, 41_000.0),
            climb_fpm: 2200.0,
            approach_kt: 150.0,
            rotate_kt: 165.0,
            leg_m: (2500e3, 13_000e3),
            legs_per_day: (1, 2),
            turnaround_s: (7200.0, 14_400.0),
            ..airliner
        },
        Class::Regional => Performance {
            cruise_kt: 420.0,
            cruise_ft: (26_000.0, 37_000.0),
            approach_kt: 135.0,
            rotate_kt: 140.0,
            leg_m: (150e3, 1300e3),
            legs_per_day: (4, 7),
            turnaround_s: (1800.0, 4200.0),
            ..airliner
        },
        Class::Turboprop => Performance {
            cruise_kt: 280.0,
            cruise_ft: (14_000.0, 25_000.0),
            climb_fpm: 1800.0,
            descent_fpm: 1600.0,
            approach_kt: 115.0,
            rotate_kt: 105.0,
            taxi_kt: 14.0,
            accel_kt_s: 1.2,
            leg_m: (80e3, 700e3),
            legs_per_day: (3, 7),
            turnaround_s: (1500.0, 3600.0),
            jet: false,
            ..airliner
        },
        Class::Bizjet => Performance {
            cruise_kt: 440.0,
            cruise_ft: (37_000.0, 45_000.0),
            climb_fpm: 3500.0,
            descent_fpm: 2500.0,
            approach_kt: 125.0,
            rotate_kt: 125.0,
            taxi_kt: 18.0,
            leg_m: (300e3, 5000e3),
            legs_per_day: (1, 3),
            turnaround_s: (3600.0, 14_400.0),
            ..airliner
        },
        Class::Airlifter => Performance {
            cruise_kt: 420.0,
            cruise_ft: (24_000.0, 34_000.0),
            climb_fpm: 2000.0,
            descent_fpm: 2000.0,
            approach_kt: 135.0,
            rotate_kt: 120.0,
            leg_m: (500e3, 6000e3),
            legs_per_day: (1, 2),
            turnaround_s: (3600.0, 10_800.0),
            ..airliner
        },
        Class::Tanker => Performance {
            cruise_kt: 420.0,
            cruise_ft: (22_000.0, 28_000.0),
            climb_fpm: 2500.0,
            descent_fpm: 2000.0,
            approach_kt: 150.0,
            rotate_kt: 155.0,
            leg_m: (150e3, 400e3),
            legs_per_day: (1, 1),
            ..airliner
        },
        Class::Piston => Performance {
            cruise_kt: 115.0,
            cruise_ft: (2500.0, 8500.0),
            climb_fpm: 700.0,
            descent_fpm: 600.0,
            approach_kt: 70.0,
            rotate_kt: 60.0,
            taxi_kt: 10.0,
            max_turn_deg_s: 4.0,
            bank_deg: 30.0,
            accel_kt_s: 1.0,
            leg_m: (40e3, 300e3),
            legs_per_day: (1, 4),
            turnaround_s: (1200.0, 7200.0),
            jet: false,
        },
        Class::Helicopter => Performance {
            cruise_kt: 120.0,
            cruise_ft: (700.0, 1800.0),
            climb_fpm: 1000.0,
            descent_fpm: 800.0,
            approach_kt: 50.0,
            rotate_kt: 15.0,
            taxi_kt: 5.0,
            max_turn_deg_s: 6.0,
            bank_deg: 30.0,
            accel_kt_s: 2.0,
            leg_m: (5e3, 40e3),
            legs_per_day: (2, 6),
            turnaround_s: (300.0, 2400.0),
            jet: false,
        },
        Class::Vehicle => Performance {
            cruise_kt: 20.0,
            cruise_ft: (0.0, 0.0),
            taxi_kt: 20.0,
            max_turn_deg_s: 20.0,
            accel_kt_s: 2.0,
            leg_m: (200.0, 2000.0),
            legs_per_day: (1, 2),
            turnaround_s: (3600.0, 14_400.0),
            jet: false,
            ..airliner
        },
    }
}
