"""`alembic_exporter status` inside a miniature Backend.AI checkout: three ini files whose
script_location is `package.module:dir` under src/, postgresql+asyncpg:// URLs."""

import os
import shutil
import tempfile
import unittest

from harness.alembic_project import AlembicProject
from harness.exporter import run_exporter
from harness.pg_cluster import PostgresCluster

COMPONENTS = {
    # name: (ini file, package, database)
    "manager": ("alembic.ini", "ai.backend.manager.models", "backend"),
    "accountmgr": ("alembic-accountmgr.ini", "ai.backend.accountmgr.models", "accountmgr"),
    "appproxy": ("alembic-appproxy.ini", "ai.backend.appproxy.coordinator.models", "appproxy"),
}

INI_TEMPLATE = """[alembic]
script_location = {package}:alembic
sqlalchemy.url = postgresql+asyncpg://postgres:develove@127.0.0.1:{port}/{database}

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
formatter = generic

[formatter_generic]
format = %%(levelname)-5.5s [%%(name)s] %%(message)s
"""


class BackendAiCheckoutTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = PostgresCluster()
        cls.cluster.start()
        cls.checkout = tempfile.mkdtemp(prefix="backend.ai-")
        scratch = tempfile.mkdtemp(prefix="backend.ai-scratch-")
        cls.revisions = {}
        for name, (ini, package, database) in COMPONENTS.items():
            cls.cluster.create_database(database)
            project = AlembicProject(os.path.join(scratch, name),
                                     cls.cluster.sqlalchemy_url(database))
            revisions = [project.revision(f"{name} step {i}") for i in range(4)]
            cls.revisions[name] = revisions
            # manager: at head; accountmgr: 3 behind; appproxy: fresh database.
            if name == "manager":
                project.upgrade("heads")
            elif name == "accountmgr":
                project.upgrade(revisions[0])
            package_dir = os.path.join(cls.checkout, "src", *package.split("."))
            shutil.copytree(project.script_dir, os.path.join(package_dir, "alembic"))
            with open(os.path.join(cls.checkout, ini), "w") as handle:
                handle.write(INI_TEMPLATE.format(package=package, port=cls.cluster.port,
                                                 database=database))
        shutil.rmtree(scratch)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.checkout, ignore_errors=True)
        cls.cluster.remove()

    def test_all_components(self):
        result = run_exporter("status", "--component", "all", cwd=self.checkout)
        self.assertEqual(result.returncode, 1, result.stderr)
        blocks = result.stdout.split("\n\n")
        manager, accountmgr, appproxy = self.revisions["manager"], self.revisions["accountmgr"], \
            self.revisions["appproxy"]
        self.assertEqual(result.stdout, (
            "✅ Database Status: Up-to-date\n"
            "Component: manager\n"
            f"Current Revision: {manager[3]} (manager step 3)\n"
            f"Head Revision: {manager[3]} (manager step 3)\n"
            "Status: Database schema is current. No migrations pending.\n"
            "\n"
            "⚠️ Database Status: Behind\n"
            "Component: accountmgr\n"
            f"Current Revision: {accountmgr[0]} (accountmgr step 0)\n"
            f"Head Revision: {accountmgr[3]} (accountmgr step 3)\n"
            "Status: 3 migrations pending.\n"
            "\n"
            "Recommended action:\n"
            "Run alembic -c alembic-accountmgr.ini upgrade heads to apply pending migrations.\n"
            "\n"
            "❓ Database Status: No revision\n"
            "Component: appproxy\n"
            "Current Revision: None\n"
            f"Head Revision: {appproxy[3]} (appproxy step 3)\n"
            "Status: Database not initialized.\n"
            "\n"
            "Recommended action:\n"
            "Run alembic -c alembic-appproxy.ini upgrade heads for initial database setup.\n"))
        self.assertEqual(len(blocks), 5)

    def test_default_component_is_manager(self):
        result = run_exporter("status", cwd=self.checkout)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("Component: manager\n", result.stdout)
        self.assertNotIn("develove", result.stdout + result.stderr)

    def test_one_component(self):
        result = run_exporter("status", "--component", "accountmgr", "--output", "json",
                              cwd=self.checkout)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn('"pending":3', result.stdout)

    def test_an_ini_of_the_checkout_names_its_component(self):
        result = run_exporter("status", "-c", os.path.join(self.checkout, "alembic-appproxy.ini"))
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("Component: appproxy\n", result.stdout)

    def test_unknown_component_is_a_usage_error(self):
        result = run_exporter("status", "--component", "storage", cwd=self.checkout)
        self.assertEqual(result.returncode, 64)
        self.assertIn("unknown component 'storage'", result.stderr)


if __name__ == "__main__":
    unittest.main()
