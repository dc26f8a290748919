"""Helpers shared by the notebooks of the MNIST course."""
