"""A test cell's metadata says `points: "three"`: this submission fails alone, with a reason."""
EXPECT = {"status": "failed", "reason": "points are not a number", "max_score": 0}


def build(kit):
    nb = kit.honest_nb()
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.metadata.nbgrader.points = "three"
            break
    return {"01_arrays.ipynb": kit.text(nb)}
