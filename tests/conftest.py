import os

os.environ.setdefault("MPLBACKEND", "Agg")

# `make test` runs this suite on two xdist workers with --dist loadfile: all of a module's
# tests go to one worker, so its session fixtures (a graded batch, a cluster, JupyterLab) are
# built once, and the workers take modules in collection order (--no-loadscope-reorder).
# The longest modules go first, so that neither worker is left alone with one at the end.
SLOWEST_FIRST = ["browser/test_student_view.py", "test_grade_dask.py", "test_attacks.py",
                 "test_grade.py", "test_jupyterhub.py", "test_assignments.py",
                 "test_student_bundle.py", "test_feedback_report.py", "test_grade_postgres.py",
                 "test_workflow.py"]


def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(__file__)

    def rank(item) -> int:
        module = os.path.relpath(str(item.path), here).replace(os.sep, "/")
        return SLOWEST_FIRST.index(module) if module in SLOWEST_FIRST else len(SLOWEST_FIRST)

    items.sort(key=rank)   # stable: within a module, the order of the file
