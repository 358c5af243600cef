//! Invoice and credit-note rules that are not arithmetic: financial years, document
//! numbers (CGST Rules rule 46(b)), what a distributor's profile needs before it can
//! invoice, and the UPI payment request printed as a QR code.

use super::Invalid;
use super::gst::{
    Computed, Recipient, Supply, TaxError, TaxLine, compute, place_of_supply, supply_kind,
};
use super::money::amount_in_words;
use super::order::DeliveryMode;
use serde::{Deserialize, Serialize};

/// The longest document number rule 46(b) allows.
pub const MAX_NUMBER_LEN: usize = 16;
/// The longest invoice prefix: leaves room for "/2627/" and five digits.
pub const MAX_PREFIX_LEN: usize = 5;
/// Prefix used until the distributor sets one.
pub const DEFAULT_PREFIX: &str = "INV";

/// Indian financial year, 1 April – 31 March, named by the year it starts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct FinancialYear(pub i32);

impl FinancialYear {
    /// The financial year a calendar date (in India) falls in.
    pub fn of(year: i32, month: u32) -> Self {
        if month >= 4 {
            FinancialYear(year)
        } else {
            FinancialYear(year - 1)
        }
    }

    /// "2627" for 2026-27: the four digits used inside document numbers.
    pub fn code(self) -> String {
        format!(
            "{:02}{:02}",
            self.0.rem_euclid(100),
            (self.0 + 1).rem_euclid(100)
        )
    }

    /// "2026-27".
    pub fn label(self) -> String {
        format!("{}-{:02}", self.0, (self.0 + 1).rem_euclid(100))
    }
}

/// What kind of document a series numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    Invoice,
    CreditNote,
}

impl DocKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Invoice => "invoice",
            DocKind::CreditNote => "credit_note",
        }
    }

    pub fn parse(s: &str) -> Option<DocKind> {
        [DocKind::Invoice, DocKind::CreditNote]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    pub fn title(self) -> &'static str {
        match self {
            DocKind::Invoice => "Tax Invoice",
            DocKind::CreditNote => "Credit Note",
        }
    }

    /// As lists show it: "Invoice", "Credit note".
    pub fn label(self) -> &'static str {
        match self {
            DocKind::Invoice => "Invoice",
            DocKind::CreditNote => "Credit note",
        }
    }
}

/// A prefix the distributor may choose: 1–5 capital letters or digits.
pub fn check_prefix(prefix: &str) -> Result<String, Invalid> {
    let p = prefix.trim().to_ascii_uppercase();
    if p.is_empty() || p.len() > MAX_PREFIX_LEN || !p.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Invalid::new(format!(
            "Use 1 to {MAX_PREFIX_LEN} letters or digits, like SGT"
        )));
    }
    Ok(p)
}

/// Whether a document number is one rule 46(b) allows: 1–16 characters of letters,
/// digits, '-' and '/'.
pub fn is_valid_number(number: &str) -> bool {
    !number.is_empty()
        && number.len() <= MAX_NUMBER_LEN
        && number
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'/')
}

/// The number of the `seq`-th document of a series: invoices "SGT/2627/152", credit
/// notes "SGT/2627/C7". Refuses a number rule 46(b) would not allow (the series of a
/// long prefix has run out), so a bad number is never issued.
pub fn document_number(
    prefix: &str,
    fy: FinancialYear,
    kind: DocKind,
    seq: i64,
) -> Result<String, Invalid> {
    if seq < 1 {
        return Err(Invalid::new("Document numbers start at 1"));
    }
    let marker = match kind {
        DocKind::Invoice => "",
        DocKind::CreditNote => "C",
    };
    let number = format!("{prefix}/{}/{marker}{seq}", fy.code());
    if is_valid_number(&number) {
        Ok(number)
    } else {
        Err(Invalid::new(format!(
            "The {} numbers for prefix {prefix} have run out this year: choose a shorter invoice prefix",
            kind.title().to_lowercase()
        )))
    }
}

/// What a distributor's profile lacks before it can accept orders (and so issue
/// invoices), in words the distributor understands. Empty when complete.
pub fn missing_for_invoicing(
    gstin: Option<&str>,
    state_code: Option<u8>,
    upi_id: Option<&str>,
) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if gstin.is_none_or(|g| g.trim().is_empty()) {
        missing.push("GSTIN");
    }
    if state_code.is_none_or(|s| super::IndianState::by_code(s).is_none()) {
        missing.push("state");
    }
    if upi_id.is_none_or(|u| check_vpa(u).is_err()) {
        missing.push("UPI id");
    }
    missing
}

