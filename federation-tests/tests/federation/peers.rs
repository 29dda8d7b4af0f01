//! Independent fediverse software as peers (added as each peer harness lands).
