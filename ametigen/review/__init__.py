"""Review: effective diffs between git revisions, tracked-changes DOCX, editor schemas."""
