"""Presentation only: the Dash app. Reads the warehouse through warehouse.query, never SQL."""
