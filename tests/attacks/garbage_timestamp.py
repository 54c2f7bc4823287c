"""An honest notebook with a garbage timestamp.txt: graded (as on time), flagged, not a crash."""
EXPECT = {"status": "graded", "min_score": 20, "flags": ["unreadable timestamp.txt"]}


def build(kit):
    return {"01_arrays.ipynb": kit.text(kit.honest_nb()), "timestamp.txt": "next tuesday \x00"}
