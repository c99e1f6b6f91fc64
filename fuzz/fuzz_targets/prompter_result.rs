//! The Prompter proposals decoder must never panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = jaicp_prompter::decode_result(data);
});
