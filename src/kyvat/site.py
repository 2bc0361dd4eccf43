"""placeholder for the site stage."""
