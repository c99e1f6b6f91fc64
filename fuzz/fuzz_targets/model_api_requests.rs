//! The Model API server's request models (what JAICP sends to a user's NLU service) must refuse
//! or accept any bytes without panicking.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<jaicp_model::models::PredictRequestData>(data);
    let _ = serde_json::from_slice::<jaicp_model::models::NerRequestData>(data);
    let _ = serde_json::from_slice::<jaicp_model::models::TextPreprocessorRequestData>(data);
});
