//! The persistent outgoing delivery queue and its workers (issue "Federation core").
