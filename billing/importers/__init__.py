"""Carrier bill importers: readers (CSV/XLSX), columns, values, the streaming pass
and the database writers (PostgreSQL COPY, batched inserts elsewhere)."""
