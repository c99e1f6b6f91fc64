//! Input checks for the Calls API. Each check returns the exact error reply
//! the API would send, so handlers can simply `?` their way through.

use jiff::tz::{Offset, TimeZone};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::model::{CallPolicy, CallWindow, CampaignDefaults, MinuteRange};
use crate::clock::Millis;
use crate::errors::{CallsError, calls_invalid};
use crate::reply::Reply;

/// Returns the digits of a valid phone number (one leading `+` removed).
pub(crate) fn normalize_phone(raw: &str) -> Option<String> {
    let digits = raw.strip_prefix('+').unwrap_or(raw);
    let ok = (10..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| digits.to_owned())
}

/// Text form of a `phone` value: the API accepts JSON strings and numbers.
pub(crate) fn phone_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Key used to spot the same number written two ways (`+7900…` vs `7900…`).
pub(crate) fn phone_key(raw: &str) -> String {
    normalize_phone(raw).unwrap_or_else(|| raw.to_owned())
}

pub(crate) fn bad_phone(raw: &str) -> Reply {
    CallsError::new(
        "phone.bad.format",
        "The phone number must hold 10 to 15 digits, optionally after a '+'",
    )
    .with("phone", raw)
    .bad_request()
}

pub(crate) fn bad_zone(phone: &str, zone: &str) -> Reply {
    CallsError::new(
        "phone.gmtZone.bad.format",
        "The time zone must be an offset within -18:00..+18:00 or an IANA zone id",
    )
    .with("phone", phone)
    .with("gmtZone", zone)
    .bad_request()
}

/// A parsed `gmtZone`.
#[derive(Clone, Debug)]
pub(crate) enum Zone {
    /// Fixed offset in seconds east of UTC.
    Offset(i32),
    /// Region id; resolved with the system zone database when dialling.
    Named(String),
}

impl Zone {
    pub(crate) fn to_time_zone(&self) -> TimeZone {
        match self {
            Self::Offset(secs) => Offset::from_seconds(*secs)
                .map(TimeZone::fixed)
                .unwrap_or(TimeZone::UTC),
            // Unknown-but-plausible ids (no tz database here) dial on UTC.
            Self::Named(name) => TimeZone::get(name).unwrap_or(TimeZone::UTC),
        }
    }
}

/// Parses the zone formats the platform documents: `Z`; `±h`, `±hh`,
/// `±hh[:]mm`, `±hh[:]mm[:]ss`; those with a `UTC`/`GMT`/`UT` prefix; or a
/// region id such as `Europe/Moscow`.
pub(crate) fn parse_gmt_zone(raw: &str) -> Option<Zone> {
    if raw == "Z" {
        return Some(Zone::Offset(0));
    }
    // Longest prefix first: "UT" is a prefix of "UTC".
    for prefix in ["UTC", "GMT", "UT"] {
        if let Some(rest) = raw.strip_prefix(prefix) {
            if rest.is_empty() {
                return Some(Zone::Offset(0));
            }
            if rest.starts_with(['+', '-']) {
                return parse_offset(rest).map(Zone::Offset);
            }
            break;
        }
    }
    if raw.starts_with(['+', '-']) {
        return parse_offset(raw).map(Zone::Offset);
    }
    looks_like_region(raw).then(|| Zone::Named(raw.to_owned()))
}

/// Region ids: a letter, then letters, digits and `~/._+-`. Ids with a `/`
/// pass on shape alone (the host may lack a tz database); single-word ids
/// must be known to the database so that typos like `Moscow` are rejected.
fn looks_like_region(raw: &str) -> bool {
    let mut chars = raw.chars();
    let shape_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && raw.len() >= 2
        && chars.all(|c| c.is_ascii_alphanumeric() || "~/._+-".contains(c));
    shape_ok && (raw.contains('/') || TimeZone::get(raw).is_ok())
}

