"""Loading stage: source files (YAML) read into plain Python data with file positions."""
