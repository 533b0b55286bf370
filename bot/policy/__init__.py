"""Pure decisions: plain data in, a decision out. No I/O, no clock of its own, nothing from service, channels or storage."""
