#!/usr/bin/python3
"""Offline structural check of the Kubernetes manifests in deploy/k8s/ (no API server needed).

Checks what `kubectl apply` would reject or what would break at run time without an error:
required fields, apiVersion per kind, names, label selectors that select nothing, ports, volumes,
ConfigMap and Secret keys the exporter's config refers to, the hardening the Deployment promises,
that the exporter runs the image the Containerfile builds (name, version, user), and that
kustomization.yaml lists every manifest. The deploy-gate examples in gating/ are checked too:
every `alembic_exporter wait` init container and every `/ready` readiness probe names only
components and states its mounted configuration knows, and no liveness probe is on /ready.

    check_manifests.py [DIR]   prints one problem per line, exits 1 if there is any
"""

import re
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
API_VERSIONS = {
    "ConfigMap": "v1",
    "Secret": "v1",
    "Service": "v1",
    "Deployment": "apps/v1",
    "ServiceMonitor": "monitoring.coreos.com/v1",
    "PrometheusRule": "monitoring.coreos.com/v1",
    "Kustomization": "kustomize.config.k8s.io/v1beta1",
}
# Applied by hand from a secret store, never by kustomize.
NOT_IN_KUSTOMIZATION = {"secret.example.yaml", "kustomization.yaml"}
DNS_1123 = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
JOB_NAME = "alembic_exporter"
COMPONENTS = {"manager", "accountmgr", "appproxy"}
STATES = {"up_to_date", "behind", "diverged", "no_revision", "unknown_revision", "unreachable",
          "script_error"}
# Options of `alembic_exporter wait` (daemon/cli/status_targets.cpp), and which take a value.
WAIT_OPTIONS = {"--config": True, "--alembic-ini": True, "-c": True, "--name": True, "-n": True,
                "--component": True, "--database": True, "--script-location": True,
                "--version-locations": True, "--recursive-version-locations": False,
                "--source-root": True, "--plain": False, "--until": True, "--timeout": True,
                "--interval": True, "--check-timeout": True}
REPOSITORY = HERE.parents[1]


def recipe_image(repository: Path = REPOSITORY) -> tuple[str, tuple[int, int]]:
    """The image the Containerfile builds from the Debian package: `alembic-exporter:<package
    version>` (debian/changelog), and its numeric USER uid:gid."""
    changelog = (repository / "debian" / "changelog").read_text(encoding="utf-8")
    version = re.match(r"alembic-exporter \(([^)]+)\)", changelog).group(1)
    containerfile = (repository / "Containerfile").read_text(encoding="utf-8")
    uid, gid = re.search(r"^USER (\d+):(\d+)$", containerfile, re.MULTILINE).groups()
    return f"alembic-exporter:{version}", (int(uid), int(gid))


def load_manifests(directory: Path = HERE) -> dict[str, list[dict]]:
    """File name -> its YAML documents, for every *.yaml in `directory`."""
    return {path.name: [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]
            for path in sorted(directory.glob("*.yaml"))}


