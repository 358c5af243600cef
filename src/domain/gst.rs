//! GST arithmetic on integer paise. Tax is computed per line and rounded half
//! away from zero to the paisa (the rule the invoice states).

/// `amount × rate_bp / 10000`, rounded half away from zero.
pub fn tax_on(taxable_paise: i64, rate_bp: i32) -> i64 {
    let num = i128::from(taxable_paise) * i128::from(rate_bp);
    let q = num / 10_000;
    let r = num % 10_000;
    let adjusted = if r.abs() * 2 >= 10_000 {
        q + num.signum()
    } else {
        q
    };
    adjusted as i64
}

#[cfg(test)]
mod tests {
    use super::tax_on;

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
    }
}
