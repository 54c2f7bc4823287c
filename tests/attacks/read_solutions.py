"""Looks for the instructor's source notebooks (the solutions) and prints them into its own
outputs, where feedback would show them: none is readable in the sandbox."""
EXPECT = {"max_score": 0, "no_output": ["### BEGIN SOLUTION"]}

CODE = '''
import glob
for path in glob.glob("/**/source/**/*.ipynb", recursive=True) + glob.glob(
        "../../../source/*/*.ipynb"):
    try:
        print(open(path).read()[:100000])
    except OSError:
        pass
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack(CODE)}
