"""Getting data in: detect, decode, map, validate, normalise (via survey/) and load (via warehouse/)."""
