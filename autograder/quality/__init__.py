"""Tools that check the course itself: its hidden tests, its notebooks, its speed."""
