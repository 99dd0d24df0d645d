"""Appropriate bodies, the third user group: who may act for which body, and what a body sees."""
