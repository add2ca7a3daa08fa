"""The COD table import, one step per module: read (geo.readers) → plan → check → apply.

`findings` holds what an import reports, `values` how one cell is read (names,
population, years), `plan` what the files say (rows → planned areas), `checks` what
only shows across rows, files and the database, `apply` the writes. The service
`sitetrack.geo.services.admin_areas_import` runs them in that order.
"""
