import warnings

import numpy as np
import pytest

from course.checks import (CheckFailed, check_close, check_dtype, check_equal, check_raises,
                           check_same_object, check_scalar, check_shape, check_true, check_type,
                           quiet)


def message(fn, *args, **kwargs) -> str:
    with pytest.raises(CheckFailed) as info:
        fn(*args, **kwargs)
    return str(info.value)


def test_check_failed_is_an_assertion_error():
    assert issubclass(CheckFailed, AssertionError)


def test_check_shape_names_both_shapes():
    check_shape("f(x)", np.zeros((10, 3)), (10, 3))
    assert message(check_shape, "Affine.forward(x)", np.zeros((10, 4)), (10, 3)) == (
        "Affine.forward(x) returned shape (10, 4), expected (10, 3)")
    assert "expected a NumPy array of shape (2,)" in message(check_shape, "f(x)", [1, 2], (2,))


def test_check_close_reports_worst_entry_and_errors():
    check_close("f(x)", np.array([1.0, 2.0]), [1.0, 2.0 + 1e-12])
    text = message(check_close, "softmax(x)", np.array([[0.1, 0.9], [0.5, 0.2]]),
                   [[0.1, 0.9], [0.5, 0.5]])
    assert "softmax(x)" in text and "index (1, 1)" in text
    assert "got 0.2" in text and "expected 0.5" in text
    assert "max abs error 3.00e-01" in text and "max rel error 6.00e-01" in text


def test_check_close_shape_nan_and_scalars():
    assert "returned shape (3,), expected (2,)" in message(check_close, "f", np.ones(3), np.ones(2))
    assert "NaN at index (1,)" in message(check_close, "f", np.array([1.0, np.nan]), [1.0, 2.0])
    check_close("dot", np.float64(32.0), 32.0)
    check_close("dot", 32, 32.0)
    assert "expected a single number" in message(check_close, "dot", np.ones(3), 3.0)


def test_check_scalar_accepts_numbers_only():
    assert check_scalar("f", np.float64(1.5)) == 1.5
    assert check_scalar("f", np.array(2.0)) == 2.0
    assert check_scalar("f", 3) == 3.0
    assert "expected a single number" in message(check_scalar, "f", "3")
    assert "expected a single number" in message(check_scalar, "f", None)


def test_check_equal_compares_type_and_value():
    check_equal("broadcast_shape", (2, 3), (2, 3))
    assert "returned list [2, 3], expected tuple (2, 3)" in message(check_equal, "g", [2, 3], (2, 3))
    assert "returned (2, 4), expected (2, 3)" in message(check_equal, "g", (2, 4), (2, 3))


def test_check_dtype_and_type():
    check_dtype("f", np.zeros(2), "f")
    assert "dtype int64" in message(check_dtype, "f", np.zeros(2, dtype=np.int64), "f")
    check_type("f", 1.0, float)
    assert "expected list" in message(check_type, "f", (1,), list)


def test_check_raises_cases():
    def raises_value(x):
        raise ValueError("bad")

    assert isinstance(check_raises("f", ValueError, raises_value, 1), ValueError)
    assert "should raise ValueError, but returned int 3" in message(
        check_raises, "f(1)", ValueError, lambda x: 3, 1)
    assert "raised KeyError" in message(check_raises, "f", ValueError, lambda: {}["k"])
    with pytest.raises(NotImplementedError):
        check_raises("f", ValueError, lambda: (_ for _ in ()).throw(NotImplementedError()))


def test_check_true_and_same_object():
    check_true(True, "never shown")
    assert message(check_true, False, "do this") == "do this"
    a = np.zeros(2)
    check_same_object("params[0]", a, a)
    assert "not the same object" in message(check_same_object, "params[0]", a.copy(), a)


def test_quiet_silences_numpy_and_python_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with quiet():
            np.exp(np.array([1000.0]))
            warnings.warn("ignored")


def test_see_points_a_failed_check_to_its_explanation():
    from course.checks import see
    with pytest.raises(CheckFailed) as info:
        with see("Hint 2 of Affine (힌트 2)"):
            check_shape("Affine.forward(x)", np.zeros((10, 4)), (10, 3))
    assert str(info.value) == ("Affine.forward(x) returned shape (10, 4), expected (10, 3)\n"
                               "→ see Hint 2 of Affine (힌트 2)")
    with see("never shown"):  # a passing check says nothing
        check_true(True, "unused")
    with pytest.raises(ValueError):  # only failed checks are annotated
        with see("Hint 1"):
            raise ValueError("a student's own error")


