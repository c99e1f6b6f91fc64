//! Client-side validation of call policy, so that bad input fails before any request with an
//! error naming the field. The limits are the documented ones of the Calls API.

use std::collections::HashSet;

use jaicp_core::{Error, Result};

use crate::models::{AllowedTime, CallJobParameters, LocalTimeInterval};

/// Dialer priority: 1 (highest) to 5 (lowest).
pub const PRIORITY_RANGE: std::ops::RangeInclusive<i32> = 1..=5;
/// Attempts per number.
pub const MAX_ATTEMPTS_RANGE: std::ops::RangeInclusive<i32> = 1..=50;
/// Minutes between attempts (up to two days).
pub const RETRY_INTERVAL_RANGE: std::ops::RangeInclusive<i32> = 1..=2880;

/// Normalises a phone number for comparison and sending: spaces, dashes, dots and parentheses
/// are dropped; a leading `+` is kept.
pub fn normalize_phone(phone: &str) -> String {
    phone
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.' | '\t'))
        .collect()
}

/// Checks a phone number's shape: digits with an optional leading `+`, 7–15 digits (E.164 allows
/// at most 15). The server applies the country's own rules on top.
pub fn validate_phone(field: &str, phone: &str) -> Result<()> {
    phone_key(phone)
        .map(|_| ())
        .map_err(|reason| Error::invalid(field, reason))
}

/// The check of [`validate_phone`] in one pass over the bytes, packing the number on the way
/// into 64 bits (for the de-duplication table of a bulk add): the digit count, so that leading
/// zeros count, and the value, under a top bit that keeps a packed number from ever being 0.
/// `+7...` and `7...` pack the same. On failure, the reason.
pub(crate) fn phone_key(phone: &str) -> std::result::Result<u64, &'static str> {
    let digits = phone.strip_prefix('+').unwrap_or(phone).as_bytes();
    if digits.is_empty() {
        return Err("phone number is empty");
    }
    let mut value = 0u64;
    for &b in digits {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return Err("phone number may hold only digits and a leading `+`");
        }
        value = value.wrapping_mul(10).wrapping_add(u64::from(digit));
    }
    if !(7..=15).contains(&digits.len()) {
        return Err("phone number must have 7 to 15 digits");
    }
    // 15 digits stay below 10^15 < 2^50; the count takes the next 4 bits.
    Ok((1 << 63) | ((digits.len() as u64) << 50) | value)
}

/// Whether `phone` holds a character that [`normalize_phone`] drops.
pub(crate) fn needs_normalizing(phone: &str) -> bool {
    phone
        .bytes()
        .any(|b| matches!(b, b' ' | b'-' | b'(' | b')' | b'.' | b'\t'))
}

/// Checks a time zone in a form the Calls API accepts: `Z`; an offset `±h`, `±hh`, `±hh:mm`,
/// `±hhmm`, `±hh:mm:ss`, `±hhmmss` within ±18:00, optionally after `UTC`, `GMT` or `UT`; or an
/// IANA zone id such as `Europe/Moscow`.
pub fn validate_time_zone(field: &str, zone: &str) -> Result<()> {
    if zone == "Z" || is_offset_zone(zone) || is_iana_like(zone) {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            "time zone must be `Z`, an offset within ±18:00 (e.g. `+03:00`, `GMT-5`) or an IANA id (e.g. `Europe/Moscow`)",
        ))
    }
}

fn is_offset_zone(zone: &str) -> bool {
    let rest = ["UTC", "GMT", "UT"]
        .iter()
        .find_map(|p| zone.strip_prefix(p))
        .unwrap_or(zone);
    if rest.is_empty() {
        // `UTC`, `GMT` and `UT` alone are valid zone names.
        return zone != rest;
    }
    let Some(body) = rest.strip_prefix('+').or_else(|| rest.strip_prefix('-')) else {
        return false;
    };
    // Byte slicing below needs ASCII (a multi-byte character would split); offsets are digits.
    if !body.is_ascii() {
        return false;
    }
    let parts: Vec<&str> = if body.contains(':') {
        body.split(':').collect()
    } else {
        match body.len() {
            1 | 2 => vec![body],
            4 => vec![&body[..2], &body[2..]],
            6 => vec![&body[..2], &body[2..4], &body[4..]],
            _ => return false,
        }
    };
    if parts.is_empty() || parts.len() > 3 {
        return false;
    }
    let mut values = [0u32; 3];
    for (i, part) in parts.iter().enumerate() {
        let ok_len = if i == 0 {
            (1..=2).contains(&part.len())
        } else {
            part.len() == 2
        };
        if !ok_len || !part.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        values[i] = part.parse().unwrap_or(u32::MAX);
    }
    let [h, m, s] = values;
    m < 60 && s < 60 && h * 3600 + m * 60 + s <= 18 * 3600
}

fn is_iana_like(zone: &str) -> bool {
    let well_formed = |seg: &str| {
        !seg.is_empty()
            && seg
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_+-".contains(&b))
    };
    let mut segs = zone.split('/');
    let first = segs.next().unwrap_or("");
    first.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
        && well_formed(first)
        && zone.contains('/')
        && segs.all(well_formed)
}

