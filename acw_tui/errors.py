"""The one base exception of acw.

Each layer raises its own subclass with a message that names the file, line or field
at fault; the command line turns any of them into one line on stderr and a non-zero
exit, and the screen into a notification. Nothing else should reach the user.
"""


class AcwError(Exception):
    """A problem the user can act on; its message is shown as it is."""
