//! A typed builder for Reporter filters (`FiltersDto`): time ranges, counts, channels, labels.
//! Inconsistent input (an empty range, `from` after `to`) is refused before anything is sent.

use jaicp_core::{Error, Result, Timestamp};

use crate::ids::SessionLabelId;
use crate::models::{
    AnalyticsFilter, CheckboxComparisonType, CheckboxFilter, DateTimeRangeFilter, FilterKey,
    FiltersDto, MessageLabelDto, NumericRangeFilter, RadioFilter, TextComparisonType, TextFilter,
};

/// Filters for listings, statistics, bulk labelling and reports. Build with the methods, pass by
/// value; an empty `Filters` means "everything".
///
/// ```
/// use jaicp_core::Timestamp;
/// use jaicp_reporter::Filters;
///
/// let week_ago = Timestamp::from_millis(Timestamp::now().as_millis() - 7 * 86_400_000).unwrap();
/// let filters = Filters::new()
///     .message_time(Some(week_ago), None)
///     .message_count(Some(2), None)
///     .channel_types(["CHAT_API", "TELEGRAM"])
///     .without_empty_sessions();
/// assert_eq!(filters.to_dto().unwrap().filters.unwrap().len(), 4);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Filters {
    items: Vec<AnalyticsFilter>,
    error: Option<(String, String)>,
}

fn checkbox(key: FilterKey, options: Vec<String>) -> AnalyticsFilter {
    AnalyticsFilter::Checkbox(CheckboxFilter {
        key,
        options,
        comparison_type: Some(CheckboxComparisonType::Contains),
        ..Default::default()
    })
}

impl Filters {
    /// No filter.
    pub fn new() -> Self {
        Self::default()
    }

    fn fail(mut self, field: &str, reason: &str) -> Self {
        if self.error.is_none() {
            self.error = Some((field.to_owned(), reason.to_owned()));
        }
        self
    }

    fn time_range(
        mut self,
        key: FilterKey,
        name: &str,
        from: Option<Timestamp>,
        to: Option<Timestamp>,
    ) -> Self {
        if from.is_none() && to.is_none() {
            return self.fail(name, "a time range needs `from`, `to` or both");
        }
        if let (Some(f), Some(t)) = (from, to)
            && f.as_millis() > t.as_millis()
        {
            return self.fail(name, "`from` is after `to`");
        }
        self.items
            .push(AnalyticsFilter::DateTimeRange(DateTimeRangeFilter {
                key,
                from,
                to,
                ..Default::default()
            }));
        self
    }

    /// Sessions with a message in this time range (either bound may be open).
    pub fn message_time(self, from: Option<Timestamp>, to: Option<Timestamp>) -> Self {
        self.time_range(FilterKey::MessageTime, "MESSAGE_TIME", from, to)
    }

    /// Sessions that started in this time range.
    pub fn session_start(self, from: Option<Timestamp>, to: Option<Timestamp>) -> Self {
        self.time_range(FilterKey::SessionStartTime, "SESSION_START_TIME", from, to)
    }

    /// Sessions with between `min` and `max` messages (inclusive; either may be open).
    pub fn message_count(mut self, min: Option<u32>, max: Option<u32>) -> Self {
        if let (Some(a), Some(b)) = (min, max)
            && a > b
        {
            return self.fail("MESSAGE_COUNT", "`min` is above `max`");
        }
        self.items
            .push(AnalyticsFilter::NumericRange(NumericRangeFilter {
                key: FilterKey::MessageCount,
                from: min.map(f64::from),
                to: max.map(f64::from),
                ..Default::default()
            }));
        self
    }

    /// Sessions in channels of these types (`CHAT_API`, `TELEGRAM`, `RESTERISK`, ...).
    pub fn channel_types<S: Into<String>>(self, types: impl IntoIterator<Item = S>) -> Self {
        let options: Vec<String> = types.into_iter().map(Into::into).collect();
        if options.is_empty() {
            return self.fail("CHANNEL_TYPE", "give at least one channel type");
        }
        self.push(checkbox(FilterKey::ChannelType, options))
    }

    /// Sessions in these channels (bot ids).
    pub fn bot_ids<S: Into<String>>(self, bot_ids: impl IntoIterator<Item = S>) -> Self {
        let options: Vec<String> = bot_ids.into_iter().map(Into::into).collect();
        if options.is_empty() {
            return self.fail("BOT_ID", "give at least one bot id");
        }
        self.push(checkbox(FilterKey::BotId, options))
    }

