//! The order state machine, shared by the server (which enforces it) and the
//! browser (which only offers the buttons it allows).
//!
//! placed → accepted → packed → out_for_delivery → delivered      (distributor delivers)
//!                            → ready_for_pickup → picked_up      (retailer collects)
//! placed → rejected (distributor) | cancelled (retailer)
//! accepted | packed → cancelled (distributor, with a reason)

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    Placed,
    Accepted,
    Packed,
    OutForDelivery,
    ReadyForPickup,
    Delivered,
    PickedUp,
    Rejected,
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryMode {
    /// "I will deliver"
    Deliver,
    /// "Retailer will pick up"
    Pickup,
}

/// What someone asks to do with an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderAction {
    Accept(DeliveryMode),
    Reject,
    Cancel,
    Pack,
    Dispatch,
    MarkReadyForPickup,
    MarkDelivered,
    MarkPickedUp,
}

/// Who acts on an order: its retailer or its distributor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    Retailer,
    Distributor,
}

impl From<super::OrgKind> for Party {
    /// The side of an order an organisation of this kind is on (only retailers
    /// and distributors reach an order; see `OrgKind::PARTIES`).
    fn from(kind: super::OrgKind) -> Party {
        if kind == super::OrgKind::Retailer {
            Party::Retailer
        } else {
            Party::Distributor
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum TransitionError {
    #[error("This order is {}: it can no longer be {}.", .from.label().to_lowercase(), .action)]
    NotNow { from: OrderState, action: String },
    #[error("Only the {} can {} this order.", .who, .action)]
    WrongParty { who: String, action: String },
    #[error("This order is for {}, not {}.", .mode.label().to_lowercase(), .wanted.label().to_lowercase())]
    WrongMode {
        mode: DeliveryMode,
        wanted: DeliveryMode,
    },
    #[error("Give a reason: the {} sees it.", .whom)]
    ReasonNeeded { whom: String },
}

impl OrderState {
    pub const ALL: [OrderState; 9] = [
        OrderState::Placed,
        OrderState::Accepted,
        OrderState::Packed,
        OrderState::OutForDelivery,
        OrderState::ReadyForPickup,
        OrderState::Delivered,
        OrderState::PickedUp,
        OrderState::Rejected,
        OrderState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::Placed => "placed",
            OrderState::Accepted => "accepted",
            OrderState::Packed => "packed",
            OrderState::OutForDelivery => "out_for_delivery",
            OrderState::ReadyForPickup => "ready_for_pickup",
            OrderState::Delivered => "delivered",
            OrderState::PickedUp => "picked_up",
            OrderState::Rejected => "rejected",
            OrderState::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<OrderState> {
        OrderState::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            OrderState::Placed => "Placed",
            OrderState::Accepted => "Confirmed",
            OrderState::Packed => "Packed",
            OrderState::OutForDelivery => "Out for delivery",
            OrderState::ReadyForPickup => "Ready for pickup",
            OrderState::Delivered => "Delivered",
            OrderState::PickedUp => "Picked up",
            OrderState::Rejected => "Rejected",
            OrderState::Cancelled => "Cancelled",
        }
    }

    /// No further transition is possible.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            OrderState::Delivered
                | OrderState::PickedUp
                | OrderState::Rejected
                | OrderState::Cancelled
        )
    }

    /// Stock for the order is held (reserved) in this state.
    pub fn holds_stock(self) -> bool {
        matches!(
            self,
            OrderState::Placed
                | OrderState::Accepted
                | OrderState::Packed
                | OrderState::OutForDelivery
                | OrderState::ReadyForPickup
        )
    }
}

impl DeliveryMode {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryMode::Deliver => "deliver",
            DeliveryMode::Pickup => "pickup",
        }
    }
    pub fn parse(s: &str) -> Option<DeliveryMode> {
        match s {
            "deliver" => Some(DeliveryMode::Deliver),
            "pickup" => Some(DeliveryMode::Pickup),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            DeliveryMode::Deliver => "Delivery by distributor",
            DeliveryMode::Pickup => "Pickup by retailer",
        }
    }
}

