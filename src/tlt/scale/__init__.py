"""The scale layer: speed as wrappers the plain code never sees (STYLE.md, flake8's `Manager`).

Each module here answers some questions faster than the plain functions do, with the same answer, and hands the
rest to them; remove one and the plain path gives the same bytes, slower. Nothing above imports this package but
the entry points that install a wrapper (the CLI). `spool`: check-eligibility's CSV and JSON of every teacher,
judged on every core and spooled to temporary files.
"""
