//! `meli-sim --scenario demo --port 8090 [--auth-port 8091] [--seed N] [--pkce] [--auto-approve]
//! [--redirect-uri URL] [--live SECS] [--no-rate-limit] [--bulk-orders N --bulk-messages M]`:
//! serves the simulator until Ctrl-C. The authorization page listens on `--auth-port`, by
//! default the next port. `--redirect-uri` registers the application's relay page (the seller's
//! own, or the repository's `relay/` served locally).

use std::process::ExitCode;
use std::time::Duration;

use meli_sim::{Scenario, SimConfig, Simulator};

fn usage() -> &'static str {
    "usage: meli-sim [--scenario empty|demo|bulk] [--port N] [--auth-port N] [--seed N] [--pkce] \
     [--auto-approve] [--redirect-uri URL] [--live SECS] [--no-rate-limit] [--lenient-cancelled] \
     [--bulk-orders N] [--bulk-messages N]"
}

fn parse(args: &[String]) -> Result<SimConfig, String> {
    let mut config = SimConfig {
        port: 8090,
        ..SimConfig::demo()
    };
    let mut scenario = "demo".to_owned();
    let mut auth_port = None;
    let (mut bulk_orders, mut bulk_messages) = (10_000u32, 4u16);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        let number = |v: String, name: &str| {
            v.parse::<u64>()
                .map_err(|_| format!("{name}: not a number: {v}"))
        };
        match arg.as_str() {
            "--scenario" => scenario = value("--scenario")?,
            "--port" => {
                config.port = u16::try_from(number(value("--port")?, "--port")?)
                    .map_err(|_| "--port: out of range".to_owned())?
            }
            "--auth-port" => {
                auth_port = Some(
                    u16::try_from(number(value("--auth-port")?, "--auth-port")?)
                        .map_err(|_| "--auth-port: out of range".to_owned())?,
                )
            }
            "--seed" => config.seed = number(value("--seed")?, "--seed")?,
            "--pkce" => config.pkce_required = true,
            "--auto-approve" => config.auto_approve = true,
            "--redirect-uri" => config.redirect_uri = value("--redirect-uri")?,
            "--no-rate-limit" => config.rate_limit = None,
            "--lenient-cancelled" => config.strict_cancelled_filter = false,
            "--live" => {
                config.live = Some(Duration::from_secs(number(value("--live")?, "--live")?))
            }
            "--bulk-orders" => {
                bulk_orders = u32::try_from(number(value("--bulk-orders")?, "--bulk-orders")?)
                    .map_err(|_| "--bulk-orders: out of range".to_owned())?
            }
            "--bulk-messages" => {
                bulk_messages = u16::try_from(number(value("--bulk-messages")?, "--bulk-messages")?)
                    .map_err(|_| "--bulk-messages: out of range".to_owned())?
            }
            "-h" | "--help" => return Err(usage().to_owned()),
            other => return Err(format!("unknown argument {other}\n{}", usage())),
        }
    }
    config.auth_port = auth_port.unwrap_or(if config.port == 0 {
        0
    } else {
        config.port.saturating_add(1)
    });
    config.scenario = match scenario.as_str() {
        "empty" => Scenario::Empty,
        "demo" => Scenario::Demo,
        "bulk" => Scenario::Bulk {
            orders: bulk_orders,
            messages_per_order: bulk_messages,
        },
        other => return Err(format!("unknown scenario {other}\n{}", usage())),
    };
    Ok(config)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match parse(&args) {
        Ok(c) => c,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let sim = match Simulator::start(config).await {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("meli-sim: {e}");
            return ExitCode::FAILURE;
        }
    };
    let app = sim.app();
    println!("base_url={}", sim.base_url());
    println!("auth_url={}/authorization", sim.auth_base_url());
    println!("client_id={}", app.client_id);
    println!("client_secret={}", app.client_secret);
    println!("redirect_uri={}", app.redirect_uri);
    println!("control={}/_sim/summary", sim.base_url());
    if tokio::signal::ctrl_c().await.is_err() {
        eprintln!("meli-sim: cannot listen for Ctrl-C; stopping");
    }
    ExitCode::SUCCESS
}
