//! Live mode: buyers act by themselves on a timer — they pay, write and buy — so the demo and
//! end-to-end tests see Mercado Libre change under them.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::catalog;
use crate::control::Control;
use crate::rng::Rng;
use crate::scenario::NewSale;
use crate::state::Shared;

/// Starts the task that waits for live mode to be switched on; it ends with the simulator.
pub fn install(shared: &Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    let shared = shared.clone();
    tokio::spawn(async move {
        let mut rng = Rng::new(shared.config.seed ^ 0x11FE);
        loop {
            let interval = *shared.live.lock().unwrap_or_else(|e| e.into_inner());
            let wait = interval.unwrap_or(Duration::from_millis(250));
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = shutdown.changed() => return,
            }
            if interval.is_some() {
                act(&shared, &mut rng);
            }
        }
    });
}

/// One buyer does one thing.
fn act(shared: &Arc<Shared>, rng: &mut Rng) {
    let control = Control::new(shared.clone());
    let (sellers, awaiting, conversations) = {
        let world = shared.world();
        let awaiting: Vec<u64> = world
            .orders
            .iter()
            .filter(|o| o.status.awaits_payment())
            .map(|o| o.id)
            .take(200)
            .collect();
        let conversations: Vec<(u64, bool)> = world
            .conversations
            .values()
            .take(500)
            .map(|c| {
                (
                    c.key,
                    world
                        .users
                        .get(&c.seller)
                        .is_some_and(|u| u.site.portuguese),
                )
            })
            .collect();
        (world.sellers.clone(), awaiting, conversations)
    };
    match rng.below(3) {
        0 if !awaiting.is_empty() => {
            let _ = control.buyer_pays(*rng.pick(&awaiting));
        }
        1 if !conversations.is_empty() => {
            let (key, portuguese) = *rng.pick(&conversations);
            let lines = if portuguese {
                catalog::BUYER_LINES_PT
            } else {
                catalog::BUYER_LINES_ES
            };
            let line: &&str = rng.pick(lines);
            let _ = control.buyer_writes(key, line, None);
        }
        _ if !sellers.is_empty() => {
            let seller = *rng.pick(&sellers);
            let _ = control.create_sale(NewSale::new(seller).created_minutes_ago(0));
        }
        _ => {}
    }
}
