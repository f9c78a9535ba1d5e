"""Use cases of the portal: they read and write the database and call the pure rules."""
