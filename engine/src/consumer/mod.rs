//! The consuming side: a consumer group of the classic protocol, its members' poll loops,
//! their commits, and the downstream sink — the answer to "how many times was each
//! record's effect applied?" (kafka-semantics.md §A.2, §B.9).

pub mod assignor;
pub mod coordinator;
pub mod facts;
pub mod member;
pub mod protocol;
pub mod sink;
pub mod spec;
pub mod timers;
mod validation;