class _Checker:
    def __init__(self, manifests: dict[str, list[dict]]):
        self.manifests = manifests
        self.problems: list[str] = []
        self.by_kind: dict[str, list[tuple[str, dict]]] = {}
        for name, docs in manifests.items():
            for doc in docs:
                self.by_kind.setdefault(doc.get("kind", ""), []).append((name, doc))

    def problem(self, where: str, text: str) -> None:
        self.problems.append(f"{where}: {text}")

    def one(self, kind: str) -> tuple[str, dict]:
        found = self.by_kind.get(kind, [])
        if len(found) != 1:
            self.problem("deploy/k8s", f"{len(found)} {kind} manifests (expected exactly one)")
            return "", {}
        return found[0]

    def run(self) -> list[str]:
        for name, docs in self.manifests.items():
            for doc in docs:
                self.check_common(name, doc)
        deployment = self.one("Deployment")
        config_map = self.one("ConfigMap")
        secret = self.one("Secret")
        service = self.one("Service")
        service_monitor = self.one("ServiceMonitor")
        self.one("PrometheusRule")
        kustomization = self.one("Kustomization")
        if all(doc for _, doc in (deployment, config_map, secret, service, service_monitor)):
            self.check_deployment(deployment, config_map, secret)
            self.check_config(config_map, secret, deployment)
            self.check_service(service, deployment)
            self.check_service_monitor(service_monitor, service)
        if kustomization[1]:
            self.check_kustomization(kustomization)
        return self.problems

    def check_common(self, name: str, doc: dict) -> None:
        kind = doc.get("kind")
        where = f"{name}: {kind}"
        if kind not in API_VERSIONS:
            self.problem(name, f"unknown kind {kind!r} (expected one of {sorted(API_VERSIONS)})")
            return
        if doc.get("apiVersion") != API_VERSIONS[kind]:
            self.problem(where, f"apiVersion {doc.get('apiVersion')!r} "
                                f"(expected {API_VERSIONS[kind]})")
        if kind == "Kustomization":
            return
        metadata = doc.get("metadata") or {}
        if not DNS_1123.match(str(metadata.get("name", ""))):
            self.problem(where, f"metadata.name {metadata.get('name')!r} is not a DNS-1123 name")
        for key, value in (metadata.get("labels") or {}).items():
            if not isinstance(value, str):
                self.problem(where, f"label {key} is {value!r} (expected a string)")
        required = {"ConfigMap": "data", "Secret": "stringData", "Service": "spec",
                    "Deployment": "spec", "ServiceMonitor": "spec", "PrometheusRule": "spec"}
        if not doc.get(required[kind]):
            self.problem(where, f"no {required[kind]}")

    def check_deployment(self, deployment, config_map, secret) -> None:
        name, doc = deployment
        spec = doc["spec"]
        template = spec.get("template", {})
        pod = template.get("spec", {})
        selector = spec.get("selector", {}).get("matchLabels", {})
        labels = template.get("metadata", {}).get("labels", {})
        if not selector or not selector.items() <= labels.items():
            self.problem(name, f"selector {selector} does not match the pod labels {labels}")
        security = pod.get("securityContext", {})
        if security.get("runAsNonRoot") is not True or not security.get("runAsUser"):
            self.problem(name, "pod securityContext must set runAsNonRoot: true and a runAsUser")
        image, user = recipe_image()
        if (security.get("runAsUser"), security.get("runAsGroup")) != user:
            self.problem(name, f"pod runs as {security.get('runAsUser')}:"
                               f"{security.get('runAsGroup')}, not as the image's user "
                               f"{user[0]}:{user[1]} (Containerfile)")
        volumes = {volume["name"]: volume for volume in pod.get("volumes", [])}
        containers = pod.get("containers", [])
        if len(containers) != 1:
            self.problem(name, f"{len(containers)} containers (expected the exporter only)")
        for container in containers + pod.get("initContainers", []):
            where = f"{name}: container {container.get('name')}"
            if not container.get("name") or not container.get("image"):
                self.problem(where, "needs a name and an image")
            hardening = container.get("securityContext", {})
            if (hardening.get("readOnlyRootFilesystem") is not True
                    or hardening.get("allowPrivilegeEscalation") is not False
                    or "ALL" not in hardening.get("capabilities", {}).get("drop", [])):
                self.problem(where, "securityContext must set readOnlyRootFilesystem: true, "
                                    "allowPrivilegeEscalation: false, capabilities.drop [ALL]")
            resources = container.get("resources", {})
            if not resources.get("requests") or not resources.get("limits", {}).get("memory"):
                self.problem(where, "needs resource requests and a memory limit")
            for mount in container.get("volumeMounts", []):
                if mount["name"] not in volumes:
                    self.problem(where, f"mounts undefined volume {mount['name']!r}")
        for volume in volumes.values():
            used = (("ConfigMap", volume.get("configMap", {}).get("name"), config_map),
                    ("Secret", volume.get("secret", {}).get("secretName"), secret))
            for kind, used_name, (_, defined) in used:
                if used_name is not None and used_name != defined["metadata"]["name"]:
                    self.problem(name, f"volume {volume['name']} uses unknown {kind} {used_name!r}")
        if containers:
            self.check_exporter_container(name, containers[0], volumes, config_map)

    def check_exporter_container(self, name, container, volumes, config_map) -> None:
        where = f"{name}: container {container.get('name')}"
        image, _ = recipe_image()
        if container.get("image") != image:
            self.problem(where, f"image {container.get('image')!r} (expected {image!r}, which "
                                "the Containerfile builds)")
        ports = {port.get("name"): port for port in container.get("ports", [])}
        for probe in ("livenessProbe", "readinessProbe"):
            http = container.get(probe, {}).get("httpGet", {})
            if http.get("path") != "/healthz" or http.get("port") not in ports:
                self.problem(where, f"{probe} must GET /healthz on a named container port")
        args = container.get("args", [])
        config_path = args[args.index("--config") + 1] if "--config" in args[:-1] else None
        if not args or args[0] != "serve" or config_path is None:
            self.problem(where, f"args {args} (expected serve --config FILE)")
            return
        mount = next((mount for mount in container.get("volumeMounts", [])
                      if config_path.startswith(mount["mountPath"].rstrip("/") + "/")), None)
        volume = volumes.get(mount["name"], {}) if mount else {}
        key = config_path.rsplit("/", 1)[1]
        if "configMap" not in volume or key not in config_map[1].get("data", {}):
            self.problem(where, f"--config {config_path} is not a key of the mounted ConfigMap")

    def check_config(self, config_map, secret, deployment) -> None:
        name, doc = config_map
        try:
            config = yaml.safe_load(doc["data"]["config.yaml"])
        except (KeyError, yaml.YAMLError) as error:
            self.problem(name, f"data.config.yaml is not YAML: {error}")
            return
        components = {component.get("name") for component in config.get("components", [])}
        if components != COMPONENTS:
            self.problem(name, f"components {sorted(components)} "
                               f"(expected Backend.AI's {sorted(COMPONENTS)})")
        container = deployment[1]["spec"]["template"]["spec"]["containers"][0]
        ports = {port["containerPort"] for port in container.get("ports", [])}
        for listen in config.get("listen", []):
            if int(listen.rsplit(":", 1)[1]) not in ports:
                self.problem(name, f"listen {listen} is not a container port {sorted(ports)}")
        secret_mount = next((mount["mountPath"] for mount in container.get("volumeMounts", [])
                             if mount["name"] in self.secret_volumes(deployment)), None)
        secret_keys = set(secret[1].get("stringData", {}))
        for component in config.get("components", []):
            database = component.get("database", {})
            where = f"{name}: component {component.get('name')}"
            if re.search(r"://[^/@]*:[^/@]*@", database.get("url", "")):
                self.problem(where, "password inline in the database url (use password_file)")
            password_file = database.get("password_file", "")
            directory, _, key = password_file.rpartition("/")
            if directory != secret_mount or key not in secret_keys:
                self.problem(where, f"password_file {password_file!r} is not a key of the Secret "
                                    f"mounted at {secret_mount}")

    @staticmethod
    def secret_volumes(deployment) -> set[str]:
        volumes = deployment[1]["spec"]["template"]["spec"].get("volumes", [])
        return {volume["name"] for volume in volumes if "secret" in volume}

    def check_service(self, service, deployment) -> None:
        name, doc = service
        pod = deployment[1]["spec"]["template"]
        selector = doc["spec"].get("selector", {})
        if not selector or not selector.items() <= pod["metadata"]["labels"].items():
            self.problem(name, f"selector {selector} selects no exporter pod")
        port_names = {port.get("name") for container in pod["spec"]["containers"]
                      for port in container.get("ports", [])}
        for port in doc["spec"].get("ports", []):
            if port.get("targetPort") not in port_names:
                self.problem(name, f"targetPort {port.get('targetPort')!r} is not a named "
                                   f"container port {sorted(port_names)}")

    def check_service_monitor(self, service_monitor, service) -> None:
        name, doc = service_monitor
        selector = doc["spec"].get("selector", {}).get("matchLabels", {})
        labels = service[1]["metadata"].get("labels", {})
        if not selector or not selector.items() <= labels.items():
            self.problem(name, f"selector {selector} does not select the Service ({labels})")
        port_names = {port.get("name") for port in service[1]["spec"].get("ports", [])}
        for endpoint in doc["spec"].get("endpoints", []):
            if endpoint.get("port") not in port_names:
                self.problem(name, f"endpoint port {endpoint.get('port')!r} is not a Service port")
            jobs = [relabel.get("replacement") for relabel in endpoint.get("relabelings", [])
                    if relabel.get("targetLabel") == "job"]
            if jobs != [JOB_NAME]:
                self.problem(name, f"endpoint must relabel job to {JOB_NAME} (the alert rules' "
                                   f"job), found {jobs}")

    def check_kustomization(self, kustomization) -> None:
        name, doc = kustomization
        listed = set(doc.get("resources", []))
        expected = set(self.manifests) - NOT_IN_KUSTOMIZATION
        for missing in sorted(expected - listed):
            self.problem(name, f"does not list {missing}")
        for unknown in sorted(listed - set(self.manifests)):
            self.problem(name, f"lists {unknown}, which does not exist")


