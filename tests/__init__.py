"""The template's own tests: render every variant with Copier and run its checks."""
