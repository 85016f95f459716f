"""Every output format (full, concise, JSON, SARIF, GitHub, GitLab...), the migration report and the rule docs."""
