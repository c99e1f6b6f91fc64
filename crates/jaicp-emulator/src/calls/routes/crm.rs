//! The CRM single-number methods (`/api/crmCalls/...`): parameters arrive as
//! a query string or form body, everything beyond `phone` and `gmtZone` is
//! the payload, and a 24-hour duplicate rule applies (except on `test/`).

use std::collections::BTreeMap;

use axum::extract::RawQuery;
use axum::http::HeaderMap;
use serde_json::Value;

use super::{Calls, Ctx, stopped_error};
use crate::calls::default_policy;
use crate::calls::model::CampaignStatus;
use crate::calls::validate::{ValidJob, bad_phone, bad_zone, normalize_phone, parse_gmt_zone};
use crate::errors::CallsError;
use crate::extract::{Body, IDEMPOTENCE_KEY, idempotence_header};
use crate::idempotency::IDEMPOTENCE_WINDOW_MS;
use crate::idempotency::{Keyed, fingerprint};
use crate::reply::{Answer, Reply};
/// Decoded `name=value` pairs from a query string or form body.
fn form_pairs(raw: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

struct CrmRequest {
    phone: Option<String>,
    gmt_zone: Option<String>,
    /// Every other parameter; sorted so equal payloads compare equal.
    payload: BTreeMap<String, String>,
    query_key: Option<String>,
}

impl CrmRequest {
    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut req = Self {
            phone: None,
            gmt_zone: None,
            payload: BTreeMap::new(),
            query_key: None,
        };
        for (name, value) in pairs {
            match name.as_str() {
                "phone" => req.phone = Some(value),
                "gmtZone" => req.gmt_zone = Some(value),
                IDEMPOTENCE_KEY => req.query_key = Some(value).filter(|v| !v.is_empty()),
                _ => {
                    req.payload.insert(name, value);
                }
            }
        }
        req
    }

    /// Identity for the 24-hour duplicate rule: phone plus payload.
    fn fingerprint(&self, phone: &str) -> String {
        let mut fp = String::from(phone);
        for (k, v) in &self.payload {
            // Control characters cannot collide with decoded text boundaries.
            fp.push('\u{1}');
            fp.push_str(k);
            fp.push('\u{2}');
            fp.push_str(v);
        }
        fp
    }
}

#[derive(Clone, Copy)]
struct CrmMode {
    operation: &'static str,
    /// Idempotence scope; GET and POST share one since they are one method.
    scope: &'static str,
    /// The test endpoint skips the duplicate rule.
    duplicate_rule: bool,
}

fn crm_add(calls: &Calls, mode: CrmMode, req: CrmRequest, header_key: Option<String>) -> Answer {
    // The key is bound to the number, zone and payload, however they were sent (query or form).
    let mut parts: Vec<&[u8]> = vec![
        req.phone.as_deref().unwrap_or_default().as_bytes(),
        req.gmt_zone.as_deref().unwrap_or_default().as_bytes(),
    ];
    for (k, v) in &req.payload {
        parts.push(k.as_bytes());
        parts.push(v.as_bytes());
    }
    let key = req.query_key.clone().or(header_key).map(|key| Keyed {
        scope: mode.scope,
        key,
        request: fingerprint(&parts),
    });
    calls.run(mode.operation, key, |ctx| crm_add_work(ctx, mode, &req))
}

fn crm_add_work(ctx: &mut Ctx<'_>, mode: CrmMode, req: &CrmRequest) -> Result<Reply, Reply> {
    let raw_phone = req
        .phone
        .as_deref()
        // `PhoneErrorResponse` is the document's only 400 shape here that fits, and it requires
        // `phone`: an absent number is an empty one.
        .ok_or_else(|| {
            CallsError::new("phone.bad.format", "Parameter 'phone' is required")
                .with("phone", "")
                .bad_request()
        })?;
    let phone = normalize_phone(raw_phone).ok_or_else(|| bad_phone(raw_phone))?;
    if let Some(zone) = req.gmt_zone.as_deref().filter(|z| !z.is_empty())
        && parse_gmt_zone(zone).is_none()
    {
        return Err(bad_zone(raw_phone, zone));
    }
    if ctx.campaign.status == CampaignStatus::Finished {
        return Err(stopped_error(ctx.campaign));
    }
    let fingerprint = req.fingerprint(&phone);
    if mode.duplicate_rule
        && let Some(at) = ctx.campaign.crm_recent.get(&fingerprint)
        && ctx.now.saturating_sub(*at) < IDEMPOTENCE_WINDOW_MS
    {
        return Err(CallsError::new(
            "phone.duplicated",
            "This number with the same payload was added less than 24 hours ago",
        )
        .with("phone", raw_phone)
        .with("phonesDuplicates", vec![raw_phone.to_owned()])
        .bad_request());
    }
    let payload = (!req.payload.is_empty()).then(|| {
        Value::Object(
            req.payload
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect(),
        )
    });
    ctx.room_for(1)?;
    let policy = default_policy(ctx.campaign);
    let id = ctx.create(ValidJob {
        phone,
        payload,
        policy,
    });
    if mode.duplicate_rule {
        let now = ctx.now;
        let recent = &mut ctx.campaign.crm_recent;
        // Keep the map bounded: drop fingerprints whose window has passed.
        if recent.len() >= 4096 && recent.len().is_power_of_two() {
            recent.retain(|_, at| now.saturating_sub(*at) < IDEMPOTENCE_WINDOW_MS);
        }
        recent.insert(fingerprint, now);
    }
    Ok(Reply::ok(&id.to_string()))
}

/// `GET …/addPhone`: the parameters in the query string.
const ADD_PHONE_GET: CrmMode = CrmMode {
    operation: "addPhoneGet",
    scope: "addPhone",
    duplicate_rule: true,
};

/// `GET …/test/addPhone`: the same without the duplicate rule, and its own key scope.
const ADD_PHONE_GET_TEST: CrmMode = CrmMode {
    operation: "addPhoneGetTest",
    scope: "addPhoneGetTest",
    duplicate_rule: false,
};

/// `POST …/addPhone`: the parameters as a form body; one key scope with the GET form.
const ADD_PHONE_POST: CrmMode = CrmMode {
    operation: "addPhonePost",
    scope: "addPhone",
    duplicate_rule: true,
};

pub(super) async fn add_phone_get(
    calls: Calls,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Answer {
    from_query(&calls, ADD_PHONE_GET, query, &headers)
}

pub(super) async fn add_phone_get_test(
    calls: Calls,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Answer {
    from_query(&calls, ADD_PHONE_GET_TEST, query, &headers)
}

fn from_query(calls: &Calls, mode: CrmMode, query: Option<String>, headers: &HeaderMap) -> Answer {
    let req = CrmRequest::from_pairs(form_pairs(query.unwrap_or_default().as_bytes()));
    crm_add(calls, mode, req, idempotence_header(headers))
}

pub(super) async fn add_phone_post(calls: Calls, headers: HeaderMap, body: Body) -> Answer {
    let header_key = idempotence_header(&headers);
    match body.bytes() {
        Ok(bytes) => {
            let req = CrmRequest::from_pairs(form_pairs(&bytes));
            crm_add(&calls, ADD_PHONE_POST, req, header_key)
        }
        // Counted, and the campaign resolved (404 first), like every other request.
        Err(reply) => calls.run(ADD_PHONE_POST.operation, None, |_| Err(reply)),
    }
}
