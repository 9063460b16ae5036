"""The Kubernetes manifests pass the structural check, and the check catches broken ones."""

import copy
import unittest

from check_manifests import HERE, check, check_gating, load_manifests


def exporter(manifests):
    return manifests["deployment.yaml"][0]["spec"]["template"]["spec"]["containers"][0]


class CheckManifestsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.manifests = load_manifests()

    def problems_after(self, change):
        manifests = copy.deepcopy(self.manifests)
        change(manifests)
        return "\n".join(check(manifests))

    def test_shipped_manifests_are_consistent(self):
        self.assertEqual(check(self.manifests), [])

    def test_wrong_api_version(self):
        def change(m):
            m["deployment.yaml"][0]["apiVersion"] = "extensions/v1beta1"
        self.assertIn("apiVersion 'extensions/v1beta1' (expected apps/v1)",
                      self.problems_after(change))

    def test_service_selecting_no_pod(self):
        def change(m):
            m["service.yaml"][0]["spec"]["selector"] = {"app": "alembic"}
        self.assertIn("selects no exporter pod", self.problems_after(change))

    def test_service_monitor_on_unknown_port(self):
        def change(m):
            m["servicemonitor.yaml"][0]["spec"]["endpoints"][0]["port"] = "http"
        self.assertIn("endpoint port 'http' is not a Service port", self.problems_after(change))

    def test_service_monitor_without_job_relabeling(self):
        def change(m):
            del m["servicemonitor.yaml"][0]["spec"]["endpoints"][0]["relabelings"]
        self.assertIn("must relabel job to alembic_exporter", self.problems_after(change))

    def test_image_the_containerfile_does_not_build(self):
        def change(m):
            exporter(m)["image"] = "alembic-exporter:latest"
        self.assertIn("image 'alembic-exporter:latest' (expected 'alembic-exporter:0.1.0'",
                      self.problems_after(change))

    def test_pod_user_other_than_the_image_user(self):
        def change(m):
            m["deployment.yaml"][0]["spec"]["template"]["spec"]["securityContext"][
                "runAsUser"] = 65534
        self.assertIn("pod runs as 65534:9747, not as the image's user 9747:9747",
                      self.problems_after(change))

    def test_writable_root_filesystem(self):
        def change(m):
            exporter(m)["securityContext"]["readOnlyRootFilesystem"] = False
        self.assertIn("readOnlyRootFilesystem: true", self.problems_after(change))

    def test_running_as_root(self):
        def change(m):
            pod = m["deployment.yaml"][0]["spec"]["template"]["spec"]
            del pod["securityContext"]["runAsNonRoot"]
        self.assertIn("runAsNonRoot", self.problems_after(change))

    def test_liveness_probe_not_on_healthz(self):
        def change(m):
            exporter(m)["livenessProbe"]["httpGet"]["path"] = "/metrics"
        self.assertIn("livenessProbe must GET /healthz", self.problems_after(change))

    def test_mount_of_undefined_volume(self):
        def change(m):
            exporter(m)["volumeMounts"][0]["name"] = "settings"
        self.assertIn("mounts undefined volume 'settings'", self.problems_after(change))

    def test_config_file_not_in_config_map(self):
        def change(m):
            exporter(m)["args"] = ["serve", "--config", "/etc/alembic-exporter/exporter.yaml"]
        self.assertIn("is not a key of the mounted ConfigMap", self.problems_after(change))

    def test_password_file_without_secret_key(self):
        def change(m):
            del m["secret.example.yaml"][0]["stringData"]["appproxy"]
        self.assertIn("component appproxy: password_file '/run/secrets/alembic-exporter/appproxy'",
                      self.problems_after(change))

    def test_volume_of_unknown_secret(self):
        def change(m):
            m["secret.example.yaml"][0]["metadata"]["name"] = "db-passwords"
        self.assertIn("uses unknown Secret 'alembic-exporter-db'", self.problems_after(change))

    def test_inline_password(self):
        def change(m):
            data = m["configmap.yaml"][0]["data"]
            data["config.yaml"] = data["config.yaml"].replace(
                "alembic_exporter@", "alembic_exporter:hunter2@", 1)
        self.assertIn("component manager: password inline", self.problems_after(change))

    def test_listen_port_not_exposed(self):
        def change(m):
            data = m["configmap.yaml"][0]["data"]
            data["config.yaml"] = data["config.yaml"].replace("0.0.0.0:9747", "0.0.0.0:9100")
        self.assertIn("listen 0.0.0.0:9100 is not a container port", self.problems_after(change))

    def test_manifest_missing_from_kustomization(self):
        def change(m):
            m["kustomization.yaml"][0]["resources"].remove("prometheusrule.yaml")
        self.assertIn("does not list prometheusrule.yaml", self.problems_after(change))



class CheckGatingTest(unittest.TestCase):
    """The deploy-gate examples in gating/ (init container with `wait`, sidecar /ready probe)."""

    @classmethod
    def setUpClass(cls):
        cls.manifests = load_manifests(HERE / "gating")

    def pod(self, manifests):
        return manifests["backend-ai-manager.yaml"][1]["spec"]["template"]["spec"]

    def problems_after(self, change):
        manifests = copy.deepcopy(self.manifests)
        change(self.pod(manifests), manifests)
        return "\n".join(check_gating(manifests))

    def test_shipped_examples_are_consistent(self):
        self.assertEqual(check_gating(self.manifests), [])

    def test_liveness_probe_on_ready(self):
        def change(pod, _):
            pod["containers"][1]["livenessProbe"]["httpGet"]["path"] = "/ready"
        self.assertIn("livenessProbe on /ready would restart pods", self.problems_after(change))

    def test_wait_for_an_unconfigured_component(self):
        def change(pod, _):
            args = pod["initContainers"][0]["args"]
            args[args.index("--component") + 1] = "accountmgr"
        self.assertIn("--component 'accountmgr' is not configured", self.problems_after(change))

    def test_wait_until_an_unknown_state(self):
        def change(pod, _):
            args = pod["initContainers"][0]["args"]
            args[args.index("--until") + 1] = "up_to_date,ahead"
        self.assertIn("--until names unknown state 'ahead'", self.problems_after(change))

    def test_ready_probe_for_an_unconfigured_component(self):
        def change(pod, _):
            pod["containers"][1]["readinessProbe"]["httpGet"]["path"] = "/ready?component=billing"
        self.assertIn("/ready names unconfigured component 'billing'", self.problems_after(change))

    def test_unknown_ready_state_in_the_config(self):
        def change(_, manifests):
            data = manifests["backend-ai-manager.yaml"][0]["data"]
            data["config.yaml"] = data["config.yaml"].replace("unknown_revision]", "ahead]")
        self.assertIn("has unknown ready state 'ahead'", self.problems_after(change))


if __name__ == "__main__":
    unittest.main()
