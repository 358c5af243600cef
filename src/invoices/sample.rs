//! A realistic invoice for tests, the benchmark and a look at the layout: a Pune
//! distributor (with a Devanagari trade name) billing a retailer, `lines` lines.

use crate::domain::invoice::{DocKind, DocLine, Document, DocumentInput, FinancialYear, PartyDoc};
use crate::domain::order::DeliveryMode;

const ITEMS: [(&str, &str, &str, &str, i64, i32); 6] = [
    (
        "Marie Gold Biscuits 200 g",
        "Sahyadri",
        "1905",
        "pack",
        2_750,
        500,
    ),
    (
        "Lifebuoy Soap 4 × 100 g",
        "HUL",
        "3401",
        "pack",
        14_500,
        1800,
    ),
    (
        "Basmati Rice 5 kg",
        "India Gate",
        "1006",
        "bag",
        62_500,
        500,
    ),
    (
        "Aloo Bhujia 400 g",
        "Haldiram's",
        "2106",
        "pack",
        9_900,
        500,
    ),
    ("Cola 2 L", "Thums Up", "2202", "bottle", 9_500, 4000),
    ("Toor Dal 1 kg", "Tata Sampann", "0713", "kg", 16_800, 0),
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
    Document::build(DocumentInput {
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
    })
    .unwrap_or_else(|e| panic!("sample invoice: {e}"))
}
