"""Writes of the hub: members (members.py), tokens (tokens.py), packages (messages.py)."""
