//! Native tests of the operations pages' pure logic (the seed 000, seed 001 and §9 pages live
//! under `pages/`, which only the wasm32 build compiles): the status polling's backoff, the
//! conversation log's lines, pasted or CSV tickets, the call-center filters, and a contact's
//! prompt variables and preview. Each file is compiled here from its source, where its own
//! `#[cfg(test)]` tests run.

// What those files reach through `crate::`.
use kefu_console::{numbers, text};

#[allow(dead_code)]
#[path = "../src/pages/outbound/poll.rs"]
mod poll;

#[allow(dead_code)]
#[path = "../src/pages/outbound/log.rs"]
mod log;

#[allow(dead_code)]
#[path = "../src/pages/callcenter/tickets.rs"]
mod tickets;

#[allow(dead_code)]
#[path = "../src/pages/callcenter/query.rs"]
mod query;

#[allow(dead_code)]
#[path = "../src/pages/inbound/vars.rs"]
mod vars;
