"""Many realistic components for the footprint benchmark: one script directory and one database
each, in a spread of states, against one PostgreSQL cluster.

Every component gets its own copy of a small project (`alembic.ini` + `migrations/`, a
`TREE_REVISIONS`-revision tree from bench/long_lived_tree.py written by alembic itself) and its
own database, cloned from a template database that the real `alembic stamp` prepared. Copies and
clones are cheap, so 1 000 components take about a minute instead of 1 000 alembic runs.
"""

import os
import shutil

import psycopg2

from harness.alembic_project import AlembicProject

import long_lived_tree

TREE_REVISIONS = 20
# One state per component, cycled: 80 % up to date, 10 % behind, 4 % diverged, 4 % no revision,
# 2 % unreachable. The rare states come first so that even 3 components show three states.
STATE_CYCLE = (["up_to_date", "behind", "no_revision", "diverged", "unreachable"]
               + ["up_to_date"] * 39 + ["behind"] * 4 + ["diverged", "no_revision"])
assert len(STATE_CYCLE) == 50


def _copy_project(source, destination):
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns("__pycache__"))
    return os.path.join(destination, "alembic.ini")


class ComponentFactory:
    """Builds the shared template projects and databases once; `create` then makes components."""

    def __init__(self, root, cluster, closed_port):
        self.root = root
        self.cluster = cluster
        self.closed_port = closed_port
        templates = os.path.join(root, "templates")
        self.shape = long_lived_tree.generate(os.path.join(templates, "linear"), TREE_REVISIONS)
        self.linear_root = os.path.dirname(self.shape["ini"])
        self.diverged_root = os.path.join(templates, "diverged")
        if not os.path.exists(self.diverged_root):
            _copy_project(self.linear_root, self.diverged_root)
            project = self._existing_project(self.diverged_root)
            # A second head forked from the stamped revision: `diverged`, with pending.
            project.revision("hotfix on a side branch", head=self.shape["tail_start"],
                             splice=True)
        self.template_databases = {"up_to_date": self._stamped_template("template_head", "heads"),
                                   "behind": self._stamped_template("template_behind",
                                                                    self.shape["tail_start"])}
        self.connection = psycopg2.connect(host=cluster.socket_dir, port=cluster.port,
                                           user="postgres", dbname="postgres")
        self.connection.autocommit = True

    def _existing_project(self, root):
        project = AlembicProject.__new__(AlembicProject)  # an existing project: no `init`
        project.root, project.ini = root, os.path.join(root, "alembic.ini")
        return project

    def _stamped_template(self, name, target):
        self.cluster.create_database(name)
        project = self._existing_project(self.linear_root)
        project.set_option("sqlalchemy.url", self.cluster.sqlalchemy_url(name))
        project.stamp(target)
        return name

    def create(self, name, state):
        """Makes component `name` in `state`; returns its config entry (a YAML mapping's text)."""
        source = self.diverged_root if state == "diverged" else self.linear_root
        ini = _copy_project(source, os.path.join(self.root, "components", name))
        if state == "unreachable":
            url = f"postgresql://postgres@127.0.0.1:{self.closed_port}/{name}"
        else:
            template = self.template_databases.get(state if state != "diverged" else "up_to_date",
                                                   "template0")
            with self.connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" '
                               "STRATEGY FILE_COPY")
            url = self.cluster.libpq_uri(name)
        return (f"  - name: {name}\n"
                f"    alembic_ini: {ini}\n"
                f"    database:\n"
                f"      url: {url}\n")

    def close(self):
        self.connection.close()


def state_of(index):
    return STATE_CYCLE[index % len(STATE_CYCLE)]
