//! The order use cases, one file each: the shop (browse and search), placing an
//! order, its workflow (accept, reject, deliver, cancel) and reading orders back.

mod browse;
mod place;
mod queries;
mod workflow;

pub use browse::browse;
pub use place::place;
pub use queries::{counts, detail, list};
pub use workflow::act;