/// `±h`, `±hh`, `±hh:mm`, `±hhmm`, `±hh:mm:ss`, `±hhmmss`, within ±18:00.
fn parse_offset(raw: &str) -> Option<i32> {
    let (sign, body) = if let Some(rest) = raw.strip_prefix('+') {
        (1, rest)
    } else {
        (-1, raw.strip_prefix('-')?)
    };
    let num = |range: std::ops::Range<usize>| -> Option<i32> {
        let part = body.get(range)?;
        if part.bytes().all(|b| b.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let colon_at = |i: usize| body.as_bytes().get(i) == Some(&b':');
    let (h, m, s) = match body.len() {
        1 => (num(0..1)?, 0, 0),
        2 => (num(0..2)?, 0, 0),
        4 => (num(0..2)?, num(2..4)?, 0),
        5 if colon_at(2) => (num(0..2)?, num(3..5)?, 0),
        6 => (num(0..2)?, num(2..4)?, num(4..6)?),
        8 if colon_at(2) && colon_at(5) => (num(0..2)?, num(3..5)?, num(6..8)?),
        _ => return None,
    };
    let total = h * 3600 + m * 60 + s;
    (m < 60 && s < 60 && total <= 18 * 3600).then_some(sign * total)
}

/// `HH:MM` (24-hour) to minutes after midnight.
pub(crate) fn parse_hhmm(raw: &str) -> Option<u16> {
    let bytes = raw.as_bytes();
    if bytes.len() != 5 || bytes.get(2) != Some(&b':') {
        return None;
    }
    let h: u16 = raw.get(0..2)?.parse().ok()?;
    let m: u16 = raw.get(3..5)?.parse().ok()?;
    let digits = raw
        .bytes()
        .enumerate()
        .all(|(i, b)| i == 2 || b.is_ascii_digit());
    (digits && h < 24 && m < 60).then_some(h * 60 + m)
}

/// An instant given as epoch milliseconds (number or digit string) or as an
/// ISO-8601 date-time (an offset-less one is read as UTC).
pub(crate) fn parse_instant(value: &Value) -> Option<Millis> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => {
            let s = s.trim();
            if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
                return s.parse().ok();
            }
            if let Ok(ts) = s.parse::<jiff::Timestamp>() {
                return Some(ts.as_millisecond());
            }
            let dt = s.parse::<jiff::civil::DateTime>().ok()?;
            TimeZone::UTC
                .to_timestamp(dt)
                .ok()
                .map(|ts| ts.as_millisecond())
        }
        _ => None,
    }
}

/// Integer in `lo..=hi`, or `None`.
fn int_in(value: &Value, lo: i64, hi: i64) -> Option<i64> {
    value.as_i64().filter(|v| (lo..=hi).contains(v))
}

/// One element of the `addPhones` body. Every field is loosely typed so that
/// a wrong value produces the API's own error code instead of a serde error.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawJobParameters {
    pub(crate) phone: Option<Value>,
    pub(crate) payload: Option<Value>,
    start_date_time: Option<Value>,
    finish_date_time: Option<Value>,
    allowed_days: Option<Value>,
    local_time_from: Option<Value>,
    local_time_to: Option<Value>,
    allowed_time: Option<Value>,
    retry_interval_in_minutes: Option<Value>,
    max_attempts: Option<Value>,
    gmt_zone: Option<Value>,
    dialer_priority: Option<Value>,
    external_check: Option<Value>,
}

/// A job that passed validation and is ready to be created.
#[derive(Debug)]
pub(crate) struct ValidJob {
    pub(crate) phone: String,
    pub(crate) payload: Option<Value>,
    pub(crate) policy: CallPolicy,
}

/// `phone.duplicated` if any number appears twice (after normalisation).
pub(crate) fn check_duplicates(items: &[RawJobParameters]) -> Result<(), Reply> {
    let mut seen: std::collections::HashMap<String, (String, bool)> =
        std::collections::HashMap::with_capacity(items.len());
    // Raw text of each duplicated number, in order of first appearance.
    let mut order: Vec<String> = Vec::new();
    for item in items {
        let Some(raw) = item.phone.as_ref().and_then(phone_text) else {
            continue;
        };
        let key = phone_key(&raw);
        match seen.get_mut(&key) {
            Some((first_raw, reported)) => {
                if !*reported {
                    *reported = true;
                    order.push(first_raw.clone());
                }
            }
            None => {
                seen.insert(key, (raw, false));
            }
        }
    }
    match order.first() {
        None => Ok(()),
        Some(first) => Err(CallsError::new(
            "phone.duplicated",
            "Each phone number may appear only once per request",
        )
        .with("phone", first.as_str())
        .with("phonesDuplicates", order.clone())
        .bad_request()),
    }
}