    /// Sessions carrying any of these labels.
    pub fn session_labels(self, labels: impl IntoIterator<Item = SessionLabelId>) -> Self {
        let options: Vec<String> = labels.into_iter().map(|l| l.to_string()).collect();
        if options.is_empty() {
            return self.fail("SESSION_LABELS", "give at least one label");
        }
        self.push(checkbox(FilterKey::SessionLabels, options))
    }

    /// Messages carrying any of these labels.
    pub fn message_labels<'a>(self, labels: impl IntoIterator<Item = &'a MessageLabelDto>) -> Self {
        let options: Vec<String> = labels
            .into_iter()
            .filter_map(|l| l.id.map(|i| i.to_string()))
            .collect();
        if options.is_empty() {
            return self.fail("LOG_LABELS", "give at least one label with an id");
        }
        self.push(checkbox(FilterKey::LogLabels, options))
    }

    /// Messages whose text contains any of `values`.
    pub fn message_text<S: Into<String>>(self, values: impl IntoIterator<Item = S>) -> Self {
        let values: Vec<String> = values.into_iter().map(Into::into).collect();
        if values.is_empty() {
            return self.fail("MESSAGE_TEXT", "give at least one text");
        }
        self.push(AnalyticsFilter::Text(TextFilter {
            key: FilterKey::MessageText,
            values,
            comparison_type: TextComparisonType::Contains,
            ..Default::default()
        }))
    }

    /// Leaves out sessions without messages.
    pub fn without_empty_sessions(self) -> Self {
        self.push(AnalyticsFilter::Radio(RadioFilter {
            key: FilterKey::WithoutEmptySessions,
            option: Some("YES".into()),
            ..Default::default()
        }))
    }

    /// Adds any filter as the API defines it (for keys this builder has no method for).
    pub fn push(mut self, filter: AnalyticsFilter) -> Self {
        self.items.push(filter);
        self
    }

    /// The filters as the request body, or the first input error.
    pub fn to_dto(&self) -> Result<FiltersDto> {
        if let Some((field, reason)) = &self.error {
            return Err(Error::invalid(field.clone(), reason.clone()));
        }
        Ok(FiltersDto {
            filters: Some(self.items.clone()),
        })
    }

    /// The filter list, or the first input error.
    pub fn to_list(&self) -> Result<Vec<AnalyticsFilter>> {
        Ok(self.to_dto()?.filters.unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_the_api_expects() {
        let from = Timestamp::parse("2025-01-01T00:00:00Z").unwrap();
        let to = Timestamp::parse("2025-01-08T00:00:00Z").unwrap();
        let dto = Filters::new()
            .message_time(Some(from), Some(to))
            .message_count(Some(20), Some(50))
            .session_labels([SessionLabelId(7)])
            .without_empty_sessions()
            .to_dto()
            .unwrap();
        let v = serde_json::to_value(&dto).unwrap();
        let f = &v["filters"];
        assert_eq!(f[0]["key"], "MESSAGE_TIME");
        assert_eq!(f[0]["type"], "DATE_TIME_RANGE");
        // The documented `yyyy-MM-ddTHH:mm:ss.SSSZ`: milliseconds even for a whole second.
        assert_eq!(f[0]["from"], "2025-01-01T00:00:00.000Z");
        assert_eq!(f[0]["to"], "2025-01-08T00:00:00.000Z");
        assert_eq!(f[1]["type"], "NUMERIC_RANGE");
        assert_eq!(f[1]["from"], 20.0);
        assert_eq!(f[2]["options"][0], "7");
        assert_eq!(f[3]["option"], "YES");
    }

    #[test]
    fn refuses_inverted_or_empty_input_before_sending() {
        let from = Timestamp::parse("2025-01-08T00:00:00Z").unwrap();
        let to = Timestamp::parse("2025-01-01T00:00:00Z").unwrap();
        let e = Filters::new()
            .message_time(Some(from), Some(to))
            .to_dto()
            .unwrap_err();
        assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "MESSAGE_TIME"));
        assert!(
            Filters::new()
                .message_count(Some(5), Some(2))
                .to_dto()
                .is_err()
        );
        assert!(
            Filters::new()
                .channel_types(Vec::<String>::new())
                .to_dto()
                .is_err()
        );
        assert!(Filters::new().session_start(None, None).to_dto().is_err());
    }
}
