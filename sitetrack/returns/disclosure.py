"""Statistical disclosure control for every published figure of the return intention
report: small cells are suppressed, and enough others with them that no published total
gives a suppressed cell back by subtraction.

Every figure the report publishes is a cell with a key (a tuple). Tables that share a
figure share its key, so the total of households intending to return is one cell whether
the by-site table, the by-origin table or the headline shows it. Additive relations
between published figures are *lines*: `margin = sum(members)` (a site's households =
its households by intention; the households of a site type = the sum of its sites; the
households intending to return = the sum of their timings; a row of the origin–destination
matrix = the households of the sites in that admin 2). One suppression is computed over
all lines at once, so a figure hidden in one table is hidden in every other.

Rules (the classic cell-suppression heuristic for tables with margins, as in Hundepool et
al., *Statistical Disclosure Control*, Wiley 2012, chapter 4):
1. primary: a cell counting more than 0 and fewer than `threshold` households;
2. secondary: while some line has exactly one hidden term (cell or margin), hide the
   smallest non-zero visible member of that line as well (its margin when no member is
   left), and look at every line again.
Zero cells are published: a zero cannot be combined with anything to reveal a household.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable

Key = Hashable


class Suppression:
    def __init__(self, threshold: int) -> None:
        self.threshold = max(1, int(threshold))
        self.values: dict[Key, int] = {}
        self.lines: list[tuple[Key, tuple[Key, ...]]] = []
        self.hidden: set[Key] = set()
        self._done = False

    def cell(self, key: Key, value: int) -> None:
        """Declare a published count (declaring it twice must give the same value)."""
        value = int(value or 0)
        old = self.values.setdefault(key, value)
        if old != value:
            raise ValueError(f"cell {key!r} declared as {old} and {value}")

    def line(self, margin: Key, members: Iterable[Key]) -> None:
        """Declare that `margin` is the sum of `members` (all already declared)."""
        members = tuple(members)
        if members:
            self.lines.append((margin, members))

    def run(self) -> Suppression:
        threshold = self.threshold
        self.hidden = {k for k, v in self.values.items() if 0 < v < threshold}
        by_key: dict[Key, list[int]] = defaultdict(list)
        for i, (margin, members) in enumerate(self.lines):
            for key in (margin, *members):
                by_key[key].append(i)
        pending = set(range(len(self.lines)))
        while pending:
            i = pending.pop()
            margin, members = self.lines[i]
            terms = (margin, *members)
            if sum(1 for k in terms if k in self.hidden) != 1:
                continue
            candidates = [k for k in members if k not in self.hidden and self.values[k] > 0]
            if candidates:
                chosen = min(candidates, key=lambda k: (self.values[k], repr(k)))
            elif margin not in self.hidden and self.values[margin] > 0:
                chosen = margin
            else:  # only zeros are left: nothing more can be learnt from this line
                continue
            self.hidden.add(chosen)
            pending.update(by_key[chosen])
        self._done = True
        return self

    def is_hidden(self, key: Key) -> bool:
        if not self._done:
            raise RuntimeError("run() the suppression before reading it")
        return key in self.hidden

    def shown(self, key: Key) -> int | None:
        """The count when it may be published, None when it is suppressed."""
        return None if self.is_hidden(key) else self.values.get(key, 0)

    def label(self) -> str:
        return f"<{self.threshold}"
