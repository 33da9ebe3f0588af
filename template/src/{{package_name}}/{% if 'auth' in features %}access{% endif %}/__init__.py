"""Who may change what, as dependencies of the routes, one module per resource: a caller signs
in to write, and only its owner changes or deletes an account or an owned row. What a write
stores follows from who the caller is too."""

# The statuses these rules answer: without a valid token (401); with one, not the owner (403).
CREATE_REFUSALS = (401,)
CHANGE_REFUSALS = (401, 403)
