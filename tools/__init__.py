"""Developer tools: evaluation, load generation."""
