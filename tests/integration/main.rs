//! Integration tests against a real PostgreSQL: each test gets its own fresh
//! database and its own server on a free port, so tests run in parallel.

mod accounts;
mod audit;
mod catalog;
mod common;
mod directory;
mod gateway;
mod gst_schedule;
mod hardening;
mod holds;
mod invoices;
mod khata;
mod orders;
mod places;
mod reminders;
mod reports;
mod reset;
mod role_matrix;
mod schema;
mod whatsapp;
