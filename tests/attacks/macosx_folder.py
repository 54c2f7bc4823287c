"""An honest notebook with the `__MACOSX/` folder a Mac's zip leaves behind, inside the
submission and as a stray "assignment" beside it: graded, the stray folder skipped."""
EXPECT = {"status": "graded", "min_score": 20, "skipped": "macosx_folder/__MACOSX"}


def build(kit):
    return {"01_arrays.ipynb": kit.text(kit.honest_nb()),
            "__MACOSX/._01_arrays.ipynb": "\x00\x05\x16\x07",
            "../__MACOSX/01_arrays/._01_arrays.ipynb": "\x00\x05\x16\x07"}
