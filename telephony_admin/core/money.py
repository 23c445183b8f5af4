"""Money is yuan with two decimals (fen), never floating point (R-BIL-7)."""

from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


def to_money(value) -> Decimal:
    """Quantize to the fen. Accepts Decimal, int, str or None (0.00).

    Aggregates on SQLite come back as 15-digit approximations; quantizing them here
    gives the exact fen the database holds.
    """
    if value is None or value == "":
        return ZERO
    if isinstance(value, float):
        value = repr(value)
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)
