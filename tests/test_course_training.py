"""The figures and the playground of 06_training (course/plots/training.py, course/widgets/training.py)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course.datasets import load_spiral  # noqa: E402
from course.plots import training as plots  # noqa: E402
from course.widgets import training as widget  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _by_angle(points):
    """A stand-in for a trained network: the class is the sector of the point's angle."""
    angle = np.arctan2(points[:, 1], points[:, 0])
    sector = ((angle + np.pi) / (2 * np.pi / 3)).astype(int) % 3
    return np.eye(3)[sector] * 5.0


# ---- plots -----------------------------------------------------------------------------------

def test_plot_descent_paths_draws_one_line_per_path():
    paths = {"a": np.array([-2.0, -1.0, -0.5]), "b": np.array([-2.0, 2.0, -2.0])}
    fig = plots.plot_descent_paths(lambda w: w ** 2, paths)
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert "a" in labels and "b" in labels and "f(w)" in labels
    assert ax.get_xlim()[1] >= 2.0


def test_plot_spiral_one_scatter_per_class():
    x, t = load_spiral()
    fig = plots.plot_spiral(x, t)
    assert len(fig.axes[0].collections) == 3
    fig = plots.plot_spiral(x, t.argmax(axis=1))   # labels work too
    assert len(fig.axes[0].collections) == 3


def test_plot_loss_curve_plots_every_epoch():
    losses = [1.1, 0.8, 0.5, 0.3]
    fig = plots.plot_loss_curve(losses, label="run")
    (line,) = fig.axes[0].get_lines()
    assert list(line.get_xdata()) == [1, 2, 3, 4]
    assert np.allclose(line.get_ydata(), losses)
    assert fig.axes[0].get_xlabel() == "epoch"


def test_decision_grid_uses_predict_on_a_grid_covering_the_data():
    x, _ = load_spiral()
    calls = []

    def predict(points):
        calls.append(points.shape)
        return _by_angle(points)

    xx, yy, classes = plots.decision_grid(predict, x, resolution=30)
    assert calls == [(900, 2)]
    assert xx.shape == yy.shape == classes.shape == (30, 30)
    assert xx.min() < x[:, 0].min() and xx.max() > x[:, 0].max()
    assert set(np.unique(classes)) == {0, 1, 2}


def test_plot_decision_regions_and_training_result():
    x, t = load_spiral()
    fig = plots.plot_decision_regions(_by_angle, x, t, resolution=40)
    assert fig.axes[0].collections, "expected filled regions and the scatter"
    fig = plots.plot_training_result([1.0, 0.5, 0.2], _by_angle, x, t, suptitle="done")
    assert len(fig.axes) == 2


# ---- the playground ----------------------------------------------------------------------------

class FakeNet:
    """Remembers its construction; predicts by angle."""
    built = []

    def __init__(self, input_size, hidden_size, output_size):
        FakeNet.built.append((input_size, hidden_size, output_size))
        self.draw = float(np.random.rand())   # shows which seed was in force

    def predict(self, x):
        return _by_angle(x)


class FakeSGD:
    def __init__(self, lr=0.01):
        self.lr = lr


def make_fake_train(losses_per_epoch=None):
    calls = []

    def train(model, optimizer, x, t, max_epoch=300, batch_size=30):
        calls.append((max_epoch, batch_size, optimizer.lr))
        value = 1.0 / len(calls) if losses_per_epoch is None else losses_per_epoch
        return [value] * max_epoch

    train.calls = calls
    return train


def test_run_training_one_epoch_per_call_seeded_and_restores_state():
    x, t = load_spiral()
    train = make_fake_train()
    seen = []
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    model, losses = widget.run_training(FakeNet, FakeSGD, train, x, t, lr=0.5, hidden_size=7,
                                        epochs=5, batch_size=20, seed=3,
                                        on_epoch=lambda e, l: seen.append((e, len(l))))
    assert FakeNet.built[-1] == (2, 7, 3)
    assert train.calls == [(1, 20, 0.5)] * 5
    assert losses == [1.0, 0.5, 1 / 3, 0.25, 0.2]
    assert seen == [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5)]
    assert np.array_equal(np.random.get_state()[1], before), "global random state not restored"
    np.random.seed(3)
    assert model.draw == np.random.rand(), "the model was not built right after seeding"


def _playground(*args, **kwargs):
    box = widget.training_playground(*args, **kwargs)
    return box, box.controls


