"""placeholder for the iiif stage."""
