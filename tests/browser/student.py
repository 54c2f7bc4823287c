"""A student at JupyterLab: open a notebook, run it, use a widget, write an
exercise, open a hint, press Validate — and what the page shows at each step.

Actions go through the page the way a student's do: JupyterLab's own commands
(what its menus and keyboard shortcuts call), the mouse on a widget, the
keyboard in a cell's editor, nbgrader's toolbar button. Observations are read
from the rendered page (DOM) and from JupyterLab's notebook model next to it,
through ``window.jupyterapp`` (the server runs with
``--LabApp.expose_app_in_browser=True``).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

# How long a notebook may take to run from top to bottom in the browser.
RUN_TIMEOUT_MS = 240_000
# How often a wait checks its condition. Playwright's default checks it on every animation
# frame, which makes headless Chromium draw 60 frames a second of a page that does not
# change, for as long as the wait lasts.
POLL_MS = 100


def wait_for(page, expression: str, arg=None, timeout: float = 30_000):
    """Wait until ``expression`` (a JavaScript function of ``arg``) is truthy on ``page``,
    checking it every :data:`POLL_MS`."""
    return page.wait_for_function(expression, arg=arg, polling=POLL_MS, timeout=timeout)

_CURRENT = "window.jupyterapp.shell.currentWidget"

_KERNEL_IDLE = f"""() => {{
    const panel = {_CURRENT};
    const kernel = panel && panel.sessionContext && panel.sessionContext.session
        && panel.sessionContext.session.kernel;
    return !!(panel && panel.context && panel.context.isReady && kernel
              && kernel.status === 'idle' && kernel.connectionStatus === 'connected');
}}"""

# Run every cell the way a student reaches the end of an unfinished notebook:
# Run All Cells stops at the first error (a visible check of an exercise not
# written yet), so from there on run each cell that has not run, one at a time
# (Run Selected Cell), as a student reading on does. (Run Selected Cell and All
# Below from each error instead sends every cell below again, to be dropped at
# the next error: thousands of requests and re-rendered cells per notebook.)
_RUN_EVERYTHING = """async (timeoutMs) => {
    const app = window.jupyterapp;
    const panel = app.shell.currentWidget;
    const notebook = panel.content;
    const deadline = Date.now() + timeoutMs;
    const withDeadline = (promise) => Promise.race([promise, new Promise((_, reject) =>
        setTimeout(() => reject(new Error('the notebook did not finish running in time')),
                   Math.max(1, deadline - Date.now())))]);
    const notRun = () => notebook.widgets.findIndex(cell => cell.model.type === 'code'
        && cell.model.executionCount === null
        && cell.model.sharedModel.getSource().trim() !== '');
    const failed = (index) => notebook.widgets[index].model.outputs.toJSON()
        .some(output => output.output_type === 'error');
    const kernelIdle = async () => {
        const kernel = panel.sessionContext.session.kernel;
        while (kernel.status !== 'idle' && Date.now() < deadline) {
            await new Promise(resolve => setTimeout(resolve, 20));
        }
    };
    const rounds = [];
    await withDeadline(app.commands.execute('notebook:run-all-cells'));
    rounds.push('run-all-cells');
    const attempts = {};
    let lastFailed = true;
    for (let index = notRun(); index >= 0; index = notRun()) {
        attempts[index] = (attempts[index] || 0) + 1;
        if (attempts[index] > 3) {
            throw new Error(`cell ${index} does not run: ` +
                            notebook.widgets[index].model.sharedModel.getSource().slice(0, 200));
        }
        // After an error the kernel drops ("aborts") the requests already
        // queued behind it; a request sent in that instant is dropped too.
        await kernelIdle();
        if (lastFailed || attempts[index] > 1) {
            await new Promise(resolve => setTimeout(resolve, 100 * attempts[index]));
        }
        notebook.activeCellIndex = index;
        notebook.deselectAll();
        await withDeadline(app.commands.execute('notebook:run-cell'));
        lastFailed = failed(index);
        rounds.push(`cell ${index}`);
    }
    return rounds;
}"""

# Everything the tests judge, per cell: the notebook model (type, source,
# nbgrader metadata, outputs as nbformat JSON) next to what the page renders.
_SNAPSHOT = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    const text = (node) => (node ? node.innerText || '' : '');
    return panel.content.widgets.map((cell, index) => {
        const model = cell.model;
        const node = cell.node;
        const info = {
            index,
            type: model.type,
            source: model.sharedModel.getSource(),
            nbgrader: model.getMetadata('nbgrader') || null,
            executionCount: model.type === 'code' ? model.executionCount : null,
            inDom: node.isConnected,
        };
        if (model.type === 'markdown') {
            const rendered = node.querySelector('.jp-RenderedMarkdown');
            info.rendered = !!cell.rendered && !!rendered;
            info.text = text(rendered);
            info.headings = rendered ? rendered.querySelectorAll('h1, h2, h3, h4').length : 0;
            info.math = node.querySelectorAll('mjx-container').length;
            info.mathErrors = node.querySelectorAll('mjx-merror, .MathJax_Error').length;
            const box = node.getBoundingClientRect();
            info.height = box.height;
        }
        if (model.type === 'code') {
            info.outputs = model.outputs.toJSON();
            const area = node.querySelector('.jp-Cell-outputArea');
            info.images = Array.from(node.querySelectorAll('.jp-OutputArea-output img')).map(img => ({
                loaded: img.complete && img.naturalWidth > 0,
                width: img.getBoundingClientRect().width,
                height: img.getBoundingClientRect().height,
                inWidget: !!img.closest('.jupyter-widgets'),
            }));
            // The output area's own children, one per output of the model, in order
            // (outputs nested in an Output widget are the widget's, not the cell's).
            const children = area ? Array.from(
                area.querySelectorAll(':scope > .jp-OutputArea-child')) : [];
            info.renderedOutputs = children.length;
            info.widgets = [];
            info.outputs.forEach((output, k) => {
                const data = output.data || {};
                if (!data['application/vnd.jupyter.widget-view+json']) return;
                const out = children[k] && children[k].querySelector('.jp-OutputArea-output');
                info.widgets.push({
                    output: k,
                    present: !!out,
                    text: text(out).slice(0, 500),
                    rendered: !!(out && (out.matches('.jupyter-widgets') ||
                                         out.querySelector('.jupyter-widgets'))),
                    loading: text(out).includes('Loading widget'),
                    failed: text(out).includes('Error displaying widget')
                            || !!(out && out.querySelector('.jupyter-widgets-error-widget')),
                    controls: out ? out.querySelectorAll(
                        'input:not([disabled]), select:not([disabled]), textarea:not([disabled]), ' +
                        'button:not([disabled]), .noUi-handle').length : 0,
                    kinds: out ? Array.from(new Set(Array.from(out.querySelectorAll(
                        '.widget-slider, .widget-dropdown, .widget-text, .widget-button, ' +
                        'button.jupyter-button, .widget-toggle-button, .widget-checkbox'))
                        .map(n => n.classList.contains('jupyter-button') ? 'button'
                             : Array.from(n.classList).find(c => c.startsWith('widget-')
                                                         && c !== 'widget-inline-hbox')))) : [],
                });
            });
            info.stderr = Array.from(node.querySelectorAll(
                '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
            )).map(out => text(out).slice(-2000));
            info.outputText = text(area);
        }
        return info;
    });
}"""

