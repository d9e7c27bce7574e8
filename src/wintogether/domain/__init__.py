"""Plain-Python rules of the product: no terminal, no SQL, the clock passed in."""
