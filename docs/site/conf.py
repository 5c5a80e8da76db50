# Sphinx configuration of the course site (`make site`, course/site.py): the executed notebooks as committed, rendered
# by MyST-NB. The sources are staged by course/site.py into build/site-src/; this folder holds only the settings.
project = "Optimizing the Labeling Process"
language = "en"

extensions = ["myst_nb"]
exclude_patterns = ["**.ipynb_checkpoints"]

# Never run a notebook: the site shows the outputs committed with it.
nb_execution_mode = "off"
nb_merge_streams = True  # one block per cell for a print() loop, as Jupyter shows it
# "#the-heading" links in Markdown cells and the README resolve to their section
myst_heading_anchors = 3

html_theme = "sphinx_book_theme"
html_title = project
html_theme_options = {
    "home_page_in_toc": True,  # the README, first in the sidebar
    "show_navbar_depth": 1,
    "use_download_button": True,  # each page offers its .ipynb
    "use_fullscreen_button": False,
    "footer_content_items": [],  # no "By <author>" / copyright line: the README says who made what
}
