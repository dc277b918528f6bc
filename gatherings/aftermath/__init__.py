"""After the gathering: connections, feedback, the day-after email and network growth."""
