"""The networking task: "talk to three old acquaintances and two new people"."""
