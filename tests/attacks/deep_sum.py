"""A valid 200 000-term `1+1+…` cell (ast.parse raises RecursionError in whoever reads it:
the judge reads student cells for the rules): the batch goes on, nothing gained."""
EXPECT = {"max_score": 0}


def build(kit):
    return {"01_arrays.ipynb": kit.attack("x = " + "+".join(["1"] * 200_000))}
