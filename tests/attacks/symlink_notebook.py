"""The submitted notebook is a symbolic link to the instructor's source notebook: not graded."""
EXPECT = {"status": "failed", "reason": "symbolic link", "max_score": 0}


def build(kit):
    return {"symlink": {"01_arrays.ipynb": "{course}/source/01_arrays/01_arrays.ipynb"}}