def test_playground_trains_only_on_click_and_reports():
    x, t = load_spiral()
    train = make_fake_train()
    box, c = _playground(FakeNet, FakeSGD, train, x, t)
    c["lr"].value = 0.1
    c["hidden"].value = 4
    c["epochs"].value = 20
    assert train.calls == [], "moving the sliders must not train"
    c["button"].click()
    assert len(train.calls) == 20 and train.calls[0][2] == pytest.approx(0.1)
    assert FakeNet.built[-1] == (2, 4, 3)
    assert c["progress"].max == 20 and c["progress"].value == 20
    assert c["status"].value.startswith("done")
    assert not c["button"].disabled


def test_playground_not_ready_when_stubs_raise(capsys):
    x, t = load_spiral()

    class StubSGD:
        def __init__(self, lr=0.01):
            raise NotImplementedError()

    box, c = _playground(FakeNet, StubSGD, make_fake_train(), x, t)
    c["epochs"].value = 10
    c["button"].click()
    assert c["status"].value == "not ready"
    out = capsys.readouterr().out
    assert "Implement SGD, TwoLayerNet and train" in out and "StubSGD" in out
    assert not c["button"].disabled


def test_playground_survives_errors_and_divergence(capsys):
    x, t = load_spiral()

    def broken_train(model, optimizer, x, t, max_epoch=300, batch_size=30):
        raise ValueError("shapes do not match")

    box, c = _playground(FakeNet, FakeSGD, broken_train, x, t)
    c["epochs"].value = 10
    c["button"].click()
    assert c["status"].value == "failed"
    assert "ValueError: shapes do not match" in capsys.readouterr().out

    box, c = _playground(FakeNet, FakeSGD, make_fake_train(float("nan")), x, t)
    c["epochs"].value = 10
    c["button"].click()
    assert c["status"].value == "the loss blew up"
    assert "learning rate is too large" in capsys.readouterr().out


# ---- snapshots, accuracies, the initial weight scale -------------------------------------------

def test_plot_regions_draws_a_precomputed_grid():
    x, t = load_spiral()
    grid = plots.decision_grid(_by_angle, x, resolution=30)
    fig = plots.plot_regions(grid, x, t, legend=False)
    ax = fig.axes[0]
    assert ax.get_legend() is None
    assert len(ax.collections) >= 4, "filled regions and one scatter per class"


def test_plot_learning_snapshots_one_panel_per_epoch_and_marks_on_the_curve():
    x, t = load_spiral()
    grid = plots.decision_grid(_by_angle, x, resolution=20)
    losses = list(np.linspace(1.1, 0.1, 30))
    snapshots = {0: grid, 1: grid, 10: grid, 30: grid}
    fig = plots.plot_learning_snapshots(losses, snapshots, x, t)
    curve, *panels = fig.axes
    assert [p.get_title() for p in panels] == ["before training", "after epoch 1",
                                               "after epoch 10", "after epoch 30"]
    marks = [line for line in curve.get_lines() if line.get_marker() == "o"]
    assert sorted(float(m.get_xdata()[0]) for m in marks) == [1.0, 10.0, 30.0]
    assert np.allclose(curve.get_lines()[0].get_ydata(), losses)


def test_plot_accuracies_in_per_cent_with_the_guessing_line():
    fig = plots.plot_accuracies([10, 20], {"training": [0.5, 0.9], "validation": [0.4, 0.8]})
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert np.allclose(lines["training"].get_ydata(), [50, 90])
    assert np.allclose(lines["validation"].get_ydata(), [40, 80])
    assert "guessing (1/3)" in lines


class ReferenceNet:
    """A correct two-layer network in the course's params/grads style (the book's)."""

    def __init__(self, input_size, hidden_size, output_size):
        self.params = [0.01 * np.random.randn(input_size, hidden_size), np.zeros(hidden_size),
                       0.01 * np.random.randn(hidden_size, output_size), np.zeros(output_size)]
        self.grads = [np.zeros_like(p) for p in self.params]

    def predict(self, x):
        W1, b1, W2, b2 = self.params
        self.x, self.h = x, 1 / (1 + np.exp(-(x @ W1 + b1)))
        return self.h @ W2 + b2

    def forward(self, x, t):
        s = self.predict(x)
        s = s - s.max(axis=1, keepdims=True)
        self.y = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
        self.t = t.argmax(axis=1)
        return float(-np.mean(np.log(self.y[np.arange(len(x)), self.t])))

    def backward(self, dout=1):
        W1, _, W2, _ = self.params
        ds = self.y.copy()
        ds[np.arange(len(ds)), self.t] -= 1
        ds *= dout / len(ds)
        self.grads[2][...] = self.h.T @ ds
        self.grads[3][...] = ds.sum(axis=0)
        da = ds @ W2.T * self.h * (1 - self.h)
        self.grads[0][...] = self.x.T @ da
        self.grads[1][...] = da.sum(axis=0)
        return da @ W1.T


