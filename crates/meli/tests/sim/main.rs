//! The client against the simulator over real loopback HTTP.

mod support;

mod action_guide;
mod bounds;
mod demo;
mod endpoints;
mod faults;
mod oauth_flow;
mod questions;
mod rate_budget;
mod tokens;
mod tolerance;
