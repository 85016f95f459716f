"""The checked project: configuration, settings, file discovery, gitignore, selection, baselines, add-noqa."""
