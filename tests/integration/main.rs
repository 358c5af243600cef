//! Integration tests against a real PostgreSQL: each test gets its own fresh
//! database and its own server on a free port, so tests run in parallel.

mod accounts;
mod catalog;
mod common;
mod hardening;
mod invoices;
mod orders;
mod reports;
mod role_matrix;
mod schema;
mod whatsapp;
