"""Outside services faked at the wire level, for the real client libraries to talk to."""
