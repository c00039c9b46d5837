"""Topic attention indices (百度指数, 微信指数, 微博热度), long or wide (FORMATS.md section 8)."""
