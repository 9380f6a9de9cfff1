"""Prompt files, one per chunk kind, loaded by ``extractor.prompting``."""
