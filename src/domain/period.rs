//! Report periods: the presets a shop owner picks ("this month", "last month",
//! "this financial year", …) or a custom from–to, resolved against today's date
//! in India, checked, compared with the period before, and grouped by day, week
//! or month. Pure date arithmetic on civil days, so both builds share it.

use super::Invalid;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A calendar day, counted from 1970-01-01 (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Day(i32);

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl Day {
    /// The day of a civil date, or `None` for a date that does not exist.
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<Day> {
        if !(1..=12).contains(&m)
            || d == 0
            || d > days_in_month(y, m)
            || !(1900..=9999).contains(&y)
        {
            return None;
        }
        // Howard Hinnant's days_from_civil.
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m as i32 + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Day(era * 146_097 + doe - 719_468))
    }

    /// (year, month 1–12, day 1–31).
    pub fn ymd(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = yoe + era * 400 + i32::from(m <= 2);
        (y, m, d)
    }

    /// An ISO date "2026-12-03"; anything else is refused with the reason.
    pub fn parse(text: &str) -> Result<Day, Invalid> {
        let bad = || Invalid::new("Enter a date as day, month and year, e.g. 03-12-2026.");
        let t = text.trim();
        let mut parts = t.splitn(3, '-');
        let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let (Ok(y), Ok(m), Ok(d)) = (y.parse(), m.parse(), d.parse()) else {
            return Err(bad());
        };
        Day::from_ymd(y, m, d).ok_or_else(|| Invalid::new("There is no such date."))
    }

    pub fn add_days(self, n: i32) -> Day {
        Day(self.0 + n)
    }

    /// Days from `self` to `other` (positive when `other` is later).
    pub fn days_until(self, other: Day) -> i32 {
        other.0 - self.0
    }

    /// 0 for Monday … 6 for Sunday (1970-01-01 was a Thursday).
    pub fn weekday(self) -> u32 {
        (self.0 + 3).rem_euclid(7) as u32
    }

    pub fn first_of_month(self) -> Day {
        let (y, m, _) = self.ymd();
        Day::from_ymd(y, m, 1).unwrap_or(self)
    }

    /// The same day `n` months later (or earlier), kept inside the month:
    /// 31 Mar − 1 month = 28/29 Feb.
    pub fn add_months(self, n: i32) -> Day {
        let (y, m, d) = self.ymd();
        let index = y * 12 + m as i32 - 1 + n;
        let (y, m) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
        Day::from_ymd(y, m, d.min(days_in_month(y, m))).unwrap_or(self)
    }

    /// The first day of the Indian financial year (1 April) the day falls in.
    pub fn financial_year_start(self) -> Day {
        let (y, m, _) = self.ymd();
        let y = if m >= 4 { y } else { y - 1 };
        Day::from_ymd(y, 4, 1).unwrap_or(self)
    }

    fn is_last_of_month(self) -> bool {
        self.add_days(1).ymd().2 == 1
    }

    /// Days since 1970-01-01.
    pub fn days_since_epoch(self) -> i32 {
        self.0
    }

    /// "2026-12-03", as a link or a date field carries it.
    pub fn iso(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// "3 Dec 2026".
    pub fn show(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{d} {} {y}", MONTHS[m as usize - 1])
    }

    /// "Dec 2026".
    pub fn show_month(self) -> String {
        let (y, m, _) = self.ymd();
        format!("{} {y}", MONTHS[m as usize - 1])
    }
}

impl fmt::Display for Day {
    /// ISO "2026-12-03", what date inputs and SQL take.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The period choices a report page offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    Today,
    Yesterday,
    ThisWeek,
    LastWeek,
    #[default]
    ThisMonth,
    LastMonth,
    ThisFinancialYear,
    LastFinancialYear,
    Custom,
}

impl Preset {
    pub const ALL: [Preset; 9] = [
        Preset::Today,
        Preset::Yesterday,
        Preset::ThisWeek,
        Preset::LastWeek,
        Preset::ThisMonth,
        Preset::LastMonth,
        Preset::ThisFinancialYear,
        Preset::LastFinancialYear,
        Preset::Custom,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Preset::Today => "today",
            Preset::Yesterday => "yesterday",
            Preset::ThisWeek => "this_week",
            Preset::LastWeek => "last_week",
            Preset::ThisMonth => "this_month",
            Preset::LastMonth => "last_month",
            Preset::ThisFinancialYear => "this_fy",
            Preset::LastFinancialYear => "last_fy",
            Preset::Custom => "custom",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Preset::Today => "Today",
            Preset::Yesterday => "Yesterday",
            Preset::ThisWeek => "This week",
            Preset::LastWeek => "Last week",
            Preset::ThisMonth => "This month",
            Preset::LastMonth => "Last month",
            Preset::ThisFinancialYear => "This financial year",
            Preset::LastFinancialYear => "Last financial year",
            Preset::Custom => "From – to",
        }
    }

    /// The preset named in a link ("" is the default, this month).
    pub fn parse(text: &str) -> Result<Preset, Invalid> {
        if text.trim().is_empty() {
            return Ok(Preset::default());
        }
        Preset::ALL
            .into_iter()
            .find(|p| p.as_str() == text.trim())
            .ok_or_else(|| Invalid::new("Choose one of the periods in the list."))
    }
}

