"""Writes of Billing II, one module per area; views, tasks and commands call these."""
