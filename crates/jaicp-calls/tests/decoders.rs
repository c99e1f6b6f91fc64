//! No server answer can panic the Calls decoders: arbitrary bytes and arbitrary JSON are either
//! decoded or refused with a typed error. Models survive a serialise/parse round trip.

use jaicp_calls::models::{
    CallAttemptReportList, CallJobIdList, CallJobReportList, CallJobReportListWithPagination,
    CallTaskByTokenData, CallTaskStatusType, JobStatus, PhoneErrorResponse,
};
use jaicp_core::error::OpName;
use jaicp_core::request::decode_json;
use proptest::prelude::*;

const OP: OpName = OpName {
    api: "calls",
    operation: "test",
};

fn all_decoders(bytes: &[u8]) {
    let _ = decode_json::<CallJobIdList>(OP, bytes, &[]);
    let _ = decode_json::<CallJobReportList>(OP, bytes, &[]);
    let _ = decode_json::<CallAttemptReportList>(OP, bytes, &[]);
    let _ = decode_json::<CallJobReportListWithPagination>(OP, bytes, &[]);
    let _ = decode_json::<CallTaskByTokenData>(OP, bytes, &[]);
    let _ = decode_json::<CallTaskStatusType>(OP, bytes, &[]);
    let _ = decode_json::<PhoneErrorResponse>(OP, bytes, &[]);
}

/// JSON values of any shape, a few levels deep, with the field names the models use.
fn json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        any::<f64>().prop_map(|n| serde_json::json!(n)),
        "\\PC{0,12}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        let key = prop_oneof![
            Just("callJobId".to_owned()),
            Just("createdAt".to_owned()),
            Just("jobStatus".to_owned()),
            Just("items".to_owned()),
            Just("shortReport".to_owned()),
            Just("status".to_owned()),
            "[a-z]{1,6}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(key, inner, 0..5)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        all_decoders(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics(value in json()) {
        all_decoders(value.to_string().as_bytes());
    }

    #[test]
    fn unknown_enum_values_are_kept(value in "[a-zA-Z]{1,12}") {
        let status: JobStatus = serde_json::from_value(serde_json::Value::String(value.clone())).unwrap();
        prop_assert_eq!(status.as_str(), value.as_str());
        let back = serde_json::to_value(&status).unwrap();
        prop_assert_eq!(back, serde_json::Value::String(value));
    }
}

#[test]
fn reports_round_trip() {
    let json = serde_json::json!([{
        "callJobId": "17", "phone": "79001112233", "attemptsCount": 2, "jobStatus": "someday",
        "createdAt": 1566570001055i64, "finishedAt": "2019-08-23T14:25:01Z", "reportData": {"a": "b"}
    }]);
    let parsed: CallJobReportList = serde_json::from_value(json).unwrap();
    let again: CallJobReportList =
        serde_json::from_str(&serde_json::to_string(&parsed).unwrap()).unwrap();
    assert_eq!(parsed, again);
    assert_eq!(parsed[0].job_status.as_ref().unwrap().as_str(), "someday");
    assert_eq!(parsed[0].created_at.unwrap().as_millis(), 1566570001055);
}
