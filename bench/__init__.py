"""Benchmarks of DESIGN.md section 7 and the scale generator they run on (issue 7)."""