/// How a series over time is grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    Day,
    Week,
    Month,
}

impl Grouping {
    pub const ALL: [Grouping; 3] = [Grouping::Day, Grouping::Week, Grouping::Month];

    pub fn as_str(self) -> &'static str {
        match self {
            Grouping::Day => "day",
            Grouping::Week => "week",
            Grouping::Month => "month",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Grouping::Day => "By day",
            Grouping::Week => "By week",
            Grouping::Month => "By month",
        }
    }

    /// The grouping named in a link, or the one that suits the period when none is.
    pub fn parse(text: &str, period: Period) -> Result<Grouping, Invalid> {
        if text.trim().is_empty() {
            return Ok(period.natural_grouping());
        }
        Grouping::ALL
            .into_iter()
            .find(|g| g.as_str() == text.trim())
            .ok_or_else(|| Invalid::new("Group by day, week or month."))
    }

    /// The first day of the bucket `day` falls in (weeks start on Monday).
    pub fn bucket(self, day: Day) -> Day {
        match self {
            Grouping::Day => day,
            Grouping::Week => day.add_days(-(day.weekday() as i32)),
            Grouping::Month => day.first_of_month(),
        }
    }

    /// The bucket's label on a chart axis or in a table.
    pub fn show(self, start: Day) -> String {
        match self {
            Grouping::Day => {
                let (_, m, d) = start.ymd();
                format!("{d} {}", MONTHS[m as usize - 1])
            }
            Grouping::Week => format!("Week of {}", start.show()),
            Grouping::Month => start.show_month(),
        }
    }

    /// Every bucket start from the period's first day to its last, so a chart
    /// shows the days without orders as zero rather than leaving them out.
    pub fn buckets(self, period: Period) -> Vec<Day> {
        let mut out = Vec::new();
        let mut at = self.bucket(period.from);
        while at <= period.to {
            out.push(at);
            at = match self {
                Grouping::Day => at.add_days(1),
                Grouping::Week => at.add_days(7),
                Grouping::Month => at.add_months(1).first_of_month(),
            };
        }
        out
    }
}

/// The longest period a report covers.
pub const MAX_YEARS: i32 = 5;

/// Days from `from` to `to`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from: Day,
    pub to: Day,
}

/// Why a period was refused, and which field to show it beside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodError {
    pub field: &'static str,
    pub reason: String,
}

