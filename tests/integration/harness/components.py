"""Components for daemon tests: one alembic project and one database per component."""

import os

from harness.alembic_project import AlembicProject


def build_projects(root, clusters, revisions=3, behind=()):
    """`clusters` maps component names to the cluster holding their database (named like the
    component). Each project under `root` gets `revisions` real revisions (`project.revisions`)
    and its database is upgraded to heads, except the names in `behind`, left at the first
    revision. Returns {name: project}."""
    projects = {}
    for name, cluster in clusters.items():
        cluster.create_database(name)
        project = AlembicProject(os.path.join(root, name), cluster.sqlalchemy_url(name))
        project.revisions = [project.revision(f"{name} {i}") for i in range(revisions)]
        project.upgrade(project.revisions[0] if name in behind else "heads")
        projects[name] = project
    return projects


def write_daemon_config(path, root, urls, interval, timeout, log="stderr"):
    """Writes a `serve` config to `path` with one component per entry of `urls` ({name: libpq
    URL}, in order), each reading the alembic.ini that build_projects made under `root`."""
    components = "".join(f"  - name: {name}\n    alembic_ini: {root}/{name}/alembic.ini\n"
                         f"    database:\n      url: {url}\n" for name, url in urls.items())
    with open(path, "w") as handle:
        handle.write(f'listen: ["127.0.0.1:0"]\ninterval: {interval}\ntimeout: {timeout}\n'
                     f"log: {log}\ncomponents:\n{components}")
