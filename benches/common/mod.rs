//! What the benchmarks share: settings from the environment, the bench
//! database's URL, and percentiles of timed calls.

use std::time::Duration;

pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `url` with its database replaced by `name`.
pub fn with_db(url: &str, name: &str) -> String {
    match url.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => url.to_string(),
    }
}

/// Durations of timed calls.
pub struct Stats(pub Vec<Duration>);

impl Stats {
    /// The `p` quantile (0.95 for p95) in milliseconds.
    pub fn pct(&mut self, p: f64) -> f64 {
        self.0.sort_unstable();
        if self.0.is_empty() {
            return 0.0;
        }
        let i = ((self.0.len() as f64 * p).ceil() as usize).clamp(1, self.0.len()) - 1;
        self.0[i].as_secs_f64() * 1000.0
    }
}
