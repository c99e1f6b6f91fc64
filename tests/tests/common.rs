//! Shared set-up: an emulator and an SDK client pointed at it.

#![allow(dead_code)]

use jaicp_calls::Calls;
use jaicp_core::{CampaignToken, Client, Host};
use jaicp_emulator::Emulator;

/// A running emulator with no background dialer (tests drive calls with `advance_calls`).
pub async fn emulator() -> Emulator {
    Emulator::builder()
        .seed(7)
        .dial_interval(std::time::Duration::ZERO)
        .start()
        .await
        .expect("emulator starts")
}

/// A client for the emulator.
pub fn client(emulator: &Emulator) -> Client {
    Client::builder()
        .host(Host::custom(&emulator.base_url()).expect("emulator URL"))
        .allow_insecure_loopback(true)
        .build()
        .expect("client builds")
}

/// The Calls API of the emulator's demo campaign.
pub fn calls(emulator: &Emulator) -> Calls {
    Calls::new(
        &client(emulator),
        &CampaignToken::new(emulator.campaign_token()),
    )
}

/// `n` distinct valid numbers starting at `start`.
pub fn numbers(start: u64, n: u64) -> Vec<jaicp_calls::models::CallJobParameters> {
    (start..start + n)
        .map(|i| jaicp_calls::models::CallJobParameters {
            phone: format!("+7900{i:07}"),
            ..Default::default()
        })
        .collect()
}
