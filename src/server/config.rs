//! Runtime configuration: defaults, then Leptos.toml's `[auromart]` section, then
//! environment variables (`DATABASE_URL`, `AUROMART_*`). Leptos's own settings
//! (site address, output name, site root) come from Leptos.toml's
//! `[package.metadata.leptos]` with `LEPTOS_*` overrides.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Empty means "take DATABASE_URL from the environment".
    pub database_url: String,
    pub database_max_connections: u32,
    /// Adds `Secure` to the session cookie; turn on behind TLS.
    pub secure_cookies: bool,
    pub session_days: i64,
    /// A resolved session is trusted this long before PostgreSQL is asked again
    /// (0: ask every time); see `server::session_cache`.
    pub session_cache_ms: u64,
    /// Log-in lock-out: this many wrong passwords within the window...
    pub login_max_failures: i64,
    pub login_window_secs: i64,
    /// ...pause log-in for the account this long.
    pub login_lockout_secs: i64,
    /// Load the demo organisations and users at start (idempotent).
    pub demo_data: bool,
    /// Folder holding NotoSansDevanagari-Regular.ttf / -Bold.ttf (Debian fonts-noto-core).
    pub font_dir: String,
    /// India's pincode directory as the setup command makes it (`.ci/pincodes.py`),
    /// loaded at start when it changed.
    pub pincode_file: String,
    /// The WhatsApp Cloud API and the outbox sender (`[auromart.whatsapp]`).
    pub whatsapp: WhatsAppConfig,
    /// Send last month's statements on the 1st (Asia/Kolkata).
    pub monthly_summaries: bool,
    /// Online payments through a distributor's own Razorpay account (`[auromart.razorpay]`).
    pub razorpay: RazorpayConfig,
    /// How often the payment reminders look for invoices to remind about.
    pub reminder_interval_secs: u64,
    /// Reminders go out only from this hour (Asia/Kolkata, inclusive)...
    pub reminder_from_hour: u32,
    /// ...until this hour (exclusive; 24: until midnight).
    pub reminder_to_hour: u32,
}

/// `[auromart.razorpay]`: where the Razorpay API is (tests point it at their
/// fake). Each distributor connects its own account (keys and webhook secret,
/// kept in the database), so no secret lives here.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RazorpayConfig {
    pub api_base: String,
    /// Each request gives up after this long.
    pub timeout_secs: u64,
    /// A payment link stays payable this many days.
    pub link_days: u32,
}

impl Default for RazorpayConfig {
    fn default() -> Self {
        RazorpayConfig {
            api_base: "https://api.razorpay.com".into(),
            timeout_secs: 15,
            link_days: 7,
        }
    }
}

/// `[auromart.whatsapp]`. With no phone number id or token, messages go to the
/// built-in sandbox (shown on the admin's WhatsApp page) instead. The three
/// secrets never appear in logs or `Debug` output.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WhatsAppConfig {
    /// The Cloud API's base URL (tests point it at their fake).
    pub api_base: String,
    /// The pinned Graph API version.
    pub api_version: String,
    pub phone_number_id: String,
    /// The access token (keep it in the environment: AUROMART_WHATSAPP_TOKEN).
    pub token: SecretString,
    /// Signs webhook POSTs (X-Hub-Signature-256). The sandbox makes one up if empty.
    pub app_secret: SecretString,
    /// Echoed in the webhook GET handshake.
    pub verify_token: SecretString,
    /// Run the outbox sender in this process.
    pub sender: bool,
    /// Messages per second this process sends at most (the API's default is 80).
    pub rate_per_sec: u32,
    /// Messages sent at once.
    pub concurrency: usize,
    /// A claimed message is this process's for this long; after a crash, another
    /// process retries it when the lease runs out.
    pub lease_secs: u32,
    /// A row whose lease ran out is "in doubt" (its process died mid-send, and the API
    /// may have taken it): it is sent again only if no status webhook for it arrives
    /// within this many more seconds.
    pub in_doubt_secs: u32,
    /// First retry delay after a retry-later error; doubles per attempt (with jitter).
    pub retry_base_ms: u64,
    /// Retry-later errors give up (and show the admin) after this many attempts.
    pub max_attempts: i32,
    /// How often the sender looks for due messages when nothing wakes it.
    pub poll_ms: u64,
    /// Each request to the API gives up after this long (keep under the lease).
    pub timeout_secs: u64,
}

