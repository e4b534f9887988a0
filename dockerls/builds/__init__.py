"""Readers of the files that say how a Dockerfile is built: Compose and Bake.

They return typed ``dockerls.analysis.builds.Build`` values and ``Problem``s; nothing here
runs a build or anything from the files.
"""
