//! Components every feature uses: layout, role gate, form fields.

pub mod form;
pub mod gate;
pub mod layout;
