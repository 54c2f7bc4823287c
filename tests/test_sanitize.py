"""Units of what makes feedback safe: HTML cleaning, paths, maths, secrets, flags."""
from __future__ import annotations

import sys

import nbformat

from autograder.reporting import feedback, redact
from autograder.reporting import report
from autograder.notebooks import sanitize
from autograder.config import REPO


def test_clean_html_removes_what_runs():
    dirty = ('<b onclick="steal()">bold</b><script>alert(1)</script>'
             '<a href="javascript:alert(1)">link</a><img src="x" onerror="alert(1)">'
             '<iframe src="http://evil.example"></iframe><svg onload="alert(1)"></svg>'
             '<a href="data:text/html,<script>alert(1)</script>">d</a>')
    clean = sanitize.clean_html(dirty)
    for bad in ("onclick", "<script", "javascript:", "onerror", "<iframe", "onload", "data:text"):
        assert bad not in clean, bad
    assert "<b>bold</b>" in clean and "link" in clean
    png = '<img src="data:image/png;base64,iVBORw0KGgo=" alt="plot">'
    assert sanitize.clean_html(png) == png


def test_safe_markdown_leaves_safe_markdown_as_written():
    text = "# Softmax (소프트맥스)\n\n$y_k = e^{a_k} / \\sum_i e^{a_i}$ and `x < y`, **bold**\n"
    assert sanitize.safe_markdown(text) == text
    assert sanitize.safe_markdown("<table><tr><td>1</td></tr></table>") == \
        "<table><tr><td>1</td></tr></table>"
    cleaned = sanitize.safe_markdown("hi <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<script" not in cleaned and "javascript:" not in cleaned and "hi" in cleaned


def test_scrub_paths():
    site = next(p for p in sys.path if p.endswith("site-packages"))
    text = (f"File {site}/numpy/linalg/_linalg.py:104, in _raise_linalgerror\n"
            f"{REPO}/course/checks.py:25 and /tmp/nn-grade-x1/w0/autograded/s01/a.ipynb "
            "and /somewhere/else/secret.py")
    out = sanitize.scrub_paths(text)
    assert "…/site-packages/numpy/linalg/_linalg.py:104" in out
    assert "course/checks.py:25" in out and str(REPO) not in out
    assert "/tmp/" not in out and "/somewhere/" not in out and "…/secret.py" in out


def test_math_to_mathml_skips_code_and_prices():
    out = sanitize.math_to_mathml("cost $x^2$, `$not$ maths`, $5 and $6\n\n$$\\frac{a}{b}$$")
    assert out.count("<math") == 2 and "<mfrac>" in out and 'display="block"' in out
    assert "`$not$ maths`" in out and "$5 and $6" in out


def test_inline_maths_followed_or_preceded_by_hangul_is_maths():
    text = "값이 $\\pm 1000$처럼 커도, 가중치 $w_{ij}$는 행렬 $W$의 원소이고 값$x$도 그렇다."
    out = sanitize.math_to_mathml(text)
    assert out.count("<math") == 4 and "$" not in out
    assert "처럼" in out and "는 행렬" in out
    assert sanitize.math_to_mathml("costs $5 and $10, a$x$b") == "costs $5 and $10, a$x$b"


def test_the_grade_summary_gives_each_flagged_submission_one_short_line():
    from autograder.grading.results import GradeResult, Outcome

    flags = [f"replaced np.{n}; restored before the tests ran" for n in "abcdefghij"] * 30
    flags += ["edited locked cell test_dot_values", "edited locked cell test_dot_values",
              "forged verdicts: 5 of 5 decoy tests that must fail passed"]
    result = GradeResult([Outcome("kim", "01_arrays", flags=flags)], workers=1)
    line = next(l for l in result.summary().splitlines() if "FLAGGED" in l)
    assert len(line) < 300, len(line)
    assert line.count("restored before the tests ran") == 1 and line.count("np.a") == 1
    assert "+7 more" in line and "edited locked cells: test_dot_values" in line
    assert "forged verdicts" in line


def test_secret_lines_and_redaction():
    source = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "def f(x):\n    ### BEGIN SOLUTION\n    return np.tanh(x) * 0.5 + 0.5\n"
        "    ### END SOLUTION", metadata={"nbgrader": {"solution": True, "grade_id": "f"}})])
    hidden = ("check(f(1))\n### BEGIN HIDDEN TESTS\nassert abs(f(123.0) - 1.0) < 1e-9\n"
              "matmul(A, B)\n### END HIDDEN TESTS")
    visible = {"check(f(1))", 'check_shape("matmul(A, B) with A (2, 3)", r, (2, 4))',
               "def f(x):"}
    secrets = redact.secret_lines(source, [hidden], visible)
    assert "return np.tanh(x) * 0.5 + 0.5" in secrets
    assert "assert abs(f(123.0) - 1.0) < 1e-9" in secrets
    assert "matmul(A, B)" not in secrets                 # part of a visible line
    history = repr(["", "assert abs(f(123.0) - 1.0) < 1e-9\n", "return np.tanh(x) * 0.5 + 0.5"])
    out = redact.redact_text(history, secrets)
    assert "123.0" not in out and "tanh" not in out and redact.LEAK_NOTE in out
    assert "### BEGIN HIDDEN TESTS" in secrets


