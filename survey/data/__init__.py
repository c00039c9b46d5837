"""Reference data for the normalisers (roles, cities, tiers); read via ``importlib.resources``."""
