"""An honest notebook saved as nbformat 3 (old Jupyter): graded like any other, full marks."""
EXPECT = {"status": "graded", "min_score": 20}


def build(kit):
    import nbformat
    return {"01_arrays.ipynb": nbformat.writes(nbformat.convert(kit.honest_nb(), 3))}
