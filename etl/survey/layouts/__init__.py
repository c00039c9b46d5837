"""Survey-export layout readers, one module per tool; each yields a `base.SurveyExport`."""
