"""Rendering: problems and rows in, text out. Pure functions; nothing here reads files or prints.

One layer serves every command: `rows.py` turns a `Table` (typed columns and rows) into a terminal table, CSV
(with the spreadsheet-formula guard) or JSON; `problems.py` turns problems into text, JSON, GitHub annotations,
SARIF or JUnit.
"""