impl OrderAction {
    pub fn verb(self) -> &'static str {
        match self {
            OrderAction::Accept(_) => "accepted",
            OrderAction::Reject => "rejected",
            OrderAction::Cancel => "cancelled",
            OrderAction::Pack => "packed",
            OrderAction::Dispatch => "sent out for delivery",
            OrderAction::MarkReadyForPickup => "marked ready for pickup",
            OrderAction::MarkDelivered => "marked delivered",
            OrderAction::MarkPickedUp => "marked picked up",
        }
    }

    /// "Only the distributor can … this order."
    pub fn base_verb(self) -> &'static str {
        match self {
            OrderAction::Accept(_) => "accept",
            OrderAction::Reject => "reject",
            OrderAction::Cancel => "cancel",
            OrderAction::Pack => "pack",
            OrderAction::Dispatch => "send out",
            OrderAction::MarkReadyForPickup => "mark ready for pickup",
            OrderAction::MarkDelivered => "mark delivered",
            OrderAction::MarkPickedUp => "mark picked up",
        }
    }

    /// Ends the order for good: the page asks before it acts.
    pub fn is_destructive(self) -> bool {
        matches!(self, OrderAction::Reject | OrderAction::Cancel)
    }

    /// Button text.
    pub fn label(self) -> &'static str {
        match self {
            OrderAction::Accept(DeliveryMode::Deliver) => "Accept — I will deliver",
            OrderAction::Accept(DeliveryMode::Pickup) => "Accept — retailer picks up",
            OrderAction::Reject => "Reject",
            OrderAction::Cancel => "Cancel order",
            OrderAction::Pack => "Mark packed",
            OrderAction::Dispatch => "Out for delivery",
            OrderAction::MarkReadyForPickup => "Ready for pickup",
            OrderAction::MarkDelivered => "Delivered",
            OrderAction::MarkPickedUp => "Picked up",
        }
    }

    /// Stable text form for forms and URLs: "accept_deliver", "pack", …
    pub fn as_str(self) -> &'static str {
        match self {
            OrderAction::Accept(DeliveryMode::Deliver) => "accept_deliver",
            OrderAction::Accept(DeliveryMode::Pickup) => "accept_pickup",
            OrderAction::Reject => "reject",
            OrderAction::Cancel => "cancel",
            OrderAction::Pack => "pack",
            OrderAction::Dispatch => "dispatch",
            OrderAction::MarkReadyForPickup => "ready_for_pickup",
            OrderAction::MarkDelivered => "delivered",
            OrderAction::MarkPickedUp => "picked_up",
        }
    }

    pub fn parse(s: &str) -> Option<OrderAction> {
        ALL_ACTIONS.into_iter().find(|a| a.as_str() == s)
    }

    /// The action needs a reason the other party will read.
    pub fn needs_reason(self, from: OrderState) -> bool {
        matches!(self, OrderAction::Reject)
            || (self == OrderAction::Cancel && from != OrderState::Placed)
    }
}

/// In the order buttons show: the next normal step first, the destructive ones last.
pub const ALL_ACTIONS: [OrderAction; 9] = [
    OrderAction::Accept(DeliveryMode::Deliver),
    OrderAction::Accept(DeliveryMode::Pickup),
    OrderAction::Pack,
    OrderAction::Dispatch,
    OrderAction::MarkReadyForPickup,
    OrderAction::MarkDelivered,
    OrderAction::MarkPickedUp,
    OrderAction::Reject,
    OrderAction::Cancel,
];

/// The one place that decides whether `party` may do `action` to an order in
/// state `from` (with delivery mode `mode`, set at acceptance), and what follows.
pub fn transition(
    from: OrderState,
    mode: Option<DeliveryMode>,
    action: OrderAction,
    party: Party,
    reason: &str,
) -> Result<OrderState, TransitionError> {
    use OrderAction as A;
    use OrderState as S;
    let not_now = || TransitionError::NotNow {
        from,
        action: action.verb().to_string(),
    };
    let only = |who: &str| TransitionError::WrongParty {
        who: who.to_string(),
        action: action.base_verb().to_string(),
    };
    let distributor_only = |next: S| {
        if party == Party::Distributor {
            Ok(next)
        } else {
            Err(only("distributor"))
        }
    };
    let next = match (from, action) {
        (S::Placed, A::Accept(_)) => distributor_only(S::Accepted)?,
        (S::Placed, A::Reject) => distributor_only(S::Rejected)?,
        // Before acceptance the distributor rejects (with a reason); only the retailer cancels.
        (S::Placed, A::Cancel) if party == Party::Retailer => S::Cancelled,
        (S::Placed, A::Cancel) => return Err(only("retailer")),
        (S::Accepted | S::Packed, A::Cancel) => distributor_only(S::Cancelled)?,
        (S::Accepted, A::Pack) => distributor_only(S::Packed)?,
        (S::Packed, A::Dispatch) => {
            require_mode(mode, DeliveryMode::Deliver)?;
            distributor_only(S::OutForDelivery)?
        }
        (S::Packed, A::MarkReadyForPickup) => {
            require_mode(mode, DeliveryMode::Pickup)?;
            distributor_only(S::ReadyForPickup)?
        }
        (S::OutForDelivery, A::MarkDelivered) => distributor_only(S::Delivered)?,
        (S::ReadyForPickup, A::MarkPickedUp) => distributor_only(S::PickedUp)?,
        _ => return Err(not_now()),
    };
    if action.needs_reason(from) && reason.trim().chars().count() < 3 {
        let whom = if party == Party::Distributor {
            "retailer"
        } else {
            "distributor"
        };
        return Err(TransitionError::ReasonNeeded {
            whom: whom.to_string(),
        });
    }
    Ok(next)
}

fn require_mode(mode: Option<DeliveryMode>, wanted: DeliveryMode) -> Result<(), TransitionError> {
    match mode {
        Some(m) if m != wanted => Err(TransitionError::WrongMode { mode: m, wanted }),
        _ => Ok(()),
    }
}

