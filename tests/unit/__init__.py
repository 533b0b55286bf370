"""Pure tests that open no database (the PostgreSQL pass skips this folder)."""
