"""The catalogue app: innovation cases, their institutions, themes, impacts and sources."""
