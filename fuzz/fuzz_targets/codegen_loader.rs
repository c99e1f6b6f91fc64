//! The code generator's loader, normaliser and IR builder must turn any YAML text into a
//! document or an error, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let path = std::path::Path::new("fuzz.yml");
    let Ok(mut doc) = xtask::load::parse_value(text, path) else { return };
    let config = xtask::config::DocumentConfig::default();
    if xtask::normalize::normalize(&mut doc, &config.fixes).is_ok() {
        let _ = xtask::ir::build(&doc, &config);
    }
});
