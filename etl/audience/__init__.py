"""Audience series: live-stream minutes and retention curves (FORMATS.md sections 5-6)."""
