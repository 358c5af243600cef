//! `sqlx::migrate!` embeds the migrations folder at compile time; without this,
//! adding a migration file does not rebuild the crate and a stale binary runs
//! the old set.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
