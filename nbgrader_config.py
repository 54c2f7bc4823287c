# nbgrader settings of the course; see autograder/config.py.
from autograder.config import configure

configure(get_config())
