"""Phone-system listeners (`acw listen`): each adapter turns its system's wire format
into one normalised `CallEvent`; the runner feeds those into the desk's call lifecycle."""
