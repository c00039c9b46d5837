"""Creator activity: works community members published, by participant (FORMATS.md section 7)."""
