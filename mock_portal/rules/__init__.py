"""The renewal rules (R1–R8 of the reference) as pure functions: no HTTP, no database."""
