"""Name badges as an A4 PDF."""
