//! The demo: 3 manufacturers, 6 distributors across Maharashtra and Karnataka,
//! 40 retailers and an admin. Loaded once, in one transaction; running it again
//! changes nothing.

use crate::auth::service::{ValidSignup, create_account};
use crate::domain::gstin::check_char;
use crate::domain::{ApprovalState, Gstin, IndianState, OrgKind, Phone, Pincode};
use crate::error::{AppError, OrInternal, internal};
use sqlx::PgPool;

pub const PASSWORD: &str = "Demo@2026";

pub struct DemoLogin {
    pub role: &'static str,
    pub name: String,
    pub phone: String,
}

struct Org<'a> {
    kind: OrgKind,
    legal: &'a str,
    trade: &'a str,
    city: &'a str,
    address: &'a str,
    state: u8,
    pincode: &'a str,
    owner: &'a str,
    registered: bool,
}

#[allow(clippy::too_many_arguments)]
const fn org<'a>(
    kind: OrgKind,
    legal: &'a str,
    trade: &'a str,
    city: &'a str,
    address: &'a str,
    state: u8,
    pincode: &'a str,
    owner: &'a str,
) -> Org<'a> {
    Org {
        kind,
        legal,
        trade,
        city,
        address,
        state,
        pincode,
        owner,
        registered: true,
    }
}

const BUSINESSES: &[Org<'static>] = &[
    org(
        OrgKind::Manufacturer,
        "Sahyadri Foods Private Limited",
        "Sahyadri Foods",
        "Pune",
        "Plot 14, MIDC Bhosari",
        27,
        "411026",
        "Anil Deshmukh",
    ),
    org(
        OrgKind::Manufacturer,
        "Kaveri Home Essentials Private Limited",
        "Kaveri Home",
        "Mysuru",
        "42 Hebbal Industrial Area",
        29,
        "570016",
        "Lakshmi Narayan",
    ),
    org(
        OrgKind::Manufacturer,
        "Deccan Sleep Products LLP",
        "DeccanSleep Mattresses",
        "Hubballi",
        "7 Gokul Road Industrial Estate",
        29,
        "580030",
        "Imran Sheikh",
    ),
    org(
        OrgKind::Distributor,
        "Shree Ganesh Traders",
        "Shree Ganesh Traders",
        "Pune",
        "112 Market Yard, Gultekdi",
        27,
        "411037",
        "Ganesh Patil",
    ),
    org(
        OrgKind::Distributor,
        "Mumbadevi Wholesale Mart",
        "Mumbadevi Wholesale",
        "Mumbai",
        "23 Abdul Rehman Street, Masjid Bunder",
        27,
        "400003",
        "Rakesh Shah",
    ),
    org(
        OrgKind::Distributor,
        "Vidarbha Distributors",
        "Vidarbha Distributors",
        "Nagpur",
        "5 Itwari Main Road",
        27,
        "440002",
        "Sunita Wankhede",
    ),
    org(
        OrgKind::Distributor,
        "Namma Bengaluru Distributors Private Limited",
        "Namma Distributors",
        "Bengaluru",
        "88 Avenue Road, Chickpet",
        29,
        "560002",
        "Ravi Kumar",
    ),
    org(
        OrgKind::Distributor,
        "Chamundi Agencies",
        "Chamundi Agencies",
        "Mysuru",
        "17 Sayyaji Rao Road",
        29,
        "570001",
        "Manjunath Gowda",
    ),
    org(
        OrgKind::Distributor,
        "Hubli Trade Links",
        "Hubli Trade Links",
        "Hubballi",
        "3 Durgadbail Market",
        29,
        "580028",
        "Basavaraj Hiremath",
    ),
];

