"""vars(numpy).update(...) and globals().update(...) forge the checks in the kernel, where no
check runs: no points."""
EXPECT = {"max_score": 0}

CODE = '''
vars(np).update(allclose=lambda *a, **k: True, isclose=lambda *a, **k: True)
globals().update(check_close=lambda *a, **k: None)
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack(CODE)}