# The observable result of a widget: what its Output areas, labels and HTML
# show (text and image data), not the controls' own state.
_WIDGET_RESULT = """([cellIndex, outputIndex]) => {
    const panel = window.jupyterapp.shell.currentWidget;
    const cell = panel.content.widgets[cellIndex];
    const area = cell.node.querySelector('.jp-Cell-outputArea');
    const children = Array.from(area.querySelectorAll(':scope > .jp-OutputArea-child'));
    const root = children[outputIndex];
    if (!root) return null;
    const parts = [];
    for (const node of root.querySelectorAll(
            '.widget-output, .widget-html-content, .widget-htmlmath-content, .widget-label:not(.widget-label-basic)')) {
        if (node.closest('.widget-readout')) continue;
        parts.push(node.innerText || '');
        for (const img of node.querySelectorAll('img')) parts.push(img.src.length + ':' + img.src.slice(-200));
    }
    return parts.join('\\n');
}"""


# One <details> block of a rendered markdown cell as the page shows it: is it
# open, and is any of its body (all but the <summary>) visible? Chromium keeps
# a closed block's body laid out but skips painting it (content-visibility), so
# boxes alone do not tell: an element's checkVisibility() does, and for bare
# text the block's innerText, which holds only what is rendered.
_DETAILS_STATE = """([cellIndex, k]) => {
    const cell = window.jupyterapp.shell.currentWidget.content.widgets[cellIndex];
    const rendered = cell.node.querySelector('.jp-RenderedMarkdown');
    const block = rendered ? rendered.querySelectorAll('details')[k] : null;
    if (!block) return null;
    const summary = block.querySelector(':scope > summary');
    const visibleText = (block.innerText || '').replace(summary ? summary.innerText : '', '');
    const shown = (node) => {
        if (node.nodeType === Node.TEXT_NODE) {
            const words = node.textContent.trim();
            return !!words && visibleText.includes(words.split(/\s+/)[0]);
        }
        if (node.nodeType !== Node.ELEMENT_NODE) return false;
        const boxed = Array.from(node.getClientRects()).some(r => r.width > 0 && r.height > 0);
        const visible = node.checkVisibility ? node.checkVisibility(
            {contentVisibilityAuto: true, opacityProperty: true, visibilityProperty: true}) : true;
        return boxed && visible;
    };
    const body = Array.from(block.childNodes).filter(n => n !== summary
        && (n.nodeType === Node.ELEMENT_NODE || n.textContent.trim()));
    return {
        open: block.open,
        summary: summary ? summary.innerText.trim() : '',
        bodyNodes: body.length,
        bodyText: body.map(n => n.textContent).join(' ').trim().slice(0, 200),
        bodyShown: body.some(shown),
        height: block.getBoundingClientRect().height,
    };
}"""