def test_undone_edits_and_flag_summary():
    flags = ["edited locked cell test_dot_values", "deleted test cell test_dot_rules"] + [
        f"replaced np.{n}; restored before the tests ran" for n in "abcdefghij"]
    told = feedback.undone_edits(flags)
    assert told[0].startswith("you edited the locked cell test_dot_values")
    assert "earned no points" in told[1]
    assert "np.a, np.b" in told[2] and "and 2 more" in told[2]
    line = report.summarise_flags(flags)
    assert "\n" not in line and "+7 more" in line and "edited locked cells: test_dot_values" in line


def test_writes_once_writes_what_nbformat_writes():
    """sanitize.writes_once (no deep copy, no second validation) gives nbformat.writes' text,
    byte for byte: source notebooks, outputs of every kind, attachments, split and joined
    strings, an nbformat 3 notebook read as version 4, and transient metadata it drops."""
    import copy

    notebooks = [nbformat.read(p, as_version=4) for p in sorted((REPO / "source").glob("*/*.ipynb"))]
    v4 = nbformat.v4
    nb = v4.new_notebook(metadata={"signature": "x", "orig_nbformat": 3, "a": {"ü": "한글"}})
    nb.cells = [
        v4.new_markdown_cell("# Title\nline two\n", attachments={
            "a.png": {"image/png": "iVBORw0KGgo=\n", "text/plain": ["multi\n", "line"]}}),
        v4.new_code_cell("x = 1\nprint(x)", metadata={"trusted": True}, outputs=[
            v4.new_output("stream", name="stdout", text="1\n2\n"),
            v4.new_output("execute_result", {"text/plain": "a\nb", "text/html": "<b>\n</b>",
                                             "application/json": {"k": [1, "2\n3"]}},
                          execution_count=1),
            v4.new_output("display_data", {"image/png": "AAAA\nBBBB"}, metadata={"w": 3}),
            v4.new_output("error", ename="E", evalue="v", traceback=["t1\n", "t2"])]),
        v4.new_raw_cell(["raw\n", "cell"])]
    notebooks.append(nb)
    v3 = nbformat.v3.new_notebook(worksheets=[nbformat.v3.new_worksheet(cells=[
        nbformat.v3.new_code_cell(input="y = 2", prompt_number=1)])])
    notebooks.append(nbformat.reads(nbformat.writes(v3, version=3), as_version=4))
    for nb in notebooks:
        assert sanitize.writes_once(copy.deepcopy(nb)) == nbformat.writes(nb)


def test_feedback_progress_off_a_terminal_is_a_few_plain_lines(capsys):
    """Off a terminal (a log, a pipe, CI) tqdm would write every redraw into one line."""
    update, bar = feedback.tqdm_progress()          # pytest's stderr is no terminal
    update(None, 0, 180)
    for done in range(1, 181):
        update("01_arrays" if done < 90 else "02_forward", done, 180)
    bar.close()
    lines = capsys.readouterr().err.splitlines()
    assert 10 <= len(lines) <= 12 and all(len(line) < 80 for line in lines), lines
    assert lines[-1] == "feedback: 180/180 notebooks (02_forward)"
    assert "\r" not in "".join(lines)
