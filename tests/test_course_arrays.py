import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course.plots.arrays import draw_elementwise, draw_matmul, draw_vectors
from course.widgets import broadcasting as bc


def test_figures_draw():
    a = np.array([[1, 2], [3, 4]])
    for fig in (draw_vectors([[1, 2], [-1, 1]]), draw_elementwise(a, a, a + a),
                draw_matmul(a, a, a @ a, row=1, col=0)):
        assert fig.axes
        plt.close(fig)


def test_matmul_caption_spells_out_the_sum():
    a = np.array([[1, 2], [3, 4]])
    b = np.array([[5, 6], [7, 8]])
    fig = draw_matmul(a, b, a @ b, row=1, col=1)
    assert fig._suptitle.get_text() == "(A·B)[1, 1] = 3·6 + 4·8 = 50"
    plt.close(fig)


@pytest.mark.parametrize("text, shape", [("8, 1, 6", (8, 1, 6)), ("()", ()), ("", ()),
                                         ("(3,)", (3,)), ("[2,0]", (2, 0))])
def test_parse_shape(text, shape):
    assert bc.parse_shape(text) == shape


def test_parse_shape_rejects_garbage():
    for bad in ("a, b", "-1, 2"):
        with pytest.raises(ValueError):
            bc.parse_shape(bad)


def test_axis_table_and_explain_agree_with_numpy():
    rows = bc.axis_table((8, 1, 6, 1), (7, 1, 5))
    assert [r["size"] for r in rows] == [8, 7, 6, 5]
    assert [r["status"] for r in rows] == ["stretch", "stretch", "stretch", "stretch"]
    assert rows[0]["b"] is None
    assert bc.explain((2, 3), (3,)) == "(2, 3) and (3,) broadcast to (2, 3)."
    text = bc.explain((2, 3), (2,))
    assert "do not broadcast" in text and "sizes 3 and 2" in text
    assert bc.axis_table((0,), (1,))[0] == dict(a=0, b=1, size=0, status="stretch")
    assert bc.axis_table((0,), (3,))[0]["status"] == "conflict"


def test_explorer_builds_and_reacts(capsys):
    seen = []

    def student(a, b):
        seen.append((a, b))
        return (99,)

    box = bc.broadcast_explorer(student)
    example, texts, out = box.children
    example.value = "column + row"
    assert texts.children[0].value == "3, 1" and texts.children[1].value == "1, 4"
    assert seen[-1] == ((3, 1), (1, 4))
    plt.close("all")


def test_student_verdict_is_polite_about_unfinished_or_broken_code():
    def unfinished(a, b):
        raise NotImplementedError()

    assert bc.student_verdict(unfinished, (2,), (2,)) == "your broadcast_shape is not written yet"
    assert "raised IndexError" in bc.student_verdict(lambda a, b: a[5], (2,), (2,))
    assert "raises ValueError: no" in bc.student_verdict(
        lambda a, b: (_ for _ in ()).throw(ValueError("no")), (2,), (3,))
    assert bc.student_verdict(lambda a, b: (2, 3), (2, 3), (3,)) == (
        "your broadcast_shape returns (2, 3)")


def test_broadcast_pairs_are_valid_and_cover_both_kinds():
    from course.checks.arrays import broadcast_pairs

    cases = broadcast_pairs(np.random.default_rng(0), 200)
    assert len(cases) == 200
    for a, b, expected in cases:
        assert expected == np.broadcast_shapes(a, b)
        assert all(isinstance(s, int) for s in expected)
    assert any(len(a) == len(b) for a, b, _ in cases)
    assert any(len(a) != len(b) for a, b, _ in cases)
    assert any(1 in a and 1 not in b for a, b, _ in cases)   # stretching from either side
    assert any(1 in b and 1 not in a for a, b, _ in cases)
    assert cases == broadcast_pairs(np.random.default_rng(0), 200)   # seeded: the same every run


def test_shapes_only_turns_a_memory_error_into_a_failed_check():
    from course.checks import CheckFailed
    from course.checks.arrays import shapes_only

    with pytest.raises(CheckFailed, match="work with the shape tuples alone"):
        with shapes_only("broadcast_shape((2**40, 1), (1, 2**40))"):
            np.empty((2**40, 2**10))
    with shapes_only("never shown"):
        pass
    with pytest.raises(ValueError):
        with shapes_only("other errors pass through"):
            raise ValueError("a student's own error")
