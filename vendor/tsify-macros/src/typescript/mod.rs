mod basic;
mod ts_type;
mod ts_type_display;
mod ts_type_from_name;

pub use basic::*;
pub use ts_type::*;
