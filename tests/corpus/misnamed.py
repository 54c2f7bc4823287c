"""The notebook saved under another name: failed, naming the file that was found."""
EXPECT = {"status": "failed", "score": 0, "flags": [], "reason": "found 01_arrays (1).ipynb"}


def build(kit):
    return {"01_arrays (1).ipynb": kit.text(kit.notebook())}
