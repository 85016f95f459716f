"""The semantic model: what every name in a module is bound to, what an expression holds, and
where each binding is used.  It reports nothing; the rules ask it."""
