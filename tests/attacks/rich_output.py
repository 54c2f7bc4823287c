"""display(HTML(...)) of 210 MB in all: the worker keeps only the first few MB."""
EXPECT = {"max_score": 0, "autograded_below": 20_000_000}

CODE = '''
from IPython.display import HTML, display
for _ in range(7):
    display(HTML("<p>" + "x" * (30 << 20) + "</p>"))
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack(CODE)}