/// Retailer towns: (city, state, pincodes (India Post's, one per round of shops), area names).
const TOWNS: &[(&str, u8, &[&str], &[&str])] = &[
    (
        "Pune",
        27,
        &["411001", "411004", "411007", "411011", "411013", "411016"],
        &["Kothrud", "Hadapsar", "Aundh", "Kasba Peth", "Wakad"],
    ),
    (
        "Mumbai",
        27,
        &["400050", "400053", "400056", "400059", "400063", "400065"],
        &[
            "Bandra West",
            "Dadar",
            "Andheri East",
            "Ghatkopar",
            "Borivali",
        ],
    ),
    (
        "Nagpur",
        27,
        &["440010", "440013", "440016", "440019", "440022", "440025"],
        &["Dharampeth", "Sitabuldi", "Manish Nagar"],
    ),
    (
        "Nashik",
        27,
        &["422001", "422004", "422007", "422010", "422001", "422004"],
        &["College Road", "Panchavati"],
    ),
    (
        "Bengaluru",
        29,
        &["560011", "560015", "560017", "560020", "560023", "560026"],
        &[
            "Jayanagar",
            "Malleshwaram",
            "Indiranagar",
            "Koramangala",
            "Rajajinagar",
        ],
    ),
    (
        "Mysuru",
        29,
        &["570004", "570007", "570010", "570012", "570004", "570007"],
        &["Saraswathipuram", "Kuvempunagar", "Vijayanagar"],
    ),
    (
        "Hubballi",
        29,
        &["580020", "580023", "580026", "580029", "580020", "580023"],
        &["Vidyanagar", "Keshwapur"],
    ),
];
const SHOP_NAMES: &[&str] = &[
    "Sai",
    "Laxmi",
    "Balaji",
    "Om",
    "Annapurna",
    "Mahalaxmi",
    "New India",
    "Royal",
    "Sri Venkateshwara",
    "Jai Bhavani",
];
const SHOP_KINDS: &[&str] = &[
    "Kirana Stores",
    "General Stores",
    "Mattress House",
    "Electronics",
    "Garments",
    "Provision Stores",
    "Super Market",
    "Laptop Point",
];
const OWNERS: &[&str] = &[
    "Suresh", "Priya", "Mahesh", "Kavita", "Arjun", "Deepa", "Vijay", "Shobha", "Naveen", "Rekha",
];
const SURNAMES_MH: &[&str] = &["Jadhav", "Kulkarni", "More", "Pawar", "Shinde"];
const SURNAMES_KA: &[&str] = &["Rao", "Shetty", "Gowda", "Hegde", "Naik"];

/// A valid GSTIN for the n-th demo business: state, a made-up PAN, entity 1, Z, check.
fn demo_gstin(state: u8, n: usize, entity: char) -> Result<Gstin, AppError> {
    let letters = |k: usize| (b'A' + (k % 26) as u8) as char;
    let first14 = format!(
        "{state:02}AA{}{}{entity}{:04}{}1Z",
        letters(n),
        letters(n / 26 + 3),
        1000 + n * 37,
        letters(n + 7)
    );
    let check =
        check_char(first14.as_bytes()).ok_or_else(|| internal("demo GSTIN check character"))?;
    Gstin::parse(&format!("{first14}{check}")).or_internal()
}

fn phone(prefix: u64, n: usize) -> Result<Phone, AppError> {
    Phone::parse(&(prefix * 10_000_000 + n as u64).to_string()).or_internal()
}

fn signup(o: &Org<'_>, gstin: Option<Gstin>, owner_phone: Phone) -> Result<ValidSignup, AppError> {
    Ok(ValidSignup {
        kind: o.kind,
        legal_name: o.legal.into(),
        trade_name: o.trade.into(),
        gstin: if o.registered { gstin } else { None },
        address_line: o.address.into(),
        city: o.city.into(),
        state: IndianState::by_code(o.state).ok_or_else(|| internal("demo state code"))?,
        pincode: Pincode::parse(o.pincode).or_internal()?,
        whatsapp: owner_phone.clone(),
        owner_name: o.owner.into(),
        phone: owner_phone,
        email: None,
        password: PASSWORD.into(),
    })
}

