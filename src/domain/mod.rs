//! Pure rules shared by the server and the browser build. Nothing here touches
//! the database or the network, so every rule is unit-tested beside its code.

pub mod account;
pub mod audit;
pub mod catalog;
pub mod gst;
pub mod gst_schedule;
pub mod gstin;
pub mod invoice;
pub mod ledger;
pub mod money;
pub mod order;
pub mod period;
pub mod phone;
pub mod pincode;
pub mod state;
pub mod text;

pub use account::{ApprovalState, Language, MemberRole, OrgKind};
pub use gstin::Gstin;
pub use money::Paise;
pub use phone::Phone;
pub use pincode::Pincode;
pub use state::IndianState;

/// Why a value was refused, phrased for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

impl Invalid {
    pub fn new(reason: impl Into<String>) -> Self {
        Self(reason.into())
    }
}
