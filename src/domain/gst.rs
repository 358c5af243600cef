//! GST rules, in one place, shared by the server (orders, invoices, credit notes)
//! and the browser (the cart shows exactly the tax the invoice will carry).
//!
//! Facts (../shared/INDIA.md, CGST Rules rule 46, IGST Act s.10):
//! - Intra-state supply (supplier's state = place of supply): CGST + SGST (or UTGST
//!   in a Union territory without a legislature) at half the rate each.
//!   Inter-state supply, and every supply to or by an SEZ unit: IGST at the full rate.
//! - Place of supply of goods that move is where the movement ends for delivery to the
//!   recipient — whether the supplier delivers or the recipient collects them.
//! - Tax is computed per line, per tax head, on the line's taxable value in paise and
//!   rounded half away from zero to the paisa. An optional round-off line brings the
//!   grand total to whole rupees (50 paise and more round up).
//! - Rates are data (per HSN, with a valid-from date); a line stores the rate it used.

use super::order::DeliveryMode;
use serde::{Deserialize, Serialize};

/// `amount × num / den`, rounded half away from zero. `den` > 0.
fn scale_round(amount: i64, num: i64, den: i64) -> i64 {
    let n = i128::from(amount) * i128::from(num);
    let d = i128::from(den);
    let q = n / d;
    let r = n % d;
    let adjusted = if r.abs() * 2 >= d { q + n.signum() } else { q };
    adjusted.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// `amount × rate_bp / 10000`, rounded half away from zero.
pub fn tax_on(taxable_paise: i64, rate_bp: i32) -> i64 {
    scale_round(taxable_paise, i64::from(rate_bp), 10_000)
}

/// Tax at half of `rate_bp` (CGST or SGST of an intra-state supply). Special rates
/// such as 0.25 % halve to 0.125 %, so this does not round the rate first.
pub fn half_tax_on(taxable_paise: i64, rate_bp: i32) -> i64 {
    scale_round(taxable_paise, i64::from(rate_bp), 20_000)
}

/// Which taxes a supply carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Supply {
    /// CGST + SGST/UTGST.
    IntraState,
    /// IGST.
    InterState,
}

impl Supply {
    /// From "supplier and place of supply are in one state" (as carts and orders
    /// carry it).
    pub fn from_intra_state(intra: bool) -> Supply {
        if intra {
            Supply::IntraState
        } else {
            Supply::InterState
        }
    }
}

/// The recipient as the place-of-supply rule needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recipient {
    /// GST state code of the recipient's address (where the goods end up).
    pub state_code: u8,
    /// A unit in a Special Economic Zone.
    pub sez: bool,
}

/// Place of supply (a GST state code) for goods sold to `recipient`.
///
/// IGST Act s.10(1)(a): where the movement of the goods terminates for delivery to the
/// recipient. When the retailer collects ("retailer will pick up") the goods still move
/// to the retailer's shop, carried by the recipient, so the answer is the same; the
/// mode is taken so the rule and its reasoning stay in this one function.
pub fn place_of_supply(recipient: Recipient, _mode: DeliveryMode) -> u8 {
    recipient.state_code
}

/// Intra- or inter-state, from the supplier's state and the place of supply.
/// IGST Act s.7(5)(b) and s.8(1) proviso: supplies to or by an SEZ are inter-state.
pub fn supply_kind(supplier_state: u8, place_of_supply: u8, sez: bool) -> Supply {
    if !sez && supplier_state == place_of_supply {
        Supply::IntraState
    } else {
        Supply::InterState
    }
}

/// The tax of one line, per head, in paise.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineTax {
    pub cgst: i64,
    /// SGST, or UTGST in a Union territory without a legislature.
    pub sgst: i64,
    pub igst: i64,
}

impl LineTax {
    pub fn total(&self) -> i64 {
        self.cgst + self.sgst + self.igst
    }
}

