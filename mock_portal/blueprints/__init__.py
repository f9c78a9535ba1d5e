"""One blueprint per feature of the portal."""
