//! Cross-crate tests of the JAICP SDK, and the tools they share: a fault-injecting proxy.

pub mod fault_proxy;
