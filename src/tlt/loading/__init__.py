"""Loading: repository discovery and safe YAML with positions. Imports only `tlt.problems`."""
