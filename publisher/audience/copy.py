"""``copy_store``: a whole audience from one database to another (SQLite ↔ PostgreSQL).

Ids, tokens, statuses, the consent record and every issue's ledger are kept as they are, so
unsubscribe links already sent go on working and a send resumes where it stopped. The target
must be empty: a copy never merges into, or overwrites, a list that is already there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from publisher.audience.store import Store
from publisher.errors import DatabaseError

# (table, ordering column, whether its ids come from a sequence), parents before children.
# Senders and rate limits are moments of a running service, not part of the list.
COPIED = (
    ("subscribers", "id", True),
    ("deliveries", "id", True),
    ("consents", "id", True),
    ("confirmations", "token_hash", False),
    ("bounce_events", "id", True),
)
PAGE = 2000


@dataclass
class CopyReport:
    rows: dict[str, int] = field(default_factory=dict)


def _columns(store: Store, table: str) -> list[str]:
    cursor = store.execute(f"SELECT * FROM {table} WHERE 1 = 0")
    return [column[0] for column in cursor.description]


def copy_store(source: Store, target: Store) -> CopyReport:
    """Copy every subscriber, ledger row, consent and confirmation; both at the current schema."""
    for table, _, _ in COPIED:
        if target.scalar(f"SELECT COUNT(*) FROM {table}"):
            raise DatabaseError(
                f"the target already holds {table}; copy only into an empty database",
                where=target.url,
            )
    report = CopyReport()
    with target.transaction():
        for table, order, _ in COPIED:
            columns = _columns(source, table)
            if _columns(target, table) != columns:
                raise DatabaseError(f"the two databases differ in {table}", where=target.url)
            insert = (
                f"INSERT INTO {table} ({', '.join(columns)})"
                f" VALUES ({', '.join('?' for _ in columns)})"
            )
            claimed = columns.index("claimed_by") if "claimed_by" in columns else None
            at = columns.index(order)
            count, last = 0, None
            while True:
                where = "" if last is None else f" WHERE {order} > ?"
                rows = source.rows(
                    f"SELECT {', '.join(columns)} FROM {table}{where} ORDER BY {order}"
                    f" LIMIT {PAGE}",
                    () if last is None else (last,),
                )
                if not rows:
                    break
                if claimed is not None:  # claims belong to the senders of the old database
                    rows = [(*r[:claimed], None, *r[claimed + 1 :]) for r in rows]
                target.executemany(insert, rows)
                count += len(rows)
                last = rows[-1][at]
            report.rows[table] = count
        if target.engine == "postgresql":
            for table, _, serial in COPIED:
                if serial:  # the next new row must not take an id that was copied
                    target.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                        f" COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table}"
                    )
    return report
