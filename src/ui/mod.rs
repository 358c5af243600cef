//! Components every feature uses: layout, role gate, form fields.

pub mod form;
pub mod gate;
pub mod layout;

/// "919812345678" as "+91 98123 45678" (or as stored, if it is not a mobile number).
pub fn show_phone(digits: &str) -> String {
    crate::domain::Phone::parse(digits)
        .map(|p| p.to_string())
        .unwrap_or_else(|_| digits.to_string())
}