/// Parses `HH:MM` into minutes since midnight.
pub fn parse_local_time(field: &str, text: &str) -> Result<u32> {
    let bad = || {
        Error::invalid(
            field,
            format!("`{text}` is not a time of day in HH:MM form"),
        )
    };
    let (h, m) = text.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let h: u32 = h.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

fn validate_intervals(field: &str, intervals: &[LocalTimeInterval]) -> Result<()> {
    if intervals.is_empty() {
        return Err(Error::invalid(field, "needs at least one interval"));
    }
    let mut spans = Vec::with_capacity(intervals.len());
    for (i, interval) in intervals.iter().enumerate() {
        let from = parse_local_time(
            &format!("{field}[{i}].localTimeFrom"),
            &interval.local_time_from,
        )?;
        let to = parse_local_time(
            &format!("{field}[{i}].localTimeTo"),
            &interval.local_time_to,
        )?;
        if from >= to {
            return Err(Error::invalid(
                format!("{field}[{i}]"),
                "localTimeFrom must be before localTimeTo",
            ));
        }
        spans.push((from, to));
    }
    spans.sort_unstable();
    if spans.windows(2).any(|w| w[1].0 < w[0].1) {
        return Err(Error::invalid(field, "intervals must not overlap"));
    }
    Ok(())
}

fn validate_allowed_time(field: &str, allowed: &AllowedTime) -> Result<()> {
    let days = [
        ("mon", &allowed.mon),
        ("tue", &allowed.tue),
        ("wed", &allowed.wed),
        ("thu", &allowed.thu),
        ("fri", &allowed.fri),
        ("sat", &allowed.sat),
        ("sun", &allowed.sun),
        ("default", &allowed.default),
    ];
    for (day, intervals) in days {
        if let Some(intervals) = intervals {
            validate_intervals(&format!("{field}.{day}"), intervals)?;
        }
    }
    Ok(())
}

/// Validates one number and its call policy. `field` prefixes error field names
/// (e.g. `phones[3]`).
pub fn validate_call_job(field: &str, job: &CallJobParameters) -> Result<()> {
    check(job).map_err(|e| prefixed(field, e))
}

/// Puts `prefix` before the field name of a validation error. Field names are built only when
/// an error happens: validation runs once per number of a million-number add.
fn prefixed(prefix: &str, error: Error) -> Error {
    match error {
        Error::InvalidInput { field, reason } => Error::InvalidInput {
            field: format!("{prefix}.{field}"),
            reason,
        },
        other => other,
    }
}

/// Validates the `index`-th number of a bulk add, whose phone is already normalised, and
/// returns its packed key ([`phone_key`]): the phone in one pass over its bytes, then the policy.
pub(crate) fn validate_bulk_item(index: usize, job: &CallJobParameters) -> Result<u64> {
    let key = phone_key(&job.phone)
        .map_err(|reason| Error::invalid(format!("phones[{index}].phone"), reason))?;
    check_policy(job).map_err(|e| prefixed(&format!("phones[{index}]"), e))?;
    Ok(key)
}

fn check(job: &CallJobParameters) -> Result<()> {
    if needs_normalizing(&job.phone) {
        validate_phone("phone", &normalize_phone(&job.phone))?;
    } else {
        validate_phone("phone", &job.phone)?;
    }
    check_policy(job)
}

/// Everything but the phone: the call policy's ranges, dates, days, windows, zone and URL.
fn check_policy(job: &CallJobParameters) -> Result<()> {
    if let Some(p) = job.dialer_priority
        && !PRIORITY_RANGE.contains(&p)
    {
        return Err(Error::invalid(
            "dialerPriority",
            format!("{p} is outside 1–5"),
        ));
    }
    if let Some(n) = job.max_attempts
        && !MAX_ATTEMPTS_RANGE.contains(&n)
    {
        return Err(Error::invalid(
            "maxAttempts",
            format!("{n} is outside 1–50"),
        ));
    }
    if let Some(n) = job.retry_interval_in_minutes
        && !RETRY_INTERVAL_RANGE.contains(&n)
    {
        return Err(Error::invalid(
            "retryIntervalInMinutes",
            format!("{n} is outside 1–2880"),
        ));
    }
    if let (Some(start), Some(finish)) = (&job.start_date_time, &job.finish_date_time)
        && start >= finish
    {
        return Err(Error::invalid(
            "startDateTime",
            "must be before finishDateTime",
        ));
    }
    if let Some(days) = &job.allowed_days {
        if days.is_empty() || days.len() > 7 {
            return Err(Error::invalid("allowedDays", "needs 1 to 7 days"));
        }
        let unique: HashSet<&str> = days.iter().map(|d| d.as_str()).collect();
        if unique.len() != days.len() {
            return Err(Error::invalid("allowedDays", "days must not repeat"));
        }
    }
    if let Some(allowed) = &job.allowed_time {
        validate_allowed_time("allowedTime", allowed)?;
    }
    if let Some(zone) = &job.gmt_zone
        && !zone.is_empty()
    {
        validate_time_zone("gmtZone", zone)?;
    }
    if let Some(check) = &job.external_check {
        let url = check.external_check_url.as_str();
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(Error::invalid(
                "externalCheck.externalCheckUrl",
                "must be an http(s) URL",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn job(phone: &str) -> CallJobParameters {
        CallJobParameters {
            phone: phone.into(),
            ..Default::default()
        }
    }

    #[test]
    fn time_zones() {
        for ok in [
            "Z",
            "+3",
            "-03",
            "+0300",
            "+03:00",
            "+03:00:00",
            "GMT-05:00",
            "UTC+1",
            "UT",
            "UTC",
            "Europe/Moscow",
            "America/Argentina/Buenos_Aires",
            "+18:00",
        ] {
            assert!(validate_time_zone("z", ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "+19", "+18:01", "3", "+3:0", "moscow", "GMT+", "+03:60", "Europe/", "+123",
        ] {
            assert!(validate_time_zone("z", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn policy_limits() {
        assert!(validate_call_job("p", &job("+7 900 111-22-33")).is_ok());
        let mut j = job("79001112233");
        j.dialer_priority = Some(6);
        let e = validate_call_job("p", &j).unwrap_err();
        assert!(e.to_string().contains("dialerPriority"), "{e}");
        j.dialer_priority = Some(1);
        j.max_attempts = Some(51);
        assert!(validate_call_job("p", &j).is_err());
        j.max_attempts = Some(50);
        j.retry_interval_in_minutes = Some(0);
        assert!(validate_call_job("p", &j).is_err());
        j.retry_interval_in_minutes = Some(2880);
        assert!(validate_call_job("p", &j).is_ok());
        j.start_date_time = jaicp_core::Timestamp::from_millis(2_000);
        j.finish_date_time = jaicp_core::Timestamp::from_millis(1_000);
        assert!(validate_call_job("p", &j).is_err());
        assert!(validate_call_job("p", &job("12ab")).is_err());
    }

    #[test]
    fn allowed_time_overlaps_are_refused() {
        let iv = |a: &str, b: &str| LocalTimeInterval {
            local_time_from: a.into(),
            local_time_to: b.into(),
        };
        let mut j = job("79001112233");
        j.allowed_time = Some(AllowedTime {
            default: Some(vec![iv("10:00", "13:00"), iv("12:00", "19:00")]),
            ..Default::default()
        });
        let e = validate_call_job("p", &j).unwrap_err();
        assert!(e.to_string().contains("overlap"), "{e}");
        j.allowed_time = Some(AllowedTime {
            mon: Some(vec![iv("10:00", "13:00"), iv("14:00", "19:00")]),
            ..Default::default()
        });
        assert!(validate_call_job("p", &j).is_ok());
        j.allowed_time = Some(AllowedTime {
            mon: Some(vec![iv("25:00", "26:00")]),
            ..Default::default()
        });
        assert!(validate_call_job("p", &j).is_err());
    }

    #[test]
    fn packing_is_exact_for_valid_numbers() {
        let key = |p: &str| phone_key(p).unwrap();
        assert_eq!(key("+79001112233"), key("79001112233"));
        assert_ne!(key("01234567"), key("1234567"), "leading zeros count");
        assert_ne!(key("999999999999999"), key("99999999999999"));
        assert_ne!(key("100000000000000"), key("000000000000000"));
    }

    /// The earlier check of a phone's shape, step by step, as a reference for the one-pass one.
    fn reference_phone_check(phone: &str) -> std::result::Result<(), &'static str> {
        let digits = phone.strip_prefix('+').unwrap_or(phone);
        if digits.is_empty() {
            return Err("phone number is empty");
        }
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err("phone number may hold only digits and a leading `+`");
        }
        if !(7..=15).contains(&digits.len()) {
            return Err("phone number must have 7 to 15 digits");
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn the_one_pass_phone_check_agrees_with_the_reference(
            s in "\\+?[0-9]{0,17}|\\PC{0,20}|\\+?[0-9]{3,9}[a/: ]?[0-9]{0,9}"
        ) {
            prop_assert_eq!(phone_key(&s).map(|_| ()), reference_phone_check(&s));
            if let Ok(key) = phone_key(&s) {
                prop_assert!(key != 0);
                let digits = s.strip_prefix('+').unwrap_or(&s);
                let unpacked = key & ((1 << 50) - 1);
                prop_assert_eq!(unpacked, digits.parse::<u64>().unwrap());
                prop_assert_eq!(key >> 50, (1 << 13) | digits.len() as u64);
            }
        }

        #[test]
        fn validators_never_panic(s in "\\PC{0,30}") {
            // Found by this test: a multi-byte character inside an offset.
            let _ = validate_time_zone("z", "+AΣ ");
            let _ = validate_time_zone("z", &s);
            let _ = validate_phone("p", &s);
            let _ = parse_local_time("t", &s);
        }

        #[test]
        fn offsets_within_range_are_accepted(h in 0u32..18, m in 0u32..60, neg: bool) {
            let zone = format!("{}{:02}:{:02}", if neg { '-' } else { '+' }, h, m);
            prop_assert!(validate_time_zone("z", &zone).is_ok());
        }
    }
}
