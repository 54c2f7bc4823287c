"""Unhooks the kernel's event callbacks without a single suspicious name in its source
(getattr and strings built at run time), then makes NumPy's comparisons and the course's
checks in the kernel always pass. The tests run in the judge with its own NumPy and checks:
no points."""
EXPECT = {"max_score": 0}

CODE = '''
def _n(*parts):
    return "".join(parts)

_shell = getattr(__import__("IPython"), _n("get_", "ipy", "thon"))()
_ev = getattr(_shell, _n("ev", "ents"))
for _cb in list(getattr(_ev, _n("call", "backs"))[_n("pre_", "run_cell")]):
    getattr(_ev, _n("unre", "gister"))(_n("pre_", "run_cell"), _cb)
_always = lambda *a, **k: True
_never = lambda *a, **k: None
_np = __import__("numpy")
for _name in ("allclose", "isclose", "array_equal"):
    setattr(_np, _name, _always)
_checks = __import__("course.checks", fromlist=["x"])
for _name in ("check_close", "check_shape", "check_raises", "check_equal", "check_true"):
    setattr(_checks, _name, _never)
    _shell.user_ns[_name] = _never
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack(CODE)}
