//! Numbers as people read them.

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

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

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
