"""Plan database for Vietnamese industrial-extension (khuyến công) programmes."""
