"""An IPython input transformer turns every later cell (the tests) into `pass`.
The decoy tests then pass too: forged verdicts, no points."""
EXPECT = {"max_score": 0, "flags": ["forged verdicts"]}

CODE = '''
ip = get_ipython()
ip.input_transformers_post.append(lambda lines: ["pass\\n"])
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack(CODE)}
