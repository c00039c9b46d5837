"""Topic attention series: Google Trends downloads (any UI language), 百度指数, 微信指数, 巨量算数
and our own long / wide files (FORMATS.md section 8)."""
