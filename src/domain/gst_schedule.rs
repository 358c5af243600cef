//! Reading the GST rate schedule for one HSN code. The schedule (Notification
//! 9/2025-Central Tax (Rate) and the exemptions of 10/2025) names goods by code
//! and, often, by a condition the code alone does not say: "toilet soap" and
//! "other than toilet soap" share heading 3401 at 5 % and 18 %. So a code has a
//! general entry (all goods of the code, or all but the ones listed), and may
//! have alternatives; where the general entry is "all but …", the maker of the
//! goods must say which entry its product falls under. The server's `gst_rate`
//! SQL function picks the same default (a test compares the two on every code).

use serde::{Deserialize, Serialize};

/// One entry of the schedule, as in force on the day asked about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateEntry {
    pub id: i64,
    /// 2, 4, 6 or 8 digits, or "*" for any chapter.
    pub hsn: String,
    /// Total GST (CGST + SGST, or IGST) in basis points.
    pub rate_bp: i32,
    pub min_unit_paise: i64,
    pub max_unit_paise: Option<i64>,
    /// What the entry covers beyond its code; empty for all goods of the code.
    pub condition: String,
    /// Applies unless a more specific entry does.
    pub general: bool,
    pub description: String,
    /// Notification, schedule and serial number.
    pub source: String,
}

/// A code as the schedule names goods: a chapter (2 digits), heading (4),
/// sub-heading (6) or tariff item (8), or "*" for any chapter.
pub fn is_schedule_code(hsn: &str) -> bool {
    hsn == "*" || (matches!(hsn.len(), 2 | 4 | 6 | 8) && hsn.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether an entry with this condition applies unless a more specific one does:
/// no condition, "other than …" / "excludes …" (all goods of the code but the
/// ones listed), or the residual entry.
pub fn is_general(condition: &str) -> bool {
    let c = condition.trim().to_lowercase();
    c.is_empty()
        || ["other than", "excludes", "excluding", "residual"]
            .iter()
            .any(|p| c.starts_with(p))
}

/// Whether an entry covers every good of its code that has no entry of its own:
/// no condition, or only other codes excluded ("excludes 21069020 (pan masala)":
/// pan masala has its own, longer code, which the lookup prefers anyway).
pub fn covers_all(condition: &str) -> bool {
    let c = condition.trim().to_lowercase();
    c.is_empty() || ((c.starts_with("excludes") || c.starts_with("excluding")) && !c.contains(';'))
}

/// What the schedule says about one code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateOptions {
    /// The general entry that applies when the maker chooses nothing (one row
    /// per value slab, lowest first).
    pub default: Vec<RateEntry>,
    /// Other entries the goods may fall under (the maker may choose one).
    pub alternatives: Vec<RateEntry>,
    /// The default covers "all goods but …" (not just other codes) and
    /// alternatives exist, or there is no default: the maker must choose.
    pub must_choose: bool,
    /// No entry names the code: only the residual entry applies.
    pub residual_only: bool,
}

impl RateOptions {
    /// Whether `id` is an entry of these options.
    pub fn offers(&self, id: i64) -> bool {
        self.default
            .iter()
            .chain(&self.alternatives)
            .any(|e| e.id == id)
    }
}

/// Sorts `candidates` (the entries in force whose code is a prefix of the HSN,
/// and the "*" entries) into a default and alternatives. "*" entries other than
/// the residual are not offered: they name goods of any chapter ("launch
/// vehicle parts"), noise for nearly every code.
pub fn options(candidates: Vec<RateEntry>) -> RateOptions {
    let (named, any): (Vec<RateEntry>, Vec<RateEntry>) =
        candidates.into_iter().partition(|e| e.hsn != "*");
    // The best general entry: the longest code, then no condition, then the first
    // condition in byte order (what `gst_rate` orders by, so both agree).
    let best = named
        .iter()
        .filter(|e| e.general)
        .max_by(|a, b| {
            let key = |e: &RateEntry| {
                (
                    e.hsn.len(),
                    e.condition.is_empty(),
                    std::cmp::Reverse(e.condition.clone()),
                )
            };
            key(a).cmp(&key(b))
        })
        .map(|e| (e.hsn.clone(), e.condition.clone()));
    let residual: Vec<RateEntry> = any.into_iter().filter(|e| e.general).collect();
    let Some((hsn, condition)) = best else {
        let mut alternatives = named;
        alternatives.sort_by_key(|e| (std::cmp::Reverse(e.hsn.len()), e.id));
        return RateOptions {
            must_choose: !alternatives.is_empty(),
            residual_only: alternatives.is_empty(),
            default: residual,
            alternatives,
        };
    };
    let (mut default, mut alternatives): (Vec<RateEntry>, Vec<RateEntry>) = named
        .into_iter()
        .partition(|e| e.hsn == hsn && e.condition == condition);
    default.sort_by_key(|e| e.min_unit_paise);
    alternatives.sort_by_key(|e| (std::cmp::Reverse(e.hsn.len()), e.id));
    RateOptions {
        must_choose: !covers_all(&condition) && !alternatives.is_empty(),
        residual_only: false,
        default,
        alternatives,
    }
}

/// A rate change as the admin types it (form or one CSV row).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateChangeInput {
    /// 2, 4, 6 or 8 digits (spaces allowed), or "*" for any chapter.
    pub hsn: String,
    /// What the entry covers beyond the code; empty for all goods of the code.
    #[serde(default)]
    pub condition: String,
    /// `YYYY-MM-DD`: invoices dated on or after it take the new rate.
    pub valid_from: String,
    /// Total GST in percent, e.g. "18" or "0.25".
    pub rate: String,
    /// Sale value per piece the rate applies from / up to (₹), or empty.
    #[serde(default)]
    pub min_value: String,
    #[serde(default)]
    pub max_value: String,
    pub description: String,
    /// The notification and serial number, e.g. "19/2025-CT(Rate) S. No. 3".
    pub source: String,
}

