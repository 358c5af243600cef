//! Which WhatsApp template an order event sends (the templates themselves, with
//! their texts in every language, are the catalogue in `whatsapp::templates`,
//! whose tests check that every name here is in it).

use crate::domain::order::OrderState;

/// The distributor's alert for an order held for approval, by the reason.
pub fn held_template(hold: &crate::domain::ledger::Hold) -> &'static str {
    match hold {
        crate::domain::ledger::Hold::CreditLimit { .. } => "order_held_limit",
        crate::domain::ledger::Hold::Overdue { .. } => "order_held_overdue",
    }
}

/// The template sent when an order reaches `state` (None: no message): to the
/// distributor's people for "placed", to the retailer after that. `delivery`:
/// the order is (or, when placed, can be) delivered to the shop.
pub fn template_for(state: OrderState, delivery: bool) -> Option<&'static str> {
    Some(match state.as_str() {
        "placed" if delivery => "order_placed",
        "placed" => "order_placed_pickup",
        "accepted" if delivery => "order_accepted_delivery",
        "accepted" => "order_accepted_pickup",
        "rejected" => "order_rejected",
        "packed" => "order_packed",
        "out_for_delivery" => "order_out_for_delivery",
        "ready_for_pickup" => "order_ready_for_pickup",
        "delivered" => "order_delivered",
        "picked_up" => "order_picked_up",
        "cancelled" => "order_cancelled",
        _ => return None,
    })
}
