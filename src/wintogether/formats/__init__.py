"""File formats the program writes and reads."""
