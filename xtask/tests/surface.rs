//! The checked-in public API listings match the sources: a change to the surface of `jaicp-core`
//! or the facade shows in review as a change of `public-api.txt`.

use xtask::surface::{LISTED, listing, listing_path};

#[test]
fn public_api_listings_are_up_to_date() {
    let root = xtask::workspace_root();
    for dir in LISTED {
        let crate_dir = root.join(dir);
        let name = dir.rsplit('/').next().unwrap().replace('-', "_");
        let now = listing(&crate_dir, &name).unwrap();
        let stored = std::fs::read_to_string(listing_path(&crate_dir)).unwrap_or_default();
        assert!(
            now == stored,
            "{dir}/public-api.txt is stale: run `cargo xtask surface` and review the diff"
        );
    }
}

#[test]
fn the_listing_shows_visibility_and_signatures() {
    let root = xtask::workspace_root();
    let text = listing(&root.join("crates/jaicp-core"), "jaicp_core").unwrap();
    // Public modules are listed as such; retry internals are not in the surface.
    assert!(text.contains("## pub mod jaicp_core::retry"), "{text}");
    assert!(text.contains("pub struct RetryPolicy"));
    assert!(!text.contains("RetryBudget"));
    assert!(!text.contains("parse_retry_after"));
    // The scripted transport sits behind its feature.
    assert!(text.contains("## pub mod jaicp_core::testing #[cfg(feature = \"test-util\")]"));
}