/// A UPI virtual payment address: "name@bank" (NPCI: 3–255 characters; the handle
/// after '@' is letters only).
pub fn check_vpa(vpa: &str) -> Result<String, Invalid> {
    let v = vpa.trim().to_ascii_lowercase();
    let ok = match v.split_once('@') {
        Some((user, handle)) => {
            (2..=200).contains(&user.len())
                && user
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
                && (2..=64).contains(&handle.len())
                && handle.bytes().all(|b| b.is_ascii_alphabetic())
        }
        None => false,
    };
    if ok {
        Ok(v)
    } else {
        Err(Invalid::new("Enter a UPI id like shopname@okhdfcbank"))
    }
}

/// Percent-encodes a UPI URI parameter (RFC 3986 unreserved characters pass).
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'@') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The UPI payment request for an amount: any UPI app that scans it pays the payee.
/// `upi://pay?pa=<vpa>&pn=<name>&am=<rupees.paise>&cu=INR&tn=<note>&tr=<reference>`.
pub fn upi_uri(vpa: &str, payee: &str, amount_paise: i64, note: &str, reference: &str) -> String {
    let amount = format!("{}.{:02}", amount_paise / 100, amount_paise % 100);
    format!(
        "upi://pay?pa={}&pn={}&am={amount}&cu=INR&tn={}&tr={}",
        encode(vpa),
        encode(payee),
        encode(note),
        encode(reference)
    )
}

/// A party as printed on a document, frozen at issue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyDoc {
    pub legal_name: String,
    pub trade_name: String,
    pub gstin: Option<String>,
    pub address: String,
    pub city: String,
    pub pincode: String,
    pub state_code: u8,
    pub state_name: String,
    pub phone: String,
}

/// One line of a document, frozen at issue (figures in `Document::computed.lines`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocLine {
    pub name: String,
    pub brand: String,
    pub hsn: String,
    pub qty: i64,
    pub unit: String,
    pub unit_price_paise: i64,
    pub discount_paise: i64,
    pub rate_bp: i32,
}

/// An issued tax invoice or credit note: everything the PDF and the e-invoice export
/// print, stored as issued and never recomputed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub kind: DocKind,
    pub number: String,
    /// Issue date, ISO "2026-11-25" (India).
    pub date: String,
    pub fy: FinancialYear,
    pub order_id: i64,
    pub order_placed: String,
    pub supplier: PartyDoc,
    pub recipient: PartyDoc,
    pub place_of_supply: u8,
    pub place_of_supply_name: String,
    pub supply: Supply,
    /// Whether the recipient's state levies UTGST instead of SGST.
    pub utgst: bool,
    /// Tax is never payable on reverse charge for these supplies; printed as "No".
    pub reverse_charge: bool,
    pub delivery_mode: DeliveryMode,
    pub lines: Vec<DocLine>,
    pub computed: Computed,
    /// The grand total was rounded to whole rupees (the distributor's setting).
    #[serde(default)]
    pub rounds_off: bool,
    pub amount_in_words: String,
    pub upi_id: String,
    /// The UPI payment request for the amount due (invoices only).
    pub upi_uri: Option<String>,
    /// For a credit note: the invoice it reverses, its date, and why.
    pub refers_to: Option<(String, String)>,
    pub reason: Option<String>,
}

/// What is needed to issue a document; `Document::build` does the arithmetic.
pub struct DocumentInput {
    pub kind: DocKind,
    pub number: String,
    pub date: String,
    pub fy: FinancialYear,
    pub order_id: i64,
    pub order_placed: String,
    pub supplier: PartyDoc,
    pub recipient: PartyDoc,
    pub delivery_mode: DeliveryMode,
    pub lines: Vec<DocLine>,
    pub round_off: bool,
    pub upi_id: String,
    pub refers_to: Option<(String, String)>,
    pub reason: Option<String>,
}

impl Document {
    pub fn build(input: DocumentInput) -> Result<Document, TaxError> {
        let place = place_of_supply(
            Recipient {
                state_code: input.recipient.state_code,
                sez: false,
            },
            input.delivery_mode,
        );
        let supply = supply_kind(input.supplier.state_code, place, false);
        let tax_lines: Vec<TaxLine<'_>> = input
            .lines
            .iter()
            .map(|l| TaxLine {
                hsn: &l.hsn,
                qty: l.qty,
                unit_price_paise: l.unit_price_paise,
                discount_paise: l.discount_paise,
                rate_bp: l.rate_bp,
            })
            .collect();
        let computed = compute(&tax_lines, supply, input.round_off)?;
        let place_state = super::IndianState::by_code(place);
        let upi_uri = (input.kind == DocKind::Invoice).then(|| {
            upi_uri(
                &input.upi_id,
                &input.supplier.trade_name,
                computed.grand_total,
                &format!("Invoice {}", input.number),
                &input.number,
            )
        });
        Ok(Document {
            kind: input.kind,
            amount_in_words: amount_in_words(computed.grand_total),
            number: input.number,
            date: input.date,
            fy: input.fy,
            order_id: input.order_id,
            order_placed: input.order_placed,
            supplier: input.supplier,
            recipient: input.recipient,
            place_of_supply: place,
            place_of_supply_name: place_state.map(|s| s.name.to_string()).unwrap_or_default(),
            supply,
            utgst: place_state.is_some_and(|s| s.utgst),
            reverse_charge: false,
            delivery_mode: input.delivery_mode,
            lines: input.lines,
            computed,
            rounds_off: input.round_off,
            upi_id: input.upi_id,
            upi_uri,
            refers_to: input.refers_to,
            reason: input.reason,
        })
    }