/// Each head computed on the line's taxable value and rounded on its own.
pub fn line_tax(taxable_paise: i64, rate_bp: i32, supply: Supply) -> LineTax {
    match supply {
        Supply::IntraState => {
            let half = half_tax_on(taxable_paise, rate_bp);
            LineTax {
                cgst: half,
                sgst: half,
                igst: 0,
            }
        }
        Supply::InterState => LineTax {
            cgst: 0,
            sgst: 0,
            igst: tax_on(taxable_paise, rate_bp),
        },
    }
}

/// One line as the tax rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxLine<'a> {
    pub hsn: &'a str,
    pub qty: i64,
    pub unit_price_paise: i64,
    /// Discount on the line, in paise, shown on the invoice before tax.
    pub discount_paise: i64,
    pub rate_bp: i32,
}

/// A line's figures: value, discount, taxable value, each tax and the line total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineAmounts {
    pub value: i64,
    pub discount: i64,
    pub taxable: i64,
    pub tax: LineTax,
    pub total: i64,
}

/// One row of the HSN-wise summary: all lines with the same HSN and rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HsnRow {
    pub hsn: String,
    pub rate_bp: i32,
    pub qty: i64,
    pub taxable: i64,
    pub tax: LineTax,
}

/// Every figure of a document, computed once by [`compute`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Computed {
    pub lines: Vec<LineAmounts>,
    pub value: i64,
    pub discount: i64,
    pub taxable: i64,
    pub tax: LineTax,
    /// Taxable value plus tax, before rounding off.
    pub before_round_off: i64,
    /// Added to reach whole rupees (between −49 and +50 paise); 0 when not rounding.
    pub round_off: i64,
    pub grand_total: i64,
    pub hsn: Vec<HsnRow>,
}

/// Why a set of lines cannot be taxed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaxError {
    #[error("line {line}: quantity must be at least 1")]
    Quantity { line: usize },
    #[error("line {line}: price cannot be negative")]
    Price { line: usize },
    #[error("line {line}: the discount must be between zero and the line's value")]
    Discount { line: usize },
    #[error("line {line}: GST rate {rate_bp} basis points is not a rate")]
    Rate { line: usize, rate_bp: i32 },
    #[error("the amounts are too large")]
    Overflow,
}

/// Rounds a total to whole rupees, half away from zero; returns the adjustment.
pub fn round_off(total_paise: i64) -> i64 {
    let rem = total_paise.rem_euclid(100);
    if rem >= 50 { 100 - rem } else { -rem }
}

/// Computes every figure of an invoice (or a cart, or a credit note) from its lines.
pub fn compute(
    lines: &[TaxLine<'_>],
    supply: Supply,
    round_to_rupee: bool,
) -> Result<Computed, TaxError> {
    let mut out = Computed::default();
    let mut hsn: Vec<HsnRow> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let line = i + 1;
        if l.qty < 1 {
            return Err(TaxError::Quantity { line });
        }
        if l.unit_price_paise < 0 {
            return Err(TaxError::Price { line });
        }
        if !(0..=10_000).contains(&l.rate_bp) {
            return Err(TaxError::Rate {
                line,
                rate_bp: l.rate_bp,
            });
        }
        let value = l
            .unit_price_paise
            .checked_mul(l.qty)
            .ok_or(TaxError::Overflow)?;
        if l.discount_paise < 0 || l.discount_paise > value {
            return Err(TaxError::Discount { line });
        }
        let taxable = value - l.discount_paise;
        let tax = line_tax(taxable, l.rate_bp, supply);
        let total = taxable.checked_add(tax.total()).ok_or(TaxError::Overflow)?;
        out.lines.push(LineAmounts {
            value,
            discount: l.discount_paise,
            taxable,
            tax,
            total,
        });
        let add = |a: i64, b: i64| a.checked_add(b).ok_or(TaxError::Overflow);
        out.value = add(out.value, value)?;
        out.discount = add(out.discount, l.discount_paise)?;
        out.taxable = add(out.taxable, taxable)?;
        out.tax.cgst = add(out.tax.cgst, tax.cgst)?;
        out.tax.sgst = add(out.tax.sgst, tax.sgst)?;
        out.tax.igst = add(out.tax.igst, tax.igst)?;
        out.before_round_off = add(out.before_round_off, total)?;
        match hsn
            .iter_mut()
            .find(|r| r.hsn == l.hsn && r.rate_bp == l.rate_bp)
        {
            Some(r) => {
                r.qty += l.qty;
                r.taxable += taxable;
                r.tax.cgst += tax.cgst;
                r.tax.sgst += tax.sgst;
                r.tax.igst += tax.igst;
            }
            None => hsn.push(HsnRow {
                hsn: l.hsn.to_string(),
                rate_bp: l.rate_bp,
                qty: l.qty,
                taxable,
                tax,
            }),
        }
    }
    out.round_off = if round_to_rupee {
        round_off(out.before_round_off)
    } else {
        0
    };
    out.grand_total = out
        .before_round_off
        .checked_add(out.round_off)
        .ok_or(TaxError::Overflow)?;
    hsn.sort_by(|a, b| a.hsn.cmp(&b.hsn).then(a.rate_bp.cmp(&b.rate_bp)));
    out.hsn = hsn;
    Ok(out)
}

