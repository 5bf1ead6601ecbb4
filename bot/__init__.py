"""Runtime code for the massage practice assistant: practice profile, storage,
channels, command line and the web widget. Importing it has no side effects."""
