//! Numbers and times as people read them.

use skyhex_core::summary::format_time;

/// `105072` as `105,072`.
pub fn count(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A metric's value to one decimal, shown only when not zero: `1,234.5`, `42`.
pub fn value(value: f64) -> String {
    let sign = if value < 0.0 { "-" } else { "" };
    let tenths = (value.abs() * 10.0).round() as u64;
    match tenths % 10 {
        0 => format!("{sign}{}", count(tenths / 10)),
        decimal => format!("{sign}{}.{decimal}", count(tenths / 10)),
    }
}

/// `1 cell`, `12 cells`.
pub fn cells(count_of_cells: usize) -> String {
    let noun = if count_of_cells == 1 { "cell" } else { "cells" };
    format!("{} {noun}", count(count_of_cells as u64))
}

/// A byte size with a binary unit: `1.6 MB`.
pub fn bytes(value: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut size = value as f64;
    let mut unit = 0;
    while size >= 1024.0 && unit < UNITS.len() - 1 {
        size /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{value} B") } else { format!("{size:.1} {}", UNITS[unit]) }
}

/// An area in km², with precision that suits its size.
pub fn area_km2(value: f64) -> String {
    match value {
        v if v >= 100.0 => format!("{} km²", count(v.round() as u64)),
        v if v >= 1.0 => format!("{v:.1} km²"),
        v => format!("{:.0} m²", v * 1e6),
    }
}

/// A duration in the largest whole unit that fits: `15 min`, `2 h`, `3 d`, `2 weeks`.
pub fn duration(duration_ms: i64) -> String {
    const MINUTE_MS: i64 = 60_000;
    let units = [(7 * 1440, " week", " weeks"), (1440, " d", " d"), (60, " h", " h"), (1, " min", " min")];
    let minutes = (duration_ms / MINUTE_MS).max(1);
    let (size, one, many) =
        units.into_iter().find(|&(size, _, _)| minutes % size == 0).unwrap_or((1, " min", " min"));
    let count = minutes / size;
    format!("{count}{}", if count == 1 { one } else { many })
}

/// A time span in UTC to the second, the date once when both ends share it:
/// `2023-08-30 14:02:05 – 14:19:30 UTC`.
pub fn time_span(first_ms: i64, last_ms: i64) -> String {
    let date_and_time = |time_ms: i64| {
        let text = format_time(time_ms.div_euclid(1000) * 1000);
        let (date, time) = text.split_once('T').unwrap_or((&text, ""));
        (date.to_owned(), time.trim_end_matches('Z').to_owned())
    };
    let ((first_date, first_time), (last_date, last_time)) =
        (date_and_time(first_ms), date_and_time(last_ms));
    if first_date == last_date {
        format!("{first_date} {first_time} – {last_time} UTC")
    } else {
        format!("{first_date} {first_time} – {last_date} {last_time} UTC")
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test]
    fn durations_take_the_largest_whole_unit() {
        let minute = 60_000;
        assert_eq!(duration(15 * minute), "15 min");
        assert_eq!(duration(60 * minute), "1 h");
        assert_eq!(duration(90 * minute), "90 min");
        assert_eq!(duration(2 * 1440 * minute), "2 d");
        assert_eq!(duration(14 * 1440 * minute), "2 weeks");
        assert_eq!(duration(7 * 1440 * minute), "1 week");
    }

    #[wasm_bindgen_test]
    fn time_spans_name_the_date_once_when_they_can() {
        assert_eq!(time_span(1_693_404_125_590, 1_693_405_170_000), "2023-08-30 14:02:05 – 14:19:30 UTC");
        assert_eq!(
            time_span(1_693_439_999_000, 1_693_440_000_000),
            "2023-08-30 23:59:59 – 2023-08-31 00:00:00 UTC"
        );
    }

    #[wasm_bindgen_test]
    fn groups_thousands() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(105_072), "105,072");
        assert_eq!(count(80_000_000), "80,000,000");
    }

    #[wasm_bindgen_test]
    fn metric_values() {
        assert_eq!(value(42.0), "42");
        assert_eq!(value(1234.54), "1,234.5");
        assert_eq!(value(-3.25), "-3.3");
    }

    #[wasm_bindgen_test]
    fn binary_units() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1_600_000), "1.5 MB");
    }
}
