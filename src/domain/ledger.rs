//! The shop's account with its distributor (khata), as pure rules: what an
//! invoice still owes, how a payment is spread over open invoices (oldest
//! first, or as the distributor chose), how late each due is (ageing buckets),
//! and the running balance of a statement. Every figure is derived from the
//! documents and payments: nothing here is a stored balance that could drift.

use serde::{Deserialize, Serialize};

/// An invoice with something still to pay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenInvoice {
    pub id: i64,
    /// `YYYY-MM-DD`; with `id`, the order "oldest first" uses.
    pub issued_on: String,
    /// What is still owed: total − credit notes − allocations (paise, > 0).
    pub due_paise: i64,
}

/// Part of a payment applied to one invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    pub invoice_id: i64,
    pub paise: i64,
}

/// Why a payment's allocation cannot stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllocationError {
    /// The amount is zero or negative.
    NotPositive,
    /// An allocation names an invoice that is not open in this account.
    NotOpen(i64),
    /// An allocation is zero or negative.
    Empty(i64),
    /// More is applied to an invoice than it owes.
    OverDue { invoice_id: i64, due_paise: i64 },
    /// The same invoice twice.
    Twice(i64),
    /// More is applied than the payment brings.
    OverAmount { applied: i64, amount: i64 },
}

impl std::fmt::Display for AllocationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inr = |p: i64| super::Paise(p).to_string();
        match self {
            AllocationError::NotPositive => write!(f, "Enter an amount above zero"),
            AllocationError::NotOpen(_) => {
                write!(f, "This invoice is not open in this shop's account")
            }
            AllocationError::Empty(_) => write!(f, "Apply an amount above zero, or leave it out"),
            AllocationError::OverDue { due_paise, .. } => {
                write!(f, "This invoice owes only {}", inr(*due_paise))
            }
            AllocationError::Twice(_) => write!(f, "The same invoice is named twice"),
            AllocationError::OverAmount { applied, amount } => write!(
                f,
                "{} is applied to invoices but the payment is {}",
                inr(*applied),
                inr(*amount)
            ),
        }
    }
}

/// An invoice as the account sees it: its total, what credit notes took off,
/// and what payments (not reversed) were applied to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    pub id: i64,
    /// `YYYY-MM-DD`.
    pub issued_on: String,
    pub total_paise: i64,
    pub credited_paise: i64,
    pub allocated_paise: i64,
}

/// What each invoice still owes, oldest first. Money paid but not applied to an
/// invoice (an advance, or what a credit note freed from an invoice already
/// paid) settles the oldest dues, so the dues always add up to the balance
/// when the shop owes, and to nothing when it is in credit.
pub fn dues(charges: &[Charge], unapplied: i64) -> Vec<OpenInvoice> {
    let mut order: Vec<&Charge> = charges.iter().collect();
    order.sort_by(|a, b| (&a.issued_on, a.id).cmp(&(&b.issued_on, b.id)));
    let freed: i64 = order
        .iter()
        .map(|c| (c.credited_paise + c.allocated_paise - c.total_paise).max(0))
        .sum();
    let mut pool = unapplied.max(0) + freed;
    order
        .into_iter()
        .map(|c| {
            let owed = (c.total_paise - c.credited_paise - c.allocated_paise).max(0);
            let settled = owed.min(pool);
            pool -= settled;
            OpenInvoice {
                id: c.id,
                issued_on: c.issued_on.clone(),
                due_paise: owed - settled,
            }
        })
        .collect()
}

/// Spreads `amount` over `open` oldest first (by date, then id). What is left
/// is an advance: the second value.
pub fn allocate_oldest_first(open: &[OpenInvoice], amount: i64) -> (Vec<Allocation>, i64) {
    let mut order: Vec<&OpenInvoice> = open.iter().filter(|i| i.due_paise > 0).collect();
    order.sort_by(|a, b| (&a.issued_on, a.id).cmp(&(&b.issued_on, b.id)));
    let mut left = amount.max(0);
    let mut out = Vec::new();
    for inv in order {
        if left == 0 {
            break;
        }
        let paise = left.min(inv.due_paise);
        out.push(Allocation {
            invoice_id: inv.id,
            paise,
        });
        left -= paise;
    }
    (out, left)
}

