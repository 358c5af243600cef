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
