"""Pages of the pathways app."""
