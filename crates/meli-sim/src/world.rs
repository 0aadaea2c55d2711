//! Building the world a simulator starts with: the registered application, the sellers, and
//! the scenario's sales.

use chrono::{DateTime, Utc};

use crate::config::{Scenario, SimConfig};
use crate::ids::{CLIENT_ID, CLIENT_SECRET};
use crate::model::App;
use crate::scenario::{add_sellers, populate_bulk};
use crate::state::World;

pub fn build(config: &SimConfig, now: DateTime<Utc>) -> World {
    let app = App {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET.to_owned(),
        redirect_uri: config.redirect_uri.clone(),
    };
    let mut world = World::new(config.seed, app, config.pkce_required);
    add_sellers(&mut world, now);
    match config.scenario {
        Scenario::Empty => {}
        Scenario::Demo => {
            crate::demo::populate(&mut world, now);
            crate::questions::seed::demo(&mut world, now);
        }
        Scenario::Bulk {
            orders,
            messages_per_order,
        } => populate_bulk(&mut world, now, orders, messages_per_order),
    }
    if config.bulk_questions > 0 {
        crate::questions::seed::bulk(&mut world, now, config.bulk_questions);
    }
    world
}