/// Four connections per CPU core (4 to 32): enough to keep PostgreSQL busy while
/// others wait on the network, few enough that concurrent transactions do not
/// crowd each other out. Measured on 2 cores with the load tool: 8 connections
/// placed 10-15% more orders per second than 20, and 4 about 12% fewer.
pub fn default_pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get() as u32);
    (cores * 4).clamp(4, 32)
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: String::new(),
            database_max_connections: default_pool_size(),
            secure_cookies: false,
            session_days: 30,
            session_cache_ms: 1_000,
            login_max_failures: 10,
            login_window_secs: 60,
            login_lockout_secs: 15 * 60,
            demo_data: false,
            font_dir: crate::pdf::fonts::NOTO_DIR.to_string(),
            pincode_file: super::reference::default_pincode_file(),
            whatsapp: WhatsAppConfig::default(),
            monthly_summaries: true,
            razorpay: RazorpayConfig::default(),
            reminder_interval_secs: 600,
            reminder_from_hour: 9,
            reminder_to_hour: 20,
        }
    }
}

impl Default for WhatsAppConfig {
    fn default() -> Self {
        WhatsAppConfig {
            api_base: "https://graph.facebook.com".into(),
            api_version: "v25.0".into(),
            phone_number_id: String::new(),
            token: SecretString::default(),
            app_secret: SecretString::default(),
            verify_token: SecretString::default(),
            sender: true,
            rate_per_sec: 80,
            concurrency: 32,
            lease_secs: 60,
            in_doubt_secs: 60,
            retry_base_ms: 2_000,
            max_attempts: 12,
            poll_ms: 1_000,
            timeout_secs: 15,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not valid: {source}")]
    Parse {
        path: String,
        source: toml::de::Error,
    },
    #[error("environment variable {name} has an invalid value {value:?}")]
    Env { name: String, value: String },
    #[error("no database configured: set DATABASE_URL or [auromart] database_url in Leptos.toml")]
    NoDatabase,
}

#[derive(Deserialize, Default)]
struct File {
    #[serde(default)]
    auromart: Option<Config>,
}

impl Config {
    /// Reads `[auromart]` from the file (if it exists) and applies the environment.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let mut config = match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str::<File>(&text)
                .map_err(|source| ConfigError::Parse {
                    path: path.display().to_string(),
                    source,
                })?
                .auromart
                .unwrap_or_default(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Config::default(),
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.display().to_string(),
                    source,
                });
            }
        };
        config.apply_env(|name| std::env::var(name).ok())?;
        Ok(config)
    }

    fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        fn parse<T: std::str::FromStr>(name: &str, value: String) -> Result<T, ConfigError> {
            value.trim().parse().map_err(|_| ConfigError::Env {
                name: name.into(),
                value,
            })
        }
        if let Some(v) = get("DATABASE_URL").filter(|v| !v.is_empty()) {
            self.database_url = v;
        }
        if let Some(v) = get("AUROMART_DATABASE_URL").filter(|v| !v.is_empty()) {
            self.database_url = v;
        }
        macro_rules! env_field {
            ($($field:ident).+, $name:literal) => {
                if let Some(v) = get($name) {
                    self.$($field).+ = parse($name, v)?;
                }
            };
        }
        env_field!(
            database_max_connections,
            "AUROMART_DATABASE_MAX_CONNECTIONS"
        );
        env_field!(secure_cookies, "AUROMART_SECURE_COOKIES");
        env_field!(session_days, "AUROMART_SESSION_DAYS");
        env_field!(session_cache_ms, "AUROMART_SESSION_CACHE_MS");
        env_field!(login_max_failures, "AUROMART_LOGIN_MAX_FAILURES");
        env_field!(login_window_secs, "AUROMART_LOGIN_WINDOW_SECS");
        env_field!(login_lockout_secs, "AUROMART_LOGIN_LOCKOUT_SECS");
        env_field!(demo_data, "AUROMART_DEMO_DATA");
        env_field!(font_dir, "AUROMART_FONT_DIR");
        env_field!(pincode_file, "AUROMART_PINCODE_FILE");
        env_field!(whatsapp.api_base, "AUROMART_WHATSAPP_API_BASE");
        env_field!(whatsapp.api_version, "AUROMART_WHATSAPP_API_VERSION");
        env_field!(
            whatsapp.phone_number_id,
            "AUROMART_WHATSAPP_PHONE_NUMBER_ID"
        );
        env_field!(whatsapp.sender, "AUROMART_WHATSAPP_SENDER");
        env_field!(whatsapp.rate_per_sec, "AUROMART_WHATSAPP_RATE_PER_SEC");
        env_field!(whatsapp.concurrency, "AUROMART_WHATSAPP_CONCURRENCY");
        env_field!(whatsapp.lease_secs, "AUROMART_WHATSAPP_LEASE_SECS");
        env_field!(whatsapp.in_doubt_secs, "AUROMART_WHATSAPP_IN_DOUBT_SECS");
        env_field!(whatsapp.retry_base_ms, "AUROMART_WHATSAPP_RETRY_BASE_MS");
        env_field!(whatsapp.max_attempts, "AUROMART_WHATSAPP_MAX_ATTEMPTS");
        env_field!(whatsapp.poll_ms, "AUROMART_WHATSAPP_POLL_MS");
        env_field!(whatsapp.timeout_secs, "AUROMART_WHATSAPP_TIMEOUT_SECS");
        env_field!(monthly_summaries, "AUROMART_MONTHLY_SUMMARIES");
        env_field!(razorpay.api_base, "AUROMART_RAZORPAY_API_BASE");
        env_field!(razorpay.timeout_secs, "AUROMART_RAZORPAY_TIMEOUT_SECS");
        env_field!(razorpay.link_days, "AUROMART_RAZORPAY_LINK_DAYS");
        env_field!(reminder_interval_secs, "AUROMART_REMINDER_INTERVAL_SECS");
        env_field!(reminder_from_hour, "AUROMART_REMINDER_FROM_HOUR");
        env_field!(reminder_to_hour, "AUROMART_REMINDER_TO_HOUR");
        let wa = &mut self.whatsapp;
        for (name, secret) in [
            ("AUROMART_WHATSAPP_TOKEN", &mut wa.token),
            ("AUROMART_WHATSAPP_APP_SECRET", &mut wa.app_secret),
            ("AUROMART_WHATSAPP_VERIFY_TOKEN", &mut wa.verify_token),
        ] {
            if let Some(v) = get(name) {
                *secret = SecretString::from(v.trim().to_string());
            }
        }
        Ok(())
    }

    pub fn database_url(&self) -> Result<SecretString, ConfigError> {
        if self.database_url.is_empty() {
            return Err(ConfigError::NoDatabase);
        }
        Ok(SecretString::from(self.database_url.clone()))
    }
}

