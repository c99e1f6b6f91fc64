//! Server side of the JAICP Model API (placeholder).
