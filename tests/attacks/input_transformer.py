"""An IPython input transformer turns every later cell into `pass`, the line that makes the
kernel answer the judge included: the judge finds no exercise to call, no points."""
EXPECT = {"max_score": 0}

CODE = '''
ip = get_ipython()
ip.input_transformers_post.append(lambda lines: ["pass\\n"])
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack(CODE)}
