"""Resolve stage: shared blocks, references and numbering turn a position into a Document."""