/// A rate change that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateChange {
    pub hsn: String,
    pub condition: String,
    pub valid_from: (i32, u32, u32),
    pub rate_bp: i32,
    pub min_unit_paise: i64,
    pub max_unit_paise: Option<i64>,
    pub general: bool,
    pub description: String,
    pub source: String,
}

/// Every rate a GST notification has used since 2017, in basis points: a typo
/// ("180") is refused, not charged.
pub const KNOWN_RATES_BP: [i32; 10] = [0, 10, 25, 150, 300, 500, 1200, 1800, 2800, 4000];

impl RateChangeInput {
    /// Every problem by field, or the clean change.
    pub fn validate(&self) -> Result<RateChange, Vec<(&'static str, String)>> {
        let mut errors: Vec<(&'static str, String)> = Vec::new();
        let hsn: String = self.hsn.chars().filter(|c| !c.is_whitespace()).collect();
        if !is_schedule_code(&hsn) {
            errors.push(("hsn", "A chapter (2 digits), heading (4), sub-heading (6) or tariff item (8), or * for any chapter".into()));
        }
        let valid_from = parse_date(self.valid_from.trim());
        match valid_from {
            None => errors.push((
                "valid_from",
                "Enter the date the rate applies from, like 2026-02-01".into(),
            )),
            Some(d) if d < (2017, 7, 1) => errors.push((
                "valid_from",
                "GST began on 1 July 2017: no rate applies before it".into(),
            )),
            Some(_) => {}
        }
        let rate_bp = match super::Paise::parse(&self.rate) {
            Ok(p) if KNOWN_RATES_BP.contains(&i32::try_from(p.0).unwrap_or(-1)) => p.0 as i32,
            _ => {
                errors.push((
                    "rate",
                    "Enter the total GST in percent: 0, 0.1, 0.25, 1.5, 3, 5, 12, 18, 28 or 40"
                        .into(),
                ));
                0
            }
        };
        let mut value = |field: &'static str, text: &str| match text.trim() {
            "" => None,
            t => match super::Paise::parse(t) {
                Ok(p) if p.0 >= 0 => Some(p.0),
                _ => {
                    errors.push((
                        field,
                        "Enter an amount in rupees, like 2500, or leave it empty".into(),
                    ));
                    None
                }
            },
        };
        let min = value("min_value", &self.min_value);
        let max = value("max_value", &self.max_value);
        // "From ₹2,500" means above ₹2,500: the first paisa over it.
        let min_unit_paise = min.map_or(0, |m| if m > 0 { m + 1 } else { 0 });
        if let Some(max) = max
            && max < min_unit_paise
        {
            errors.push(("max_value", "The upper value is below the lower one".into()));
        }
        let condition = self.condition.trim().to_string();
        let description = self.description.trim().to_string();
        let source = self.source.trim().to_string();
        for (field, text, most, what) in [
            ("condition", &condition, 200, "the condition"),
            ("description", &description, 200, "the description"),
            ("source", &source, 120, "the source"),
        ] {
            if text.chars().count() > most {
                errors.push((field, format!("Keep {what} under {most} characters")));
            }
        }
        if description.is_empty() {
            errors.push(("description", "Describe the goods in a few words".into()));
        }
        if source.chars().count() < 6 {
            errors.push((
                "source",
                "Name the notification and serial number, like 19/2025-CT(Rate) S. No. 3".into(),
            ));
        }
        match (errors.is_empty(), valid_from) {
            (true, Some(valid_from)) => Ok(RateChange {
                general: is_general(&condition),
                hsn,
                condition,
                valid_from,
                rate_bp,
                min_unit_paise,
                max_unit_paise: max,
                description,
                source,
            }),
            _ => Err(errors),
        }
    }
}