/// Like `allocate_oldest_first`, but invoice `first` (the one a payment link
/// was made for) takes what it owes before the others.
pub fn allocate_first(open: &[OpenInvoice], amount: i64, first: i64) -> (Vec<Allocation>, i64) {
    let Some(inv) = open.iter().find(|i| i.id == first && i.due_paise > 0) else {
        return allocate_oldest_first(open, amount);
    };
    let paise = amount.max(0).min(inv.due_paise);
    let rest: Vec<OpenInvoice> = open.iter().filter(|i| i.id != first).cloned().collect();
    let (mut more, advance) = allocate_oldest_first(&rest, amount.max(0) - paise);
    if paise > 0 {
        more.insert(
            0,
            Allocation {
                invoice_id: first,
                paise,
            },
        );
    }
    (more, advance)
}

/// Checks a chosen allocation of `amount` against the open invoices; returns
/// the advance (what is not applied).
pub fn check_allocation(
    open: &[OpenInvoice],
    amount: i64,
    chosen: &[Allocation],
) -> Result<i64, AllocationError> {
    if amount <= 0 {
        return Err(AllocationError::NotPositive);
    }
    let mut seen = std::collections::HashSet::new();
    let mut applied: i64 = 0;
    for a in chosen {
        if !seen.insert(a.invoice_id) {
            return Err(AllocationError::Twice(a.invoice_id));
        }
        if a.paise <= 0 {
            return Err(AllocationError::Empty(a.invoice_id));
        }
        let inv = open
            .iter()
            .find(|i| i.id == a.invoice_id)
            .ok_or(AllocationError::NotOpen(a.invoice_id))?;
        if a.paise > inv.due_paise {
            return Err(AllocationError::OverDue {
                invoice_id: inv.id,
                due_paise: inv.due_paise,
            });
        }
        applied = applied.saturating_add(a.paise);
    }
    if applied > amount {
        return Err(AllocationError::OverAmount { applied, amount });
    }
    Ok(amount - applied)
}

/// How late a due is, by days past its due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Bucket {
    /// Not yet due.
    NotDue,
    /// 0–30 days past the due date.
    Days0To30,
    Days31To60,
    Days61To90,
    Over90,
}

impl Bucket {
    pub const ALL: [Bucket; 5] = [
        Bucket::NotDue,
        Bucket::Days0To30,
        Bucket::Days31To60,
        Bucket::Days61To90,
        Bucket::Over90,
    ];

