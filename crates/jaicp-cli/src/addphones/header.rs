//! Strict column names. A column is a call-policy field only under its exact wire name
//! (`gmtZone`); a column that differs from one only by case or separators (`gmtzone`,
//! `MaxAttempts`, `dialer_priority`) is an error naming the field it resembles, because taking
//! it as script payload would silently drop the policy the user meant. Payload columns are
//! declared: listed in `--payload-columns`, or named with the `payload.` prefix
//! (`payload.name` becomes `{"name": …}` in the payload).

use std::collections::HashSet;

use super::text::visible;

/// The prefix that marks a payload column (`payload.name`).
pub const PAYLOAD_PREFIX: &str = "payload.";

/// A field of a call job, by its exact wire name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// `phone`.
    Phone,
    /// `gmtZone`.
    GmtZone,
    /// `dialerPriority`.
    DialerPriority,
    /// `maxAttempts`.
    MaxAttempts,
    /// `retryIntervalInMinutes`.
    RetryIntervalInMinutes,
    /// `startDateTime`.
    StartDateTime,
    /// `finishDateTime`.
    FinishDateTime,
    /// `allowedDays` (in CSV: days separated by `;`, `,`, `|` or spaces).
    AllowedDays,
    /// `allowedTime` (in CSV: a JSON object).
    AllowedTime,
    /// `externalCheck` (in CSV: a JSON object).
    ExternalCheck,
    /// `localTimeFrom` (deprecated by the API).
    LocalTimeFrom,
    /// `localTimeTo` (deprecated by the API).
    LocalTimeTo,
    /// `payload` (in CSV: a JSON object, merged with the payload columns).
    Payload,
}

impl Field {
    /// Every field.
    pub const ALL: [Field; 13] = [
        Field::Phone,
        Field::GmtZone,
        Field::DialerPriority,
        Field::MaxAttempts,
        Field::RetryIntervalInMinutes,
        Field::StartDateTime,
        Field::FinishDateTime,
        Field::AllowedDays,
        Field::AllowedTime,
        Field::ExternalCheck,
        Field::LocalTimeFrom,
        Field::LocalTimeTo,
        Field::Payload,
    ];

    /// The wire name.
    pub fn name(self) -> &'static str {
        match self {
            Field::Phone => "phone",
            Field::GmtZone => "gmtZone",
            Field::DialerPriority => "dialerPriority",
            Field::MaxAttempts => "maxAttempts",
            Field::RetryIntervalInMinutes => "retryIntervalInMinutes",
            Field::StartDateTime => "startDateTime",
            Field::FinishDateTime => "finishDateTime",
            Field::AllowedDays => "allowedDays",
            Field::AllowedTime => "allowedTime",
            Field::ExternalCheck => "externalCheck",
            Field::LocalTimeFrom => "localTimeFrom",
            Field::LocalTimeTo => "localTimeTo",
            Field::Payload => "payload",
        }
    }

    /// The field with exactly this name.
    pub fn exact(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The field this name differs from only by case or separators (`gmt_zone` → `gmtZone`).
    pub fn resembled_by(name: &str) -> Option<Field> {
        let squashed = squash(name);
        Field::ALL
            .into_iter()
            .find(|f| f.name() != name && squash(f.name()) == squashed)
    }
}

/// Lower case, without `_`, `-`, `.` or spaces: the form in which near-misses compare equal.
fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | ' ' | '\t'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// What a column (or a JSON key) holds.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    /// A call-job field.
    Field(Field),
    /// A payload entry under this key.
    Payload(String),
}

/// The meaning of a name: a field, a declared payload entry, or the usage error explaining why
/// it is neither. `noun` is what names are called in the input (`column`, `field`).
pub fn classify(name: &str, declared: &HashSet<String>, noun: &str) -> Result<Column, String> {
    if let Some(field) = Field::exact(name) {
        return Ok(Column::Field(field));
    }
    if declared.contains(name) {
        return Ok(Column::Payload(name.to_owned()));
    }
    if let Some(key) = name.strip_prefix(PAYLOAD_PREFIX)
        && !key.is_empty()
    {
        return Ok(Column::Payload(key.to_owned()));
    }
    let shown = visible(name);
    if let Some(field) = Field::resembled_by(name) {
        return Err(format!(
            "`{shown}` is not a call-policy field, but it resembles `{}` (names are case-sensitive): \
             rename it to `{}`, or declare it as payload with --payload-columns {shown} or as `{PAYLOAD_PREFIX}{shown}`",
            field.name(),
            field.name()
        ));
    }
    Err(format!(
        "unknown {noun} `{shown}`: declare payload {noun}s with --payload-columns {shown}, or name them `{PAYLOAD_PREFIX}{shown}`"
    ))
}

