"""Pages of the extensions app: thin views over services and selectors."""