/// Validates one `addPhones` element, in the order the API reports problems:
/// phone, time zone, priority, allowed time, then the remaining fields.
pub(crate) fn validate_job(
    item: RawJobParameters,
    index: usize,
    defaults: CampaignDefaults,
) -> Result<ValidJob, Reply> {
    let raw_phone = match item.phone.as_ref() {
        None => {
            return Err(calls_invalid(format!(
                "Element {index}: field 'phone' is required"
            )));
        }
        Some(v) => phone_text(v)
            .ok_or_else(|| calls_invalid(format!("Element {index}: 'phone' must be a string")))?,
    };
    let phone = normalize_phone(&raw_phone).ok_or_else(|| bad_phone(&raw_phone))?;

    let zone = match &item.gmt_zone {
        None => None,
        Some(Value::String(z)) if z.is_empty() => None,
        Some(Value::String(z)) => Some(parse_gmt_zone(z).ok_or_else(|| bad_zone(&raw_phone, z))?),
        Some(other) => return Err(bad_zone(&raw_phone, &other.to_string())),
    };

    let priority = match &item.dialer_priority {
        None => defaults.priority,
        Some(v) => int_in(v, 1, 5)
            .and_then(|p| u8::try_from(p).ok())
            .ok_or_else(|| {
                CallsError::new(
                    "invalid.dialer_priority",
                    "dialerPriority must be an integer from 1 (highest) to 5 (lowest)",
                )
                .bad_request()
            })?,
    };

    let days = match &item.allowed_days {
        None => None,
        Some(v) => Some(parse_days(v).ok_or_else(|| {
            calls_invalid(format!(
                "Element {index}: allowedDays must list 1 to 7 distinct days (mon..sun)"
            ))
        })?),
    };
    let window = parse_window(&item, days, zone.as_ref())?;

    // The real platform's error code for these range checks is unconfirmed;
    // `invalid.request` is the emulator's own choice.
    let max_attempts = match &item.max_attempts {
        None => defaults.max_attempts,
        Some(v) => int_in(v, 1, 50)
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| {
                calls_invalid(format!(
                    "Element {index}: maxAttempts must be an integer from 1 to 50"
                ))
            })?,
    };
    let retry_interval_minutes = match &item.retry_interval_in_minutes {
        None => defaults.retry_interval_minutes,
        Some(v) => int_in(v, 1, 2880)
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| {
                calls_invalid(format!(
                    "Element {index}: retryIntervalInMinutes must be an integer from 1 to 2880"
                ))
            })?,
    };
    let start_ms = optional_instant(item.start_date_time.as_ref(), "startDateTime", index)?;
    let finish_ms = optional_instant(item.finish_date_time.as_ref(), "finishDateTime", index)?;
    if let (Some(s), Some(f)) = (start_ms, finish_ms)
        && s >= f
    {
        return Err(calls_invalid(format!(
            "Element {index}: startDateTime must be before finishDateTime"
        )));
    }
    if let Some(check) = &item.external_check {
        let url_ok = check
            .get("externalCheckUrl")
            .is_some_and(serde_json::Value::is_string);
        if !url_ok {
            return Err(calls_invalid(format!(
                "Element {index}: externalCheck.externalCheckUrl must be a string"
            )));
        }
    }
    let payload = match item.payload {
        None => None,
        Some(p @ Value::Object(_)) => Some(p),
        Some(_) => {
            return Err(calls_invalid(format!(
                "Element {index}: payload must be a JSON object"
            )));
        }
    };

    Ok(ValidJob {
        phone,
        payload,
        policy: CallPolicy {
            max_attempts,
            retry_interval_minutes,
            priority,
            start_ms,
            finish_ms,
            window,
        },
    })
}

