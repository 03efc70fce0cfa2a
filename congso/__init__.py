"""congso: open-source e-government platform for a Vietnamese province."""