/// Shown in logs without the password.
pub fn redact_url(url: &SecretString) -> String {
    let s = url.expose_secret();
    match (s.find("://"), s.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://***{}", &s[..scheme], &s[at..]),
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_overrides_file() {
        let mut c: Config =
            toml::from_str::<File>("[auromart]\nsession_days = 7\ndemo_data = true\n")
                .expect("parses")
                .auromart
                .expect("section");
        assert_eq!(c.session_days, 7);
        c.apply_env(|n| match n {
            "DATABASE_URL" => Some("postgres://u:pw@h/db".into()),
            "AUROMART_SESSION_DAYS" => Some("3".into()),
            _ => None,
        })
        .expect("valid env");
        assert_eq!(c.session_days, 3);
        assert!(c.demo_data);
        assert_eq!(
            redact_url(&c.database_url().expect("set")),
            "postgres://***@h/db"
        );
        let bad = c.apply_env(|n| (n == "AUROMART_SESSION_DAYS").then(|| "soon".to_string()));
        assert!(matches!(bad, Err(ConfigError::Env { .. })));
    }

    #[test]
    fn whatsapp_has_its_own_section_and_its_secrets_stay_out_of_logs() {
        let mut c: Config = toml::from_str::<File>(
            "[auromart]\nsession_days = 7\n[auromart.whatsapp]\nphone_number_id = \"1234\"\ntoken = \"tok-in-file\"\n",
        )
        .expect("parses")
        .auromart
        .expect("section");
        assert_eq!(c.whatsapp.phone_number_id, "1234");
        assert_eq!(c.whatsapp.rate_per_sec, 80, "unset keys keep their default");
        c.apply_env(|n| match n {
            "AUROMART_WHATSAPP_APP_SECRET" => Some(" app-secret-from-env ".into()),
            "AUROMART_WHATSAPP_RATE_PER_SEC" => Some("20".into()),
            _ => None,
        })
        .expect("valid env");
        assert_eq!(c.whatsapp.token.expose_secret(), "tok-in-file");
        assert_eq!(c.whatsapp.app_secret.expose_secret(), "app-secret-from-env");
        assert_eq!(c.whatsapp.rate_per_sec, 20);
        let shown = format!("{c:?}");
        assert!(!shown.contains("tok-in-file") && !shown.contains("app-secret-from-env"));
        assert!(
            toml::from_str::<File>("[auromart]\nwhatsapp_token = \"x\"\n").is_err(),
            "the old flat keys are refused, not ignored"
        );
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(toml::from_str::<File>("[auromart]\nsesion_days = 7\n").is_err());
    }
}
