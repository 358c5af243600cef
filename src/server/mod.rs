//! Server-only plumbing: configuration, database, sessions, the authorisation
//! guard every server function goes through, and the HTTP router.

pub mod audit;
pub mod boundary;
pub mod config;
pub mod db;
pub mod db_types;
pub mod demo;
pub mod guard;
pub mod hmac;
pub mod http;
pub mod icons;
pub mod listing;
pub mod password;
pub mod precompress;
pub mod reference;
pub mod request_id;
pub mod router;
pub mod session;
pub mod session_cache;
pub mod startup;
pub mod state;

pub use guard::{Ctx, Public};
pub use state::{AppState, spawn_workers};
