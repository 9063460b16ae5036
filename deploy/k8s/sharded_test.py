"""The sharded StatefulSet example (deploy/k8s/sharded/) hangs together offline: pod i of N runs
`serve --shard i/N` with i from the pod-index label, the headless Service selects its pods, the
kustomization lists every manifest, and the Service-free scrape example resolves that Service."""

import re
import unittest
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SHARDED = HERE / "sharded"
SCRAPE = HERE.parent / "prometheus" / "scrape-k8s-shards.yml"
POD_INDEX = "metadata.labels['apps.kubernetes.io/pod-index']"


def documents():
    return {path.name: yaml.safe_load(path.read_text(encoding="utf-8"))
            for path in sorted(SHARDED.glob("*.yaml"))}


def expand(text, env):
    """Kubernetes' $(VAR) expansion in container args."""
    return re.sub(r"\$\((\w+)\)", lambda match: env[match.group(1)], text)


class ShardedStatefulSetTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        docs = documents()
        cls.kustomization = docs.pop("kustomization.yaml")
        cls.docs = docs
        by_kind = {doc["kind"]: doc for doc in docs.values()}
        cls.statefulset = by_kind["StatefulSet"]
        cls.service = by_kind["Service"]
        cls.config_map = by_kind["ConfigMap"]
        cls.pod = cls.statefulset["spec"]["template"]
        cls.container = cls.pod["spec"]["containers"][0]

    def test_kustomization_lists_every_manifest(self):
        self.assertEqual(sorted(self.kustomization["resources"]), sorted(self.docs))
        for doc in self.docs.values():
            self.assertEqual(doc["apiVersion"], "apps/v1" if doc["kind"] == "StatefulSet"
                             else "v1", doc["kind"])

    def test_each_pod_runs_the_shard_of_its_ordinal(self):
        env = {item["name"]: item for item in self.container["env"]}
        self.assertEqual(env["SHARD_INDEX"]["valueFrom"]["fieldRef"]["fieldPath"], POD_INDEX)
        replicas = self.statefulset["spec"]["replicas"]
        self.assertGreater(replicas, 1)
        self.assertEqual(env["SHARD_COUNT"]["value"], str(replicas))
        shards = set()
        for ordinal in range(replicas):
            args = [expand(arg, {"SHARD_INDEX": str(ordinal),
                                 "SHARD_COUNT": env["SHARD_COUNT"]["value"]})
                    for arg in self.container["args"]]
            self.assertEqual(args[0], "serve")
            shards.add(args[args.index("--shard") + 1])
        self.assertEqual(shards, {f"{i}/{replicas}" for i in range(replicas)})

    def test_the_config_is_the_mounted_config_map(self):
        args = self.container["args"]
        config_path = Path(args[args.index("--config") + 1])
        mounts = {mount["name"]: mount["mountPath"] for mount in self.container["volumeMounts"]}
        volumes = {volume["name"]: volume for volume in self.pod["spec"]["volumes"]}
        config_volume = next(name for name, path in mounts.items()
                             if Path(path) == config_path.parent)
        self.assertEqual(volumes[config_volume]["configMap"]["name"],
                         self.config_map["metadata"]["name"])
        config = yaml.safe_load(self.config_map["data"][config_path.name])
        self.assertNotIn("shard", config, "the command line gives each pod its shard")
        self.assertGreaterEqual(len(config["components"]), self.statefulset["spec"]["replicas"])

    def test_the_headless_service_selects_the_pods(self):
        spec = self.service["spec"]
        self.assertEqual(spec["clusterIP"], "None")
        self.assertEqual(self.statefulset["spec"]["serviceName"],
                         self.service["metadata"]["name"])
        labels = self.pod["metadata"]["labels"]
        self.assertLessEqual(spec["selector"].items(), labels.items())
        self.assertLessEqual(self.statefulset["spec"]["selector"]["matchLabels"].items(),
                             labels.items())
        ports = {port["name"]: port["containerPort"] for port in self.container["ports"]}
        self.assertEqual(spec["ports"][0]["targetPort"], "metrics")
        self.assertIn("metrics", ports)

    def test_the_scrape_example_resolves_the_service(self):
        job = yaml.safe_load(SCRAPE.read_text(encoding="utf-8"))["scrape_configs"][0]
        sd = job["dns_sd_configs"][0]
        name = self.service["metadata"]["name"]
        namespace = self.kustomization["namespace"]
        self.assertEqual(sd["names"], [f"{name}.{namespace}.svc.cluster.local"])
        self.assertEqual(sd["port"], self.container["ports"][0]["containerPort"])
        self.assertEqual(job["job_name"], "alembic_exporter")


if __name__ == "__main__":
    unittest.main()
