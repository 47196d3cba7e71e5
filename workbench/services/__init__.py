"""Commands that open and change a case; the window and the command line both use these."""