/// Loads the demo unless it is there already; returns the log-ins to print.
pub async fn seed(pool: &PgPool) -> Result<Vec<DemoLogin>, AppError> {
    let admin_phone = phone(900, 1)?;
    let mut logins = vec![DemoLogin {
        role: "Admin",
        name: "AuroMart Platform".into(),
        phone: admin_phone.national().into(),
    }];
    let mut tx = pool.begin().await?;
    // One seeder at a time, even with several servers starting together.
    sqlx::query!("SELECT pg_advisory_xact_lock(4242001)")
        .execute(&mut *tx)
        .await?;
    let exists: bool = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM users WHERE phone = $1) AS "exists!""#,
        admin_phone.as_str()
    )
    .fetch_one(&mut *tx)
    .await?;
    let hash = if exists {
        String::new()
    } else {
        super::password::hash(PASSWORD.into()).await.or_internal()?
    };

    let admin = Org {
        registered: false,
        ..org(
            OrgKind::Platform,
            "AuroMart Technologies Private Limited",
            "AuroMart Platform",
            "Pune",
            "9 Baner Road",
            27,
            "411045",
            "Platform Admin",
        )
    };
    if !exists {
        create_account(
            &mut tx,
            &signup(&admin, None, admin_phone)?,
            &hash,
            ApprovalState::Active,
        )
        .await?;
    }
    let (mut m, mut d) = (0, 0);
    for (i, o) in BUSINESSES.iter().enumerate() {
        let (prefix, n, role) = match o.kind {
            OrgKind::Manufacturer => {
                m += 1;
                (910, m, "Manufacturer")
            }
            _ => {
                d += 1;
                (920, d, "Distributor")
            }
        };
        let p = phone(prefix, n)?;
        logins.push(DemoLogin {
            role,
            name: o.trade.into(),
            phone: p.national().into(),
        });
        if exists {
            continue;
        }
        let entity = if o.legal.contains("Limited") {
            'C'
        } else {
            'F'
        };
        // The last distributor stays pending, so the admin has one to approve.
        let approval = if o.trade == "Hubli Trade Links" {
            ApprovalState::Pending
        } else {
            ApprovalState::Active
        };
        create_account(
            &mut tx,
            &signup(o, Some(demo_gstin(o.state, i, entity)?), p)?,
            &hash,
            approval,
        )
        .await?;
        if o.kind == OrgKind::Distributor {
            let prefix: String = o
                .trade
                .split_whitespace()
                .filter_map(|w| w.chars().next())
                .collect::<String>()
                .to_uppercase();
            sqlx::query!("UPDATE organisations SET upi_id = $2, invoice_prefix = $3, pickup_address = $4, pickup_hours = $5
                  WHERE gstin IS NOT NULL AND trade_name = $1", o.trade, format!("{}@okaxis", o.trade.to_lowercase().replace(' ', "")), prefix.chars().take(5).collect::<String>(), format!("{}, {} {}", o.address, o.city, o.pincode), "Mon–Sat 9:30 am – 7:30 pm")
            .execute(&mut *tx)
            .await?;
        }
    }
    for r in 1..=40usize {
        let (city, state, pins, areas) = TOWNS[r % TOWNS.len()];
        let round = r / TOWNS.len();
        let area = areas[round % areas.len()];
        let surnames = if state == 27 {
            SURNAMES_MH
        } else {
            SURNAMES_KA
        };
        let trade = format!(
            "{} {}",
            SHOP_NAMES[r % SHOP_NAMES.len()],
            SHOP_KINDS[(r * 3 + round) % SHOP_KINDS.len()]
        );
        let owner = format!(
            "{} {}",
            OWNERS[(r + round) % OWNERS.len()],
            surnames[r % surnames.len()]
        );
        let p = phone(930, r)?;
        logins.push(DemoLogin {
            role: "Retailer",
            name: format!("{trade}, {area}"),
            phone: p.national().into(),
        });
        if exists {
            continue;
        }
        let pincode = pins[round % pins.len()];
        let address = format!("Shop {}, {area}", 10 + r);
        let o = Org {
            registered: r % 3 != 0,
            ..org(
                OrgKind::Retailer,
                &trade,
                &trade,
                city,
                &address,
                state,
                pincode,
                &owner,
            )
        };
        create_account(
            &mut tx,
            &signup(&o, Some(demo_gstin(state, 100 + r, 'P')?), p)?,
            &hash,
            ApprovalState::Active,
        )
        .await?;
    }
    if !exists {
        // A staff member for the first distributor, to show a team.
        let staff_phone = phone(920, 101)?;
        sqlx::query!("INSERT INTO users (org_id, role, name, phone, password_hash)
             SELECT id, 'staff', 'Sachin Pawar', $1, $2 FROM organisations WHERE trade_name = 'Shree Ganesh Traders'", staff_phone.as_str(), &hash)
        .execute(&mut *tx)
        .await?;
    }
    if !exists {
        seed_catalog(&mut tx).await?;
    }
    tx.commit().await?;
    Ok(logins)
}

/// (manufacturer, code, name, brand, category, hsn, MRP in paise, unit)
type DemoSku = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
    &'static str,
);

