"""Instructor tooling around nbgrader for the *neural networks from scratch* course."""
