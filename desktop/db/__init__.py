"""Database layer: engines, ORM tables, the unit of work and migrations. No Qt here."""
