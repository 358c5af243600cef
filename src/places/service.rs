//! Pincode look-ups and the address checks built on them.

use super::{PincodeList, PincodePlace};
use crate::domain::pincode::Pincode;
use crate::domain::state::IndianState;
use crate::error::AppError;
use sqlx::PgConnection;

/// Where a pincode is: one entry per state (empty when India Post has none).
pub async fn places(conn: &mut PgConnection, pin: &Pincode) -> Result<Vec<PincodePlace>, AppError> {
    let rows = sqlx::query!(
        "SELECT state_code, district, offices FROM pincodes WHERE pincode = $1 ORDER BY state_code",
        pin.as_str()
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let state = IndianState::by_code(u8::try_from(r.state_code).ok()?)?;
            Some(PincodePlace {
                pincode: pin.as_str().to_string(),
                state_code: state.code,
                state: state.name.to_string(),
                district: r.district,
                offices: r.offices,
            })
        })
        .collect())
}

/// The address check: the pincode exists and lies in `state`. The error names the
/// `field` the person should change.
pub async fn require_in_state(
    conn: &mut PgConnection,
    field: &str,
    pin: &Pincode,
    state: IndianState,
) -> Result<(), AppError> {
    let found = places(conn, pin).await?;
    if found.iter().any(|p| p.state_code == state.code) {
        return Ok(());
    }
    Err(AppError::field(field, wrong_place(pin, state, &found)))
}

fn wrong_place(pin: &Pincode, state: IndianState, found: &[PincodePlace]) -> String {
    match found {
        [] => format!(
            "India Post has no pincode {pin}. Check the number on a letter, a bill or your GST certificate."
        ),
        [first, ..] => format!(
            "Pincode {pin} is in {}, {}, not in {}. Check the pincode or choose {} as the state.",
            first.district, first.state, state.name, first.state
        ),
    }
}

/// The pincodes of `pins` that India Post does not have, in the order given.
pub async fn unknown(conn: &mut PgConnection, pins: &[String]) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT p AS "pincode!" FROM UNNEST($1::text[]) WITH ORDINALITY AS t (p, n)
            WHERE NOT EXISTS (SELECT 1 FROM pincodes WHERE pincode = t.p)
            ORDER BY n"#,
        pins
    )
    .fetch_all(conn)
    .await?)
}

/// How `pins` spread over districts, and which India Post does not have.
pub async fn list(conn: &mut PgConnection, pins: &[String]) -> Result<PincodeList, AppError> {
    let rows = sqlx::query!(
        r#"SELECT district, state_code, count(DISTINCT pincode) AS "n!"
             FROM pincodes WHERE pincode = ANY($1)
            GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2"#,
        pins
    )
    .fetch_all(&mut *conn)
    .await?;
    let districts = rows
        .into_iter()
        .filter_map(|r| {
            let state = IndianState::by_code(u8::try_from(r.state_code).ok()?)?;
            Some((r.district, state.name.to_string(), r.n))
        })
        .collect();
    Ok(PincodeList {
        districts,
        unknown: unknown(conn, pins).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_place() {
        let pin = Pincode::parse("560001").expect("pincode");
        let mh = IndianState::by_code(27).expect("Maharashtra");
        assert!(wrong_place(&pin, mh, &[]).starts_with("India Post has no pincode 560001."));
        let blr = PincodePlace {
            pincode: "560001".into(),
            state_code: 29,
            state: "Karnataka".into(),
            district: "Bengaluru Urban".into(),
            offices: vec![],
        };
        assert_eq!(
            wrong_place(&pin, mh, &[blr]),
            "Pincode 560001 is in Bengaluru Urban, Karnataka, not in Maharashtra. Check the pincode or choose Karnataka as the state."
        );
    }
}
