"""Appropriate bodies' journeys, one module each, on core.wizard."""
