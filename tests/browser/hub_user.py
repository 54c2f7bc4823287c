"""A user of the course's JupyterHub in their own browser: the hub's login page, their
JupyterLab and nbgrader's Assignment List (the Nbgrader menu and its buttons), as a person
clicks them. ``tests/test_jupyterhub.py`` drives two students and the instructor with it.

JupyterLab actions (typing into a cell, Validate, dialogs) are :class:`browser.student.Student`'s;
they read the page through ``window.jupyterapp``, which each test user's own
``jupyter_server_config.json`` exposes.
"""
from __future__ import annotations

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from browser.student import Student, wait_for

_PANEL_READY = """(name) => { const p = window.jupyterapp.shell.currentWidget;
    return p && p.context && p.context.path.endsWith(name) && p.context.isReady
           && p.content && p.content.widgets.length > 0; }"""

_SAVED = "() => !window.jupyterapp.shell.currentWidget.context.model.dirty"


class HubUser:
    """``user`` with ``password`` at the hub ``url``, working on ``assignment``."""

    def __init__(self, page, url: str, user: str, password: str, assignment: str):
        self.page, self.url, self.user, self.password = page, url, user, password
        self.assignment = assignment
        self.lab = Student(page, self)

    def lab_url(self, path: str = "") -> str:
        return f"{self.url}/user/{self.user}/lab"

    def start_log_in(self, then: str | None = None) -> None:
        """The hub's login page, as far as the hub starting their server: JupyterLab, or,
        asked for another page of it (``then``, e.g. formgrader), through Launch Server.
        The server starts while the caller does something else; :meth:`wait_logged_in`."""
        self.page.goto(f"{self.url}{then or '/hub/login'}")
        self.page.fill("#username_input", self.user)
        self.page.fill("#password_input", self.password)
        self.page.click("#login_submit")
        if then:
            self.page.click("#start")

    def wait_logged_in(self, then: str | None = None) -> None:
        if then:
            self.page.wait_for_url(lambda url: "/hub/" not in url and then in url,
                                   timeout=180_000)
        else:
            self.page.wait_for_url(f"**/user/{self.user}/lab**", timeout=180_000)
            self.page.wait_for_selector(".jp-LabShell", timeout=120_000)

    def assignment_list(self) -> None:
        """Nbgrader → Assignment List, or its tab, refreshed."""
        tab = self.page.locator("#jp-main-dock-panel .lm-TabBar-tab", has_text="Assignments")
        if tab.count():
            tab.first.click()
            self.page.click("#refresh_assignments_list")
        else:
            self.page.click(".lm-MenuBar-item:has-text('Nbgrader')")
            self.page.click("#jp-mainmenu-nbgrader >> text=Assignment List")

    def fetch(self) -> None:
        self.assignment_list()
        self.page.click("#released_assignments_list button:has-text('Fetch')")
        self.page.wait_for_selector("#fetched_assignments_list .list_item")

    def open_notebook(self) -> None:
        """The notebook's link in the Assignment List's downloaded assignment."""
        self.page.click("#fetched_assignments_list a.assignment-notebooks-link")
        self.page.click("#fetched_assignments_list .nested_list_item "
                        f"a:has-text('{self.assignment}')")
        wait_for(self.page, _PANEL_READY, arg=f"{self.assignment}.ipynb", timeout=60_000)

    def write(self, sources: dict) -> None:
        """Type each exercise's source (exercise -> code) into its cell; save (Ctrl+S)."""
        ids = self.page.evaluate("() => window.jupyterapp.shell.currentWidget.content.widgets"
                                 ".map(c => (c.model.getMetadata('nbgrader') || {}).grade_id)")
        for name, code in sources.items():
            written = self.lab.write_in_cell(ids.index(name), code)
            assert written.strip() == code.strip()
        self.page.keyboard.press("Escape")
        self.save()

    def save(self) -> None:
        """Ctrl+S; on a loaded machine a keypress can land while the page is busy and do
        nothing, so, as a person would, press it again (on the notebook) if nothing was
        saved after a while. A dialog that opened instead fails the test and says what it
        asked."""
        for attempt, timeout in enumerate((20_000, 60_000)):
            if attempt:
                self.page.locator(".jp-NotebookPanel-notebook").first.focus()
            self.page.keyboard.press("Control+s")
            try:
                wait_for(self.page, _SAVED, timeout=timeout)
                return
            except PlaywrightTimeout:
                dialog = self.page.locator(".jp-Dialog")
                if dialog.count():
                    raise AssertionError(f"{self.user}: saving opened a dialog instead: "
                                         f"{dialog.first.inner_text()[:500]!r}") from None
        raise AssertionError(f"{self.user}: Ctrl+S, twice, left the notebook unsaved")

    def validate(self) -> dict:
        """The notebook toolbar's Validate; what its dialog said."""
        result = self.lab.press_validate()
        self.lab.dismiss_dialog()
        return result

    def submit(self) -> None:
        self.assignment_list()
        self.page.click("#fetched_assignments_list button:has-text('Submit')")
        self.page.wait_for_selector("#submitted_assignments_list .list_item", timeout=60_000)

    def feedback_text(self) -> str:
        """Fetch Feedback, follow its "view feedback" link, open the page found there."""
        self.assignment_list()
        self.page.click("#submitted_assignments_list button:has-text('Fetch Feedback')")
        self.page.click("#submitted_assignments_list a:has-text('view feedback')")
        listed = self.page.locator(".jp-DirListing-item", has_text=f"{self.assignment}.html")
        listed.first.dblclick()
        body = self.page.frame_locator(".jp-HTMLViewer iframe").locator("body")
        # The viewer's frame has a body before the page is in it: wait for the page's
        # score line (nbgrader's feedback heading), else return what is there to be shown.
        try:
            body.filter(has_text="Score:").wait_for(timeout=60_000)
        except PlaywrightTimeout:
            pass
        return body.inner_text()