    /// The bucket of a due `days_past` days after its due date (negative: not yet due).
    pub fn of(days_past: i64) -> Bucket {
        match days_past {
            d if d < 0 => Bucket::NotDue,
            0..=30 => Bucket::Days0To30,
            31..=60 => Bucket::Days31To60,
            61..=90 => Bucket::Days61To90,
            _ => Bucket::Over90,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Bucket::NotDue => "Not yet due",
            Bucket::Days0To30 => "0–30 days late",
            Bucket::Days31To60 => "31–60 days late",
            Bucket::Days61To90 => "61–90 days late",
            Bucket::Over90 => "Over 90 days late",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// Dues by bucket, in `Bucket::ALL` order (paise).
pub fn ageing(dues: &[(i64, i64)]) -> [i64; 5] {
    let mut out = [0i64; 5];
    for &(days_past, paise) in dues {
        out[Bucket::of(days_past).index()] += paise;
    }
    out
}

/// What moves a shop's account: a debit raises what the shop owes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Invoice,
    CreditNote,
    Payment,
    /// A payment taken back (a bounced cheque, a mistake), with its reason.
    Reversal,
}

impl EntryKind {
    /// The entry's effect on the balance, given its (positive) amount.
    pub fn signed(self, paise: i64) -> i64 {
        match self {
            EntryKind::Invoice | EntryKind::Reversal => paise,
            EntryKind::CreditNote | EntryKind::Payment => -paise,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Invoice => "invoice",
            EntryKind::CreditNote => "credit_note",
            EntryKind::Payment => "payment",
            EntryKind::Reversal => "reversal",
        }
    }

    pub fn parse(s: &str) -> Option<EntryKind> {
        [
            EntryKind::Invoice,
            EntryKind::CreditNote,
            EntryKind::Payment,
            EntryKind::Reversal,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// The running balance after each entry, from `opening` (positive: the shop owes).
pub fn running(opening: i64, entries: &[(EntryKind, i64)]) -> Vec<i64> {
    let mut balance = opening;
    entries
        .iter()
        .map(|&(kind, paise)| {
            balance += kind.signed(paise);
            balance
        })
        .collect()
}

/// Why a new order waits for the distributor's approval instead of going
/// straight to its list: shown to both sides, never a silent refusal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Hold {
    /// The order would take what the shop owes plus its orders awaiting
    /// acceptance past its credit limit.
    CreditLimit {
        owed_paise: i64,
        open_orders_paise: i64,
        order_paise: i64,
        limit_paise: i64,
    },
    /// The shop has dues more than `limit_days` past their due date.
    Overdue {
        overdue_paise: i64,
        /// The oldest due's days past its due date.
        days: i64,
        limit_days: i32,
    },
}

impl Hold {
    pub fn kind(&self) -> &'static str {
        match self {
            Hold::CreditLimit { .. } => "credit_limit",
            Hold::Overdue { .. } => "overdue",
        }
    }

    /// What the account would come to with this order (credit limit holds).
    pub fn exposure_paise(&self) -> i64 {
        match self {
            Hold::CreditLimit {
                owed_paise,
                open_orders_paise,
                order_paise,
                ..
            } => owed_paise + open_orders_paise + order_paise,
            Hold::Overdue { .. } => 0,
        }
    }

    /// The reason as both sides read it.
    pub fn reason(&self) -> String {
        use super::money::Paise;
        match self {
            Hold::CreditLimit {
                owed_paise,
                open_orders_paise,
                order_paise,
                limit_paise,
            } => format!(
                "Over the credit limit: {} owed + {} in orders awaiting acceptance + this order {} = {}, limit {}",
                Paise(*owed_paise),
                Paise(*open_orders_paise),
                Paise(*order_paise),
                Paise(self.exposure_paise()),
                Paise(*limit_paise)
            ),
            Hold::Overdue {
                overdue_paise,
                days,
                limit_days,
            } => format!(
                "{} is overdue, the oldest by {days} days (more than {limit_days} days past due)",
                Paise(*overdue_paise)
            ),
        }
    }
}

/// What the credit check knows about an account when an order comes in.
#[derive(Debug, Clone, Default)]
pub struct CreditFacts {
    /// None: no limit.
    pub limit_paise: Option<i64>,
    /// Hold when a due is more than this many days late; None: never.
    pub hold_overdue_days: Option<i32>,
    /// Today's balance (negative: an advance).
    pub balance_paise: i64,
    /// Orders placed and not yet accepted (not yet invoiced).
    pub open_orders_paise: i64,
    /// Each open due: (days past its due date, paise).
    pub dues: Vec<(i64, i64)>,
}

/// Whether an order of `order_paise` is held, and why. Long-overdue dues come
/// first (the more serious reason); an advance counts towards the limit.
pub fn credit_hold(f: &CreditFacts, order_paise: i64) -> Option<Hold> {
    if let Some(limit_days) = f.hold_overdue_days {
        let late: Vec<&(i64, i64)> = f
            .dues
            .iter()
            .filter(|(days, due)| *days > i64::from(limit_days) && *due > 0)
            .collect();
        if let Some(days) = late.iter().map(|(d, _)| *d).max() {
            return Some(Hold::Overdue {
                overdue_paise: late.iter().map(|(_, p)| p).sum(),
                days,
                limit_days,
            });
        }
    }
    let limit = f.limit_paise?;
    let hold = Hold::CreditLimit {
        owed_paise: f.balance_paise,
        open_orders_paise: f.open_orders_paise,
        order_paise,
        limit_paise: limit,
    };
    (hold.exposure_paise() > limit).then_some(hold)
}

/// At most this many reminder days per distributor.
pub const MAX_REMINDER_DAYS: usize = 6;

/// Reminder days as the distributor types them, relative to each invoice's due
/// date: "-3, 0, 7, 15" (three days before, on the day, 7 and 15 days after).
/// Sorted, without repeats; empty: no reminders.
pub fn parse_reminder_days(text: &str) -> Result<Vec<i16>, String> {
    let mut days = Vec::new();
    for part in text
        .split([',', ' ', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let n: i16 = part
            .trim_start_matches('+')
            .parse()
            .map_err(|_| format!("{part:?} is not a number of days"))?;
        if !(-30..=90).contains(&n) {
            return Err(format!(
                "{n}: use days from -30 (before the due date) to 90 (after it)"
            ));
        }
        days.push(n);
    }
    days.sort_unstable();
    days.dedup();
    if days.len() > MAX_REMINDER_DAYS {
        return Err(format!("At most {MAX_REMINDER_DAYS} reminders per invoice"));
    }
    Ok(days)
}

/// "3 days before, on the due date, 7 and 15 days after the due date".
pub fn describe_reminder_days(days: &[i16]) -> String {
    fn list(v: &[String]) -> String {
        match v {
            [] => String::new(),
            [one] => one.clone(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        }
    }
    let before: Vec<String> = days
        .iter()
        .filter(|d| **d < 0)
        .map(|d| (-d).to_string())
        .collect();
    let after: Vec<String> = days
        .iter()
        .filter(|d| **d > 0)
        .map(|d| d.to_string())
        .collect();
    let day = |v: &[String]| if v == ["1"] { "day" } else { "days" };
    let mut parts = Vec::new();
    if !before.is_empty() {
        parts.push(format!("{} {} before", list(&before), day(&before)));
    }
    if days.contains(&0) {
        parts.push("on the due date".to_string());
    }
    if !after.is_empty() {
        parts.push(format!(
            "{} {} after the due date",
            list(&after),
            day(&after)
        ));
    }
    if parts.is_empty() {
        "never".into()
    } else {
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inv(id: i64, day: &str, due: i64) -> OpenInvoice {
        OpenInvoice {
            id,
            issued_on: day.into(),
            due_paise: due,
        }
    }

    fn alloc(invoice_id: i64, paise: i64) -> Allocation {
        Allocation { invoice_id, paise }
    }

    #[test]
    fn reminder_days_are_read_and_said_plainly() {
        assert_eq!(parse_reminder_days("-3, 0, 7, 15"), Ok(vec![-3, 0, 7, 15]));
        assert_eq!(parse_reminder_days("15 7 +7 -3"), Ok(vec![-3, 7, 15]));
        assert_eq!(parse_reminder_days("  "), Ok(vec![]));
        assert!(parse_reminder_days("soon").is_err());
        assert!(parse_reminder_days("-31").is_err());
        assert!(parse_reminder_days("91").is_err());
        assert!(parse_reminder_days("1,2,3,4,5,6,7").is_err());
        assert_eq!(
            describe_reminder_days(&[-3, 0, 7, 15]),
            "3 days before, on the due date, 7 and 15 days after the due date"
        );
        assert_eq!(
            describe_reminder_days(&[-1, 1, 2, 3]),
            "1 day before, 1, 2 and 3 days after the due date"
        );
        assert_eq!(describe_reminder_days(&[]), "never");
    }

    #[test]
    // Rupees_paise, as the amounts read on paper.
    #[allow(clippy::inconsistent_digit_grouping)]
    fn an_order_past_the_limit_or_with_old_dues_is_held() {
        let facts = CreditFacts {
            limit_paise: Some(50_000_00),
            hold_overdue_days: None,
            balance_paise: 30_000_00,
            open_orders_paise: 15_000_00,
            dues: vec![(40, 30_000_00)],
        };
        // ₹30,000 owed + ₹15,000 awaiting + ₹5,000 = the limit exactly: not held.
        assert_eq!(credit_hold(&facts, 5_000_00), None);
        let held = credit_hold(&facts, 5_000_01).expect("held");
        assert_eq!(held.kind(), "credit_limit");
        assert_eq!(held.exposure_paise(), 50_000_01);
        assert_eq!(
            held.reason(),
            "Over the credit limit: ₹30,000.00 owed + ₹15,000.00 in orders awaiting acceptance + this order ₹5,000.01 = ₹50,000.01, limit ₹50,000.00"
        );
        // An advance makes room.
        let advance = CreditFacts {
            balance_paise: -10_000_00,
            dues: vec![],
            ..facts.clone()
        };
        assert_eq!(credit_hold(&advance, 45_000_00), None);
        // A limit of zero: cash only, every credit order waits.
        let cash_only = CreditFacts {
            limit_paise: Some(0),
            balance_paise: 0,
            open_orders_paise: 0,
            ..facts.clone()
        };
        assert!(credit_hold(&cash_only, 1).is_some());
        // Dues more than 30 days late hold any order, even within the limit.
        let late = CreditFacts {
            hold_overdue_days: Some(30),
            dues: vec![
                (45, 12_000_00),
                (31, 3_000_00),
                (30, 1_000_00),
                (-5, 9_000_00),
            ],
            ..facts.clone()
        };
        let held = credit_hold(&late, 1_00).expect("held");
        assert_eq!(
            held,
            Hold::Overdue {
                overdue_paise: 15_000_00,
                days: 45,
                limit_days: 30
            }
        );
        assert_eq!(
            held.reason(),
            "₹15,000.00 is overdue, the oldest by 45 days (more than 30 days past due)"
        );
        // Exactly N days late is not "more than N".
        let on_the_day = CreditFacts {
            dues: vec![(30, 1_000_00)],
            limit_paise: None,
            ..late
        };
        assert_eq!(credit_hold(&on_the_day, 1_00), None);
        // No limit and no overdue rule: never held.
        assert_eq!(credit_hold(&CreditFacts::default(), i64::MAX / 4), None);
    }

    #[test]
    fn a_link_payment_pays_its_own_invoice_first_then_the_oldest() {
        let open = [
            inv(1, "2026-01-01", 500),
            inv(2, "2026-02-01", 300),
            inv(3, "2026-03-01", 700),
        ];
        assert_eq!(
            allocate_first(&open, 1_000, 3),
            (vec![alloc(3, 700), alloc(1, 300)], 0)
        );
        // Part of the link's amount: only its invoice.
        assert_eq!(allocate_first(&open, 200, 3), (vec![alloc(3, 200)], 0));
        // More than everything: the rest is an advance.
        assert_eq!(
            allocate_first(&open, 2_000, 2),
            (vec![alloc(2, 300), alloc(1, 500), alloc(3, 700)], 500)
        );
        // The invoice was settled meanwhile: oldest first.
        assert_eq!(allocate_first(&open, 100, 9), (vec![alloc(1, 100)], 0));
    }

    #[test]
    fn a_payment_settles_the_oldest_invoices_first_and_the_rest_is_an_advance() {
        let open = [
            inv(3, "2026-11-20", 5_000),
            inv(1, "2026-11-02", 10_000),
            inv(2, "2026-11-02", 2_500),
        ];
        assert_eq!(
            allocate_oldest_first(&open, 11_000),
            (vec![alloc(1, 10_000), alloc(2, 1_000)], 0)
        );
        assert_eq!(
            allocate_oldest_first(&open, 20_000),
            (
                vec![alloc(1, 10_000), alloc(2, 2_500), alloc(3, 5_000)],
                2_500
            )
        );
        assert_eq!(allocate_oldest_first(&[], 700), (vec![], 700));
        assert_eq!(allocate_oldest_first(&open, 0), (vec![], 0));
    }

    fn charge(id: i64, day: &str, total: i64, credited: i64, allocated: i64) -> Charge {
        Charge {
            id,
            issued_on: day.into(),
            total_paise: total,
            credited_paise: credited,
            allocated_paise: allocated,
        }
    }

    #[test]
    fn unapplied_money_settles_the_oldest_dues_and_the_dues_add_up_to_the_balance() {
        let charges = [
            charge(2, "2026-11-05", 5_000, 0, 1_000),
            charge(1, "2026-11-01", 10_000, 0, 0),
            // Cancelled after it was paid: the credit note frees the payment.
            charge(3, "2026-11-03", 3_000, 3_000, 3_000),
        ];
        let owed: Vec<(i64, i64)> = dues(&charges, 500)
            .into_iter()
            .map(|o| (o.id, o.due_paise))
            .collect();
        // 500 unapplied + 3,000 freed settle invoice 1 first.
        assert_eq!(owed, vec![(1, 6_500), (3, 0), (2, 4_000)]);
        // Balance: 18,000 invoiced − 3,000 credited − 4,000 paid (+500 unapplied) = 10,500.
        assert_eq!(
            owed.iter().map(|(_, d)| d).sum::<i64>(),
            18_000 - 3_000 - 4_500
        );
        // In credit: nothing is due.
        assert!(dues(&charges, 50_000).iter().all(|o| o.due_paise == 0));
    }

    #[test]
    fn a_chosen_allocation_is_checked_invoice_by_invoice() {
        let open = [inv(1, "2026-11-02", 10_000), inv(2, "2026-11-05", 2_500)];
        assert_eq!(
            check_allocation(&open, 12_000, &[alloc(2, 2_500), alloc(1, 9_000)]),
            Ok(500)
        );
        for (amount, chosen, err) in [
            (0, vec![], AllocationError::NotPositive),
            (-5, vec![], AllocationError::NotPositive),
            (100, vec![alloc(9, 100)], AllocationError::NotOpen(9)),
            (100, vec![alloc(1, 0)], AllocationError::Empty(1)),
            (
                5_000,
                vec![alloc(2, 3_000)],
                AllocationError::OverDue {
                    invoice_id: 2,
                    due_paise: 2_500,
                },
            ),
            (
                5_000,
                vec![alloc(1, 100), alloc(1, 100)],
                AllocationError::Twice(1),
            ),
            (
                1_000,
                vec![alloc(1, 900), alloc(2, 200)],
                AllocationError::OverAmount {
                    applied: 1_100,
                    amount: 1_000,
                },
            ),
        ] {
            assert_eq!(check_allocation(&open, amount, &chosen), Err(err));
        }
        assert_eq!(
            AllocationError::OverDue {
                invoice_id: 2,
                due_paise: 250_000
            }
            .to_string(),
            "This invoice owes only ₹2,500.00"
        );
    }

    #[test]
    fn dues_fall_in_buckets_by_days_past_the_due_date() {
        for (days, bucket) in [
            (-10, Bucket::NotDue),
            (-1, Bucket::NotDue),
            (0, Bucket::Days0To30),
            (30, Bucket::Days0To30),
            (31, Bucket::Days31To60),
            (60, Bucket::Days31To60),
            (61, Bucket::Days61To90),
            (90, Bucket::Days61To90),
            (91, Bucket::Over90),
            (2_000, Bucket::Over90),
        ] {
            assert_eq!(Bucket::of(days), bucket, "{days}");
        }
        assert_eq!(
            ageing(&[(-3, 100), (5, 200), (45, 300), (45, 1), (100, 400)]),
            [100, 200, 301, 0, 400]
        );
    }

    #[test]
    fn the_balance_runs_from_the_opening() {
        let entries = [
            (EntryKind::Invoice, 10_000),
            (EntryKind::Payment, 4_000),
            (EntryKind::CreditNote, 1_000),
            (EntryKind::Reversal, 4_000),
            (EntryKind::Payment, 12_000),
        ];
        assert_eq!(
            running(500, &entries),
            vec![10_500, 6_500, 5_500, 9_500, -2_500]
        );
        for k in entries.map(|(k, _)| k) {
            assert_eq!(EntryKind::parse(k.as_str()), Some(k));
        }
    }
}
