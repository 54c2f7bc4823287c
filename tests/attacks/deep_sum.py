"""A valid 200 000-term `1+1+…` cell (ast.parse raises RecursionError): the analysis flags it,
the batch goes on."""
EXPECT = {"max_score": 0, "flags": ["too deeply nested"]}


def build(kit):
    return {"01_arrays.ipynb": kit.attack("x = " + "+".join(["1"] * 200_000))}
