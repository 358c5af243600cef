//! HMAC-SHA256 as webhook senders sign their bodies (Meta's WhatsApp,
//! Razorpay): the hex digest of the raw body, and a constant-time check of one.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Hex HMAC-SHA256 of `body` with `secret`.
pub fn hex_sha256(secret: &[u8], body: &[u8]) -> String {
    // HMAC takes a key of any length.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC accepts any key");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Whether `given_hex` is the HMAC of `body` (constant-time compare; bad hex is false).
pub fn hex_matches(secret: &[u8], body: &[u8], given_hex: &str) -> bool {
    let Ok(given) = hex::decode(given_hex.trim()) else {
        return false;
    };
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(secret) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&given).is_ok()
}
