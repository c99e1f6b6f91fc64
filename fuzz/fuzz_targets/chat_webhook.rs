//! The Chat API webhook decoder must refuse or accept any bytes without panicking.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(turns) = jaicp_chat::webhook::decode(data) {
        assert!(!turns.is_empty());
        for turn in &turns {
            let _ = jaicp_chat::replies(turn).iter().map(jaicp_chat::reply_text).count();
        }
    }
});
