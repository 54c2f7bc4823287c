"""Notebook files as data: a plain-text form for authors (:mod:`.nbtext`) and the
cleaning of untrusted markdown and outputs (:mod:`.sanitize`). Used by grading and
reporting alike."""
