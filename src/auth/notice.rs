//! Why a plain (JavaScript-off) log-in or sign-up post failed, carried in the
//! redirect's query as a code and the names of the fields, never as text: the
//! page shows its own words for each code, so a link cannot make AuroMart's
//! page say what an attacker wrote.

use crate::error::{AppError, FieldError};

/// The fields a sign-up or log-in form has, each with what to check.
const FIELDS: &[(&str, &str)] = &[
    (
        "identifier",
        "Enter your 10-digit mobile number or your e-mail",
    ),
    (
        "password",
        "Check the password: at least 8 characters, not a common word, name or number",
    ),
    (
        "code",
        "Check the 6-digit code from WhatsApp; if it expired or was tried too often, ask for a new one",
    ),
    ("kind", "Choose retailer, distributor or manufacturer"),
    ("legal_name", "Enter the legal name of the business"),
    ("trade_name", "Check the shop or trade name"),
    (
        "gstin",
        "Check the GSTIN: 15 characters as on the GST certificate, registered in the state of the address (or already on AuroMart)",
    ),
    ("address_line", "Enter the address"),
    ("city", "Enter the city or town"),
    ("state_code", "Choose your state"),
    (
        "pincode",
        "Enter the 6-digit pincode of your post office; it must lie in the state you chose",
    ),
    ("whatsapp", "Check the WhatsApp number (10 digits)"),
    ("owner_name", "Enter your name"),
    (
        "phone",
        "Check the mobile number (10 digits); if it already has an account, log in instead",
    ),
    (
        "email",
        "Check the e-mail (like name@shop.in); if it already has an account, log in instead",
    ),
];

const WRONG: &str = "Wrong mobile number / e-mail or password";

/// The query (`error=…[&fields=…]`) that stands for `err` in a redirect.
pub fn query_for(err: &AppError) -> String {
    match err {
        AppError::Invalid(list) if list.len() == 1 && list[0].reason == WRONG => {
            "error=wrong".into()
        }
        AppError::Invalid(list) => {
            let fields: Vec<&str> = list
                .iter()
                .filter_map(|f| FIELDS.iter().find(|(k, _)| *k == f.field).map(|(k, _)| *k))
                .collect();
            format!("error=check&fields={}", fields.join(","))
        }
        AppError::RateLimited(_) => "error=locked".into(),
        AppError::Unavailable(_) | AppError::Internal(_) | AppError::Transport(_) => {
            "error=failed".into()
        }
        _ => "error=refused".into(),
    }
}

/// The error a code stands for (`fields` only with `check`); unknown codes and
/// field names are ignored.
pub fn error_for(code: &str, fields: Option<&str>) -> Option<AppError> {
    Some(match code {
        "wrong" => AppError::field("password", WRONG),
        "locked" => AppError::RateLimited(
            "Too many wrong passwords. For your safety, log-in to this account is paused for a while. Try again later or ask the owner to reset it.".into(),
        ),
        "check" => {
            let list: Vec<FieldError> = fields
                .unwrap_or_default()
                .split(',')
                .filter_map(|name| FIELDS.iter().find(|(k, _)| *k == name))
                .map(|(k, reason)| FieldError {
                    field: k.to_string(),
                    reason: reason.to_string(),
                })
                .collect();
            if list.is_empty() {
                AppError::Invalid(vec![FieldError {
                    field: "form".into(),
                    reason: "Please check the form and try again.".into(),
                }])
            } else {
                AppError::Invalid(list)
            }
        }
        "failed" => AppError::Internal(String::new()),
        "refused" => AppError::Forbidden("This could not be done. Please try again.".into()),
        _ => return None,
    })
}

/// A typed identifier worth showing again in the log-in form: only the
/// characters a phone number or e-mail has, and not too long.
pub fn identifier_echo(text: &str) -> String {
    let ok = text.chars().count() <= 100
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "@.+-_ ".contains(c));
    if ok { text.to_string() } else { String::new() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_never_carry_text() {
        let wrong = AppError::field("password", WRONG);
        assert_eq!(query_for(&wrong), "error=wrong");
        assert_eq!(error_for("wrong", None), Some(wrong));
        let fields = AppError::Invalid(vec![
            FieldError {
                field: "gstin".into(),
                reason: "This GSTIN is registered in Karnataka".into(),
            },
            FieldError {
                field: "<script>".into(),
                reason: "x".into(),
            },
            FieldError {
                field: "phone".into(),
                reason: "taken".into(),
            },
        ]);
        let q = query_for(&fields);
        assert_eq!(q, "error=check&fields=gstin,phone");
        let back = error_for("check", Some("gstin,phone,evil")).expect("known");
        assert!(
            back.reason_for("gstin")
                .is_some_and(|r| r.contains("GSTIN"))
        );
        assert!(back.reason_for("evil").is_none());
        assert!(error_for("Your account is blocked, call 1800", None).is_none());
        assert_eq!(
            query_for(&AppError::RateLimited("x".into())),
            "error=locked"
        );
    }

    #[test]
    fn only_identifier_like_text_is_echoed() {
        assert_eq!(identifier_echo("98220 12345"), "98220 12345");
        assert_eq!(identifier_echo("ravi@shop.in"), "ravi@shop.in");
        assert_eq!(identifier_echo("Call <b>1800</b> now!"), "");
    }
}
