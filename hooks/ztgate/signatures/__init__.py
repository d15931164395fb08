"""The signed-commits gate: every outgoing commit signed by a key the repo's own policy allows."""