    /// A registered recipient: a B2B invoice (the e-invoice applies).
    pub fn is_b2b(&self) -> bool {
        self.recipient.gstin.is_some()
    }

    /// "SGST" or "UTGST", as the place of supply levies.
    pub fn state_tax_name(&self) -> &'static str {
        if self.utgst { "UTGST" } else { "SGST" }
    }

    /// "25 Nov 2026" from the ISO date.
    pub fn date_label(&self) -> String {
        date_label(&self.date)
    }
}

/// "2026-11-25" → "25 Nov 2026"; anything else unchanged.
pub fn date_label(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut it = iso.split('-');
    match (
        it.next(),
        it.next().and_then(|m| m.parse::<usize>().ok()),
        it.next(),
    ) {
        (Some(y), Some(m @ 1..=12), Some(d)) => format!("{d} {} {y}", MONTHS[m - 1]),
        _ => iso.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn financial_years_run_april_to_march() {
        assert_eq!(FinancialYear::of(2026, 4), FinancialYear(2026));
        assert_eq!(FinancialYear::of(2026, 3), FinancialYear(2025));
        assert_eq!(FinancialYear::of(2027, 1), FinancialYear(2026));
        assert_eq!(FinancialYear(2026).code(), "2627");
        assert_eq!(FinancialYear(2099).code(), "9900");
        assert_eq!(FinancialYear(2026).label(), "2026-27");
    }

    #[test]
    fn numbers_fit_rule_46() {
        let fy = FinancialYear(2026);
        assert_eq!(
            document_number("SGT", fy, DocKind::Invoice, 152).unwrap(),
            "SGT/2627/152"
        );
        assert_eq!(
            document_number("SGT", fy, DocKind::CreditNote, 7).unwrap(),
            "SGT/2627/C7"
        );
        // The longest prefix still leaves 99,999 invoices a year.
        assert_eq!(
            document_number("ABCDE", fy, DocKind::Invoice, 99_999)
                .unwrap()
                .len(),
            16
        );
        assert!(document_number("ABCDE", fy, DocKind::Invoice, 100_000).is_err());
        assert!(document_number("SGT", fy, DocKind::Invoice, 0).is_err());
        assert!(is_valid_number("SGT/2627/1"));
        assert!(!is_valid_number("SGT 2627 1"));
        assert!(!is_valid_number("ABCDEFGH/2627/123"));
        assert!(!is_valid_number(""));
    }

    #[test]
    fn prefixes_are_short_and_plain() {
        assert_eq!(check_prefix(" sgt ").unwrap(), "SGT");
        assert!(check_prefix("").is_err());
        assert!(check_prefix("ABCDEF").is_err());
        assert!(check_prefix("A/B").is_err());
    }

    #[test]
    fn profile_must_be_complete_to_invoice() {
        assert!(
            missing_for_invoicing(Some("27AAPFU0939F1ZV"), Some(27), Some("sgt@okaxis")).is_empty()
        );
        assert_eq!(
            missing_for_invoicing(None, Some(27), None),
            vec!["GSTIN", "UPI id"]
        );
        assert_eq!(
            missing_for_invoicing(Some("27AAPFU0939F1ZV"), Some(99), Some("not a vpa")),
            vec!["state", "UPI id"]
        );
    }

    #[test]
    fn vpas() {
        assert_eq!(
            check_vpa("Shree.Ganesh-1@okHDFCbank").unwrap(),
            "shree.ganesh-1@okhdfcbank"
        );
        for bad in ["", "abc", "a@b", "name@bank1", "na me@ybl", "@ybl"] {
            assert!(check_vpa(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn upi_uri_is_percent_encoded() {
        assert_eq!(
            upi_uri(
                "sgt@okaxis",
                "Shree Ganesh & Co",
                197_000,
                "Invoice SGT/2627/1",
                "SGT/2627/1"
            ),
            "upi://pay?pa=sgt@okaxis&pn=Shree%20Ganesh%20%26%20Co&am=1970.00&cu=INR&tn=Invoice%20SGT%2F2627%2F1&tr=SGT%2F2627%2F1"
        );
        assert_eq!(
            upi_uri("a@b", "श्री", 5, "x", "y"),
            "upi://pay?pa=a@b&pn=%E0%A4%B6%E0%A5%8D%E0%A4%B0%E0%A5%80&am=0.05&cu=INR&tn=x&tr=y"
        );
    }
}
