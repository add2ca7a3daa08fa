"""XLSForms generated from the indicator catalogue and the site registry."""