/// A brand's proposal of an HSN code the schedule does not name, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HsnProposalInput {
    /// 4, 6 or 8 digits.
    pub hsn: String,
    /// What the goods are.
    pub description: String,
    /// The total GST the brand believes applies, in percent, or empty.
    #[serde(default)]
    pub rate: String,
    /// Where the brand read it (notification and serial number), or empty.
    #[serde(default)]
    pub source: String,
}

/// A proposal that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HsnProposal {
    pub hsn: String,
    pub description: String,
    pub rate_bp: Option<i32>,
    pub source: String,
}

impl HsnProposalInput {
    /// Every problem by field, or the clean proposal.
    pub fn validate(&self) -> Result<HsnProposal, Vec<(&'static str, String)>> {
        let mut errors: Vec<(&'static str, String)> = Vec::new();
        let hsn = super::catalog::parse_hsn(&self.hsn).unwrap_or_else(|e| {
            errors.push(("hsn", e.to_string()));
            String::new()
        });
        let mut text = |field: &'static str, input: &str, least: usize, most: usize, what: &str| {
            match super::text::clean(input) {
                Err(e) => {
                    errors.push((field, e.to_string()));
                    String::new()
                }
                Ok(t) if t.chars().count() > most => {
                    errors.push((field, format!("Keep {what} under {most} characters")));
                    String::new()
                }
                Ok(t) if t.chars().count() < least => {
                    errors.push((field, "Say what the goods are, in a few words".into()));
                    String::new()
                }
                Ok(t) => t.to_string(),
            }
        };
        let description = text("description", &self.description, 3, 200, "the description");
        let source = text("source", &self.source, 0, 200, "the source");
        let rate_bp = match self.rate.trim() {
            "" => None,
            r => match super::Paise::parse(r) {
                Ok(p) if KNOWN_RATES_BP.contains(&i32::try_from(p.0).unwrap_or(-1)) => {
                    i32::try_from(p.0).ok()
                }
                _ => {
                    errors.push((
                        "rate",
                        "Enter the total GST in percent (0, 0.1, 0.25, 1.5, 3, 5, 12, 18, 28 or 40), or leave it empty".into(),
                    ));
                    None
                }
            },
        };
        if errors.is_empty() {
            Ok(HsnProposal {
                hsn,
                description,
                rate_bp,
                source,
            })
        } else {
            Err(errors)
        }
    }
}

