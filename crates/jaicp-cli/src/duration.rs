//! User-given durations (`--timeout 90s`, `5m`, `2h`, plain seconds). They saturate at
//! [`MAX`] instead of overflowing, so `--timeout 18446744073709551615` means "as long as you
//! like", not a panic when it is added to the current instant.

use std::time::Duration;

/// The longest duration the CLI ever uses: ten years, far inside what `Instant` can add.
pub const MAX: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

/// Parses `N`, `Nms`, `Ns`, `Nm`, `Nh` or `Nd` (N a whole number, any size), saturating at [`MAX`].
pub fn parse(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    if digits.is_empty() {
        return Err(format!(
            "`{text}` is not a duration (examples: 30, 30s, 5m, 2h, 1d, 500ms)"
        ));
    }
    // Any number of digits: saturate while accumulating rather than failing on u64 overflow.
    let n = digits.bytes().fold(0u128, |acc, b| {
        acc.saturating_mul(10).saturating_add(u128::from(b - b'0'))
    });
    let millis_per_unit: u128 = match unit.trim() {
        "ms" => 1,
        "" | "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        other => {
            return Err(format!(
                "unknown unit `{other}` in `{text}` (use ms, s, m, h or d)"
            ));
        }
    };
    let millis = n.saturating_mul(millis_per_unit);
    Ok(clamp(Duration::from_millis(
        u64::try_from(millis).unwrap_or(u64::MAX),
    )))
}

/// `d`, at most [`MAX`].
pub fn clamp(d: Duration) -> Duration {
    d.min(MAX)
}

/// A duration for people: `90s`, `5m`, `2h 30m`.
pub fn human(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0 => format!("{}ms", d.as_millis()),
        1..=119 => format!("{s}s"),
        120..=7199 => format!("{}m", s / 60),
        _ => format!("{}h", s / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_saturation() {
        assert_eq!(parse("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse("18446744073709551615"), Ok(MAX));
        assert_eq!(parse("99999999999999999999999999999999999999999d"), Ok(MAX));
        assert!(parse("soon").is_err());
        assert!(parse("5w").is_err());
    }
}
