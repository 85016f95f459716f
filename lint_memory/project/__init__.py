"""The checked project: configuration files, per-file settings (resolver), file discovery, gitignore, selection,
the LangChain target, baselines, add-noqa, --show-settings."""
