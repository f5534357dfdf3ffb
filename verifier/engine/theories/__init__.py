"""Theories the engine knows: certificates for inequalities, expectations, generic
functions, limits, and the calculus of one or several real variables."""
