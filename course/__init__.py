"""The course's machinery, beside the package the students read (:mod:`helpers`): the exercise checks and the one
rule that judges them (``checks``), the benchmarks' figures and the scoreboard of the lecture's claims (``results``,
``scoreboard``), the list of notebooks (``series``), and the programs that write the course files: the student edition
and figures (``course_files``), the reading map (``reading_map``), the prose-number check (``prose_numbers``), the
site (``site``) and grading (``grade``); each runs as ``python -m course.<name>``."""
