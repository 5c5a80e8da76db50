"""The numbers a notebook's prose states that none of its code cells computes (tests/course/test_prose_numbers.py).

Run: .venv/bin/python -m course.prose_numbers NOTEBOOK.ipynb [...]   (lists them; exit 1 when something is listed)

The rule: a number written in a markdown cell (0.852, 47%, 1.9×, 2,537) must appear in a code cell of the same notebook,
in its source or in its saved outputs, after rounding to the digits the prose shows (a percentage may be printed as a
share: 47% as 0.47). Integers below 10 without a unit are left out (counts of things, list numbering, notebook numbers),
and so is text that states no result: code spans and fenced code, link targets, HTML tags, and a number that is part of
a dotted version or address (0.4.2.1, 127.0.0.1). It knows nothing of the lecture (its text is not in the repository).
tests/course/test_prose_numbers.py adds what this listing leaves to it: the opening cell's times, checked against
benchmarks/results/ and the reading map, and the short list of typed numbers, each with its reason.
"""

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

NUM = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+\.\d+|\d+)(?:\s?(%|×|x\b))?")
# text that states no result: fenced code, code spans, a link's target, an HTML tag or comment, an autolink
NOT_PROSE = re.compile(r"```.*?```|`[^`]*`|\]\([^)]*\)|<!--.*?-->|</?[A-Za-z][^>]*>", re.S)


@dataclass(frozen=True)
class Stated:
    """One number as the prose writes it: ``raw`` and ``unit`` as written, its value, its decimals, and where it is
    (``start``, ``end``) in the whitespace-normalized text."""
    raw: str
    unit: str
    value: float
    decimals: int
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.raw + self.unit


def normalize(text: str) -> str:
    """Runs of whitespace as one space: a phrase is found whatever the line breaks."""
    return " ".join(text.split())


def numbers(text: str):
    """(raw, unit, value, decimals) of every number in ``text``, as the shared tool reads them."""
    for m in NUM.finditer(text):
        raw, unit = m.group(1), m.group(2) or ""
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        yield raw, unit, float(raw.replace(",", "")), decimals


def stated(text: str) -> list[Stated]:
    """The numbers a reader would check in ``text`` (already normalized), with their positions in it."""
    masked = NOT_PROSE.sub(lambda m: " " * len(m.group(0)), text)
    found = []
    for m in NUM.finditer(masked):
        raw, unit = m.group(1), m.group(2) or ""
        if re.match(r"\.\d", masked[m.end(1):]):
            continue  # 0.4.2.1, 127.0.0.1: a version or an address
        value, decimals = float(raw.replace(",", "")), len(raw.split(".")[1]) if "." in raw else 0
        if value < 10 and decimals == 0 and not unit:
            continue  # small integers: counts of things, list numbering, notebook numbers
        found.append(Stated(raw, unit, value, decimals, m.start(), m.end()))
    return found


def computed_values(nb: dict) -> set[float]:
    """Every number in a code cell's source or saved outputs (text, and every text/* output but HTML)."""
    vals = set()
    for c in nb["cells"]:
        if c["cell_type"] != "code":
            continue
        texts = ["".join(c["source"])]
        for o in c.get("outputs", []):
            if "text" in o:
                texts.append("".join(o["text"]))
            for k, v in o.get("data", {}).items():
                if k.startswith("text/") and k != "text/html":
                    texts.append("".join(v) if isinstance(v, list) else str(v))
        for t in texts:
            vals |= {value for _, _, value, _ in numbers(t)}
    return vals


def variants(value: float, decimals: int, unit: str) -> set[float]:
    """Ways a cell may have printed the same number: as is, as a share when the prose says %, and rounded."""
    out = {round(value, decimals)}
    if unit == "%":
        out.add(round(value / 100, decimals + 2))
    return out


def matches(n: Stated, computed: set[float]) -> bool:
    """Whether a cell computed ``n``: some computed value rounds to it at the digits the prose shows."""
    for target in variants(n.value, n.decimals, n.unit):
        d = n.decimals + (2 if n.unit == "%" and target != round(n.value, n.decimals) else 0)
        if any(round(v, d) == target for v in computed):
            return True
    return False


def markdown_cells(nb: dict) -> list[tuple[int, str]]:
    """(cell index, normalized text) of every markdown cell."""
    return [(i, normalize("".join(c["source"]))) for i, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown"]


def unchecked(nb: dict) -> list[tuple[int, Stated, str]]:
    """(cell index, number, the cell's normalized text) for every number in prose that no code cell computes."""
    computed = computed_values(nb)
    return [(i, n, text) for i, text in markdown_cells(nb) for n in stated(text) if not matches(n, computed)]


def context(text: str, n: Stated, width: int = 40) -> str:
    return "…" + text[max(0, n.start - width):n.end + width] + "…"


def main(argv: list[str]) -> int:
    total = 0
    for path in argv:
        found = unchecked(json.loads(Path(path).read_text(encoding="utf-8")))
        total += len(found)
        print(f"{path}: {len(found)} number(s) in prose that no cell computes")
        for i, n, text in found:
            print(f"  cell {i}: {n.text}   {context(text, n)}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
