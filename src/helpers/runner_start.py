"""The runner's start-up as a module, for the one place that can only import:
the fork server that starts the pool's workers imports this first (its preload
list), so :func:`helpers.run.start_up` runs there before any library loads.
Everywhere else calls ``start_up()`` itself; nothing else imports this module."""

from .run import start_up

start_up()
