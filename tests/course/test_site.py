"""The course site (`make site`, course/site.py) built from the committed notebooks, served on loopback and read in
headless Chromium: a clean build, every page rendered with its figures, every notebook reachable by the navigation in
the series' order, and no broken internal link or anchor.

Needs Debian's ``chromium`` and ``chromium-driver``, as tests/integration/test_browser.py: skipped without them unless
REQUIRE_BROWSER=1 (set by .ci/run).
"""

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

from course import series
from helpers.internal.paths import ROOT
from tests.servers import browser_or_skip, headless_chromium

pytestmark = pytest.mark.slow  # a Sphinx build and a browser

CHROMIUM, CHROMEDRIVER = browser_or_skip()  # tests/servers.py

from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

# What one page tells: its title, the ids its anchors can point to, every URL it refers to, its navigation links
# (sidebar and previous/next), the images that did not load, and Sphinx's error markers left in the text.
READ_PAGE = """
const abs = v => new URL(v, document.baseURI).href;
const refs = [...document.querySelectorAll('[href], [src]')]
    .map(e => e.getAttribute('href') ?? e.getAttribute('src')).filter(v => v && !v.startsWith('javascript:'));
return {
    title: document.title, h1: document.querySelectorAll('main h1').length,
    ids: [...document.querySelectorAll('[id], a[name]')].map(e => e.id || e.name),
    refs: refs.map(abs),
    nav: [...document.querySelectorAll('.bd-sidebar-primary a[href], .prev-next-area a[href]')].map(e => e.href),
    next: document.querySelector('.prev-next-area a.right-next')?.href ?? null,
    broken_images: [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src),
    errors: [...document.querySelectorAll('.system-message, .problematic')].map(e => e.textContent.slice(0, 200)),
};
"""


def load_site_script():
    from course import site

    return site


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The site built from this checkout into a temporary folder, and Sphinx's result (its output and exit code)."""
    out = tmp_path_factory.mktemp("site") / "site"
    return out, load_site_script().build(out)


@pytest.fixture(scope="module")
def server(built):
    out, _ = built

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(out)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = headless_chromium(CHROMIUM, CHROMEDRIVER, tmp_path_factory.mktemp("chromium"))
    yield driver
    driver.quit()


def html_pages(out: Path) -> list[str]:
    """The site's pages, as paths from its root (Sphinx's _static/ holds template fragments, not pages)."""
    paths = (p.relative_to(out) for p in out.rglob("*.html"))
    return sorted(p.as_posix() for p in paths if not p.parts[0].startswith("_"))


def notebook_pages() -> list[str]:
    """The notebooks' pages in the series' order: the core notebooks, then the deep dives."""
    return [p.relative_to(ROOT).with_suffix(".html").as_posix() for p in series.notebooks()]


@pytest.fixture(scope="module")
def crawl(built, server, browser):
    """Every page opened once in Chromium and read back: {path: what READ_PAGE returned}."""
    out, _ = built
    pages = {}
    for path in html_pages(out):
        browser.get(f"{server}/{path}")
        WebDriverWait(browser, 30).until(lambda d: d.execute_script(
            "return document.readyState === 'complete' && [...document.images].every(i => i.complete)"))
        pages[path] = browser.execute_script(READ_PAGE)
    return pages


def site_path(url: str, server: str) -> str | None:
    """The site path a URL points to (a folder's index.html), or None when it leaves the site's host."""
    parts, base = urlsplit(url), urlsplit(server)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    path = unquote(parts.path).lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


def test_site_builds_without_warnings(built):
    out, done = built
    assert done.returncode == 0, f"sphinx-build failed:\n{done.stdout}\n{done.stderr}"
    assert "WARNING" not in done.stderr and "ERROR" not in done.stderr, done.stderr
    assert (out / "index.html").is_file()


def test_every_page_renders_with_its_figures(built, crawl):
    out, _ = built
    assert set(crawl) >= {"index.html", *notebook_pages()}
    for path, page in crawl.items():
        assert page["title"].strip() and "404" not in page["title"], (path, page["title"])
        assert page["errors"] == [], (path, page["errors"])
        assert page["broken_images"] == [], (path, page["broken_images"])
        if path in notebook_pages() or path == "index.html":
            assert page["h1"] >= 1, f"{path}: no heading"
    # the README's seven figures and the notebooks' own plots are images on the pages
    assert len(list((out / "_images").glob("*.png"))) >= len(notebook_pages())


def test_navigation_reaches_every_notebook_in_order(crawl, server):
    reached, todo = set(), ["index.html"]
    while todo:  # only the sidebar and the previous/next links are followed
        path = todo.pop()
        if path in reached or path not in crawl:
            continue
        reached.add(path)
        todo += [p for p in (site_path(u, server) for u in crawl[path]["nav"]) if p]
    missing = [p for p in notebook_pages() if p not in reached]
    assert not missing, f"not reachable from the front page's navigation: {missing}"

    order, path = [], "index.html"
    while (url := crawl[path]["next"]) and len(order) < len(crawl):  # the "next" links walk the series in order
        path = site_path(url, server)
        order.append(path)
    assert order == notebook_pages()


def test_no_broken_internal_link_or_anchor(built, crawl, server):
    out, _ = built
    broken = []
    for path, page in crawl.items():
        for url in page["refs"]:
            target = site_path(url, server)
            if target is None:
                continue  # another host (an external link, a CDN script): not this site's business
            if not (out / target).is_file():
                broken.append(f"{path}: {url} (no file {target})")
                continue
            fragment = unquote(urlsplit(url).fragment)
            if fragment and target.endswith(".html") and fragment not in crawl.get(target, {}).get("ids", []):
                broken.append(f"{path}: {url} (no id '{fragment}' on {target})")
    assert not broken, "\n".join(broken)


def test_the_site_shows_no_solution_and_its_download_is_the_student_edition(built):
    """A student reading the site does not get the answers: each staged page's exercise cells are the student
    edition's stubs with no output, no check cell behind the prose is left, no page shows a check's "Correct:", and
    each page's download button (_sources/) serves the student edition."""
    from course.course_files import exercises

    out, done = built
    assert done.returncode == 0, done.stderr
    assert not [p for p in out.rglob("*.html") if "Correct:" in p.read_text(encoding="utf-8")]
    for path in series.notebooks():
        rel = path.relative_to(ROOT / "notebooks")
        staged = nbformat.read(out.with_name(out.name + "-src") / "notebooks" / rel, as_version=4)
        student = nbformat.read(ROOT / "student" / rel, as_version=4)
        assert not [c for c in staged.cells if "remove-cell" in c.metadata.get("tags", [])]
        instructor, by_id = nbformat.read(path, as_version=4), {c.get("id"): c for c in staged.cells}
        for i, _, _ in exercises(instructor):
            answer, check = (by_id[instructor.cells[j].get("id")] for j in (i, i + 1))
            assert answer.source.startswith("# Your turn") and not answer.outputs and not check.outputs, rel
        assert [c.source for c in staged.cells if c.cell_type == "markdown"] == \
            [c.source for c in student.cells if c.cell_type == "markdown"], rel
        assert (out / "_sources" / "notebooks" / rel).read_bytes() == (ROOT / "student" / rel).read_bytes()
