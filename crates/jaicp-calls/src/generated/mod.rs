// placeholder until `cargo xtask codegen` runs
pub mod models {}
pub mod operations {}
