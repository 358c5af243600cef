//! The catalog's use cases, one file each: categories, SKUs, their photos, the
//! CSV check (pure) and the CSV import.

mod categories;
mod csv;
pub mod gst;
mod import;
mod photos;
pub mod proposals;
mod skus;

pub use categories::{categories, decide_category, propose_category};
pub use csv::{CsvCheck, MAX_REPORTED_ERRORS, check_csv, check_csv_part};
pub use import::{MAX_PART_BYTES, import_begin, import_csv, import_finish, import_part};
pub use photos::{photo_bytes, remove_photo, set_photo};
pub use skus::{my_skus, save_sku};
