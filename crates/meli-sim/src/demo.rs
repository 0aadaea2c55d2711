//! The demo world (being filled in).

use chrono::{DateTime, Utc};

use crate::scenario::{NewSale, SELLER_MLA};
use crate::state::World;

pub(crate) fn populate(world: &mut World, now: DateTime<Utc>) {
    if let Ok(sale) = world.create_sale(&NewSale::new(SELLER_MLA), now) {
        world
            .landmarks
            .set("needs_action_guide", sale.conversation_id);
    }
}