/// The meaning of every column of a CSV header, and where the phone is.
#[derive(Clone, Debug)]
pub struct Columns {
    /// One entry per column, in order.
    pub columns: Vec<Column>,
}

/// Maps a CSV header. Every problem is reported at once, one per line, so a header needs one fix
/// round, not one per column.
pub fn map_header<'a>(
    names: impl IntoIterator<Item = &'a str>,
    declared: &HashSet<String>,
) -> Result<Columns, String> {
    let mut problems = Vec::new();
    let mut columns = Vec::new();
    let mut seen = HashSet::new();
    let mut present = HashSet::new();
    for (i, name) in names.into_iter().enumerate() {
        present.insert(name.to_owned());
        if name.is_empty() {
            problems.push(format!("column {} has no name", i + 1));
            columns.push(Column::Payload(String::new()));
            continue;
        }
        match classify(name, declared, "column") {
            Ok(column) => {
                if !seen.insert(column.clone()) {
                    problems.push(format!("column `{}` appears twice", visible(name)));
                }
                columns.push(column);
            }
            Err(problem) => {
                problems.push(problem);
                columns.push(Column::Payload(String::new()));
            }
        }
    }
    if !columns.contains(&Column::Field(Field::Phone)) && problems.is_empty() {
        problems.push("the header has no `phone` column".into());
    }
    let mut missing: Vec<&String> = declared.iter().filter(|d| !present.contains(*d)).collect();
    missing.sort();
    for name in missing {
        problems.push(format!(
            "--payload-columns names `{}`, which is not in the header",
            visible(name)
        ));
    }
    if problems.is_empty() {
        Ok(Columns { columns })
    } else {
        Err(problems.join("\n"))
    }
}

/// Splits `--payload-columns a,b` values into a set (repeated flags add up).
pub fn declared_payload(values: &[String]) -> HashSet<String> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(names: &[&str], declared: &[&str]) -> Result<Columns, String> {
        let declared = declared.iter().map(|s| s.to_string()).collect();
        map_header(names.iter().copied(), &declared)
    }

    #[test]
    fn exact_names_and_payload_columns_map() {
        let c = map(&["phone", "gmtZone", "payload.name", "city"], &["city"]).unwrap();
        assert_eq!(
            c.columns,
            vec![
                Column::Field(Field::Phone),
                Column::Field(Field::GmtZone),
                Column::Payload("name".into()),
                Column::Payload("city".into()),
            ]
        );
    }

    #[test]
    fn near_misses_name_the_field_they_resemble() {
        let err = map(&["phone", "gmtzone", "MaxAttempts", "dialer_priority"], &[]).unwrap_err();
        assert!(
            err.contains("`gmtzone`") && err.contains("`gmtZone`"),
            "{err}"
        );
        assert!(err.contains("`maxAttempts`"), "{err}");
        assert!(err.contains("`dialerPriority`"), "{err}");
        assert_eq!(err.lines().count(), 3, "one line per problem: {err}");
        let err = map(&["Phone"], &[]).unwrap_err();
        assert!(err.contains("resembles `phone`"), "{err}");
    }

    #[test]
    fn undeclared_and_missing_columns_are_refused() {
        let err = map(&["phone", "name"], &[]).unwrap_err();
        assert!(err.contains("unknown column `name`"), "{err}");
        assert!(err.contains("--payload-columns name"), "{err}");
        let err = map(&["number"], &["number"]).unwrap_err();
        assert!(err.contains("no `phone` column"), "{err}");
        let err = map(&["phone"], &["city"]).unwrap_err();
        assert!(err.contains("`city`, which is not in the header"), "{err}");
        let err = map(&["phone", "phone"], &[]).unwrap_err();
        assert!(err.contains("appears twice"), "{err}");
        let err = map(&["phone", "\u{1b}[2J"], &[]).unwrap_err();
        assert!(!err.contains('\u{1b}'), "escapes are made visible: {err}");
    }

    #[test]
    fn a_declared_near_miss_is_payload_by_choice() {
        let c = map(&["phone", "gmtzone"], &["gmtzone"]).unwrap();
        assert_eq!(c.columns[1], Column::Payload("gmtzone".into()));
        assert_eq!(
            declared_payload(&["a, b".into(), "c".into()]),
            ["a", "b", "c"].iter().map(|s| s.to_string()).collect()
        );
    }
}
