"""`python -m tlt`: the same as the `tlt` console script."""

from tlt.cli import main

if __name__ == "__main__":
    main()