def _mounted_config(where, container, pod, config_maps, problems):
    """The exporter configuration (parsed) that `--config FILE` in the container's args names."""
    args = [str(arg) for arg in container.get("args", [])]
    if "--config" not in args[:-1]:
        problems.append(f"{where}: args {args} name no --config FILE")
        return None
    path = args[args.index("--config") + 1]
    directory, _, key = path.rpartition("/")
    volumes = {volume["name"]: volume for volume in pod.get("volumes", [])}
    for mount in container.get("volumeMounts", []):
        config_map = volumes.get(mount["name"], {}).get("configMap", {}).get("name")
        if mount["mountPath"].rstrip("/") == directory and config_map in config_maps:
            data = config_maps[config_map].get("data", {})
            if key in data:
                return yaml.safe_load(data[key])
    problems.append(f"{where}: --config {path} is not a key of a mounted ConfigMap")
    return None


def _check_wait(where, args, config, problems):
    components = {component.get("name") for component in config.get("components", [])}
    i = 1
    while i < len(args):
        option = args[i]
        if option not in WAIT_OPTIONS:
            problems.append(f"{where}: unknown wait option {option!r}")
            return
        value = args[i + 1] if WAIT_OPTIONS[option] and i + 1 < len(args) else None
        if option == "--component" and value not in components | {"all"}:
            problems.append(f"{where}: --component {value!r} is not configured "
                            f"({sorted(components)})")
        if option == "--until":
            for state in set(str(value).split(",")) - STATES:
                problems.append(f"{where}: --until names unknown state {state!r}")
        i += 2 if WAIT_OPTIONS[option] else 1


