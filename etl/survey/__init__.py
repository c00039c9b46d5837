"""Survey exports (问卷星 text/code, 腾讯问卷, generic CSV/XLSX) into the warehouse."""
