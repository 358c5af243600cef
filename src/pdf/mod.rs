//! PDF documents (server only): fonts, shaping and a small A4 canvas over printpdf.

pub mod canvas;
pub mod fonts;
pub mod layout_check;
pub mod unhint;
