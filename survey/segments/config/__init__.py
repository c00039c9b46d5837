"""Versioned segmentation configuration: default rule segments and clustering parameters."""