fn optional_instant(
    value: Option<&Value>,
    field: &str,
    index: usize,
) -> Result<Option<Millis>, Reply> {
    match value {
        None => Ok(None),
        Some(v) => parse_instant(v).map(Some).ok_or_else(|| {
            calls_invalid(format!(
                "Element {index}: {field} must be an ISO-8601 date-time"
            ))
        }),
    }
}

const DAY_KEYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn parse_days(value: &Value) -> Option<[bool; 7]> {
    let list = value.as_array()?;
    if list.is_empty() || list.len() > 7 {
        return None;
    }
    let mut days = [false; 7];
    for day in list {
        let pos = DAY_KEYS.iter().position(|k| Some(*k) == day.as_str())?;
        let slot = days.get_mut(pos)?;
        if *slot {
            return None;
        }
        *slot = true;
    }
    Some(days)
}

fn bad_allowed_time(detail: &str) -> Reply {
    CallsError::new(
        "invalid.call.allowed.time",
        format!("Invalid allowed call time: {detail}"),
    )
    .bad_request()
}

/// Parses a `[{localTimeFrom, localTimeTo}, ...]` list into sorted,
/// non-overlapping ranges.
fn parse_intervals(value: &Value, key: &str) -> Result<Vec<MinuteRange>, Reply> {
    let list = value
        .as_array()
        .filter(|l| !l.is_empty())
        .ok_or_else(|| bad_allowed_time(&format!("'{key}' must be a non-empty list")))?;
    let mut ranges = Vec::with_capacity(list.len());
    for entry in list {
        let bound = |field: &str| {
            entry
                .get(field)
                .and_then(Value::as_str)
                .and_then(parse_hhmm)
                .ok_or_else(|| bad_allowed_time(&format!("'{key}' needs {field} as HH:MM")))
        };
        let (from, to) = (bound("localTimeFrom")?, bound("localTimeTo")?);
        if from >= to {
            return Err(bad_allowed_time(&format!(
                "in '{key}' localTimeFrom must be before localTimeTo"
            )));
        }
        ranges.push((from, to));
    }
    ranges.sort_unstable();
    // Touching intervals (10:00-12:00, 12:00-14:00) are fine; overlaps are not.
    if ranges.windows(2).any(|w| matches!(w, [a, b] if b.0 < a.1)) {
        return Err(bad_allowed_time(&format!("intervals in '{key}' overlap")));
    }
    Ok(ranges)
}

fn parse_window(
    item: &RawJobParameters,
    days: Option<[bool; 7]>,
    zone: Option<&Zone>,
) -> Result<Option<CallWindow>, Reply> {
    let mut per_day: [Option<Vec<MinuteRange>>; 7] = Default::default();
    let mut default = None;
    match &item.allowed_time {
        None => {
            // Deprecated single window; only used when allowedTime is absent.
            let from = item.local_time_from.as_ref();
            let to = item.local_time_to.as_ref();
            if from.is_some() || to.is_some() {
                let parse = |v: Option<&Value>, field: &str| {
                    v.and_then(Value::as_str)
                        .and_then(parse_hhmm)
                        .ok_or_else(|| bad_allowed_time(&format!("{field} must be HH:MM")))
                };
                let (f, t) = (parse(from, "localTimeFrom")?, parse(to, "localTimeTo")?);
                if f >= t {
                    return Err(bad_allowed_time("localTimeFrom must be before localTimeTo"));
                }
                default = Some(vec![(f, t)]);
            }
        }
        Some(Value::Object(map)) => parse_allowed_time(map, &mut per_day, &mut default)?,
        Some(_) => return Err(bad_allowed_time("allowedTime must be an object")),
    }
    if days.is_none() && default.is_none() && per_day.iter().all(Option::is_none) {
        return Ok(None);
    }
    Ok(Some(CallWindow {
        days,
        per_day,
        default,
        zone: zone.map_or(jiff::tz::TimeZone::UTC, Zone::to_time_zone),
    }))
}

