//! Point filters applied before aggregation: the CLI's filter options and the page's
//! controls. Time and altitude are tested per point; everything about the aircraft or its
//! reported state (address, registration, type, dbFlags, callsign, squawk, source, on the
//! ground) is decided once per distinct aircraft or state of a store (see
//! [`crate::engine::PointStore`]), so those filters cost nothing per point.

use serde::{Deserialize, Serialize};

/// Which points count. The default keeps every accepted point.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PointFilter {
    /// Keep points at or after this time (ms since the Unix epoch, UTC).
    pub from_ms: Option<i64>,
    /// Keep points strictly before this time.
    pub to_ms: Option<i64>,
    /// Keep points at or above this barometric altitude.
    pub min_alt_ft: Option<f64>,
    /// Keep points at or below this barometric altitude.
    pub max_alt_ft: Option<f64>,
    pub ground: GroundFilter,
    /// Keep points of these source types only (`None`: all).
    pub sources: Option<Vec<SourceKind>>,
    pub address: Option<Pattern>,
    pub callsign: Option<Pattern>,
    pub registration: Option<Pattern>,
    pub type_code: Option<Pattern>,
    pub squawk: Option<Pattern>,
    /// Keep aircraft with any of these readsb dbFlags bits (1 military, 2 interesting,
    /// 4 PIA, 8 LADD); 0 keeps all.
    pub db_flags_any: u16,
}

/// On-ground points in or out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroundFilter {
    #[default]
    Any,
    Exclude,
    Only,
}

impl PointFilter {
    /// True when the filter keeps every point.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Whether a point at this time passes the time window; with a window, points without
    /// a time are dropped.
    pub fn keeps_time(&self, time_ms: Option<i64>) -> bool {
        if self.from_ms.is_none() && self.to_ms.is_none() {
            return true;
        }
        time_ms.is_some_and(|time| {
            self.from_ms.is_none_or(|from| time >= from) && self.to_ms.is_none_or(|to| time < to)
        })
    }

    /// Whether a point passes the altitude band; with a band, points on the ground or
    /// without altitude are dropped.
    pub fn keeps_alt(&self, alt_ft: Option<f64>, on_ground: bool) -> bool {
        if self.min_alt_ft.is_none() && self.max_alt_ft.is_none() {
            return true;
        }
        alt_ft.filter(|_| !on_ground).is_some_and(|alt| {
            self.min_alt_ft.is_none_or(|min| alt >= min) && self.max_alt_ft.is_none_or(|max| alt <= max)
        })
    }

    pub fn keeps_ground(&self, on_ground: bool) -> bool {
        match self.ground {
            GroundFilter::Any => true,
            GroundFilter::Exclude => !on_ground,
            GroundFilter::Only => on_ground,
        }
    }

    /// The filters on the aircraft itself.
    pub fn keeps_aircraft(
        &self,
        address: Option<&str>,
        registration: Option<&str>,
        type_code: Option<&str>,
        db_flags: u16,
    ) -> bool {
        Pattern::allows(self.address.as_ref(), address)
            && Pattern::allows(self.registration.as_ref(), registration)
            && Pattern::allows(self.type_code.as_ref(), type_code)
            && (self.db_flags_any == 0 || db_flags & self.db_flags_any != 0)
    }

    /// The filters on what a point reports besides its position, time and altitude.
    pub fn keeps_state(
        &self,
        callsign: Option<&str>,
        squawk: Option<&str>,
        source: SourceKind,
        on_ground: bool,
    ) -> bool {
        Pattern::allows(self.callsign.as_ref(), callsign)
            && Pattern::allows(self.squawk.as_ref(), squawk)
            && self.sources.as_ref().is_none_or(|sources| sources.contains(&source))
            && self.keeps_ground(on_ground)
    }
}

/// How a position was received, grouped as analysts filter it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SourceKind {
    Adsb,
    Mlat,
    TisB,
    AdsC,
    #[default]
    Other,
}

impl SourceKind {
    pub const ALL: [Self; 5] = [Self::Adsb, Self::Mlat, Self::TisB, Self::AdsC, Self::Other];

