"""The API contract, one module per resource: what requests carry and what responses return."""