impl Period {
    /// Resolves a preset (or a custom from–to) against `today` in India. A custom
    /// period that runs past today ends today; one wholly in the future, reversed,
    /// or longer than five years is refused with the reason beside its field.
    pub fn resolve(
        preset: Preset,
        from: &str,
        to: &str,
        today: Day,
    ) -> Result<Period, PeriodError> {
        let at = |field: &'static str| move |e: Invalid| PeriodError { field, reason: e.0 };
        let period = match preset {
            Preset::Today => Period {
                from: today,
                to: today,
            },
            Preset::Yesterday => Period {
                from: today.add_days(-1),
                to: today.add_days(-1),
            },
            Preset::ThisWeek => Period {
                from: Grouping::Week.bucket(today),
                to: today,
            },
            Preset::LastWeek => {
                let monday = Grouping::Week.bucket(today).add_days(-7);
                Period {
                    from: monday,
                    to: monday.add_days(6),
                }
            }
            Preset::ThisMonth => Period {
                from: today.first_of_month(),
                to: today,
            },
            Preset::LastMonth => {
                let first = today.first_of_month().add_months(-1);
                Period {
                    from: first,
                    to: today.first_of_month().add_days(-1),
                }
            }
            Preset::ThisFinancialYear => Period {
                from: today.financial_year_start(),
                to: today,
            },
            Preset::LastFinancialYear => {
                let start = today.financial_year_start();
                Period {
                    from: start.add_months(-12),
                    to: start.add_days(-1),
                }
            }
            Preset::Custom => {
                let from = Day::parse(from).map_err(at("from"))?;
                let to = Day::parse(to).map_err(at("to"))?;
                if to < from {
                    return Err(PeriodError {
                        field: "to",
                        reason: "The end date is before the start date.".into(),
                    });
                }
                if from > today {
                    return Err(PeriodError {
                        field: "from",
                        reason: format!(
                            "This period has not started yet: there are figures up to today, {}.",
                            today.show()
                        ),
                    });
                }
                if from.add_months(12 * MAX_YEARS) <= to {
                    return Err(PeriodError {
                        field: "to",
                        reason: format!("Choose a period of at most {MAX_YEARS} years."),
                    });
                }
                Period {
                    from,
                    to: to.min(today),
                }
            }
        };
        Ok(period)
    }

    /// How many days the period covers.
    pub fn days(self) -> i32 {
        self.from.days_until(self.to) + 1
    }

    /// The period to compare with: the same stretch of the month(s) before when
    /// the period starts on the 1st (1–3 Dec → 1–3 Nov; November → October), of
    /// the year before when it starts on 1 April and runs past April (this
    /// financial year so far → the same stretch of the last), otherwise the same
    /// number of days just before.
    pub fn previous(self) -> Period {
        if self.from.ymd().2 == 1 {
            let (fy, fm, _) = self.from.ymd();
            let (ty, tm, _) = self.to.ymd();
            let spanned = (ty * 12 + tm as i32) - (fy * 12 + fm as i32) + 1;
            // Financial-year stretches compare with the same stretch a year before
            // (seasons repeat by year); other whole-month stretches with the months
            // just before.
            let months = if fm == 4 && spanned > 1 { 12 } else { spanned };
            let from = self.from.add_months(-months);
            let to = if self.to.is_last_of_month() {
                self.to.add_days(1).add_months(-months).add_days(-1)
            } else {
                self.to.add_months(-months)
            };
            return Period { from, to };
        }
        let n = self.days();
        Period {
            from: self.from.add_days(-n),
            to: self.to.add_days(-n),
        }
    }

    /// Days for up to a month, weeks up to a quarter, months beyond.
    pub fn natural_grouping(self) -> Grouping {
        match self.days() {
            0..=31 => Grouping::Day,
            32..=92 => Grouping::Week,
            _ => Grouping::Month,
        }
    }

    /// "1 Dec 2026 – 3 Dec 2026", or one day.
    pub fn show(self) -> String {
        if self.from == self.to {
            self.from.show()
        } else {
            format!("{} – {}", self.from.show(), self.to.show())
        }
    }
}

/// A figure against the same figure in the period before: the change in units
/// of the figure and, where the earlier one is not zero, in per cent (one decimal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub now: i64,
    pub before: i64,
}

impl Change {
    pub fn delta(self) -> i64 {
        self.now - self.before
    }