fn parse_allowed_time(
    map: &Map<String, Value>,
    per_day: &mut [Option<Vec<MinuteRange>>; 7],
    default: &mut Option<Vec<MinuteRange>>,
) -> Result<(), Reply> {
    for (key, value) in map {
        if value.is_null() {
            continue;
        }
        let ranges = parse_intervals(value, key)?;
        if key == "default" {
            *default = Some(ranges);
        } else if let Some(slot) = DAY_KEYS
            .iter()
            .position(|d| d == key)
            .and_then(|pos| per_day.get_mut(pos))
        {
            *slot = Some(ranges);
        } else {
            return Err(bad_allowed_time(&format!("unknown key '{key}'")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert_eq!(
            normalize_phone("+79001112233").as_deref(),
            Some("79001112233")
        );
        assert_eq!(
            normalize_phone("123456789012345").as_deref(),
            Some("123456789012345")
        );
        assert!(normalize_phone("123456789").is_none());
        assert!(normalize_phone("1234567890123456").is_none());
        assert!(normalize_phone("++79001112233").is_none());
        assert!(normalize_phone("7900111223a").is_none());
        assert!(normalize_phone("７９００１１１２２３３").is_none());
    }

    #[test]
    fn zones() {
        for ok in [
            "Z",
            "+3",
            "-03",
            "+03:30",
            "+0330",
            "+03:30:15",
            "+033015",
            "UTC",
            "GMT",
            "UT",
            "GMT-05:00",
            "UTC+3",
            "UT+0100",
            "+18:00",
            "-18",
            "Europe/Moscow",
            "America/Argentina/Buenos_Aires",
        ] {
            assert!(parse_gmt_zone(ok).is_some(), "{ok} should parse");
        }
        for bad in [
            "",
            "+19",
            "+18:01",
            "+3:30",
            "+03:60",
            "+03:3",
            "+0330:15",
            "3",
            "GMT+",
            "UTCx",
            "Moscow!",
            "/Europe",
            "+03:30:60",
            "1/2",
        ] {
            assert!(parse_gmt_zone(bad).is_none(), "{bad} should fail");
        }
        assert!(matches!(
            parse_gmt_zone("-05:30"),
            Some(Zone::Offset(-19800))
        ));
    }

    #[test]
    fn hhmm() {
        assert_eq!(parse_hhmm("00:00"), Some(0));
        assert_eq!(parse_hhmm("23:59"), Some(1439));
        assert_eq!(parse_hhmm("24:00"), None);
        assert_eq!(parse_hhmm("9:00"), None);
        assert_eq!(parse_hhmm("09:0x"), None);
        assert_eq!(parse_hhmm("+9:00"), None);
    }

    #[test]
    fn instants() {
        assert_eq!(parse_instant(&Value::from(5)), Some(5));
        assert_eq!(parse_instant(&Value::from("1000")), Some(1000));
        assert_eq!(
            parse_instant(&Value::from("1970-01-01T00:00:01Z")),
            Some(1000)
        );
        assert_eq!(
            parse_instant(&Value::from("1970-01-01T00:00:02")),
            Some(2000)
        );
        assert_eq!(parse_instant(&Value::from("yesterday")), None);
    }

    #[test]
    fn overlapping_intervals_rejected() {
        let v: Value = serde_json::json!([
            {"localTimeFrom": "10:00", "localTimeTo": "13:00"},
            {"localTimeFrom": "12:00", "localTimeTo": "14:00"}
        ]);
        assert!(parse_intervals(&v, "default").is_err());
        let v: Value = serde_json::json!([
            {"localTimeFrom": "13:00", "localTimeTo": "14:00"},
            {"localTimeFrom": "10:00", "localTimeTo": "13:00"}
        ]);
        assert_eq!(
            parse_intervals(&v, "default").ok(),
            Some(vec![(600, 780), (780, 840)])
        );
    }
}
