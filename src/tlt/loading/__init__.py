"""Loading: repository discovery, safe YAML with positions, the reference reader and the fast path around it;
the modules' rows in docs/architecture.md say what each may import."""