    /// From readsb's address / source type (`adsb_icao`, `adsr_icao`, `mlat`, `tisb_other`,
    /// `adsc`...); ADS-R (rebroadcast ADS-B) counts as ADS-B; unknown or absent is other.
    pub fn from_readsb(source: Option<&str>) -> Self {
        match source.unwrap_or("") {
            s if s.starts_with("adsb") || s.starts_with("adsr") => Self::Adsb,
            "mlat" => Self::Mlat,
            s if s.starts_with("tisb") => Self::TisB,
            "adsc" => Self::AdsC,
            _ => Self::Other,
        }
    }

    /// Stable name, used by the CLI and the page.
    pub fn name(self) -> &'static str {
        match self {
            Self::Adsb => "adsb",
            Self::Mlat => "mlat",
            Self::TisB => "tisb",
            Self::AdsC => "adsc",
            Self::Other => "other",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name().eq_ignore_ascii_case(name.trim()))
    }
}

/// A text filter: a prefix (`UAL`), or a pattern when it has `*` (any run) or `?` (one
/// character), matched against the whole text (`N*AB`). Case-insensitive; surrounding
/// blanks are ignored on both sides (readsb pads callsigns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pattern {
    lowercase: Vec<char>,
    is_glob: bool,
}

impl Pattern {
    pub fn new(text: &str) -> Self {
        let lowercase: Vec<char> = text.trim().to_lowercase().chars().collect();
        let is_glob = lowercase.iter().any(|c| matches!(c, '*' | '?'));
        Self { lowercase, is_glob }
    }

    pub fn matches(&self, text: &str) -> bool {
        let text: Vec<char> = text.trim().to_lowercase().chars().collect();
        if self.is_glob { glob_matches(&self.lowercase, &text) } else { text.starts_with(&self.lowercase) }
    }

    /// With no pattern everything passes; with one, only present values that match.
    fn allows(pattern: Option<&Self>, text: Option<&str>) -> bool {
        pattern.is_none_or(|pattern| text.is_some_and(|text| pattern.matches(text)))
    }
}

/// Wildcard match in linear time: on a mismatch, retry from the last `*` one character on.
fn glob_matches(pattern: &[char], text: &[char]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut last_star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                last_star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match last_star {
                Some((star, star_t)) => {
                    p = star + 1;
                    t = star_t + 1;
                    last_star = Some((star, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_patterns() {
        let ual = Pattern::new("ual");
        assert!(ual.matches("UAL123  ") && !ual.matches("DAL1"));
        let glob = Pattern::new("N*ab");
        assert!(glob.matches("N12AB") && glob.matches("nab") && !glob.matches("N12ABC"));
        let one = Pattern::new("77?0");
        assert!(one.matches("7700") && one.matches("7710") && !one.matches("770"));
        assert!(Pattern::new("*").matches("") && Pattern::new("").matches("anything"));
        let hostile = Pattern::new(&"*a".repeat(50));
        assert!(!hostile.matches(&"a".repeat(49)), "no exponential backtracking");
    }

    #[test]
    fn sources_from_readsb_names() {
        assert_eq!(SourceKind::from_readsb(Some("adsb_icao")), SourceKind::Adsb);
        assert_eq!(SourceKind::from_readsb(Some("adsr_icao")), SourceKind::Adsb);
        assert_eq!(SourceKind::from_readsb(Some("tisb_trackfile")), SourceKind::TisB);
        assert_eq!(SourceKind::from_readsb(Some("mode_s")), SourceKind::Other);
        assert_eq!(SourceKind::from_readsb(None), SourceKind::Other);
        assert_eq!(SourceKind::from_name("MLAT"), Some(SourceKind::Mlat));
    }

    #[test]
    fn time_window_is_half_open_and_altitude_band_closed() {
        let filter = PointFilter { from_ms: Some(10), to_ms: Some(20), ..PointFilter::default() };
        assert!(filter.keeps_time(Some(10)) && !filter.keeps_time(Some(20)) && !filter.keeps_time(None));
        let band = PointFilter { min_alt_ft: Some(100.0), max_alt_ft: Some(200.0), ..PointFilter::default() };
        assert!(band.keeps_alt(Some(200.0), false) && !band.keeps_alt(Some(200.0), true));
        assert!(!band.keeps_alt(None, false) && PointFilter::default().keeps_alt(None, true));
    }
}
