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
    /// Log-in lock-out: this many wrong passwords within the window...
    pub login_max_failures: i64,
    pub login_window_secs: i64,
    /// ...pause log-in for the account this long.
    pub login_lockout_secs: i64,
    /// Load the demo organisations and users at start (idempotent).
    pub demo_data: bool,
    /// Folder holding NotoSansDevanagari-Regular.ttf / -Bold.ttf (Debian fonts-noto-core).
    pub font_dir: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: String::new(),
            database_max_connections: 20,
            secure_cookies: false,
            session_days: 30,
            login_max_failures: 10,
            login_window_secs: 60,
            login_lockout_secs: 15 * 60,
            demo_data: false,
            font_dir: crate::pdf::fonts::NOTO_DIR.to_string(),
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
            ($field:ident, $name:literal) => {
                if let Some(v) = get($name) {
                    self.$field = parse($name, v)?;
                }
            };
        }
        env_field!(
            database_max_connections,
            "AUROMART_DATABASE_MAX_CONNECTIONS"
        );
        env_field!(secure_cookies, "AUROMART_SECURE_COOKIES");
        env_field!(session_days, "AUROMART_SESSION_DAYS");
        env_field!(login_max_failures, "AUROMART_LOGIN_MAX_FAILURES");
        env_field!(login_window_secs, "AUROMART_LOGIN_WINDOW_SECS");
        env_field!(login_lockout_secs, "AUROMART_LOGIN_LOCKOUT_SECS");
        env_field!(demo_data, "AUROMART_DEMO_DATA");
        env_field!(font_dir, "AUROMART_FONT_DIR");
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
    fn unknown_keys_are_refused() {
        assert!(toml::from_str::<File>("[auromart]\nsesion_days = 7\n").is_err());
    }
}
