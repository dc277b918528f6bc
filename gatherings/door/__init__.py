"""At the door: check-in by name or personal code, walk-ins and guests."""
