"""tlt — the teacher leadership tracker.

A library with a thin command-line interface: loading, validation, rules, reports and rendering are importable
(`tlt.pipeline.load_repository`, `tlt.judge.judge`, `tlt.reports`, `tlt.render`) and the Typer app in `tlt.cli`
only parses options and renders.
"""

__version__ = "0.1.0"

# The name on PyPI (`pip install teacher-leadership-tracker`); the command is still `tlt`. Not `tlt`: that
# distribution name belongs to an unrelated project, so `pip install tlt` would install someone else's code.
DISTRIBUTION = "teacher-leadership-tracker"
