"""placeholder for the search stage."""
