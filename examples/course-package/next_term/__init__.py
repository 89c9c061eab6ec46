"""Next term's deep-learning theory questions (assignment-2)."""