def test_weight_scale_statistics_saturation_and_gradients():
    x, t = load_spiral()
    wide = np.random.default_rng(1).normal(size=(300, 100))
    np.random.seed(5)
    before = np.random.get_state()[1].copy()
    small = widget.weight_scale_statistics(ReferenceNet, x, t, 0.01)
    assert np.array_equal(np.random.get_state()[1], before), "global random state not restored"
    assert small["hidden"].shape == (300, 10)
    assert small["saturated"] == 0 and abs(small["mean_slope"] - 0.25) < 1e-3
    assert abs(small["loss"] - np.log(3)) < 0.01
    big = widget.weight_scale_statistics(ReferenceNet, wide, t, 1.0)
    assert big["saturated"] > 0.5 and big["mean_slope"] < 0.1 and big["loss"] > 1.5
    # the weights are scale * randn of a private generator: larger weights, larger gradients
    ratio = widget.weight_scale_statistics(ReferenceNet, x, t, 1.0)
    assert ratio["grad_sizes"]["dW1"] > 10 * small["grad_sizes"]["dW1"]
    again = widget.weight_scale_statistics(ReferenceNet, x, t, 0.01)
    assert np.array_equal(again["hidden"], small["hidden"]), "the same settings give the same numbers"


def test_plot_weight_scale_histogram_and_bars():
    x, t = load_spiral()
    stats = widget.weight_scale_statistics(ReferenceNet, x, t, 1.0)
    fig = plots.plot_weight_scale(stats, title="spiral")
    left, right = fig.axes
    assert left.get_title() == "spiral"
    assert sum(p.get_height() for p in left.patches) == stats["hidden"].size
    heights = [p.get_height() for p in right.patches]
    assert heights == [stats["grad_sizes"]["dW1"], stats["grad_sizes"]["dW2"]]
    assert right.get_yscale() == "log"


def test_weight_scale_explorer_redraws_on_change_and_reports_stubs(capsys):
    x, t = load_spiral()
    wide = np.random.default_rng(1).normal(size=(300, 100))
    box = widget.weight_scale_explorer(ReferenceNet, {"spiral": (x, t), "wide": (wide, t)})
    c = box.controls
    assert c["scale"].value == pytest.approx(0.01) and c["data"].value == "spiral"
    shown = []
    original = widget.plot_weight_scale
    widget.plot_weight_scale = lambda stats, **kw: shown.append(stats) or original(stats, **kw)
    try:
        c["scale"].value = 1.0
        c["data"].value = "wide"
    finally:
        widget.plot_weight_scale = original
    assert [s["hidden"].shape[0] for s in shown] == [300, 300]
    assert shown[-1]["saturated"] > 0.5, "the wide inputs at scale 1 saturate"

    class Stub:
        def __init__(self, *args):
            raise NotImplementedError()

    widget.weight_scale_explorer(Stub, {"spiral": (x, t)})
    assert "Stub" in capsys.readouterr().out


# ---- course.checks.training: the test doubles and checks of the notebook's train tests -------

from course.checks import CheckFailed  # noqa: E402
from course.checks import training as checks  # noqa: E402


def _loop(model, optimizer, x, t, max_epoch, batch_size, running=True, extra_draw=False,
          labels_apart=False):
    """A training loop as the notebook asks for it, with switchable mistakes."""
    iterations = len(x) // batch_size
    losses = []
    for _ in range(max_epoch):
        idx = np.random.permutation(len(x))
        if running:
            x, t = x[idx], t[idx]
            xs, ts = x, t
        else:
            xs, ts = x[idx], t[idx if not labels_apart else np.random.permutation(len(x))]
        total = 0.0
        for i in range(iterations):
            rows = slice(i * batch_size, (i + 1) * batch_size)
            total += model.forward(xs[rows], ts[rows])
            model.backward()
            optimizer.update(model.params, model.grads)
        losses.append(total / iterations)
        if extra_draw:
            np.random.rand()
    return losses


def _recorded(n, max_epoch, batch_size, seed=0, **mistakes):
    x, t = checks.make_indexed_data(n)
    model = checks.RecordingModel()
    np.random.seed(seed)
    result = _loop(model, checks.RecordingOptimizer(model), x, t, max_epoch, batch_size,
                   **mistakes)
    return x, t, model, result


