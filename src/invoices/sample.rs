//! A realistic invoice for tests, the benchmark and a look at the layout: a Pune
//! distributor (with a Devanagari trade name) billing a retailer, `lines` lines,
//! with the 6-digit HSN codes an e-invoicing supplier must give.

use crate::domain::invoice::{DocKind, DocLine, Document, DocumentInput, FinancialYear, PartyDoc};
use crate::domain::order::DeliveryMode;

const ITEMS: [(&str, &str, &str, &str, i64, i32); 6] = [
    (
        "Marie Gold Biscuits 200 g",
        "Sahyadri",
        "190531",
        "pack",
        2_750,
        500,
    ),
    (
        "Lifebuoy Soap 4 × 100 g",
        "HUL",
        "340111",
        "pack",
        14_500,
        1800,
    ),
    (
        "Basmati Rice 5 kg",
        "India Gate",
        "100630",
        "bag",
        62_500,
        500,
    ),
    (
        "Aloo Bhujia 400 g",
        "Haldiram's",
        "210690",
        "pack",
        9_900,
        500,
    ),
    ("Cola 2 L", "Thums Up", "220210", "bottle", 9_500, 4000),
    ("Toor Dal 1 kg", "Tata Sampann", "071360", "kg", 16_800, 0),
];

fn party(
    name: &str,
    trade: &str,
    gstin: Option<&str>,
    state: u8,
    state_name: &str,
    city: &str,
) -> PartyDoc {
    PartyDoc {
        legal_name: name.to_string(),
        trade_name: trade.to_string(),
        gstin: gstin.map(str::to_string),
        address: "Shop 12, Market Yard, Gultekdi".to_string(),
        city: city.to_string(),
        pincode: "411037".to_string(),
        state_code: state,
        state_name: state_name.to_string(),
        phone: "919812345678".to_string(),
    }
}

/// `intra`: the retailer is in Maharashtra (CGST + SGST), else in Karnataka (IGST).
pub fn sample_document(lines: usize, intra: bool) -> Document {
    Document::build(sample_input(lines, intra)).unwrap_or_else(|e| panic!("sample invoice: {e}"))
}

/// The largest document the layout must hold: figures up to ₹99,99,99,999.99,
/// quantities of 10,00,000, discounts on every line, a rate of ₹1 crore, names
/// at their longest (200 characters), as an invoice or a credit note.
// Paise written with Indian grouping (lakh, crore), as the figures are read.
#[allow(clippy::inconsistent_digit_grouping)]
pub fn extreme_document(intra: bool, credit: bool) -> Document {
    let mut input = sample_input(0, intra);
    let long = |base: &str| {
        let mut s = String::new();
        while s.chars().count() < 190 {
            s.push_str(base);
            s.push(' ');
        }
        s.trim_end().to_string()
    };
    input.supplier.trade_name = long("Shree Ganesh Wholesale Traders");
    input.supplier.legal_name = long("Shree Ganesh Traders Private Limited");
    input.recipient.trade_name = long("Sai Kirana and General Stores");
    input.recipient.address = long("Shop 12, Market Yard, Gultekdi, near the old bus stand");
    input.upi_id = "shreeganeshwholesaletraders.pune@okhdfcbank".to_string();
    let line = |name: &str, qty: i64, price: i64, discount: i64, rate_bp: i32| DocLine {
        name: name.to_string(),
        brand: "Sahyadri Foods and Beverages".to_string(),
        hsn: "19053100".to_string(),
        qty,
        unit: "bottle".to_string(),
        unit_price_paise: price,
        discount_paise: discount,
        rate_bp,
    };
    input.lines = vec![
        line(
            "Marie Gold Biscuits 200 g",
            1_000_000,
            99_999,
            9_99_99_999,
            1800,
        ),
        line("Basmati Rice 25 kg", 1, 99_99_99_99_999, 99_99_99_999, 4000),
        line("Cola 2 L", 99_999, 1_00_00_000, 0, 500),
        line("Toor Dal 1 kg", 10, 16_800, 0, 0),
    ];
    if credit {
        input.kind = DocKind::CreditNote;
        input.number = "SGT-CN/2627/99999".to_string();
        input.refers_to = Some(("SGT/2627/99999".to_string(), "2026-11-20".to_string()));
        input.reason = Some(long("Goods returned damaged in transit"));
    }
    Document::build(input).unwrap_or_else(|e| panic!("extreme invoice: {e}"))
}

fn sample_input(lines: usize, intra: bool) -> DocumentInput {
    let recipient = if intra {
        party(
            "Sai Kirana Stores",
            "साई किराणा स्टोअर्स",
            Some("27AAPFU0939F1ZV"),
            27,
            "Maharashtra",
            "Pune",
        )
    } else {
        party(
            "Belagavi Daily Needs",
            "Belagavi Daily Needs",
            None,
            29,
            "Karnataka",
            "Belagavi",
        )
    };
    DocumentInput {
        kind: DocKind::Invoice,
        number: "SGT/2627/152".to_string(),
        date: "2026-11-25".to_string(),
        fy: FinancialYear(2026),
        order_id: 4821,
        order_placed: "25 Nov 2026".to_string(),
        supplier: party(
            "Shree Ganesh Traders Private Limited",
            "श्री गणेश ट्रेडर्स",
            Some("27AAPFU0939F1ZV"),
            27,
            "Maharashtra",
            "Pune",
        ),
        recipient,
        delivery_mode: DeliveryMode::Deliver,
        lines: (0..lines)
            .map(|i| {
                let (name, brand, hsn, unit, price, rate) = ITEMS[i % ITEMS.len()];
                DocLine {
                    name: name.to_string(),
                    brand: brand.to_string(),
                    hsn: hsn.to_string(),
                    qty: (i as i64 % 7) + 1,
                    unit: unit.to_string(),
                    unit_price_paise: price + i as i64,
                    discount_paise: if i % 5 == 4 { 500 } else { 0 },
                    rate_bp: rate,
                }
            })
            .collect(),
        round_off: true,
        upi_id: "shreeganesh@okaxis".to_string(),
        refers_to: None,
        reason: None,
    }
}
