"""Speakers' slides and links, attached to agenda items and served only to those allowed."""
