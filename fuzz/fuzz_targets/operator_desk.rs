//! The decoders of the requests JAICP sends to an agent desk must never panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    use jaicp_operator::decode;
    let _ = decode::set_webhook(data);
    let _ = decode::select_destination(data);
    let _ = decode::send_text(data);
    let _ = decode::send_file(data);
    let _ = decode::close_chat(data);
});
