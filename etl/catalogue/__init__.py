"""Program catalogue: editions, programs, creators, sponsors and content items per platform."""

from etl.catalogue.read import read_catalogue

__all__ = ["read_catalogue"]
