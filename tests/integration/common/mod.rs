//! spawn_app(): a fresh database, migrations, the real router on port 0, and
//! HTTP clients that call server functions the way the browser does.

pub mod fake_graph;
pub mod fake_razorpay;
pub mod trade;

use auromart::domain::OrgKind;
use auromart::domain::gstin::check_char;
use auromart::server::config::Config;
use auromart::server::startup::Application;
use serde_json::Value;
use sqlx::{Connection, PgConnection, PgPool};
use std::sync::atomic::{AtomicU64, Ordering};

pub struct TestApp {
    pub base: String,
    pub db: PgPool,
    pub db_url: String,
}

/// The server that test databases are created on.
fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .or_else(|_| std::env::var("DATABASE_URL"))
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map(|(b, q)| (b, format!("?{q}")))
        .unwrap_or((url, String::new()));
    let cut = base
        .rfind('/')
        .filter(|&i| i > base.find("://").map(|s| s + 2).unwrap_or(0))
        .unwrap_or(base.len());
    format!("{}/{name}{query}", &base[..cut])
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Config::default()).await
}

pub async fn spawn_app_with(config: Config) -> TestApp {
    let name = format!("auromart_t_{}", uuid_like());
    let mut admin = PgConnection::connect(&admin_url())
        .await
        .expect("connect to PostgreSQL (set TEST_DATABASE_URL)");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create test database");
    let url = with_database(&admin_url(), &name);
    serve(url, config).await
}

/// Another server process on the same database (its own pool, sender and listener).
pub async fn spawn_process(db_url: &str, config: Config) -> TestApp {
    serve(db_url.to_string(), config).await
}

async fn serve(url: String, mut config: Config) -> TestApp {
    config.database_url = url.clone();
    config.database_max_connections = 10;
    let options = auromart::server::startup::loopback_options();
    let app = Application::build(config, options)
        .await
        .expect("the application builds");
    app.spawn_workers();
    let pool = app.db().clone();
    let addr = app.address();
    tokio::spawn(async move {
        app.run_until(std::future::pending()).await.expect("serve");
    });
    TestApp {
        base: format!("http://{addr}"),
        db: pool,
        db_url: url,
    }
}

fn uuid_like() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{:x}_{}_{}",
        nanos,
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// A browser-like client with its own cookie jar.
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
}

/// What a server function answered: HTTP status and the JSON body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Answer {
    /// The AppError variant name when the call failed, e.g. "Forbidden".
    pub fn error_kind(&self) -> Option<String> {
        if self.status < 400 {
            return None;
        }
        match &self.body {
            Value::String(s) => Some(s.clone()),
            Value::Object(m) => m.keys().next().cloned(),
            _ => Some("?".into()),
        }
    }

    pub fn ok(&self) -> &Value {
        assert!(
            self.status < 400,
            "expected success, got {} {}",
            self.status,
            self.body
        );
        &self.body
    }

    /// The reason given for a field in an Invalid error.
    pub fn field_reason(&self, field: &str) -> Option<String> {
        self.body
            .get("Invalid")?
            .as_array()?
            .iter()
            .find(|e| e.get("field").and_then(Value::as_str) == Some(field))
            .and_then(|e| e.get("reason")?.as_str().map(str::to_string))
    }
}

impl TestApp {
    pub fn client(&self) -> Client {
        Client {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                // A hung request fails its test, naming the URL, instead of hanging the suite.
                .timeout(std::time::Duration::from_secs(60))
                .build()
                .expect("client"),
            base: self.base.clone(),
        }
    }

    /// Signs up a business and returns its owner's logged-in client and org id.
    pub async fn signup(&self, kind: OrgKind, n: u32) -> (Client, i64) {
        let client = self.client();
        let answer = client.call("auth/signup", &signup_form(kind, n)).await;
        let org_id = answer.ok()["org_id"].as_i64().expect("org id");
        (client, org_id)
    }

