"""The Textual screen of acw: a thin layer over the desk service."""
