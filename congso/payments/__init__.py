"""Fee payments through a payment provider, signed callbacks, and reconciliation."""