/// `YYYY-MM-DD` as (year, month, day), only real dates.
fn parse_date(s: &str) -> Option<(i32, u32, u32)> {
    let mut parts = s.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&d).then_some((y, m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: i64, hsn: &str, rate: i32, condition: &str) -> RateEntry {
        RateEntry {
            id,
            hsn: hsn.into(),
            rate_bp: rate,
            min_unit_paise: 0,
            max_unit_paise: None,
            condition: condition.into(),
            general: is_general(condition),
            description: String::new(),
            source: format!("entry {id}"),
        }
    }

    fn residual() -> RateEntry {
        entry(
            639,
            "*",
            1800,
            "residual: any goods not specified elsewhere",
        )
    }

    fn ids(v: &[RateEntry]) -> Vec<i64> {
        v.iter().map(|e| e.id).collect()
    }

    fn change() -> RateChangeInput {
        RateChangeInput {
            hsn: "2402 20".into(),
            condition: "".into(),
            valid_from: "2026-02-01".into(),
            rate: "40".into(),
            min_value: "".into(),
            max_value: "".into(),
            description: "Cigarettes".into(),
            source: "19/2025-CT(Rate) S. No. 3".into(),
        }
    }

    #[test]
    fn a_rate_change_is_checked_field_by_field() {
        let c = change().validate().expect("valid");
        assert_eq!(
            (c.hsn.as_str(), c.rate_bp, c.valid_from, c.general),
            ("240220", 4000, (2026, 2, 1), true)
        );
        let slab = RateChangeInput {
            min_value: "2500".into(),
            max_value: "".into(),
            rate: "18".into(),
            ..change()
        };
        assert_eq!(slab.validate().expect("slab").min_unit_paise, 250_001);
        let bad = RateChangeInput {
            hsn: "240".into(),
            valid_from: "2026-02-30".into(),
            rate: "180".into(),
            min_value: "abc".into(),
            description: " ".into(),
            source: "x".into(),
            ..change()
        };
        let fields: Vec<&str> = bad
            .validate()
            .expect_err("invalid")
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(
            fields,
            [
                "hsn",
                "valid_from",
                "rate",
                "min_value",
                "description",
                "source"
            ]
        );
        let early = RateChangeInput {
            valid_from: "2017-06-30".into(),
            ..change()
        };
        assert!(early.validate().is_err());
        for (rate, bp) in [("0.25", 25), ("1.5", 150), ("0", 0), ("28", 2800)] {
            let c = RateChangeInput {
                rate: rate.into(),
                ..change()
            };
            assert_eq!(c.validate().map(|c| c.rate_bp), Ok(bp), "{rate}");
        }
        assert_eq!(parse_date("2028-02-29"), Some((2028, 2, 29)));
        assert_eq!(parse_date("2026-13-01"), None);
    }

    #[test]
    fn a_proposal_is_checked_field_by_field() {
        let ok = HsnProposalInput {
            hsn: " 9619 00 90 ".into(),
            description: "  Sanitary pads of cotton ".into(),
            rate: "5".into(),
            source: String::new(),
        };
        assert_eq!(
            ok.validate(),
            Ok(HsnProposal {
                hsn: "96190090".into(),
                description: "Sanitary pads of cotton".into(),
                rate_bp: Some(500),
                source: String::new(),
            })
        );
        let no_rate = HsnProposalInput {
            rate: " ".into(),
            ..ok.clone()
        };
        assert_eq!(no_rate.validate().map(|p| p.rate_bp), Ok(None));
        let bad = HsnProposalInput {
            hsn: "961".into(),
            description: "ab".into(),
            rate: "180".into(),
            source: "x\u{7}".into(),
        };
        let fields: Vec<_> = bad
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, ["hsn", "description", "source", "rate"]);
    }

    #[test]
    fn general_conditions() {
        for (c, general) in [
            ("", true),
            ("other than toilet soap", true),
            ("Excludes 21069020 (pan masala)", true),
            ("residual: any goods", true),
            ("only toilet soap", false),
            ("pre-packaged and labelled", false),
            ("not roasted", false),
        ] {
            assert_eq!(is_general(c), general, "{c}");
        }
    }

    #[test]
    fn an_entry_for_all_goods_of_the_code_is_the_default_and_exceptions_are_offered() {
        // Biscuits 1905: 5 % (Sch. I 123); pappad and bread are nil (10/2025, 99 and 100).
        let o = options(vec![
            entry(123, "1905", 500, ""),
            entry(99, "1905", 0, "only pappad"),
            entry(100, "1905", 0, "only bread, roti"),
            residual(),
        ]);
        assert_eq!(ids(&o.default), [123]);
        assert_eq!(ids(&o.alternatives), [99, 100]);
        assert!(!o.must_choose && !o.residual_only);
        assert!(o.offers(99) && !o.offers(639));
    }

    #[test]
    fn an_all_but_entry_with_alternatives_makes_the_maker_choose() {
        // Soap 3401: toilet soap 5 % (Sch. I 251), other soap 18 % (Sch. II 66).
        let o = options(vec![
            entry(251, "3401", 500, "only toilet soap in bars"),
            entry(66, "3401", 1800, "other than toilet soap in bars"),
            residual(),
        ]);
        assert_eq!(ids(&o.default), [66]);
        assert_eq!(ids(&o.alternatives), [251]);
        assert!(o.must_choose);
    }

    #[test]
    fn an_entry_excluding_only_other_codes_needs_no_choice() {
        // Namkeen 2106: Sch. I 145 covers 2106 but pan masala (21069020, its own entry).
        let o = options(vec![
            entry(145, "2106", 500, "excludes 21069020 (pan masala)"),
            entry(142, "2106", 500, "only listed items"),
            entry(102, "2106", 0, "only prasadam"),
            residual(),
        ]);
        assert_eq!(ids(&o.default), [145]);
        assert!(!o.must_choose);
        assert!(covers_all("excluding swords of 9307"));
        assert!(!covers_all("excludes 841912; not domestic-type machinery"));
        assert!(!covers_all("other than toilet soap"));
    }

    #[test]
    fn the_longest_code_wins_and_slabs_stay_together() {
        // Apparel: chapter 61 by value, a tariff item with its own entry.
        let mut low = entry(388, "61", 500, "");
        low.max_unit_paise = Some(250_000);
        let mut high = entry(197, "61", 1800, "");
        high.min_unit_paise = 250_001;
        let o = options(vec![
            high,
            low,
            entry(7, "610910", 500, "only khadi"),
            residual(),
        ]);
        assert_eq!(ids(&o.default), [388, 197], "lowest slab first");
        assert_eq!(ids(&o.alternatives), [7]);
        assert!(!o.must_choose);
        let o = options(vec![entry(1, "34", 1800, ""), entry(2, "3401", 500, "")]);
        assert_eq!(ids(&o.default), [2]);
    }

    #[test]
    fn only_conditional_entries_or_none() {
        let o = options(vec![
            entry(51, "1101", 500, "pre-packaged and labelled"),
            residual(),
        ]);
        assert_eq!(ids(&o.default), [639]);
        assert!(o.must_choose && !o.residual_only);
        let o = options(vec![residual(), entry(5, "*", 500, "only glucometers")]);
        assert_eq!(ids(&o.default), [639]);
        assert!(o.alternatives.is_empty() && o.residual_only && !o.must_choose);
    }
}
