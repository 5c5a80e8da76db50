"""The three homes and the direction of their imports (docs/architecture.md): the technique modules of ``helpers``
may import ``helpers.internal``; nothing in ``helpers`` imports the course machinery (``course``) or the benchmarks;
``course`` never imports the benchmarks; and ``import helpers`` loads no submodule until one is used."""

import ast
import subprocess
import sys

import pytest

from helpers.internal.paths import ROOT

FORBIDDEN = {"helpers": ("course", "benchmarks", "common"), "course": ("benchmarks", "common")}


def imported_packages(path):
    """The top-level names a Python file imports (at any depth: inside functions too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def wrong_way(root=ROOT):
    return sorted(f"{path.relative_to(root)} imports {name}"
                  for home, banned in FORBIDDEN.items() for path in (root / home).rglob("*.py")
                  for name in imported_packages(path) & set(banned))


def test_no_import_runs_the_wrong_way():
    assert wrong_way() == []


def test_the_layer_check_can_fail(tmp_path):
    (tmp_path / "helpers").mkdir()
    (tmp_path / "course").mkdir()
    (tmp_path / "helpers" / "weak.py").write_text("def f():\n    from course import checks\n")
    (tmp_path / "course" / "checks.py").write_text("import benchmarks.common\n")
    assert wrong_way(tmp_path) == ["course/checks.py imports benchmarks", "helpers/weak.py imports course"]


def test_import_helpers_is_lazy_and_its_all_is_true():
    code = ("import sys, helpers; loaded = [m for m in sys.modules if m.startswith('helpers.')]; "
            "heavy = [m for m in ('numpy', 'sklearn', 'openai', 'matplotlib') if m in sys.modules]; "
            "print(loaded, heavy); assert all(hasattr(helpers, n) for n in helpers.__all__)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[] []"


def test_an_unknown_module_names_the_known_ones():
    import helpers

    with pytest.raises(AttributeError, match="its modules are active, chosen, cost"):
        helpers.stat  # noqa: B018


def long_functions(paths, limit=60):
    """Functions of more than ``limit`` lines, as "path:name (lines)"."""
    return [f"{p.relative_to(ROOT) if p.is_relative_to(ROOT) else p.name}:{n.name} ({n.end_lineno - n.lineno + 1})"
            for p in paths for n in ast.walk(ast.parse(p.read_text(), str(p)))
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.end_lineno - n.lineno + 1 > limit]


def test_no_function_is_over_60_lines_in_the_package_or_the_course():
    assert long_functions([*(ROOT / "helpers").rglob("*.py"), *(ROOT / "course").glob("*.py")]) == []


def test_the_length_check_can_fail(tmp_path):
    (tmp_path / "long.py").write_text("def f():\n" + "    x = 1\n" * 60)
    assert long_functions([tmp_path / "long.py"]) == ["long.py:f (61)"]
