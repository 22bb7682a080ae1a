""" "Did you mean …?": the one place tlt looks for the choice a mistyped word meant, and says so. Imports nothing
from tlt.

* `closest(word, choices, n, cutoff)`: difflib's closest choices, best first;
* `suggestions(word, choices, n, cutoff)`: what a command's error suggests for an id typed on the command line:
  the same id in another case, then the ids that contain the word (`mentor` → `jps-new-teacher-mentor`), then
  difflib's closest; never a choice below the cutoff (a term id suggests only near spellings: `TERM_CUTOFF`);
* `in_problem(matches)`: the words a problem's message ends with, ` (did you mean 'x'?)`;
* `in_error(matches)`: the words a command's error ends with, `; did you mean x, y?`;
* `Suggester` and `Hints`: the same for the problems of a whole repository, at a cost that the number of choices
  does not multiply.

`difflib.get_close_matches` compares the word with every choice, and a repository may ask it once for each of
many unknown words among many choices (docs/performance.md, "Figures behind the code"). So:

* up to `SMALL` choices (roles, terms: the usual case), difflib over all of them;
* beyond, only the choices one edit away (a character deleted, inserted, replaced, or two neighbours swapped:
  the typos people make) are looked up, each in the set of choices, and difflib picks among those: a few
  thousand set lookups a word whatever the number of choices, and no index to build;
* a suggestion is looked for in the problems of a file at most `PER_FILE` times (`Hints`): a file naming
  100,000 unknown teachers gets at most ten, and the rest of its messages say only what is wrong. Which
  messages get one depends only on the file, never on how the work was cut into batches between processes.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection

#: Up to this many choices, difflib compares the word with each of them.
SMALL = 100
#: At most this many suggestions in the problems of one file.
PER_FILE = 10
#: The characters of an id (SPEC 2): the edits tried are made of these.
ID_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789_-"
#: Words longer than an id are not ids: no edit of them is one.
MAX_ID_LENGTH = 64


def closest(word: str, choices: Collection[str], n: int = 1, cutoff: float = 0.6) -> list[str]:
    """At most `n` choices like `word` (difflib's ratio at least `cutoff`), best first."""
    return difflib.get_close_matches(word, choices, n=n, cutoff=cutoff)


#: Term ids are all alike (`2020-21`, `2023-24`): only a near spelling of one is a suggestion (`2025-27` → `2025-26`,
#: ratio 0.86; `2030-31` → `2020-21` is 0.71 and is not one).
TERM_CUTOFF = 0.8


def suggestions(word: str, choices: Collection[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """At most `n` choices `word` may have meant, best first: those equal to it but for case, then those that
    contain it (from 3 characters on; shortest first), then difflib's closest (ratio at least `cutoff`, case
    ignored)."""
    folded = word.casefold()
    by_fold: dict[str, list[str]] = {}
    for choice in sorted(choices):
        by_fold.setdefault(choice.casefold(), []).append(choice)
    found = list(by_fold.get(folded, []))
    if len(folded) >= 3:
        found += sorted((c for f, cs in by_fold.items() if folded in f and f != folded for c in cs), key=len)
    for f in difflib.get_close_matches(folded, list(by_fold), n=n, cutoff=cutoff):
        found += by_fold[f]
    return list(dict.fromkeys(found))[:n]


def in_problem(matches: list[str]) -> str:
    """What a problem's message ends with: ` (did you mean 'x'?)` for the best match, or nothing."""
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def in_error(matches: list[str]) -> str:
    """What a command's error (`TltError`) ends with: `; did you mean x, y?`, or nothing."""
    return f"; did you mean {', '.join(matches)}?" if matches else ""


class Suggester:
    """The closest choice to a word, or None; each word answered once."""

    def __init__(self, choices: Collection[str]) -> None:
        self.choices = choices
        self._sorted: list[str] | None = None
        self._answers: dict[str, str | None] = {}

    def __call__(self, word: str) -> str | None:
        if word not in self._answers:
            self._answers[word] = self._closest(word)
        return self._answers[word]

    def _closest(self, word: str) -> str | None:
        if len(self.choices) <= SMALL:
            if self._sorted is None:
                self._sorted = sorted(self.choices)
            pool = self._sorted
        elif len(word) > MAX_ID_LENGTH:
            return None
        else:
            pool = sorted({edit for edit in one_edit(word) if edit in self.choices})
        match = closest(word, pool)
        return match[0] if match else None


def one_edit(word: str) -> set[str]:
    """Every id-character string one edit from `word`: a character deleted, inserted or replaced, or two
    neighbours swapped (at most 77 × len + 38 of them)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {a + b[1:] for a, b in splits if b}
    edits.update(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1)
    edits.update(a + c + b[1:] for a, b in splits if b for c in ID_CHARACTERS)
    edits.update(a + c + b for a, b in splits for c in ID_CHARACTERS)
    edits.discard(word)
    return edits


class Hints:
    """` (did you mean 'x'?)` for the problems of one file after another: at most `PER_FILE` a file."""

    def __init__(self, choices: Collection[str]) -> None:
        self.suggest = Suggester(choices)
        self._file: str | None = None
        self._asked = 0

    def __call__(self, word: str, file: str) -> str:
        if file != self._file:
            self._file, self._asked = file, 0
        if self._asked >= PER_FILE:
            return ""
        # every question counts, answered or not, found or not: the cap bounds the work (also when no question
        # finds anything) and depends on the file alone
        self._asked += 1
        match = self.suggest(word)
        return in_problem([match] if match is not None else [])
