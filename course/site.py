"""Build the course site: README.md as the front page, then the core notebooks (notebooks/NN_*.ipynb) and the deep
dives (notebooks/deep-dives/*.ipynb), rendered by Sphinx + MyST-NB from their committed outputs; nothing is executed.

Run: .venv/bin/python -m course.site [OUT]   (default build/site/; `make site` runs it)

The sources are staged in OUT-src/ (README.md as index.md with the toctrees appended, the notebooks, docs/figures/ and
the Markdown pages the README links to) in the repository's own layout, so the README's relative links work as they
are. The settings are docs/site/conf.py. Any Sphinx warning fails the build (-W --keep-going).

It is the students' site: a staged notebook keeps its outputs but not the exercises' solutions (each answer cell is
the student edition's stub, its check shows no output) nor the check cells behind the prose (tagged ``remove-cell``),
and each page's download button serves the student edition (student/).
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from course import series
from course.course_files import exercises, stub
from helpers.internal.paths import ROOT

CONF = ROOT / "docs" / "site"


def toctree(caption: str, pages: list[Path], root: Path) -> str:
    if not pages:
        return ""
    entries = "\n".join(p.relative_to(root).with_suffix("").as_posix() for p in pages)
    return f"\n```{{toctree}}\n:hidden:\n:caption: {caption}\n\n{entries}\n```\n"


def students_page(nb):
    """A notebook as the site shows it (a copy): each exercise's answer replaced by the student edition's stub and the
    outputs of the answer and its check cleared; the check cells behind the prose left out."""
    nb = nbformat.from_dict(nb)
    for i, _, answers in exercises(nb):
        nb.cells[i].source = stub(answers)
        for cell in nb.cells[i:i + 2]:
            cell.outputs, cell.execution_count = [], None
    nb.cells = [c for c in nb.cells if "remove-cell" not in c.metadata.get("tags", [])]
    return nb


def stage(src: Path, root: Path = ROOT) -> Path:
    """Copy what the site is made of from ``root`` into ``src`` (emptied first) and write its index.md."""
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir(parents=True)
    core = [p for p in series.notebooks(root) if series.is_core(p)]
    dives = [p for p in series.notebooks(root) if not series.is_core(p)]
    for path in [*core, *dives]:
        (src / path.relative_to(root)).parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(students_page(nbformat.read(path, as_version=4)), src / path.relative_to(root))
    shutil.copytree(root / "docs" / "figures", src / "docs" / "figures")
    readme = (root / "README.md").read_text(encoding="utf-8")
    # Markdown pages the README links to (data/README.md, the data card): pages of the site outside the navigation
    for link in sorted(set(re.findall(r"\]\(([^)#\s:]+\.md)(?:#[^)\s]*)?\)", readme))):
        if (root / link).is_file():
            (src / link).parent.mkdir(parents=True, exist_ok=True)
            (src / link).write_text("---\norphan: true\n---\n" + (root / link).read_text(encoding="utf-8"),
                                    encoding="utf-8")
    index = readme + toctree("Notebooks", core, root) + toctree("Deep dives", dives, root)
    (src / "index.md").write_text(index, encoding="utf-8")
    return src


def build(out: Path, root: Path = ROOT) -> subprocess.CompletedProcess:
    """Stage the sources next to ``out`` and run sphinx-build into ``out``; the result has its output and exit code."""
    out = Path(out).resolve()
    src = stage(out.with_name(out.name + "-src"), root)
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", "--keep-going", "-E", "-c", str(CONF),
               "-d", str(out.with_name(out.name + "-doctrees")), str(src), str(out)]
    done = subprocess.run(command, capture_output=True, text=True)
    for path in series.notebooks(root):  # the download button serves the student edition
        download = out / "_sources" / path.relative_to(root)
        if download.is_file():
            shutil.copy2(root / "student" / path.relative_to(root / "notebooks"), download)
    return done


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build" / "site")
    done = build(out)
    sys.stdout.write(done.stdout)
    sys.stderr.write(done.stderr)
    if done.returncode:
        sys.exit(f"site build failed (exit {done.returncode}): see the warnings above")
    print(f"course site: {out / 'index.html'}")
