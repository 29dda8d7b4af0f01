//! ActivityPub: protocol types, actors, inbox and discovery (issue "Federation core").
