"""PostgreSQL for the tests (settings_test.py): Django's backend, but a
transactional test's flush empties the tables with DELETE, not TRUNCATE.

TRUNCATE gives each of the ~70 tables a new file: measured here, 2 to 4 s
a flush while other jobs used the disk (0.1 to 0.2 s when quieter), against
0.1 to 0.7 s for DELETE of the few rows a test leaves; every browser test
pays it once. The result is the same: the flush after a
test resets no sequence (`reset_sequences=False`), and every foreign key is
DEFERRABLE INITIALLY DEFERRED, so the rows may go in any order inside the
flush's transaction. A flush that resets sequences or cascades still
truncates.
"""

from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        delete = f"{style.SQL_KEYWORD('DELETE')} {style.SQL_KEYWORD('FROM')}"
        return [f"{delete} {style.SQL_FIELD(self.quote_name(table))};" for table in tables]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
