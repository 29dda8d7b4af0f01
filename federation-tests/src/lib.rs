//! Federation tests: several real Buurt instances on loopback federating with each other.
