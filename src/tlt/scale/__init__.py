"""The scale layer: speed as wrappers the plain code never sees (STYLE.md, flake8's `Manager`).

Each module here answers some questions faster than the plain functions do, with the same answer, and hands the
rest to them; remove one and the plain path gives the same bytes, slower. Nothing above imports this package but
the entry points (the CLI), which call `install()` once.

- `runner`: `ScaledRunner`, the pipeline's loops on every core (`pipeline.RUNNER`, put there by `install()`);
- `batches`: the teacher files cut in batches (BATCH, TLT_BATCH);
- `workers`: forked worker processes taking batches from a queue (TLT_JOBS, TLT_FORK_MIN_FILES);
- `read_ahead`: the working tree's files opened ahead of the one being parsed;
- `spool`: check-eligibility's CSV and JSON of every teacher, judged on every core and spooled to temporary
  files (a wrapper of `tlt.eligibility.check_eligibility` that `tlt.cli.eligibility` picks).
"""

from __future__ import annotations


def install() -> None:
    """Run the pipeline on the scale layer: `pipeline.RUNNER` becomes the `ScaledRunner`. The CLI calls it once,
    before any command runs."""
    from tlt import pipeline
    from tlt.scale.runner import ScaledRunner

    if not isinstance(pipeline.RUNNER, ScaledRunner):
        pipeline.RUNNER = ScaledRunner()
