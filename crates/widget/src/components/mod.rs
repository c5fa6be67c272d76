//! The chat's view, one component a file: the [`panel`] (which owns the session and the state),
//! each transcript [`entry`], the [`composer`], the satisfaction [`rating`], and the bot's
//! [`markdown`] as DOM nodes.

pub mod composer;
pub mod entry;
pub mod markdown;
pub mod panel;
pub mod rating;
