//! Mercado Libre API client.
//!
//! One code path talks to Mercado Libre: [`Site`] names the hosts, and every base URL is
//! configuration, so the same client reaches the real API or `meli-sim` on loopback.

pub mod error;
pub mod site;

pub use error::MeliError;
pub use site::Site;