    /// Tenths of a per cent, rounded half away from zero; `None` when the period
    /// before had nothing to compare with.
    pub fn per_mille(self) -> Option<i64> {
        if self.before == 0 {
            return None;
        }
        let num = i128::from(self.delta()) * 1000;
        let den = i128::from(self.before.abs());
        let q = (num.abs() * 2 + den) / (den * 2);
        Some((if num < 0 { -q } else { q }) as i64)
    }

    /// "+12.5 %", "−3.0 %" or "new" when there was nothing before.
    pub fn show_percent(self) -> String {
        match self.per_mille() {
            None if self.now == 0 => "—".into(),
            None => "new".into(),
            Some(p) => {
                let sign = if p > 0 {
                    "+"
                } else if p < 0 {
                    "−"
                } else {
                    ""
                };
                format!("{sign}{}.{} %", p.abs() / 10, p.abs() % 10)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Day {
        Day::parse(text).unwrap()
    }

    #[test]
    fn civil_days_round_trip_and_know_the_calendar() {
        assert_eq!(Day::from_ymd(1970, 1, 1), Some(Day(0)));
        assert_eq!(d("2026-12-03").weekday(), 3, "3 Dec 2026 is a Thursday");
        assert_eq!(d("2024-02-29").add_days(1), d("2024-03-01"));
        assert_eq!(Day::from_ymd(2025, 2, 29), None);
        assert_eq!(
            Day::from_ymd(2000, 2, 29).map(|x| x.to_string()),
            Some("2000-02-29".into())
        );
        assert_eq!(Day::from_ymd(1900, 2, 29), None);
        for n in -30_000..30_000 {
            let (y, m, dd) = Day(n).ymd();
            assert_eq!(Day::from_ymd(y, m, dd), Some(Day(n)).filter(|_| y >= 1900));
        }
        assert_eq!(d("2026-03-31").add_months(-1), d("2026-02-28"));
        assert_eq!(d("2024-03-31").add_months(-1), d("2024-02-29"));
        assert_eq!(d("2026-01-15").add_months(-2), d("2025-11-15"));
        assert_eq!(d("2026-03-31").financial_year_start(), d("2025-04-01"));
        assert_eq!(d("2026-04-01").financial_year_start(), d("2026-04-01"));
        assert_eq!(d("2026-12-03").show(), "3 Dec 2026");
    }

    #[test]
    fn bad_dates_say_why() {
        assert!(Day::parse("03/12/2026").is_err());
        assert!(Day::parse("2026-12-3").is_err());
        assert_eq!(
            Day::parse("2026-02-30"),
            Err(Invalid::new("There is no such date."))
        );
        assert!(Day::parse("").is_err());
        assert!(Day::parse("２０２６-12-03").is_err());
    }

    #[test]
    fn presets_resolve_against_today_in_india() {
        let today = d("2026-12-03");
        let r = |p| Period::resolve(p, "", "", today).unwrap();
        let p = |a, b| Period {
            from: d(a),
            to: d(b),
        };
        assert_eq!(r(Preset::Today), p("2026-12-03", "2026-12-03"));
        assert_eq!(r(Preset::Yesterday), p("2026-12-02", "2026-12-02"));
        assert_eq!(r(Preset::ThisWeek), p("2026-11-30", "2026-12-03"));
        assert_eq!(r(Preset::LastWeek), p("2026-11-23", "2026-11-29"));
        assert_eq!(r(Preset::ThisMonth), p("2026-12-01", "2026-12-03"));
        assert_eq!(r(Preset::LastMonth), p("2026-11-01", "2026-11-30"));
        assert_eq!(r(Preset::ThisFinancialYear), p("2026-04-01", "2026-12-03"));
        assert_eq!(r(Preset::LastFinancialYear), p("2025-04-01", "2026-03-31"));
        let jan = d("2027-01-01");
        assert_eq!(
            Period::resolve(Preset::LastMonth, "", "", jan).unwrap(),
            p("2026-12-01", "2026-12-31")
        );
    }

    #[test]
    fn custom_periods_are_checked_beside_their_field() {
        let today = d("2026-12-03");
        let c = |a, b| Period::resolve(Preset::Custom, a, b, today);
        assert_eq!(
            c("2026-11-10", "2026-11-20").unwrap(),
            Period {
                from: d("2026-11-10"),
                to: d("2026-11-20")
            }
        );
        assert_eq!(
            c("2026-11-10", "2027-01-20").unwrap().to,
            today,
            "ends today"
        );
        assert_eq!(c("2026-11-20", "2026-11-10").unwrap_err().field, "to");
        let future = c("2026-12-04", "2026-12-31").unwrap_err();
        assert_eq!(future.field, "from");
        assert!(future.reason.contains("not started"), "{}", future.reason);
        assert!(
            c("2021-12-03", "2026-12-02").is_ok(),
            "just under five years"
        );
        assert_eq!(c("2021-12-03", "2026-12-03").unwrap_err().field, "to");
        assert_eq!(c("", "2026-12-03").unwrap_err().field, "from");
        assert_eq!(c("2026-12-01", "soon").unwrap_err().field, "to");
        assert!(Preset::parse("next_year").is_err());
        assert_eq!(Preset::parse(""), Ok(Preset::ThisMonth));
        for p in Preset::ALL {
            assert_eq!(Preset::parse(p.as_str()), Ok(p));
        }
    }

    #[test]
    fn the_period_before_is_the_same_stretch() {
        for (from, to, before_from, before_to) in [
            ("2026-12-01", "2026-12-03", "2026-11-01", "2026-11-03"),
            ("2026-11-01", "2026-11-30", "2026-10-01", "2026-10-31"),
            ("2026-03-01", "2026-03-31", "2026-02-01", "2026-02-28"),
            ("2026-04-01", "2027-03-31", "2025-04-01", "2026-03-31"),
            ("2026-04-01", "2026-12-03", "2025-04-01", "2025-12-03"),
            ("2026-11-10", "2026-11-20", "2026-10-30", "2026-11-09"),
            ("2026-12-03", "2026-12-03", "2026-12-02", "2026-12-02"),
        ] {
            let p = Period {
                from: d(from),
                to: d(to),
            };
            assert_eq!(
                p.previous(),
                Period {
                    from: d(before_from),
                    to: d(before_to)
                },
                "{from} – {to}"
            );
        }
    }

    #[test]
    fn groupings_cover_the_period_without_gaps() {
        let p = Period {
            from: d("2026-11-27"),
            to: d("2026-12-03"),
        };
        assert_eq!(p.natural_grouping(), Grouping::Day);
        assert_eq!(Grouping::Day.buckets(p).len(), 7);
        let weeks = Grouping::Week.buckets(p);
        assert_eq!(weeks, vec![d("2026-11-23"), d("2026-11-30")]);
        assert_eq!(Grouping::Week.show(weeks[1]), "Week of 30 Nov 2026");
        let fy = Period {
            from: d("2026-04-01"),
            to: d("2026-12-03"),
        };
        assert_eq!(fy.natural_grouping(), Grouping::Month);
        let months = Grouping::Month.buckets(fy);
        assert_eq!(months.len(), 9);
        assert_eq!(months[8], d("2026-12-01"));
        assert_eq!(Grouping::Month.show(months[0]), "Apr 2026");
        assert_eq!(Grouping::parse("", fy), Ok(Grouping::Month));
        assert!(Grouping::parse("hour", fy).is_err());
    }

    #[test]
    fn changes_read_as_money_and_per_cent() {
        let c = |now, before| Change { now, before };
        assert_eq!(c(112_500, 100_000).show_percent(), "+12.5 %");
        assert_eq!(c(97_000, 100_000).show_percent(), "−3.0 %");
        assert_eq!(c(100, 100).show_percent(), "0.0 %");
        assert_eq!(c(5, 0).show_percent(), "new");
        assert_eq!(c(0, 0).show_percent(), "—");
        assert_eq!(c(2, 3).per_mille(), Some(-333));
        assert_eq!(c(1, 3).per_mille(), Some(-667), "half away from zero");
        assert_eq!(c(0, 7).delta(), -7);
    }
}
