"""Turning what a class hands in into submissions: paths, archives, names, limits, readers, normalising."""