const SKUS: &[DemoSku] = &[
    (
        "Sahyadri Foods",
        "SF-MARIE-200",
        "Marie Gold Biscuits 200 g",
        "Sahyadri",
        "Biscuits",
        "1905",
        3_000,
        "pack",
    ),
    (
        "Sahyadri Foods",
        "SF-GLUCO-100",
        "Glucose Biscuits 100 g",
        "Sahyadri",
        "Biscuits",
        "1905",
        1_000,
        "pack",
    ),
    (
        "Sahyadri Foods",
        "SF-CREAM-75",
        "Elaichi Cream Biscuits 75 g",
        "Sahyadri",
        "Biscuits",
        "1905",
        2_000,
        "pack",
    ),
    (
        "Sahyadri Foods",
        "SF-BHUJIA-400",
        "Aloo Bhujia 400 g",
        "Sahyadri",
        "Namkeen",
        "2106",
        11_000,
        "pack",
    ),
    (
        "Sahyadri Foods",
        "SF-CHIWDA-200",
        "Poha Chiwda 200 g",
        "Sahyadri",
        "Namkeen",
        "2106",
        5_500,
        "pack",
    ),
    (
        "Sahyadri Foods",
        "SF-GHEE-1L",
        "Cow Ghee 1 litre",
        "Sahyadri",
        "Dairy",
        "0405",
        65_000,
        "litre",
    ),
    (
        "Sahyadri Foods",
        "SF-ATTA-5K",
        "Chakki Atta 5 kg",
        "Sahyadri",
        "Staples",
        "1101",
        28_500,
        "pack",
    ),
    (
        "Sahyadri Foods",
        "SF-SUGAR-1K",
        "Sugar 1 kg",
        "Sahyadri",
        "Staples",
        "1701",
        5_200,
        "pack",
    ),
    (
        "Sahyadri Foods",
        "SF-TEA-500",
        "Assam Tea 500 g",
        "Sahyadri",
        "Beverages",
        "0902",
        29_000,
        "pack",
    ),
    (
        "Sahyadri Foods",
        "SF-WATER-1L",
        "Packaged Drinking Water 1 litre (12)",
        "Sahyadri",
        "Beverages",
        "2201",
        24_000,
        "box",
    ),
    (
        "Kaveri Home",
        "KH-SOAP-SANDAL",
        "Sandal Soap 125 g",
        "Kaveri",
        "Personal care",
        "3401",
        5_500,
        "pcs",
    ),
    (
        "Kaveri Home",
        "KH-SOAP-NEEM",
        "Neem Soap 100 g",
        "Kaveri",
        "Personal care",
        "3401",
        4_000,
        "pcs",
    ),
    (
        "Kaveri Home",
        "KH-OIL-COCO-500",
        "Coconut Hair Oil 500 ml",
        "Kaveri",
        "Personal care",
        "3305",
        21_000,
        "pcs",
    ),
    (
        "Kaveri Home",
        "KH-SHAMPOO-340",
        "Herbal Shampoo 340 ml",
        "Kaveri",
        "Personal care",
        "3305",
        24_500,
        "pcs",
    ),
    (
        "Kaveri Home",
        "KH-PASTE-150",
        "Clove Toothpaste 150 g",
        "Kaveri",
        "Personal care",
        "3306",
        9_900,
        "pcs",
    ),
    (
        "Kaveri Home",
        "KH-DET-1K",
        "Detergent Powder 1 kg",
        "Kaveri",
        "Home care",
        "3402",
        12_000,
        "pack",
    ),
    (
        "Kaveri Home",
        "KH-DISH-500",
        "Dishwash Liquid 500 ml",
        "Kaveri",
        "Home care",
        "3402",
        10_500,
        "pcs",
    ),
    (
        "DeccanSleep Mattresses",
        "DS-ORTHO-Q6",
        "Ortho Memory Foam Mattress Queen 6 inch",
        "DeccanSleep",
        "Mattresses",
        "9404",
        1_899_900,
        "pcs",
    ),
    (
        "DeccanSleep Mattresses",
        "DS-COIR-S4",
        "Coir Mattress Single 4 inch",
        "DeccanSleep",
        "Mattresses",
        "9404",
        649_900,
        "pcs",
    ),
    (
        "DeccanSleep Mattresses",
        "DS-SPRING-K8",
        "Pocket Spring Mattress King 8 inch",
        "DeccanSleep",
        "Mattresses",
        "9404",
        3_499_900,
        "pcs",
    ),
    (
        "DeccanSleep Mattresses",
        "DS-PILLOW-2",
        "Fibre Pillow (pair)",
        "DeccanSleep",
        "Mattresses",
        "9404",
        129_900,
        "pair",
    ),
];