def test_see_keeps_the_failed_check_itself():
    from course.checks import see
    with pytest.raises(CheckFailed) as info:
        with see("outer"):
            with see("inner"):
                check_true(False, "do this")
    assert str(info.value) == "do this\n→ see inner\n→ see outer"
    assert info.traceback[-1].name == "_fail"      # still the check's own exception


def test_see_turns_a_forbidden_shortcut_into_a_failed_check():
    from course.checks import see
    from course.rules import no_products

    def dot(x, y):
        return np.dot(x, y)

    with pytest.raises(CheckFailed) as info:
        with see("Hint 3 of dot (힌트 3)"), no_products():
            dot(np.ones(2), np.ones(2))
    assert str(info.value).startswith("this exercise must not use np.dot")
    assert str(info.value).endswith("→ see Hint 3 of dot (힌트 3)")
    assert any(entry.name == "dot" for entry in info.traceback)   # the student's line


def test_student_traceback_drops_our_frames_and_repeats():
    from course.checks import see, student_traceback
    try:
        with see("Hint 1"):
            check_true(False, "do this")
    except CheckFailed as error:
        kept = student_traceback(error.__traceback__)
    assert [entry.tb_frame.f_code.co_name for entry in kept] == [
        "test_student_traceback_drops_our_frames_and_repeats"]
    assert kept[0].tb_lineno == test_student_traceback_drops_our_frames_and_repeats.__code__.co_firstlineno + 4


STUDENT_CELLS = [
    "import numpy as np\nfrom course.checks import check_close, check_raises, quiet, see\n"
    "from course.rules import no_products",
    "check_close('f(x)', np.ones(2), np.zeros(2))",
    "with see('Hint 2 of f (힌트 2)'):\n    with quiet():\n        y = np.ones(2)\n"
    "    check_close('f(x) in a see block', y, np.zeros(2))\nprint('not reached')",
    "def dot(x, y):\n    return np.dot(x, y)",
    "with see('Hint 3 of dot (힌트 3)'), quiet(), no_products():\n"
    "    result = dot(np.ones(2), np.ones(2))",
    "def g(x):\n    return x[5]\nwith see('Hint 1'):\n    g([1])",
]


def _plain(text: str) -> str:
    import re
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)


@pytest.fixture(scope="module")
def kernel_run():
    """The cells above, run in a Jupyter kernel as a student's notebook runs."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in STUDENT_CELLS]
    NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=True).execute()
    errors = {}
    for number, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output["output_type"] == "error":
                errors[number] = (output["ename"], output["evalue"],
                                  _plain("\n".join(output["traceback"])))
    return errors


def test_a_failed_check_in_a_kernel_shows_the_students_line_and_message_only(kernel_run):
    assert set(kernel_run) == {1, 2, 4, 5}     # every failing cell still ends in an error
    ename, evalue, text = kernel_run[1]
    assert ename == "CheckFailed" and evalue.startswith("f(x) differs")
    assert "----> 1 check_close('f(x)', np.ones(2), np.zeros(2))" in text
    ename, evalue, text = kernel_run[2]
    assert evalue.endswith("→ see Hint 2 of f (힌트 2)")
    assert "----> 4     check_close('f(x) in a see block'" in text   # the check, not the with
    assert text.rstrip().endswith("→ see Hint 2 of f (힌트 2)")
    for _, _, text in (kernel_run[1], kernel_run[2], kernel_run[4]):
        assert "Cell In[" in text
        assert "contextlib" not in text and "course/" not in text and "_fail" not in text
        assert len(text.splitlines()) <= 16


def test_a_forbidden_shortcut_in_a_kernel_points_at_the_students_code(kernel_run):
    ename, evalue, text = kernel_run[4]
    assert ename == "CheckFailed" and "must not use np.dot" in evalue
    assert "---->" in text and "return np.dot(x, y)" in text and ", in dot" in text
    assert "rules.py" not in text and "tracer" not in text


def test_other_errors_in_a_kernel_keep_their_usual_traceback(kernel_run):
    ename, _, text = kernel_run[5]
    assert ename == "IndexError" and "return x[5]" in text


def test_check_unchanged_names_the_input_that_changed():
    from course.checks import check_unchanged
    x = np.array([1.0, 2.0])
    check_unchanged("the x passed to dot", x, [1.0, 2.0])
    check_unchanged("a NaN stays a NaN", np.array([np.nan]), [np.nan])
    x *= 2
    text = message(check_unchanged, "the x passed to dot", x, [1.0, 2.0])
    assert text.startswith("the x passed to dot changed during the call")
    assert "changed during the call" in message(check_unchanged, "b", np.zeros((1, 2)), [0.0, 0.0])
