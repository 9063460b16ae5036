"""The integration harness works end to end: a throwaway cluster, the real alembic, libpq."""

import os
import subprocess
import tempfile
import unittest

from harness.alembic_project import AlembicProject
from harness.pg_cluster import PostgresCluster


class HarnessTest(unittest.TestCase):
    def test_alembic_upgrade_is_visible_through_libpq(self):
        with PostgresCluster() as cluster, tempfile.TemporaryDirectory() as work:
            cluster.create_database("harness")
            project = AlembicProject(os.path.join(work, "app"), cluster.sqlalchemy_url("harness"))
            first = project.revision("create users")
            second = project.revision("add email")
            self.assertEqual(project.heads(), [second])

            project.upgrade(first)

            read = subprocess.run([os.environ["READ_VERSION_TABLE"],
                                   cluster.libpq_uri("harness")],
                                  capture_output=True, text=True, check=True)
            self.assertEqual(read.stdout.splitlines(), [first])

    def test_cluster_directory_is_removed_after_use(self):
        with PostgresCluster() as cluster:
            directory = cluster.directory
            self.assertTrue(os.path.isdir(cluster.data_dir))
        self.assertFalse(os.path.exists(directory))


if __name__ == "__main__":
    unittest.main()
