//! SQLite store (see issue: durable store). Not yet built.