def test_indexed_data_and_the_recording_model():
    x, t = checks.make_indexed_data(7, n_classes=4, seed=3)
    assert x.shape == (7, 2) and np.array_equal(x[:, 0], np.arange(7))
    assert t.shape == (7, 4) and np.all(t.sum(axis=1) == 1)
    model = checks.RecordingModel()
    assert [model.forward(x[:2], t[:2]) for _ in range(3)] == [1.0, 1.125, 1.25]
    assert model.backward().shape == (2, 2)
    assert model.predict(x).shape == (7, 3)
    checks.RecordingOptimizer(model).update(model.params, model.grads)
    assert checks.calls_of(model) == ["forward"] * 3 + ["backward", "update"]
    assert len(checks.batches_of(model)) == 3
    # the records stay out of the public attributes train can reach
    public = {name for name in vars(model) if not name.startswith("_")}
    assert public == {"params", "grads", "n_classes"}


def test_checks_pass_a_correct_loop_both_ways_of_shuffling():
    for running in (True, False):
        x, t, model, result = _recorded(23, 3, 5, seed=4, running=running)
        what = "train(...)"
        checks.check_minibatches(model, x, t, 3, 5, what)
        checks.check_steps(model, 3 * 4, what)
        checks.check_epoch_losses(result, model, 3, 4, what)
        checks.check_reshuffled(model, 23, 3, 5, what)
        np.random.seed(4)
        perms = [np.random.permutation(23) for _ in range(3)]
        checks.check_permutation_orders(model, perms, 5, what)


def test_checks_catch_the_mistakes_they_name():
    x, t, model, _ = _recorded(20, 2, 5, running=False, labels_apart=True)
    with pytest.raises(CheckFailed, match="do not belong to the inputs"):
        checks.check_minibatches(model, x, t, 2, 5, "train")
    x, t, model, _ = _recorded(20, 3, 5, seed=6, extra_draw=True)
    np.random.seed(6)
    perms = [np.random.permutation(20) for _ in range(3)]
    with pytest.raises(CheckFailed, match="no other random draw"):
        checks.check_permutation_orders(model, perms, 5, "train")
    x, t, model, result = _recorded(20, 2, 5)
    with pytest.raises(CheckFailed, match="mean loss of epoch 1"):
        checks.check_epoch_losses(result[:1] + [result[1] + 0.1], model, 2, 4, "train")
    with pytest.raises(CheckFailed, match="expected a list"):
        checks.check_epoch_losses(np.array(result), model, 2, 4, "train")
    model._log[1], model._log[2] = model._log[2], model._log[1]
    with pytest.raises(CheckFailed, match="call 1 was 'update', expected 'backward'"):
        checks.check_steps(model, 8, "train")


def test_check_reshuffled_wants_a_new_order_every_epoch():
    x, t = checks.make_indexed_data(12)
    model = checks.RecordingModel()
    for _ in range(2):                       # the same order twice, and not shuffled at all
        for i in range(3):
            model.forward(x[4 * i:4 * (i + 1)], t[4 * i:4 * (i + 1)])
    with pytest.raises(CheckFailed, match="original order"):
        checks.check_reshuffled(model, 12, 2, 4, "train")


def _two_layer_gradients(params, x, labels, dout=1.0):
    W1, b1, W2, b2 = params
    h = 1 / (1 + np.exp(-(x @ W1 + b1)))
    s = h @ W2 + b2
    y = np.exp(s - s.max(axis=1, keepdims=True))
    y /= y.sum(axis=1, keepdims=True)
    ds = y.copy()
    ds[np.arange(len(x)), labels] -= 1
    ds *= dout / len(x)
    da = ds @ W2.T * h * (1 - h)
    return da @ W1.T, [x.T @ da, da.sum(axis=0), h.T @ ds, ds.sum(axis=0)]


def test_check_gradients_match_accepts_the_gradient_and_names_a_wrong_one():
    rng = np.random.default_rng(0)
    params = [rng.normal(size=s) for s in [(3, 4), (4,), (4, 2), (2,)]]
    x, labels = rng.normal(size=(5, 3)), np.array([0, 1, 1, 0, 1])
    kept = [p.copy() for p in params] + [x.copy()]
    dx, grads = _two_layer_gradients(params, x, labels, dout=2.5)
    checks.check_gradients_match("net.backward(2.5)", dx, grads, params, x, labels, dout=2.5)
    assert all(np.array_equal(a, b) for a, b in zip(kept, params + [x])), "inputs changed"
    with pytest.raises(CheckFailed, match="dW2"):
        wrong = [g / 2.5 for g in grads]
        wrong[2] = -wrong[2]
        checks.check_gradients_match("net.backward()", dx / 2.5, wrong, params, x, labels)
    with pytest.raises(CheckFailed, match="dx"):
        checks.check_gradients_match("net.backward()", dx, grads, params, x, labels)
    with pytest.raises(CheckFailed, match="shape"):
        checks.check_gradients_match("net.backward()", dx.T, grads, params, x, labels, dout=2.5)
