"""Who may change what, one module per resource: the service knows no callers, so anyone may
change or delete anything, and a new owned row names its owner in its body. The routes list
these modules' rules and take their values all the same, so that rules added here guard them
with no change to the routes."""

# No rules, so nothing to refuse.
CREATE_REFUSALS: tuple[int, ...] = ()
CHANGE_REFUSALS: tuple[int, ...] = ()
