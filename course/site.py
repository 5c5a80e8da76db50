"""Build the course site: README.md as the front page, then the core notebooks (notebooks/NN_*.ipynb) and the deep
dives (notebooks/deep-dives/*.ipynb), rendered by Sphinx + MyST-NB from their committed outputs; nothing is executed.

Run: .venv/bin/python -m course.site [OUT]   (default build/site/; `make site` runs it)

The sources are staged in OUT-src/ (README.md as index.md with the toctrees appended, the notebooks, docs/figures/ and
the Markdown pages the README links to) in the repository's own layout, so the README's relative links work as they
are. The settings are docs/site/conf.py. Any Sphinx warning fails the build (-W --keep-going).
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

from course import series
from helpers.internal.paths import ROOT

CONF = ROOT / "docs" / "site"


def toctree(caption: str, pages: list[Path], root: Path) -> str:
    if not pages:
        return ""
    entries = "\n".join(p.relative_to(root).with_suffix("").as_posix() for p in pages)
    return f"\n```{{toctree}}\n:hidden:\n:caption: {caption}\n\n{entries}\n```\n"


def stage(src: Path, root: Path = ROOT) -> Path:
    """Copy what the site is made of from ``root`` into ``src`` (emptied first) and write its index.md."""
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir(parents=True)
    core = [p for p in series.notebooks(root) if series.is_core(p)]
    dives = [p for p in series.notebooks(root) if not series.is_core(p)]
    for path in [*core, *dives]:
        (src / path.relative_to(root)).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, src / path.relative_to(root))
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
    return subprocess.run(command, capture_output=True, text=True)


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build" / "site")
    done = build(out)
    sys.stdout.write(done.stdout)
    sys.stderr.write(done.stderr)
    if done.returncode:
        sys.exit(f"site build failed (exit {done.returncode}): see the warnings above")
    print(f"course site: {out / 'index.html'}")