    /// Signs up and approves (for kinds that need it).
    pub async fn active(&self, kind: OrgKind, n: u32) -> (Client, i64) {
        let (client, org_id) = self.signup(kind, n).await;
        sqlx::query!(
            "UPDATE organisations SET approval = 'active' WHERE id = $1",
            org_id
        )
        .execute(&self.db)
        .await
        .expect("approve");
        (client, org_id)
    }

    /// A staff member of `org` with this phone (international form) and the
    /// owner's password, signed in.
    pub async fn staff(&self, org: i64, phone: &str) -> Client {
        sqlx::query!(
            "INSERT INTO users (org_id, role, name, phone, password_hash)
             SELECT org_id, 'staff', 'Staff member', $2, password_hash FROM users WHERE org_id = $1 LIMIT 1",
            org,
            phone
        )
        .execute(&self.db)
        .await
        .expect("staff");
        let staff = self.client();
        staff
            .call(
                "auth/login",
                &pairs(&[("identifier", &phone[2..]), ("password", "Kirana@Pune7")]),
            )
            .await
            .ok();
        staff
    }

    /// A platform admin (there is no sign-up for admins).
    pub async fn admin(&self) -> (Client, i64) {
        let (client, org_id) = self.signup(OrgKind::Retailer, 9_999).await;
        sqlx::query!(
            "UPDATE organisations SET kind = 'platform', gstin = NULL WHERE id = $1",
            org_id
        )
        .execute(&self.db)
        .await
        .expect("make admin");
        (client, org_id)
    }
}

impl Client {
    /// POSTs a server function the way the hydrated app does.
    pub async fn call(&self, endpoint: &str, form: &[(String, String)]) -> Answer {
        let res = self
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .header("Accept", "application/json")
            .form(form)
            .send()
            .await
            .expect("request reaches the server");
        let status = res.status().as_u16();
        let text = res.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Answer { status, body }
    }

    pub async fn get(&self, path: &str) -> (u16, String) {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .header("Accept", "text/html")
            .send()
            .await
            .expect("request");
        let status = res.status().as_u16();
        (status, res.text().await.expect("the whole page arrives"))
    }
}

impl Client {
    /// GETs a download: status, content type and the raw bytes.
    pub async fn download(&self, path: &str) -> (u16, String, Vec<u8>) {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request");
        let status = res.status().as_u16();
        let content_type = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let bytes = res.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
        (status, content_type, bytes)
    }
}

pub fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A valid GSTIN for test business n in state 27.
pub fn gstin(n: u32) -> String {
    let first14 = format!(
        "27AAB{}{}{:04}F1Z",
        (b'A' + (n % 26) as u8) as char,
        (b'A' + (n / 26 % 26) as u8) as char,
        n % 10_000
    );
    let check = check_char(first14.as_bytes()).expect("check char");
    format!("{first14}{check}")
}

pub fn phone(n: u32) -> String {
    format!("98{:08}", n)
}

pub fn signup_form(kind: OrgKind, n: u32) -> Vec<(String, String)> {
    let fields = [
        ("kind", kind.as_str().to_string()),
        ("legal_name", format!("Test Business {n}")),
        ("trade_name", format!("Test Shop {n}")),
        ("gstin", gstin(n)),
        ("address_line", "12 Market Yard".into()),
        ("city", "Pune".into()),
        ("state_code", "27".into()),
        ("pincode", "411037".into()),
        ("whatsapp", String::new()),
        ("owner_name", format!("Owner {n}")),
        ("phone", phone(n)),
        ("email", format!("owner{n}@example.in")),
        ("password", "Kirana@Pune7".into()),
    ];
    fields
        .into_iter()
        .map(|(k, v)| (format!("form[{k}]"), v))
        .collect()
}

pub fn with(mut form: Vec<(String, String)>, key: &str, value: &str) -> Vec<(String, String)> {
    let name = format!("form[{key}]");
    for (k, v) in form.iter_mut() {
        if *k == name {
            *v = value.to_string();
        }
    }
    form
}

/// A `data:` URL of a `w`×`h` PNG photo (a colour gradient), as a browser sends it.
pub fn png_data_url(w: u32, h: u32) -> String {
    use base64::Engine;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(out.into_inner())
    )
}
