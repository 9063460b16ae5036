"""A fleet of tenants on one throwaway PostgreSQL cluster, all migrated from one real alembic tree
(issue 18): tenant databases, and tenant schemas in one database, at a mix of revision levels.

The tree is small but not linear: base → a → left, a → right, merge(left, right) → head. Each
level is a set of revisions in the version table (none: a fresh database without the table).
The real alembic runs once per level, never once per tenant:

* databases: `alembic upgrade <level>` on a template database `level_<name>`; every tenant is
  `CREATE DATABASE ... TEMPLATE level_<name> STRATEGY FILE_COPY` of it (a file copy, no WAL);
* schemas: alembic's offline `upgrade <level> --sql` output, run once per schema after
  `SET search_path`, so each schema gets its own `alembic_version`; one psql script for all.

The oracle (`Level.heads`, `Level.pending`) is the real alembic's answer for each level
(harness/alembic_oracle.py), never a number written here.
"""

import os
import subprocess
from dataclasses import dataclass

import psycopg2

from harness.alembic_oracle import Oracle, load
from harness.alembic_project import AlembicProject
from harness.pg_cluster import PG_BIN, SUPERUSER

SCHEMA_DATABASE = "schema_fleet"


@dataclass(frozen=True)
class Level:
    """Where a tenant stands: `name` is part of the template's name, `target` what
    `alembic upgrade` is given (None: no version table at all); `current` the version table's
    rows, `heads` and `pending` what the real alembic says of them."""
    name: str
    target: str | None
    current: tuple
    heads: tuple
    pending: int


class TenantFleet:
    """Builds the tree and one template per level in `cluster`; then makes tenants of them.
    `databases` and `schemas` map each tenant made so far to its Level."""

    def __init__(self, cluster, root):
        self.cluster = cluster
        self.project = AlembicProject(os.path.join(root, "tenant_tree"))
        self.script_location = self.project.script_dir
        self.levels = self._levels()
        self.databases = {}
        self.schemas = {}
        self._connection = psycopg2.connect(host=cluster.socket_dir, port=cluster.port,
                                            user=SUPERUSER, dbname="postgres")
        self._connection.autocommit = True  # CREATE DATABASE refuses a transaction block
        for level in self.levels:
            self._execute(f'CREATE DATABASE "level_{level.name}"')
            if level.target is not None:
                self.project.set_option("sqlalchemy.url",
                                        cluster.sqlalchemy_url(f"level_{level.name}"))
                self.project.upgrade(level.target)
        self._execute(f'CREATE DATABASE "{SCHEMA_DATABASE}"')
        self._schema_sql = {level.name: self._offline_sql(level) for level in self.levels
                            if level.target is not None}

    def _levels(self):
        project = self.project
        base = project.revision("create tenants")
        a = project.revision("add plans")
        left = project.revision("add invoices")
        right = project.revision("add audit log", head=a, splice=True)
        merge = project.merge([left, right], "merge invoices and audit log")
        head = project.revision("add usage")
        oracle = Oracle(load(script_location=self.project.script_dir))
        heads = tuple(oracle.heads())
        targets = {"none": None, "base": base, "a": a, "left": left, "right": right,
                   "merge": merge, "head": head}
        levels = []
        for name, target in targets.items():
            current = () if target is None else (target,)
            levels.append(Level(name, target, current, heads, len(oracle.pending(current))))
        return levels

    def _offline_sql(self, level):
        # Offline mode needs a dialect from the URL but never connects.
        self.project.set_option("sqlalchemy.url", "postgresql://localhost/offline")
        return self.project.upgrade_sql(level.target)

    def _execute(self, sql):
        with self._connection.cursor() as cursor:
            cursor.execute(sql)

    def level(self, name):
        return next(level for level in self.levels if level.name == name)

    def level_of(self, index):
        """The level of the index-th tenant: every level in turn."""
        return self.levels[index % len(self.levels)]

    # -- tenant databases --------------------------------------------------------------------

    def add_database(self, name, level):
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "level_{level.name}" '
                      "STRATEGY FILE_COPY")
        self.databases[name] = level

    def drop_database(self, name):
        # FORCE: an exporter may be connected to it at that moment.
        self._execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        del self.databases[name]

    def add_databases(self, count, prefix="tenant_"):
        """Tenants `prefix`000 ... at levels in turn; returns their names."""
        names = [f"{prefix}{index:03d}" for index in range(count)]
        for index, name in enumerate(names):
            self.add_database(name, self.level_of(index))
        return names

    # -- tenant schemas ----------------------------------------------------------------------

    def add_schemas(self, levels_by_name):
        """One schema per entry of {schema: Level} in SCHEMA_DATABASE, each with its own version
        table; one psql run for all of them."""
        script = []
        for schema, level in levels_by_name.items():
            script.append(f'CREATE SCHEMA "{schema}";\nSET search_path TO "{schema}";\n')
            script.append(self._schema_sql[level.name])
        self._psql_script("".join(script))
        self.schemas.update(levels_by_name)

    def drop_schema(self, name):
        self._psql_script(f'DROP SCHEMA "{name}" CASCADE;\n')
        del self.schemas[name]

    def add_tenant_schemas(self, count, prefix="tenant_"):
        """Schemas `prefix`000 ... at the levels that have a version table, in turn."""
        with_table = [level for level in self.levels if level.target is not None]
        names = {f"{prefix}{index:03d}": with_table[index % len(with_table)]
                 for index in range(count)}
        self.add_schemas(names)
        return list(names)

    def _psql_script(self, script):
        result = subprocess.run(
            [f"{PG_BIN}/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.cluster.socket_dir,
             "-p", str(self.cluster.port), "-U", SUPERUSER, "-d", SCHEMA_DATABASE],
            input=script, text=True, capture_output=True)
        if result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr}")

    def close(self):
        self._connection.close()
