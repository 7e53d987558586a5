"""Import existing job descriptions (.docx, .pdf, .txt) as position files.

readers (one per input format) → recognise (labels and section titles learnt from the layouts)
→ blockmatch (shared blocks and their variations) → yamlwrite; report measures the result by
rebuilding it through the real pipeline.
"""
