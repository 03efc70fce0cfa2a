"""HTML views of the portal, one module per area (public, sign-in, staff workspace, directory)."""