/// The actions `party` can take now (for buttons); reasons are asked for separately.
pub fn available_actions(
    from: OrderState,
    mode: Option<DeliveryMode>,
    party: Party,
) -> Vec<OrderAction> {
    ALL_ACTIONS
        .into_iter()
        .filter(|a| transition(from, mode, *a, party, "a reason").is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use DeliveryMode::*;
    use OrderAction as A;
    use OrderState as S;
    use Party::*;

    #[test]
    fn the_delivery_path() {
        let mut s = S::Placed;
        for (action, next) in [
            (A::Accept(Deliver), S::Accepted),
            (A::Pack, S::Packed),
            (A::Dispatch, S::OutForDelivery),
            (A::MarkDelivered, S::Delivered),
        ] {
            s = transition(s, Some(Deliver), action, Distributor, "").expect("allowed");
            assert_eq!(s, next);
        }
        assert!(s.is_final() && !s.holds_stock());
    }

    #[test]
    fn the_pickup_path() {
        let s = transition(
            S::Packed,
            Some(Pickup),
            A::MarkReadyForPickup,
            Distributor,
            "",
        )
        .expect("allowed");
        assert_eq!(
            transition(s, Some(Pickup), A::MarkPickedUp, Distributor, ""),
            Ok(S::PickedUp)
        );
        let wrong = transition(S::Packed, Some(Pickup), A::Dispatch, Distributor, "");
        assert!(matches!(wrong, Err(TransitionError::WrongMode { .. })));
    }

    #[test]
    fn retailer_can_only_cancel_before_acceptance() {
        assert_eq!(
            transition(S::Placed, None, A::Cancel, Retailer, ""),
            Ok(S::Cancelled)
        );
        let late = transition(
            S::Accepted,
            Some(Deliver),
            A::Cancel,
            Retailer,
            "changed my mind",
        );
        assert_eq!(
            late.map_err(|e| e.to_string()),
            Err("Only the distributor can cancel this order.".to_string())
        );
        assert_eq!(
            available_actions(S::Placed, None, Retailer),
            vec![A::Cancel]
        );
        assert!(available_actions(S::Accepted, Some(Deliver), Retailer).is_empty());
    }

    #[test]
    fn retailer_cannot_accept_and_nobody_skips_steps() {
        assert!(matches!(
            transition(S::Placed, None, A::Accept(Deliver), Retailer, ""),
            Err(TransitionError::WrongParty { .. })
        ));
        for (from, action) in [
            (S::Placed, A::Pack),
            (S::Accepted, A::MarkDelivered),
            (S::Delivered, A::Cancel),
            (S::Rejected, A::Accept(Pickup)),
        ] {
            let err = transition(from, Some(Deliver), action, Distributor, "reason")
                .expect_err("refused");
            assert!(
                matches!(err, TransitionError::NotNow { .. }),
                "{from:?} {action:?}"
            );
        }
        let msg = transition(S::Delivered, Some(Deliver), A::Cancel, Distributor, "x y z")
            .expect_err("refused")
            .to_string();
        assert_eq!(
            msg,
            "This order is delivered: it can no longer be cancelled."
        );
    }

    #[test]
    fn rejection_and_late_cancellation_need_a_reason() {
        assert!(matches!(
            transition(S::Placed, None, A::Reject, Distributor, " "),
            Err(TransitionError::ReasonNeeded { .. })
        ));
        assert_eq!(
            transition(S::Placed, None, A::Reject, Distributor, "Out of stock"),
            Ok(S::Rejected)
        );
        assert!(transition(S::Packed, Some(Deliver), A::Cancel, Distributor, "").is_err());
        assert_eq!(
            transition(S::Placed, None, A::Cancel, Retailer, ""),
            Ok(S::Cancelled),
            "no reason needed before acceptance"
        );
    }

    #[test]
    fn distributor_buttons_follow_the_state() {
        assert_eq!(
            available_actions(S::Placed, None, Distributor),
            vec![A::Accept(Deliver), A::Accept(Pickup), A::Reject]
        );
        assert_eq!(
            available_actions(S::Packed, Some(Deliver), Distributor),
            vec![A::Dispatch, A::Cancel]
        );
        assert_eq!(
            available_actions(S::Packed, Some(Pickup), Distributor),
            vec![A::MarkReadyForPickup, A::Cancel]
        );
        for s in S::ALL {
            for party in [Retailer, Distributor] {
                for mode in [None, Some(Deliver), Some(Pickup)] {
                    let actions = available_actions(s, mode, party);
                    let first_destructive = actions.iter().position(|a| a.is_destructive());
                    if let Some(i) = first_destructive {
                        assert!(
                            actions[i..].iter().all(|a| a.is_destructive()),
                            "{s:?} {party:?}: the next normal step comes first: {actions:?}"
                        );
                    }
                }
            }
            assert_eq!(OrderState::parse(s.as_str()), Some(s));
            if s.is_final() {
                assert!(available_actions(s, Some(Deliver), Distributor).is_empty());
            }
        }
        for a in ALL_ACTIONS {
            assert_eq!(OrderAction::parse(a.as_str()), Some(a));
        }
    }
}
