# Two commands do everything on a fresh machine (see README.md):
#   make run    set up, prepare the data, execute every notebook into build/ (make lab opens JupyterLab instead;
#               make lecture opens it in lecture mode, make student opens the student edition)
#   make test   set up, prepare the data, run the linter, every test and nbval on every notebook
#   make site   build the course site into build/site/: the README and the notebooks with their committed outputs
PYTHON ?= python3
VENV   ?= .venv
# a venv keeps its programs in bin/ on Linux and macOS, in Scripts/ on Windows (Git Bash or MSYS make)
BIN    := $(if $(filter Windows_NT,$(OS)),Scripts,bin)
PY     := $(VENV)/$(BIN)/python
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb)) $(sort $(wildcard notebooks/deep-dives/*.ipynb))
LAB_ARGS ?=
NBVAL  := --nbval --nbval-current-env -p tests.nbval_config --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: setup data run lab lecture student test lint unit nbval bench course-files site grade clean \
        labelstudio-setup labelstudio-ml-setup labelstudio-start labelstudio-stop

# The environment is rebuilt only when the pins change; pip's wheel cache makes a rebuild fast after the first.
$(VENV)/.installed: requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required (snorkel 0.10); set PYTHON=python3.11")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt -e .
	touch $@

setup: $(VENV)/.installed

# Label Studio (the deep dive 06b) in its own environment: it needs openai<2 and numpy<2.3, which the series cannot have.
# It listens on 127.0.0.1 only and keeps its database under data/labelstudio/ (README: how to log in).
LS_VENV ?= .venv-labelstudio
$(LS_VENV)/.installed: labelstudio/requirements.lock
	test -x $(LS_VENV)/$(BIN)/python || $(PYTHON) -m venv $(LS_VENV)
	$(LS_VENV)/$(BIN)/python -m pip install --disable-pip-version-check -q -r labelstudio/requirements.lock
	touch $@

labelstudio-setup: $(LS_VENV)/.installed

# Its ML backend (06b's last section) in a third: the official SDK, label-studio-ml 1.0.9, pins Flask 1.1.2.
LS_ML_VENV ?= .venv-labelstudio-ml
$(LS_ML_VENV)/.installed: labelstudio/ml-backend.lock
	test -x $(LS_ML_VENV)/$(BIN)/python || $(PYTHON) -m venv $(LS_ML_VENV)
	$(LS_ML_VENV)/$(BIN)/python -m pip install --disable-pip-version-check -q -r labelstudio/ml-backend.lock
	touch $@

labelstudio-ml-setup: $(LS_ML_VENV)/.installed

labelstudio-start: setup labelstudio-setup labelstudio-ml-setup
	$(PY) -m helpers.internal.labelstudio_server start

labelstudio-stop: setup
	$(PY) -m helpers.internal.labelstudio_server stop

data: setup
	$(PY) -m helpers.internal.prepare

run: data labelstudio-start
	$(PY) -m jupyter nbconvert --to notebook --execute --output-dir build/executed $(NOTEBOOKS); \
	    status=$$?; $(PY) -m helpers.internal.labelstudio_server stop; exit $$status
	$(PY) -m jupyter nbconvert --to html --output-dir build/html build/executed/*.ipynb
	@echo "executed notebooks: build/executed/   HTML: build/html/"

lab: data
	$(PY) -m jupyter lab $(LAB_ARGS) notebooks/

# Instructor mode: every notebook runs top to bottom in at most 30 s (fewer seeds, smaller samples).
lecture: data
	LECTURE_MODE=1 $(PY) -m jupyter lab $(LAB_ARGS) notebooks/

student: data
	$(PY) -m jupyter lab $(LAB_ARGS) student/

# Label Studio is started for its deep dive (06b) and its tests, and stopped afterwards whatever the result.
test: data lint labelstudio-start
	$(PY) -m pytest tests notebooks $(NBVAL); status=$$?; $(PY) -m helpers.internal.labelstudio_server stop; exit $$status

lint: setup
	$(PY) -m ruff check .

# The quick tier, for someone changing one helper: the unit tests (tests/unit/), offline, on a fresh clone with no
# data: no notebook, browser, server, download or real training run (marked slow) and nothing that reads the data
# archive, its embeddings or a bundled model (marked data); `make test` runs everything.
unit: setup
	$(PY) -m pytest tests/unit -m "not slow and not data"

nbval: data labelstudio-start
	$(PY) -m pytest notebooks $(NBVAL); status=$$?; $(PY) -m helpers.internal.labelstudio_server stop; exit $$status

# Generated from the notebooks, never edited: the student edition (student/) and the README's figures
# (docs/figures/). A test checks that both are current.
course-files: setup
	$(PY) -m course.course_files

# Instructors: grade the notebooks students hand in, SUBMISSIONS/<student>/NN_name.ipynb, with nbgrader (executed in
# lecture mode, TIMEOUT seconds per cell): one CSV row per student and exercise, passed / failed / not answered, in
# build/grading/grades.csv (course/grade.py says more). The Label Studio deep dive needs `make labelstudio-start`.
SUBMISSIONS ?=
TIMEOUT ?= 120
grade: data
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=folder (see course/grade.py)"; exit 2; }
	$(PY) -m course.grade "$(SUBMISSIONS)" --timeout $(TIMEOUT)

# The course site: README.md as the front page, then notebooks 01-06 and the deep dives, rendered by Sphinx +
# MyST-NB from their committed outputs (nothing is executed; settings in docs/site/conf.py). Fails on a warning.
site: setup
	$(PY) -m course.site build/site

bench: data labelstudio-start
	$(PY) benchmarks/encoder.py
	$(PY) benchmarks/dev_choices.py
	$(PY) benchmarks/ceiling.py
	$(PY) benchmarks/encoder_vs_query.py
	$(PY) benchmarks/baal_tuning.py
	$(PY) benchmarks/active_learning.py
	$(PY) benchmarks/where_active_pays.py
	$(PY) benchmarks/weak_supervision.py
	$(PY) benchmarks/quality_quantity.py
	$(PY) benchmarks/llm_labeling.py
	$(PY) benchmarks/llm_batch.py
	$(PY) benchmarks/llm_models.py
	$(PY) benchmarks/llm_threads.py
	$(PY) benchmarks/llm_recipe.py
	$(PY) benchmarks/llm_amazon.py
	$(PY) benchmarks/llm_lf.py
	$(PY) benchmarks/noisy_labels.py
	$(PY) benchmarks/hybrid_pipeline.py
	$(PY) benchmarks/ray_scaling.py
	$(PY) benchmarks/growth.py
	$(PY) benchmarks/lecture_mode.py
	$(PY) benchmarks/grading.py
	$(PY) benchmarks/site_build.py
	$(PY) benchmarks/misuse_probes.py
	$(PY) benchmarks/package_shape.py
	$(PY) -m helpers.internal.labelstudio_server stop

clean:
	rm -rf build .pytest_cache
