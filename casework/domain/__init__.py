"""Pure domain core of casework: no Flask, no database, no clock."""
