"""Grading (course/grade.py, nbgrader): a folder of hand-ins gives one CSV row per student and exercise, and each
edition is graded as it should be: the instructor's answers pass, the blank student edition is "not answered"
everywhere, a plausible wrong answer to each exercise (WRONG) fails with that check's hint, and a check cell a
student rewrote is restored before it runs.

The slow tests share one grading run: notebooks 01 and 03 in the instructor's and the blank edition, WRONG's answers
to every notebook with exercises (the Label Studio deep dive's only when its server answers) and a tampered 01: 10 or
11 lecture-mode executions, about 4 minutes on 2 cores. Executing every notebook's wrong answer, rather than calling
the checks on made-up inputs (tests/course/test_checks.py does that), is the point: the answer is written into the
notebook, the check reads the notebook's own data, and nbgrader restores, runs and scores the cells. The fast tests
cover the folder convention, the marking of a copy of the instructor's notebook, the committed student edition's
nbgrader metadata and the reading of a check cell's outputs.
"""

import csv
import subprocess
import sys

import nbformat
import pytest

from course import course_files, grade
from helpers.internal.paths import ROOT
from tests.servers import label_studio_reachable

# A plausible wrong answer to each exercise, written into its answer cell, and a piece of the hint its check gives.
WRONG = {
    "ex01_panel": ("k = 3  # read off the full-panel curve\npredicted_accuracy = 0.975", "falls short of 97.5%"),
    "ex02_query_strategy": ("def my_strategy(classifier, X_pool, n_instances=10):\n"
                            "    p_pos = classifier.predict_proba(X_pool)[:, 1]\n"
                            "    return np.argsort(np.abs(p_pos - 0.5))[-n_instances:]  # the surest\n\n\n"
                            "predicted_gain = 0.05", "Not this time"),
    "ex03_own_lfs": ("@labeling_function()\ndef lf_boring(x):\n"
                     '    return NEGATIVE if "Boring" in x.text.lower() else ABSTAIN\n\n\n'
                     "@labeling_function()\ndef lf_superb(x):\n"
                     '    return POSITIVE if "Superb" in x.text.lower() else ABSTAIN\n\n\n'
                     "my_lfs = [lf_boring, lf_superb]\npredicted_gain = 0.01", "never vote on any sentence"),
    "ex04_prompt": ('my_template = "Review: {review}\\nSentiment:"\npredicted_gain = 0.05',
                    "must be a string that contains {text}"),
    "ex05_remedy": ('relabel_budget = 0\nremedy = "do nothing"\npredicted_gain = 0.0', "is the baseline"),
    "ex06_allocation": ('allocation = {"dev labels": 300, "LLM items": 50, "active-learning labels": 300}\n'
                        "predicted_gain = 0.01", "over the $150 budget"),
    "ex06b_go_on": ("go_on = True\npredicted_gain = 0.03", "Not this time"),
    "ex06c_a_million": ('first_to_move = "LLM labeling"  # the slowest per item\nmachines = 1', "Not this time"),
}


def core_notebooks() -> dict[str, nbformat.NotebookNode]:
    """The instructor notebooks that have exercises, by stem."""
    return {p.stem: nbformat.read(p, as_version=4) for p in grade.graded_notebooks().values()}


def blank(nb):
    return course_files.student_notebook(nbformat.from_dict(nb))


def wrong(nb):
    """The student edition with WRONG's answer in each answer cell."""
    nb = blank(nb)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id.endswith("_answer"):
            cell.source = WRONG[grade_id.removesuffix("_answer")][0]
    return nb


def tampered(nb):
    """The blank student edition with every check cell made to print a confirmation instead."""
    nb = blank(nb)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.source = 'print("Correct: trust me")'
    return nb


def test_every_exercise_has_a_wrong_answer_that_sets_its_names():
    found = {}
    for nb in core_notebooks().values():
        found.update({grade_id: answers for _, grade_id, answers in course_files.exercises(nb)})
    assert set(found) <= set(WRONG), f"add a wrong answer to WRONG for {sorted(set(found) - set(WRONG))}"
    for grade_id, answers in found.items():
        assert set(answers) <= set(course_files.defined_names(WRONG[grade_id][0])), grade_id


def test_submissions_are_found_by_student_folder_and_number(tmp_path, capsys):
    known = grade.graded_notebooks()
    for name in ("alice/01_labeling_cost.ipynb", "alice/03_weak_supervision (1).ipynb", "bob/01_my_copy.ipynb",
                 "bob/01_labeling_cost.ipynb", "bob/02a_bald_with_baal.ipynb", "bob/notes.ipynb",
                 "bob/.ipynb_checkpoints/01_labeling_cost-checkpoint.ipynb", "loose.ipynb"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}")
    found = grade.find_submissions(tmp_path, known)
    assert found == {("alice", "01_labeling_cost"): tmp_path / "alice/01_labeling_cost.ipynb",
                     ("alice", "03_weak_supervision"): tmp_path / "alice/03_weak_supervision (1).ipynb",
                     ("bob", "01_labeling_cost"): tmp_path / "bob/01_labeling_cost.ipynb"}
    warned = capsys.readouterr().err
    assert "01_my_copy.ipynb" in warned and "02a_bald_with_baal" in warned and "notes.ipynb" in warned


def test_a_copy_of_the_instructors_notebook_is_marked_like_the_student_edition():
    nb = core_notebooks()["01_labeling_cost"]
    source = course_files.nbgrader_source(nb)
    marked = grade.mark_exercises(nbformat.from_dict(nb), source)
    student = blank(nb)
    marked.cells = [c for c in marked.cells if "remove-cell" not in c.metadata.get("tags", [])]  # the prose's checks
    ids = [[c.metadata.get("nbgrader", {}).get("grade_id") for c in e.cells] for e in (marked, student, source)]
    assert ids[0] == ids[1] == ids[2]
    assert [i for i in ids[0] if i] == [g for _, grade_id, _ in course_files.exercises(nb)
                                        for g in (f"{grade_id}_answer", grade_id)] != []


