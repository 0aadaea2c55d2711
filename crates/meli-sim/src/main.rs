//! `meli-sim --port 8090`: serves the simulator until interrupted.

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port = std::env::args()
        .skip_while(|a| a != "--port")
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(8090);
    let sim = meli_sim::Simulator::start(port).await?;
    println!("base_url={}", sim.base_url());
    tokio::signal::ctrl_c().await?;
    Ok(())
}