/// The entry of the GST schedule each demo product falls under where its code's
/// rate depends on what the goods are (packaged, toilet soap, not coir, …).
const GST_ENTRIES: &[(&str, &str)] = &[
    ("0902", "9/2025-CT(Rate) Sch. I S. No. 34"),
    ("1101", "9/2025-CT(Rate) Sch. I S. No. 51"),
    ("1701", "9/2025-CT(Rate) Sch. I S. No. 105"),
    ("2201", "9/2025-CT(Rate) Sch. I S. No. 146"),
    ("3305", "9/2025-CT(Rate) Sch. I S. No. 245"),
    ("3306", "9/2025-CT(Rate) Sch. I S. No. 246"),
    ("3401", "9/2025-CT(Rate) Sch. I S. No. 251"),
    ("3402", "9/2025-CT(Rate) Sch. II S. No. 67"),
    ("9404", "9/2025-CT(Rate) Sch. II S. No. 613"),
];

/// SKUs for each demo brand, every active distributor linked with every brand and
/// carrying its SKUs at 85–95% of MRP with some stock, delivering to the
/// retailers of its own city (Pune also serves Nashik).
async fn seed_catalog(tx: &mut sqlx::PgConnection) -> Result<(), sqlx::Error> {
    for (maker, code, name, brand, category, hsn, mrp, unit) in SKUS {
        let entry = GST_ENTRIES
            .iter()
            .find(|(h, _)| h == hsn)
            .map(|(_, source)| *source);
        sqlx::query!("INSERT INTO skus (manufacturer_id, code, name, brand, category_id, hsn, mrp_paise, unit, search_text, gst_rate_id)
             SELECT m.id, $2, $3, $4, c.id, $6, $7, $8, $9,
                    (SELECT g.id FROM gst_rates g WHERE g.source = $10 AND $6 LIKE g.hsn || '%')
               FROM organisations m, categories c WHERE m.trade_name = $1 AND lower(c.name) = lower($5)", maker, code, name, brand, category, hsn, mrp, unit, crate::domain::catalog::search_text(name, brand, category), entry)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query!(
        "INSERT INTO links (manufacturer_id, distributor_id, state)
         SELECT m.id, d.id, 'active' FROM organisations m, organisations d
          WHERE m.kind = 'manufacturer' AND d.kind = 'distributor' AND d.approval = 'active'"
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("INSERT INTO listings (distributor_id, sku_id, price_paise, on_hand, min_order_qty)
         SELECT d.id, s.id, (s.mrp_paise * (85 + (s.id + d.id) % 11) / 100), 20 + ((s.id * 37 + d.id * 11) % 480),
                CASE WHEN s.mrp_paise > 100000 THEN 1 ELSE 6 END
           FROM links k JOIN organisations d ON d.id = k.distributor_id JOIN skus s ON s.manufacturer_id = k.manufacturer_id")
    .execute(&mut *tx)
    .await?;
    sqlx::query!("INSERT INTO stock_movements (listing_id, kind, on_hand_delta, reserved_delta, on_hand_after, reserved_after, note)
         SELECT id, 'received', on_hand, 0, on_hand, 0, 'Opening stock' FROM listings")
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO distributor_pincodes (distributor_id, pincode)
         SELECT DISTINCT d.id, r.pincode FROM organisations d JOIN organisations r
             ON r.kind = 'retailer' AND (r.city = d.city OR (d.city = 'Pune' AND r.city = 'Nashik'))
          WHERE d.kind = 'distributor'
         UNION SELECT d.id, d.pincode FROM organisations d WHERE d.kind = 'distributor'"
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}