/// "18%", "2.5%", "0.25%": a rate in basis points as printed on an invoice.
pub fn rate_label(rate_bp: i32) -> String {
    percent(i64::from(rate_bp) * 10)
}

/// Half a rate (CGST or SGST of an intra-state line) as printed: 1800 → "9%",
/// 25 → "0.125%".
pub fn half_rate_label(rate_bp: i32) -> String {
    percent(i64::from(rate_bp) * 5)
}

/// Formats thousandths of a percent exactly, without floats.
fn percent(milli_percent: i64) -> String {
    let whole = milli_percent / 1000;
    let frac = milli_percent % 1000;
    if frac == 0 {
        format!("{whole}%")
    } else {
        let digits = format!("{frac:03}");
        format!("{whole}.{}%", digits.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(tax_on(10_000, 1800), 1_800);
        assert_eq!(tax_on(2_750, 500), 138); // 137.5 → 138
        assert_eq!(tax_on(2_749, 500), 137); // 137.45 → 137
        assert_eq!(tax_on(-2_750, 500), -138);
        assert_eq!(tax_on(333, 25), 1); // 0.8325 → 1
        assert_eq!(tax_on(199, 25), 0); // 0.4975 → 0
        assert_eq!(
            tax_on(i64::MAX / 2, 4000),
            (i128::from(i64::MAX / 2) * 4000 / 10_000) as i64
        );
        assert_eq!(half_tax_on(1_000, 25), 1); // 1.25 → 1 (0.125 %)
        assert_eq!(half_tax_on(1_200, 25), 2); // 1.5 → 2
        assert_eq!(half_tax_on(1_010, 500), 25); // 25.25 → 25
    }

    #[test]
    fn place_of_supply_is_where_the_goods_end_up() {
        let shop = Recipient {
            state_code: 29,
            sez: false,
        };
        assert_eq!(place_of_supply(shop, DeliveryMode::Deliver), 29);
        assert_eq!(place_of_supply(shop, DeliveryMode::Pickup), 29);
        assert_eq!(supply_kind(27, 27, false), Supply::IntraState);
        assert_eq!(supply_kind(27, 29, false), Supply::InterState);
        // SEZ: always IGST, even within the state.
        assert_eq!(supply_kind(27, 27, true), Supply::InterState);
    }

    #[test]
    fn labels_rates_exactly() {
        assert_eq!(rate_label(1800), "18%");
        assert_eq!(rate_label(500), "5%");
        assert_eq!(rate_label(25), "0.25%");
        assert_eq!(rate_label(150), "1.5%");
        assert_eq!(rate_label(0), "0%");
        assert_eq!(half_rate_label(1800), "9%");
        assert_eq!(half_rate_label(500), "2.5%");
        assert_eq!(half_rate_label(25), "0.125%");
        assert_eq!(half_rate_label(4000), "20%");
    }

    #[test]
    fn round_off_to_whole_rupees() {
        assert_eq!(round_off(1_234_567_850), 50);
        assert_eq!(round_off(10_049), -49);
        assert_eq!(round_off(10_050), 50);
        assert_eq!(round_off(10_000), 0);
        assert_eq!(round_off(99), 1);
    }

    fn line(hsn: &str, qty: i64, price: i64, discount: i64, rate_bp: i32) -> TaxLine<'_> {
        TaxLine {
            hsn,
            qty,
            unit_price_paise: price,
            discount_paise: discount,
            rate_bp,
        }
    }

    /// A hand-checked invoice: the lines, whether intra-state, whether rounded, and the
    /// expected (taxable, cgst, sgst, igst, round-off, grand total) in paise.
    struct Case {
        name: &'static str,
        lines: Vec<TaxLine<'static>>,
        supply: Supply,
        round: bool,
        expect: (i64, i64, i64, i64, i64, i64),
    }

    fn cases() -> Vec<Case> {
        use Supply::*;
        vec![
            // 1. Pune distributor → Pune shop, soap 18%: 10 × ₹45.00 = ₹450.00, CGST 9% 40.50, SGST 40.50.
            Case {
                name: "intra 18%",
                lines: vec![line("3401", 10, 4_500, 0, 1800)],
                supply: IntraState,
                round: false,
                expect: (45_000, 4_050, 4_050, 0, 0, 53_100),
            },
            // 2. Same goods to Belagavi (KA): IGST 18% 81.00.
            Case {
                name: "inter 18%",
                lines: vec![line("3401", 10, 4_500, 0, 1800)],
                supply: InterState,
                round: false,
                expect: (45_000, 0, 0, 8_100, 0, 53_100),
            },
            // 3. Biscuits 5% intra: 24 × ₹9.50 = 228.00; 2.5% = 5.70 each.
            Case {
                name: "intra 5%",
                lines: vec![line("1905", 24, 950, 0, 500)],
                supply: IntraState,
                round: false,
                expect: (22_800, 570, 570, 0, 0, 23_940),
            },
            // 4. Odd paise: 1 × ₹10.10 at 5% intra: 2.5% of 10.10 = 0.2525 → 0.25 each (full-rate 0.505 would be 0.51).
            Case {
                name: "intra split rounding",
                lines: vec![line("1905", 1, 1_010, 0, 500)],
                supply: IntraState,
                round: false,
                expect: (1_010, 25, 25, 0, 0, 1_060),
            },
            // 5. The same inter-state: 5% of 10.10 = 0.505 → 0.51.
            Case {
                name: "inter half-paisa rounds up",
                lines: vec![line("1905", 1, 1_010, 0, 500)],
                supply: InterState,
                round: false,
                expect: (1_010, 0, 0, 51, 0, 1_061),
            },
            // 6. Mixed rates intra: soap 18% (₹450) + biscuits 5% (₹228) + rice 0% (₹1,200).
            Case {
                name: "mixed rates intra",
                lines: vec![
                    line("3401", 10, 4_500, 0, 1800),
                    line("1905", 24, 950, 0, 500),
                    line("1006", 20, 6_000, 0, 0),
                ],
                supply: IntraState,
                round: false,
                expect: (
                    45_000 + 22_800 + 120_000,
                    4_050 + 570,
                    4_050 + 570,
                    0,
                    0,
                    45_000 + 22_800 + 120_000 + 2 * 4_620,
                ),
            },
            // 7. Mixed rates inter with round-off: IGST 81.00 + 11.40 = 92.40; 1,880 + 92.40 = 1,972.40 → round -0.40.
            Case {
                name: "mixed rates inter rounded",
                lines: vec![
                    line("3401", 10, 4_500, 0, 1800),
                    line("1905", 24, 950, 0, 500),
                    line("1006", 20, 6_000, 0, 0),
                ],
                supply: InterState,
                round: true,
                expect: (187_800, 0, 0, 9_240, -40, 197_000),
            },
            // 8. Discount before tax: 12 × ₹100 = 1,200 less ₹60 = 1,140 taxable; 18% inter = 205.20.
            Case {
                name: "discount inter",
                lines: vec![line("3305", 12, 10_000, 6_000, 1800)],
                supply: InterState,
                round: false,
                expect: (114_000, 0, 0, 20_520, 0, 134_520),
            },
            // 9. Discount intra: 9% of 1,140 = 102.60 each.
            Case {
                name: "discount intra",
                lines: vec![line("3305", 12, 10_000, 6_000, 1800)],
                supply: IntraState,
                round: false,
                expect: (114_000, 10_260, 10_260, 0, 0, 134_520),
            },
            // 10. Zero-rated / nil: fresh produce 0%: no tax at all.
            Case {
                name: "zero rated",
                lines: vec![line("0701", 50, 2_200, 0, 0)],
                supply: IntraState,
                round: false,
                expect: (110_000, 0, 0, 0, 0, 110_000),
            },
            // 11. Unregistered retailer in the same state (B2C): same rule as registered, CGST+SGST.
            Case {
                name: "b2c intra",
                lines: vec![line("2201", 48, 1_999, 0, 1800)],
                supply: IntraState,
                round: true,
                // 48 × 19.99 = 959.52; 9% = 86.3568 → 86.36 each; 1,132.24 → round -0.24.
                expect: (95_952, 8_636, 8_636, 0, -24, 113_200),
            },
            // 12. 40% rate (aerated drinks) inter: 30 × ₹35 = 1,050; IGST 420.
            Case {
                name: "40% inter",
                lines: vec![line("2202", 30, 3_500, 0, 4000)],
                supply: InterState,
                round: false,
                expect: (105_000, 0, 0, 42_000, 0, 147_000),
            },
            // 13. 40% intra: 20% each.
            Case {
                name: "40% intra",
                lines: vec![line("2202", 30, 3_500, 0, 4000)],
                supply: IntraState,
                round: false,
                expect: (105_000, 21_000, 21_000, 0, 0, 147_000),
            },
            // 14. Special rate 0.25% (rough diamonds) intra: ₹1,000 → 0.125% = 1.25 → 1.25 each.
            Case {
                name: "0.25% intra",
                lines: vec![line("7102", 1, 100_000, 0, 25)],
                supply: IntraState,
                round: false,
                expect: (100_000, 125, 125, 0, 0, 100_250),
            },
            // 15. 0.25% on ₹10.00 intra: 0.0125 → 0.01 each.
            Case {
                name: "0.25% tiny",
                lines: vec![line("7102", 1, 1_000, 0, 25)],
                supply: IntraState,
                round: false,
                expect: (1_000, 1, 1, 0, 0, 1_002),
            },
            // 16. 3% (gold) inter: ₹65,432.10 → 1,962.963 → 1,962.96.
            Case {
                name: "3% inter",
                lines: vec![line("7108", 1, 6_543_210, 0, 300)],
                supply: InterState,
                round: true,
                expect: (6_543_210, 0, 0, 196_296, -6, 6_739_500),
            },
            // 17. 1.5% intra (cut diamonds): ₹12,345.67 → 0.75% = 92.5925 → 92.59 each.
            Case {
                name: "1.5% intra",
                lines: vec![line("7102", 1, 1_234_567, 0, 150)],
                supply: IntraState,
                round: false,
                expect: (1_234_567, 9_259, 9_259, 0, 0, 1_253_085),
            },
            // 18. Round-off exactly 50 paise goes up.
            Case {
                name: "round half up",
                lines: vec![line("1006", 1, 10_050, 0, 0)],
                supply: IntraState,
                round: true,
                expect: (10_050, 0, 0, 0, 50, 10_100),
            },
            // 19. Round-off 49 paise goes down.
            Case {
                name: "round 49 down",
                lines: vec![line("1006", 1, 10_049, 0, 0)],
                supply: InterState,
                round: true,
                expect: (10_049, 0, 0, 0, -49, 10_000),
            },
            // 20. Many small lines: tax per line, not on the sum. 3 × (1 × ₹0.10 at 5%): each 0.005 → 0.01 IGST.
            Case {
                name: "per-line rounding",
                lines: vec![
                    line("1905", 1, 10, 0, 500),
                    line("1904", 1, 10, 0, 500),
                    line("1902", 1, 10, 0, 500),
                ],
                supply: InterState,
                round: false,
                expect: (30, 0, 0, 3, 0, 33),
            },
            // 21. Full discount: free goods carry no tax.
            Case {
                name: "free goods",
                lines: vec![line("3401", 2, 4_500, 9_000, 1800)],
                supply: IntraState,
                round: false,
                expect: (0, 0, 0, 0, 0, 0),
            },
            // 22. Large B2B intra with round-off: 500 × ₹1,234.56 = 6,17,280 at 18% → 55,555.20 each.
            Case {
                name: "large intra",
                lines: vec![line("3401", 500, 123_456, 0, 1800)],
                supply: IntraState,
                round: true,
                expect: (61_728_000, 5_555_520, 5_555_520, 0, -40, 72_839_000),
            },
        ]
    }

    #[test]
    fn hand_checked_invoices() {
        for c in cases() {
            let got =
                compute(&c.lines, c.supply, c.round).unwrap_or_else(|e| panic!("{}: {e}", c.name));
            let (taxable, cgst, sgst, igst, round, grand) = c.expect;
            assert_eq!(
                (
                    got.taxable,
                    got.tax.cgst,
                    got.tax.sgst,
                    got.tax.igst,
                    got.round_off,
                    got.grand_total
                ),
                (taxable, cgst, sgst, igst, round, grand),
                "{}",
                c.name
            );
            // The totals are the sum of the lines, and the HSN summary adds up to them.
            assert_eq!(
                got.lines.iter().map(|l| l.total).sum::<i64>(),
                got.before_round_off,
                "{}",
                c.name
            );
            assert_eq!(
                got.hsn.iter().map(|h| h.taxable).sum::<i64>(),
                got.taxable,
                "{}",
                c.name
            );
            assert_eq!(
                got.hsn.iter().map(|h| h.tax.total()).sum::<i64>(),
                got.tax.total(),
                "{}",
                c.name
            );
            assert!(got.grand_total % 100 == 0 || !c.round, "{}", c.name);
        }
        assert!(cases().len() >= 20);
    }

    #[test]
    fn hsn_summary_groups_by_hsn_and_rate() {
        let lines = [
            line("3401", 1, 1_000, 0, 1800),
            line("1905", 2, 500, 0, 500),
            line("3401", 3, 1_000, 0, 1800),
        ];
        let got = compute(&lines, Supply::IntraState, false).unwrap();
        assert_eq!(got.hsn.len(), 2);
        assert_eq!(got.hsn[0].hsn, "1905");
        assert_eq!(got.hsn[1].qty, 4);
        assert_eq!(got.hsn[1].taxable, 4_000);
        assert_eq!(got.hsn[1].tax.cgst, 90 + 270);
    }

    #[test]
    fn refuses_bad_lines() {
        assert_eq!(
            compute(&[line("1", 0, 100, 0, 500)], Supply::IntraState, false),
            Err(TaxError::Quantity { line: 1 })
        );
        assert_eq!(
            compute(&[line("1", 1, 100, 101, 500)], Supply::IntraState, false),
            Err(TaxError::Discount { line: 1 })
        );
        assert_eq!(
            compute(&[line("1", 1, 100, 0, 10_001)], Supply::IntraState, false),
            Err(TaxError::Rate {
                line: 1,
                rate_bp: 10_001
            })
        );
        assert_eq!(
            compute(
                &[line("1", i64::MAX, 100, 0, 500)],
                Supply::IntraState,
                false
            ),
            Err(TaxError::Overflow)
        );
    }
}
