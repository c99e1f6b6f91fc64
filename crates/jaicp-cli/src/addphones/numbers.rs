//! Reading numbers from CSV or JSON files.

use std::path::Path;

use anyhow::{Context, bail};
use jaicp_calls::models::CallJobParameters;
use jaicp_core::Timestamp;

/// Reads a CSV or JSON file (chosen by extension, `.json` for JSON) into call jobs.
pub fn read_numbers(path: &Path, bytes: &[u8]) -> anyhow::Result<Vec<CallJobParameters>> {
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_json {
        read_json(bytes)
    } else {
        read_csv(bytes)
    }
}

fn read_json(bytes: &[u8]) -> anyhow::Result<Vec<CallJobParameters>> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).context("the file is not valid JSON")?;
    let serde_json::Value::Array(items) = value else {
        bail!("the JSON file must hold an array of numbers or of call job objects");
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| match item {
            serde_json::Value::String(phone) => Ok(CallJobParameters {
                phone,
                ..Default::default()
            }),
            serde_json::Value::Number(n) => Ok(CallJobParameters {
                phone: n.to_string(),
                ..Default::default()
            }),
            other => serde_json::from_value(other)
                .with_context(|| format!("item {i} is not a call job object")),
        })
        .collect()
}

fn read_csv(bytes: &[u8]) -> anyhow::Result<Vec<CallJobParameters>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .context("cannot read the CSV header")?
        .clone();
    let phone_col = headers
        .iter()
        .position(|h| h.eq_ignore_ascii_case("phone"))
        .context("the CSV header needs a `phone` column")?;
    let mut out = Vec::new();
    for (row, record) in reader.records().enumerate() {
        let line = row + 2;
        let record = record.with_context(|| format!("CSV line {line} cannot be read"))?;
        let mut job = CallJobParameters::default();
        let mut payload = serde_json::Map::new();
        for (col, (name, value)) in headers.iter().zip(record.iter()).enumerate() {
            if col == phone_col {
                job.phone = value.to_owned();
                continue;
            }
            if value.is_empty() {
                continue;
            }
            let int = || {
                value
                    .parse::<i32>()
                    .with_context(|| format!("CSV line {line}: `{name}` must be a whole number"))
            };
            let time = || {
                Timestamp::parse(value).with_context(|| {
                    format!("CSV line {line}: `{name}` must be RFC 3339 or epoch ms")
                })
            };
            match name {
                "gmtZone" => job.gmt_zone = Some(value.to_owned()),
                "dialerPriority" => job.dialer_priority = Some(int()?),
                "maxAttempts" => job.max_attempts = Some(int()?),
                "retryIntervalInMinutes" => job.retry_interval_in_minutes = Some(int()?),
                "startDateTime" => job.start_date_time = Some(time()?),
                "finishDateTime" => job.finish_date_time = Some(time()?),
                _ => {
                    payload.insert(name.to_owned(), serde_json::Value::String(value.to_owned()));
                }
            }
        }
        if !payload.is_empty() {
            job.payload = Some(serde_json::Value::Object(payload));
        }
        out.push(job);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_columns_map_to_policy_and_payload() {
        let csv = b"phone,gmtZone,dialerPriority,name\n+79001112233,Europe/Moscow,2,Ann\n79001112234,,,Bob\n";
        let jobs = read_numbers(Path::new("x.csv"), csv).unwrap();
        assert_eq!(jobs.len(), 2);
        assert_eq!(jobs[0].gmt_zone.as_deref(), Some("Europe/Moscow"));
        assert_eq!(jobs[0].dialer_priority, Some(2));
        assert_eq!(jobs[1].payload.as_ref().unwrap()["name"], "Bob");
    }

    #[test]
    fn csv_errors_name_the_line() {
        let err = read_numbers(Path::new("x.csv"), b"phone,maxAttempts\n1,x\n").unwrap_err();
        assert!(format!("{err:#}").contains("line 2"), "{err:#}");
        assert!(read_numbers(Path::new("x.csv"), b"number\n1\n").is_err());
    }

    #[test]
    fn json_accepts_strings_and_objects() {
        let jobs = read_numbers(
            Path::new("x.json"),
            br#"["1", 2, {"phone":"3","maxAttempts":2}]"#,
        )
        .unwrap();
        assert_eq!(jobs.len(), 3);
        assert_eq!(jobs[2].max_attempts, Some(2));
    }
}
