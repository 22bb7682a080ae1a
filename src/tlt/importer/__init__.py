"""`tlt import` (SPEC 11): district records from a CSV export into teacher files, declared by a map.

`mapfile` reads the map and converts cells; `export` streams the CSV with every size bounded; `plan` makes
the plan (every row checked, every file's new text read back) and writes it; `yamledit` renders what changes
with ruamel.yaml and keeps every other byte of an existing file.
"""
