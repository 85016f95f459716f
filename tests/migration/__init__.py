"""The proof harness for structural migrations (issue 12): a recording fake chat model and the comparison."""