@dataclass
class Interaction:
    control: str            # "slider", "dropdown", "text" or "button"
    description: str        # the control's label, as the student reads it
    before: str
    after: str


@dataclass
class Student:
    page: object            # a Playwright Page at the lab
    server: object          # tests.browser.lab.LabServer
    console_errors: list = field(default_factory=list)

    # -- session -------------------------------------------------------------

    def __post_init__(self):
        self.page.on("pageerror", lambda error: self.console_errors.append(f"page error: {error}"))
        self.page.on("console", lambda message: self.console_errors.append(message.text)
                     if message.type == "error" else None)

    def open_lab(self) -> None:
        """Load JupyterLab afresh (a reset workspace: no tab of an earlier visit)."""
        self.page.goto(self.server.lab_url() + "&reset", wait_until="domcontentloaded")
        wait_for(self.page, "() => window.jupyterapp && window.jupyterapp.shell"
                 " && document.querySelector('.jp-LabShell')", timeout=60_000)
        self.page.evaluate("() => window.jupyterapp.restored")
        # More room for the notebook: fold the file browser away.
        self.page.evaluate("""async () => {
            const shell = window.jupyterapp.shell;
            if (!shell.leftCollapsed) shell.collapseLeft();
            if (!shell.rightCollapsed) shell.collapseRight();
        }""")

    def open(self, path: str, wait_for_kernel: bool = True) -> None:
        """Open a notebook (what a double-click in the file browser does) and
        wait until it is shown and, unless told otherwise, its kernel is ready."""
        self.page.evaluate("async (path) => { await window.jupyterapp.commands.execute("
                           "'docmanager:open', {path}); }", path)
        wait_for(
            self.page,
            f"(path) => {{ const p = {_CURRENT}; return p && p.context && p.context.path === path"
            " && p.context.isReady && p.content && p.content.widgets.length > 0; }",
            arg=path, timeout=60_000)
        if wait_for_kernel:
            wait_for(self.page, _KERNEL_IDLE, timeout=120_000)

    def close_all(self) -> None:
        """Save, shut the kernels down and close every tab, as at the end of a session."""
        self.page.keyboard.press("Escape")
        self.page.evaluate("""async () => {
            const app = window.jupyterapp;
            for (const widget of Array.from(app.shell.widgets('main'))) {
                if (widget.context && widget.context.model && widget.context.model.dirty) {
                    await widget.context.save();
                }
            }
            await app.serviceManager.sessions.shutdownAll();
            await app.commands.execute('application:close-all');
        }""")

    # -- running -------------------------------------------------------------

    def run_everything(self) -> list[str]:
        rounds = self.page.evaluate(_RUN_EVERYTHING, RUN_TIMEOUT_MS)
        self.settle()
        self.wait_for_maths()
        return rounds

    def settle(self, timeout_ms: int = 60_000) -> None:
        """Wait until the kernel is idle and every output has finished rendering:
        widgets out of "Loading widget...", images decoded."""
        wait_for(self.page, _KERNEL_IDLE, timeout=timeout_ms)
        wait_for(self.page, """() => {
            const node = window.jupyterapp.shell.currentWidget.content.node;
            for (const out of node.querySelectorAll('.jp-OutputArea-output'))
                if ((out.textContent || '').startsWith('Loading widget...')) return false;
            for (const img of node.querySelectorAll('.jp-OutputArea-output img'))
                if (!img.complete) return false;
            return true;
        }""", timeout=timeout_ms)

    def wait_for_maths(self, timeout_ms: int = 60_000) -> None:
        """MathJax typesets asynchronously: wait until the count of typeset
        formulas stops changing for half a second."""
        deadline = time.monotonic() + timeout_ms / 1000
        last, stable_since = -1, time.monotonic()
        while time.monotonic() < deadline:
            count = self.page.evaluate("() => document.querySelectorAll('mjx-container').length")
            if count != last:
                last, stable_since = count, time.monotonic()
            elif time.monotonic() - stable_since > 0.5:
                return
            time.sleep(0.1)

    def snapshot(self) -> list[dict]:
        return self.page.evaluate(_SNAPSHOT)

    # -- a widget ------------------------------------------------------------

    def widget_result(self, cell: int, output: int) -> str | None:
        return self.page.evaluate(_WIDGET_RESULT, [cell, output])

    def interact(self, cell: int, output: int) -> Interaction | None:
        """Use the widget's controls, one at a time, until what it shows changes.

        Tried in this order, each once: the first slider (dragged with the
        mouse), the first dropdown (another option chosen), the first text box
        (a new value typed), then each button (clicked). Returns None when no
        control changes what the widget shows.
        """
        root = (self.page.locator(".jp-Notebook .jp-Cell").nth(cell)
                .locator(".jp-Cell-outputArea > .jp-OutputArea-child")
                .nth(output))
        root.scroll_into_view_if_needed()
        before = self.widget_result(cell, output)

        def changed(wait_s: float) -> str | None:
            """What the widget shows once it changed, or None when it has not
            within ``wait_s`` or after the kernel sat idle for 2 s."""
            start = time.monotonic()
            idle_since = None
            while time.monotonic() - start < wait_s:
                now = self.widget_result(cell, output)
                if now and now != before:
                    time.sleep(0.3)   # let a redraw that clears first finish
                    wait_for(self.page, _KERNEL_IDLE, timeout=120_000)
                    return self.widget_result(cell, output)
                if self.page.evaluate(_KERNEL_IDLE):
                    idle_since = idle_since or time.monotonic()
                    if time.monotonic() - idle_since > 2:
                        return None
                else:
                    idle_since = None
                time.sleep(0.1)
            return None

        def label(control) -> str:
            box = control.locator("xpath=ancestor::div[contains(@class,'widget-inline-hbox')][1]")
            described = box.locator("label.widget-label") if box.count() else box
            text = described.first.inner_text() if described.count() else control.inner_text()
            return " ".join(text.split())[:80]

        sliders = root.locator(".widget-slider .noUi-handle")
        if sliders.count():
            handle = sliders.first
            handle.scroll_into_view_if_needed()
            box = handle.bounding_box()
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            self.page.mouse.move(x, y)
            self.page.mouse.down()
            self.page.mouse.move(x + 30, y, steps=5)
            self.page.mouse.up()
            after = changed(10)
            if after:
                return Interaction("slider", label(handle), before, after)
            before = self.widget_result(cell, output)
        dropdowns = root.locator(".widget-dropdown select")
        if dropdowns.count():
            select = dropdowns.first
            values = select.locator("option").evaluate_all("os => os.map(o => o.value)")
            current = select.input_value()
            others = [v for v in values if v != current]
            if others:
                select.select_option(others[len(others) // 2])
                after = changed(10)
                if after:
                    return Interaction("dropdown", label(select), before, after)
                before = self.widget_result(cell, output)
        texts = root.locator(".widget-text input[type=text], .widget-text input[type=number]")
        if texts.count():
            box = texts.first
            old = box.input_value()
            box.click()
            box.fill(old + "1" if old else "1")
            box.press("Enter")
            after = changed(10)
            if after:
                return Interaction("text", label(box), before, after)
            before = self.widget_result(cell, output)
        buttons = root.locator("button.jupyter-button:not([disabled])")
        for k in range(buttons.count()):
            button = buttons.nth(k)
            button.click()
            after = changed(120)
            if after:
                return Interaction("button", " ".join(button.inner_text().split()) or
                                   (button.get_attribute("title") or ""), before, after)
            before = self.widget_result(cell, output)
        return None

    # -- a hint --------------------------------------------------------------

    def details_state(self, cell: int, k: int = 0) -> dict:
        """What the student sees of the k-th ``<details>`` block of a rendered
        markdown cell: whether it is open, its summary's text, and whether any
        of its body (everything but the summary) is laid out on screen."""
        return self.page.evaluate(_DETAILS_STATE, [cell, k])

    def click_summary(self, cell: int, k: int = 0) -> None:
        """Click the summary line of the k-th ``<details>`` block of a cell, with
        the mouse, as a student opens or closes a hint."""
        summary = (self.page.locator(".jp-Notebook .jp-Cell").nth(cell)
                   .locator(".jp-RenderedMarkdown details").nth(k)
                   .locator(":scope > summary"))
        summary.scroll_into_view_if_needed()
        summary.click()
        self.page.wait_for_timeout(150)   # the toggle and the re-layout

    # -- an exercise ---------------------------------------------------------

    def write_in_cell(self, index: int, code: str) -> str:
        """Click into a cell, select everything, type ``code`` in its place.
        Returns the cell's source as the notebook model now holds it."""
        cell = self.page.locator(".jp-Notebook .jp-Cell").nth(index)
        editor = cell.locator(".cm-content")
        editor.scroll_into_view_if_needed()
        editor.click()
        self.page.keyboard.press("Control+a")
        self.page.keyboard.press("Delete")
        self.page.keyboard.insert_text(code)
        return self.page.evaluate(f"(i) => {_CURRENT}.content.widgets[i].model.sharedModel"
                                  ".getSource()", index)

    def select_cell(self, index: int) -> None:
        """Click a cell's input prompt, which selects it (command mode)."""
        cell = self.page.locator(".jp-Notebook .jp-Cell").nth(index)
        prompt = cell.locator(".jp-InputArea-prompt")
        prompt.scroll_into_view_if_needed()
        prompt.click()
        wait_for(self.page, f"(i) => {_CURRENT}.content.activeCellIndex === i",
                 arg=index, timeout=10_000)

    def shift_enter(self, index: int, timeout_ms: int = 120_000) -> None:
        """Shift+Enter in cell ``index`` (which must be the active cell), then
        wait for it to finish running."""
        before = self.page.evaluate(f"(i) => {_CURRENT}.content.widgets[i].model.executionCount",
                                    index)
        active = self.page.evaluate(f"() => {_CURRENT}.content.activeCellIndex")
        assert active == index, f"cell {index} should be the active cell, not {active}"
        self.page.keyboard.press("Shift+Enter")
        wait_for(
            self.page,
            f"([i, before]) => {{ const c = {_CURRENT}.content.widgets[i].model;"
            " return c.executionCount !== null && c.executionCount !== before; }",
            arg=[index, before], timeout=timeout_ms)
        self.settle(timeout_ms)

    # -- nbgrader ------------------------------------------------------------

    def press_validate(self, timeout_ms: int = 240_000) -> dict:
        """Press nbgrader's Validate toolbar button; return the dialog it opens."""
        button = self.page.locator(".jp-NotebookPanel-toolbar .validate-button").first
        button.wait_for(state="visible", timeout=30_000)
        button.click()
        dialog = self.page.locator(".jp-Dialog")
        dialog.locator(".validation-success, .validation-failed, .validation-error,"
                       " .jp-Dialog-body pre").first.wait_for(timeout=timeout_ms)
        # The dialog may first show a progress line; wait for the verdict.
        wait_for(self.page, """() => {
            const d = document.querySelector('.jp-Dialog');
            return d && (d.querySelector('.validation-success, .validation-failed')
                         || /error|success/i.test(d.innerText));
        }""", timeout=timeout_ms)
        return self.page.evaluate("""() => {
            const d = document.querySelector('.jp-Dialog');
            return {title: (d.querySelector('.jp-Dialog-header') || {}).innerText || '',
                    text: d.innerText,
                    success: !!d.querySelector('.validation-success'),
                    failed: !!d.querySelector('.validation-failed')};
        }""")

    def dismiss_dialog(self) -> None:
        dialog = self.page.locator(".jp-Dialog")
        if dialog.count():
            dialog.locator("button.jp-Dialog-button").last.click()
            dialog.wait_for(state="detached", timeout=10_000)

    # -- pictures ------------------------------------------------------------

    def screenshot_notebook(self, path: Path, page_height: int = 12_000) -> list[Path]:
        """The whole notebook in as few pictures as it takes: the window made
        as tall as the notebook (at most ``page_height`` pixels), then scrolled
        a window at a time, the last picture ending at the last cell. The
        first picture is ``path``, the next ones ``<stem>-p2<suffix>``, ``-p3``
        and so on; JPEG when ``path`` says so (much faster to write than PNG
        at this size)."""
        width = self.page.viewport_size["width"]
        height = self.page.viewport_size["height"]
        scroller = (f"(() => {{ const n = {_CURRENT}.content.node;"
                    f" return n.querySelector(':scope > .jp-WindowedPanel-outer') || n; }})()")
        # Where the last cell ends, in the scroller's coordinates (the blank
        # space JupyterLab adds after it to scroll past the end is left out).
        geometry = f"""() => {{
            const o = {scroller};
            const cells = {_CURRENT}.content.widgets;
            const last = cells[cells.length - 1].node.getBoundingClientRect();
            const end = last.bottom - o.getBoundingClientRect().top + o.scrollTop + 16;
            return [Math.ceil(end), o.clientHeight];
        }}"""
        end, visible = self.page.evaluate(geometry)
        tall = min(page_height, height + max(0, end - visible))
        self.page.set_viewport_size({"width": width, "height": tall})
        # JupyterLab lays itself out again on the resize event: wait for it.
        wait_for(self.page, f"(h) => {scroller}.clientHeight >= h",
                 arg=visible + (tall - height) - 4, timeout=10_000)
        options = {"quality": 85} if path.suffix in (".jpg", ".jpeg") else {}
        path.parent.mkdir(parents=True, exist_ok=True)
        shots = []
        try:
            end, visible = self.page.evaluate(geometry)
            top = 0
            while True:
                last = top + visible >= end
                if last:
                    top = max(0, end - visible)
                self.page.evaluate(f"(top) => {{ {scroller}.scrollTop = top; }}", top)
                self.page.wait_for_timeout(300)
                shot = path if not shots else path.with_name(
                    f"{path.stem}-p{len(shots) + 1}{path.suffix}")
                self.page.screenshot(path=str(shot), **options)
                shots.append(shot)
                if last:
                    break
                top += visible - 40
        finally:
            self.page.set_viewport_size({"width": width, "height": height})
        return shots

    def scroll_to_cell(self, index: int) -> None:
        """Scroll so that cell ``index`` starts at the top of the notebook."""
        self.page.evaluate(f"(i) => {_CURRENT}.content.widgets[i].node"
                           ".scrollIntoView({block: 'start'})", index)
        self.page.wait_for_timeout(200)

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path))