@pytest.mark.parametrize("path", sorted(str(p.relative_to(ROOT)) for p in (ROOT / "student").rglob("*.ipynb")))
def test_the_student_edition_is_gradable_as_handed_out(path):
    """Each stub of student/ is nbgrader's solution cell of its exercise, the check after it nbgrader's locked,
    read-only test cell: what autograde matches and restores, with no marking by tags."""
    nb = nbformat.read(ROOT / path, as_version=4)
    stubs = [i for i, c in enumerate(nb.cells) if "your-turn" in c.metadata.get("tags", [])]
    for i in stubs:
        answer, check = nb.cells[i].metadata.get("nbgrader", {}), nb.cells[i + 1].metadata.get("nbgrader", {})
        assert answer.get("solution") and not answer.get("grade"), path
        assert check.get("grade") and check.get("locked") and nb.cells[i + 1].metadata.get("editable") is False, path
        assert answer["grade_id"] == f"{check['grade_id']}_answer" and f"checks.{check['grade_id']}(" in \
            nb.cells[i + 1].source, path
    assert sum("nbgrader" in c.metadata for c in nb.cells) == 2 * len(stubs), path


def output(kind, **fields):
    return nbformat.v4.new_output(kind, **fields)


def test_the_status_comes_from_the_check_cells_outputs():
    table = output("stream", name="stdout", text="LFs  accuracy\n6  0.8\n")
    ok = output("stream", name="stdout", text="Correct: 42 labels.\n")
    assert grade.outcome([table, ok]) == ("passed", "Correct: 42 labels.")
    turn = output("error", ename="AssertionError", evalue="Your turn: set x.", traceback=[])
    assert grade.outcome([turn]) == ("not answered", "Your turn: set x.")
    hint = output("error", ename="AssertionError", evalue="multiply by 3.", traceback=[])
    assert grade.outcome([table, hint]) == ("failed", "multiply by 3.")
    name = output("error", ename="NameError", evalue="name 'x' is not defined", traceback=[])
    timeout = output("error", ename="CellTimeoutError", evalue="", traceback=[])
    assert grade.outcome([name], [timeout]) == (
        "failed", "NameError: name 'x' is not defined (the answer cell raised CellTimeoutError: the cell ran over "
                  "the time limit per cell (--timeout))")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """One grading run: alice hands in the instructor's 01 and 03, bob the blank student edition of both, carol
    WRONG's answers to every notebook (the Label Studio one only when its server answers), dave a blank 01 whose
    checks he rewrote to print "Correct". The rows by (student, exercise), and the exercises each handed in."""
    folder = tmp_path_factory.mktemp("submissions")
    notebooks = core_notebooks()
    hand_ins = {"alice": {s: notebooks[s] for s in ("01_labeling_cost", "03_weak_supervision")},
                "bob": {s: blank(notebooks[s]) for s in ("01_labeling_cost", "03_weak_supervision")},
                "carol": {s: wrong(nb) for s, nb in notebooks.items()
                          if not grade.needs_label_studio(nb) or label_studio_reachable()},
                "dave": {"01_labeling_cost": tampered(notebooks["01_labeling_cost"])}}
    handed_in = {student: [grade_id for stem in nbs for _, grade_id, _ in course_files.exercises(notebooks[stem])]
                 for student, nbs in hand_ins.items()}
    for student, nbs in hand_ins.items():
        (folder / student).mkdir()
        for stem, nb in nbs.items():
            nbformat.write(nb, folder / student / f"{stem}.ipynb")
    course = tmp_path_factory.mktemp("course")
    done = subprocess.run([sys.executable, "-m", "course.grade", str(folder), "--course", str(course), "--timeout",
                           "300"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    with open(course / "grades.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == list(grade.COLUMNS)
    assert [(r["student"], r["exercise"]) for r in rows] == [(s, g) for s, ids in handed_in.items() for g in ids]
    return {(r["student"], r["exercise"]): r for r in rows}, handed_in


@pytest.mark.slow
def test_the_instructors_answers_pass(graded):
    rows, handed_in = graded
    for grade_id in handed_in["alice"]:
        row = rows["alice", grade_id]
        assert (row["status"], row["points"], row["max_points"]) == ("passed", "1", "1"), row
        assert row["message"].startswith("Correct"), row


@pytest.mark.slow
def test_the_blank_student_edition_is_not_answered(graded):
    rows, handed_in = graded
    for grade_id in handed_in["bob"]:
        row = rows["bob", grade_id]
        assert (row["status"], row["points"]) == ("not answered", "0") and row["message"].startswith("Your turn"), row


@pytest.mark.slow
def test_each_wrong_answer_fails_with_its_checks_hint(graded):
    rows, handed_in = graded
    assert len(handed_in["carol"]) >= len(WRONG) - 1  # every notebook's (the Label Studio one's if it answers)
    for grade_id in handed_in["carol"]:
        row = rows["carol", grade_id]
        assert (row["status"], row["points"]) == ("failed", "0") and WRONG[grade_id][1] in row["message"], row


@pytest.mark.slow
def test_checks_a_student_rewrote_are_restored_before_grading(graded):
    rows, handed_in = graded
    for grade_id in handed_in["dave"]:
        assert rows["dave", grade_id]["status"] == "not answered", rows["dave", grade_id]
