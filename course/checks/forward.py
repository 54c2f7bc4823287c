"""Helpers of the tests of 02_forward (sigmoid, Sigmoid, Affine, TwoLayerNet).

They check what layers and networks hold and run a network's layers one by
one; none of them computes an exercise's answer. Every call of student code
runs inside :func:`course.checks.quiet`.
"""
from __future__ import annotations

from . import _fail, check_same_object, check_type, quiet


def check_layers(what: str, layers, classes) -> None:
    """``layers`` is a list of as many layer objects as ``classes``, each of its class, all distinct."""
    names = ", ".join(c.__name__ for c in classes)
    check_type(what, layers, list)
    if len(layers) != len(classes):
        _fail(f"{what} should hold {len(classes)} layers [{names}]; it holds {len(layers)}")
    for k, (layer, cls) in enumerate(zip(layers, classes)):
        if not isinstance(layer, cls):
            _fail(f"{what}[{k}] should be an object of your class {cls.__name__} "
                  f"(the layers, in order: [{names}])")
    for j in range(len(layers)):
        for k in range(j):
            if layers[j] is layers[k]:
                _fail(f"{what}[{k}] and {what}[{j}] are the same object: build a new layer for each")


def check_params_are(what: str, params, arrays, names=None) -> None:
    """``params`` is a flat list of exactly the arrays ``arrays``, the same objects, in order."""
    names = names or [f"array {k}" for k in range(len(arrays))]
    check_type(what, params, list)
    if len(params) != len(arrays):
        _fail(f"{what} should be the flat list [{', '.join(names)}] of {len(arrays)} arrays; "
              f"it has {len(params)} items")
    for k, (param, array, name) in enumerate(zip(params, arrays, names)):
        check_same_object(f"{what}[{k}] ({name})", param, array)


def layer_params(layers) -> list:
    """Every layer's ``params``, one after another, in one flat list (a layer without any adds none)."""
    return [p for layer in layers for p in (getattr(layer, "params", None) or [])]


def run_layers(layers, x, what: str = "net.layers"):
    """The output of calling ``forward`` of every layer in turn, starting from ``x``.

    A layer that raises makes this a failed check that sends the student to
    that layer's own exercise (an unfinished one still raises NotImplementedError).
    """
    out = x
    for k, layer in enumerate(layers):
        try:
            with quiet():
                out = layer.forward(out)
        except NotImplementedError:
            raise
        except Exception as error:
            _fail(f"running {what} one by one, layer {k} raised {type(error).__name__}: {error}; "
                  "fix that layer first (its own checks say how)")
    return out
