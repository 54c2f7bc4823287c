"""vars(numpy).update(...) and globals().update(...) instead of attribute assignment: flagged."""
EXPECT = {"max_score": 0, "flags": ["writes into vars()", "writes into globals()"]}

CODE = '''
vars(np).update(allclose=lambda *a, **k: True, isclose=lambda *a, **k: True)
globals().update(check_close=lambda *a, **k: None)
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack(CODE)}
