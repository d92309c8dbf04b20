"""The one API under the screen, the phone hook and the listeners (no Textual here)."""
