"""Pages of the intelligence app."""