def _check_ready_probe(where, container, config, problems):
    components = {component.get("name") for component in config.get("components", [])}
    path = container.get("readinessProbe", {}).get("httpGet", {}).get("path", "")
    if not path.startswith("/ready"):
        problems.append(f"{where}: readinessProbe must GET /ready (the schema gate)")
    query = dict(part.split("=", 1) for part in path.partition("?")[2].split("&") if "=" in part)
    for component in filter(None, query.get("component", "").split(",")):
        if component not in components:
            problems.append(f"{where}: /ready names unconfigured component {component!r}")
    if container.get("livenessProbe", {}).get("httpGet", {}).get("path", "").startswith("/ready"):
        problems.append(f"{where}: livenessProbe on /ready would restart pods while a migration "
                        f"is pending (use /healthz; /ready is a readiness gate)")


def check_gating(manifests: dict[str, list[dict]]) -> list[str]:
    """Problems in the deploy-gate examples (gating/): `wait` init containers and `/ready` probes."""
    problems: list[str] = []
    docs = [(name, doc) for name, docs in manifests.items() for doc in docs]
    config_maps = {doc["metadata"]["name"]: doc for _, doc in docs if doc.get("kind") == "ConfigMap"}
    for _, config_map in config_maps.items():
        for text in config_map.get("data", {}).values():
            for component in (yaml.safe_load(text) or {}).get("components", []):
                for state in set(component.get("ready_states", [])) - STATES:
                    problems.append(f"ConfigMap {config_map['metadata']['name']}: component "
                                    f"{component.get('name')} has unknown ready state {state!r}")
    waits = probes = 0
    for name, doc in docs:
        if doc.get("kind") != "Deployment":
            continue
        pod = doc["spec"]["template"]["spec"]
        for container in pod.get("initContainers", []) + pod.get("containers", []):
            args = [str(arg) for arg in container.get("args", [])]
            where = f"{name}: container {container.get('name')}"
            if args[:1] not in (["wait"], ["serve"]):
                continue
            config = _mounted_config(where, container, pod, config_maps, problems)
            if config is None:
                continue
            if args[0] == "wait":
                waits += 1
                _check_wait(where, args, config, problems)
            else:
                probes += 1
                _check_ready_probe(where, container, config, problems)
    if not waits or not probes:
        problems.append(f"gating: {waits} wait init containers and {probes} /ready probes "
                        f"(expected at least one of each)")
    return problems


def check(manifests: dict[str, list[dict]]) -> list[str]:
    """Problems found in `manifests` (file name -> documents), one readable line each."""
    return _Checker(manifests).run()


def main() -> int:
    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    problems = check(load_manifests(directory)) + check_gating(load_manifests(directory / "gating"))
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"{directory}: manifests consistent")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
