"""Tools that check the course itself rather than a class's work.

:mod:`.check_tests` grades the mutation catalogue (:mod:`autograder.catalogue`) through
``grade`` (:mod:`.batch`) and rewrites its failure signatures; :mod:`.simulate` writes a
synthetic class; :mod:`.demo` runs the instructor's pipeline on one; :mod:`.bench` and
:mod:`.bench_dask` time ``grade`` against stock nbgrader; :mod:`.points` and
:mod:`.sitting` measure where a notebook's points go and how long it takes.
"""
