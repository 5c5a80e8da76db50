"""The series' notebooks as the tests see them (course.series lists them): the core notebooks in lecture order, then
the deep dives, as paths relative to notebooks/."""

from course import series

NOTEBOOKS_DIR = series.ROOT / "notebooks"
CORE = [p.name for p in series.notebooks() if series.is_core(p)]
DEEP_DIVES = [f"deep-dives/{p.name}" for p in series.notebooks() if not series.is_core(p)]
NOTEBOOKS = CORE + DEEP_DIVES
