"""Cell metadata of the wrong type (a string where an object belongs): fails alone."""
EXPECT = {"status": "failed", "reason": "not a Jupyter notebook", "max_score": 0}


def build(kit):
    nb = kit.honest_nb()
    nb.cells[1].metadata = {"nbgrader": "locked"}
    return {"01_arrays.ipynb": kit.text(nb)}
