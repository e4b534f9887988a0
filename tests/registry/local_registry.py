"""Start Debian's ``docker-registry`` on loopback and seed it through the HTTP API.

Importable by any test (e.g. e2e tests)::

    from tests.registry.local_registry import start_registry, push_image, push_index

    reg = start_registry(tmp_path)            # raises RegistryBinaryMissing if not installed
    try:
        digest = push_image(reg.url, "team/app", ["1.0", "latest"])
    finally:
        reg.stop()

No Docker daemon is needed: blobs are uploaded with ``POST /v2/<name>/blobs/uploads/``
then ``PUT <location>&digest=…``, manifests with ``PUT /v2/<name>/manifests/<tag>``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import requests

__all__ = [
    "DOCKER_CONFIG_TYPE",
    "DOCKER_MANIFEST_TYPE",
    "OCI_INDEX_TYPE",
    "OCI_MANIFEST_TYPE",
    "LocalRegistry",
    "RegistryBinaryMissing",
    "free_port",
    "htpasswd_line",
    "push_blob",
    "push_image",
    "push_index",
    "push_manifest",
    "registry_binary",
    "start_registry",
]

DOCKER_MANIFEST_TYPE = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG_TYPE = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER_TYPE = "application/vnd.docker.image.rootfs.diff.tar.gzip"
OCI_MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX_TYPE = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG_TYPE = "application/vnd.oci.image.config.v1+json"
OCI_LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip"

Auth = tuple[str, str] | None


class RegistryBinaryMissing(RuntimeError):
    pass


FALLBACK_PATHS = ("/usr/bin/docker-registry",)


def registry_binary() -> str:
    found = shutil.which("docker-registry") or next(
        (p for p in FALLBACK_PATHS if Path(p).exists()), None
    )
    if found is None:
        raise RegistryBinaryMissing(
            "the registry tests need Debian's docker-registry binary "
            "(apt-get install docker-registry); it was not found on PATH"
        )
    return found


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def htpasswd_line(user: str, password: str) -> str:
    """A bcrypt htpasswd line (needs the ``bcrypt`` package)."""
    import bcrypt

    hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()
    return f"{user}:{hashed}"


@dataclass
class LocalRegistry:
    host: str  # "127.0.0.1:PORT": what an image reference names
    root: Path
    proc: subprocess.Popen[bytes]
    auth: Auth = None
    log_path: Path | None = None
    seeded: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)

    def __enter__(self) -> LocalRegistry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_registry(
    workdir: Path, *, auth: Auth = None, ready_timeout: float = 20.0
) -> LocalRegistry:
    """Write a config under ``workdir``, start ``docker-registry serve``, wait for ``/v2/``."""
    binary = registry_binary()
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    host = f"127.0.0.1:{port}"
    storage = workdir / "storage"
    storage.mkdir(exist_ok=True)
    lines = [
        "version: 0.1",
        "log:",
        "  level: error",
        "  accesslog:",
        "    disabled: true",
        "storage:",
        "  filesystem:",
        f"    rootdirectory: {storage}",
        "  delete:",
        "    enabled: true",
        "http:",
        f"  addr: {host}",
        "  secret: dockerls-test-secret",
    ]
    if auth is not None:
        htfile = workdir / "htpasswd"
        htfile.write_text(htpasswd_line(*auth) + "\n")
        lines += ["auth:", "  htpasswd:", "    realm: dockerls-test", f"    path: {htfile}"]
    config = workdir / "config.yml"
    config.write_text("\n".join(lines) + "\n")
    log_path = workdir / "registry.log"
    log_fh = log_path.open("wb")
    proc = subprocess.Popen(
        [binary, "serve", str(config)],
        stdout=log_fh,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    log_fh.close()
    reg = LocalRegistry(host=host, root=workdir, proc=proc, auth=auth, log_path=log_path)
    deadline = time.monotonic() + ready_timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(
                f"docker-registry exited with {proc.returncode}: {log_path.read_text()[-2000:]}"
            )
        try:
            r = requests.get(f"{reg.url}/v2/", auth=auth, timeout=1)
            if r.status_code == 200:
                return reg
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            reg.stop()
            raise RuntimeError(
                f"docker-registry did not become ready: {log_path.read_text()[-2000:]}"
            )
        time.sleep(0.05)


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def push_blob(base_url: str, repo: str, data: bytes, *, auth: Auth = None) -> str:
    """Monolithic upload: ``POST`` an upload session, then ``PUT …?digest=``."""
    digest = _digest(data)
    r = requests.post(f"{base_url}/v2/{repo}/blobs/uploads/", auth=auth, timeout=10)
    r.raise_for_status()
    location = urljoin(base_url + "/", r.headers["Location"])
    sep = "&" if "?" in location else "?"
    r = requests.put(
        f"{location}{sep}digest={digest}",
        data=data,
        headers={"Content-Type": "application/octet-stream"},
        auth=auth,
        timeout=10,
    )
    r.raise_for_status()
    return digest


def push_manifest(
    base_url: str,
    repo: str,
    reference: str,
    manifest: dict[str, Any],
    media_type: str,
    *,
    auth: Auth = None,
) -> str:
    body = json.dumps(manifest, indent=2).encode()
    r = requests.put(
        f"{base_url}/v2/{repo}/manifests/{reference}",
        data=body,
        headers={"Content-Type": media_type},
        auth=auth,
        timeout=10,
    )
    if r.status_code >= 400:
        raise RuntimeError(f"manifest PUT {repo}:{reference} failed: {r.status_code} {r.text}")
    return _digest(body)


def _image_parts(
    base_url: str, repo: str, *, os: str, arch: str, created: str, oci: bool, auth: Auth
) -> tuple[dict[str, Any], str]:
    config = json.dumps(
        {
            "architecture": arch,
            "os": os,
            "created": created,
            "config": {"Env": ["PATH=/usr/bin"]},
            "rootfs": {"type": "layers", "diff_ids": []},
        }
    ).encode()
    layer = f"layer for {repo} {os}/{arch} {created}".encode()
    cfg_digest = push_blob(base_url, repo, config, auth=auth)
    layer_digest = push_blob(base_url, repo, layer, auth=auth)
    media = OCI_MANIFEST_TYPE if oci else DOCKER_MANIFEST_TYPE
    manifest = {
        "schemaVersion": 2,
        "mediaType": media,
        "config": {
            "mediaType": OCI_CONFIG_TYPE if oci else DOCKER_CONFIG_TYPE,
            "size": len(config),
            "digest": cfg_digest,
        },
        "layers": [
            {
                "mediaType": OCI_LAYER_TYPE if oci else DOCKER_LAYER_TYPE,
                "size": len(layer),
                "digest": layer_digest,
            }
        ],
    }
    return manifest, media


def push_image(
    base_url: str,
    repo: str,
    tags: Iterable[str],
    *,
    os: str = "linux",
    arch: str = "amd64",
    created: str = "2024-01-02T03:04:05Z",
    oci: bool = False,
    auth: Auth = None,
) -> dict[str, Any]:
    """Push one single-platform image under every tag. Returns digest, size, manifest."""
    manifest, media = _image_parts(
        base_url, repo, os=os, arch=arch, created=created, oci=oci, auth=auth
    )
    digest = ""
    for tag in tags:
        digest = push_manifest(base_url, repo, tag, manifest, media, auth=auth)
    size = manifest["config"]["size"] + sum(layer["size"] for layer in manifest["layers"])
    return {"digest": digest, "size": size, "manifest": manifest, "media_type": media}


def push_index(
    base_url: str,
    repo: str,
    tags: Iterable[str],
    *,
    platforms: Iterable[tuple[str, str, str]] = (
        ("linux", "amd64", "2024-03-01T00:00:00Z"),
        ("linux", "arm64", "2024-03-02T00:00:00Z"),
    ),
    auth: Auth = None,
) -> dict[str, Any]:
    """Push an OCI index over one OCI image per ``(os, arch, created)``. Returns digests."""
    entries = []
    children: dict[str, str] = {}
    for os_, arch, created in platforms:
        manifest, media = _image_parts(
            base_url, repo, os=os_, arch=arch, created=created, oci=True, auth=auth
        )
        body_digest = push_manifest(
            base_url,
            repo,
            _digest(json.dumps(manifest, indent=2).encode()),
            manifest,
            media,
            auth=auth,
        )
        children[f"{os_}/{arch}"] = body_digest
        entries.append(
            {
                "mediaType": media,
                "digest": body_digest,
                "size": len(json.dumps(manifest, indent=2).encode()),
                "platform": {"os": os_, "architecture": arch}
                | ({"variant": "v8"} if arch == "arm64" else {}),
            }
        )
    index = {"schemaVersion": 2, "mediaType": OCI_INDEX_TYPE, "manifests": entries}
    digest = ""
    for tag in tags:
        digest = push_manifest(base_url, repo, tag, index, OCI_INDEX_TYPE, auth=auth)
    return {"digest": digest, "children": children}


def spdx_statement(purls: Iterable[str], subject_digest: str) -> dict[str, Any]:
    """An in-toto statement whose predicate is an SPDX document listing ``purls``."""
    packages = []
    for n, purl in enumerate(purls):
        name = purl.split("/")[-1].split("@")[0]
        version = purl.split("@")[-1].split("?")[0]
        packages.append(
            {
                "SPDXID": f"SPDXRef-Package-{n}",
                "name": name,
                "versionInfo": version,
                "externalRefs": [
                    {
                        "referenceCategory": "PACKAGE-MANAGER",
                        "referenceType": "purl",
                        "referenceLocator": purl,
                    }
                ],
            }
        )
    return {
        "_type": "https://in-toto.io/Statement/v0.1",
        "predicateType": "https://spdx.dev/Document",
        "subject": [{"name": "image", "digest": {"sha256": subject_digest.split(":")[-1]}}],
        "predicate": {"spdxVersion": "SPDX-2.3", "name": "sbom", "packages": packages},
    }


def push_attested_index(
    base_url: str,
    repo: str,
    tags: Iterable[str],
    purls: Iterable[str] | None,
    *,
    layer_bytes: int = 0,
    auth: Auth = None,
    more: Mapping[str, Iterable[str] | None] | None = None,
) -> dict[str, Any]:
    """Push a linux/amd64 image and, unless ``purls`` is None, its SBOM attestation, under an
    OCI index (blobs, then manifests, then the index: the registry needs that order).
    ``more`` adds linux images of other architectures, each with its own SBOM's purls (or
    none).  The digest, image digest and size returned are the amd64 image's."""
    entries: list[dict[str, Any]] = []
    first: tuple[str, int] | None = None
    for arch, arch_purls in {"amd64": purls, **(more or {})}.items():
        manifest, media = _image_parts(
            base_url,
            repo,
            os="linux",
            arch=arch,
            created="2024-05-01T00:00:00Z",
            oci=True,
            auth=auth,
        )
        if layer_bytes:
            padding = push_blob(base_url, repo, b"\0" * layer_bytes, auth=auth)
            manifest["layers"].append(
                {"mediaType": OCI_LAYER_TYPE, "size": layer_bytes, "digest": padding}
            )
        body = json.dumps(manifest, indent=2).encode()
        image_digest = push_manifest(base_url, repo, _digest(body), manifest, media, auth=auth)
        if first is None:
            size = manifest["config"]["size"] + sum(layer["size"] for layer in manifest["layers"])
            first = (image_digest, size)
        entries.append(
            {
                "mediaType": media,
                "digest": image_digest,
                "size": len(body),
                "platform": {"os": "linux", "architecture": arch},
            }
        )
        if arch_purls is not None:
            entries.append(_attestation_entry(base_url, repo, arch_purls, image_digest, auth))
    index = {"schemaVersion": 2, "mediaType": OCI_INDEX_TYPE, "manifests": entries}
    digest = ""
    for tag in tags:
        digest = push_manifest(base_url, repo, tag, index, OCI_INDEX_TYPE, auth=auth)
    assert first is not None
    return {"digest": digest, "image_digest": first[0], "size": first[1]}


def _attestation_entry(
    base_url: str, repo: str, purls: Iterable[str], image_digest: str, auth: Auth
) -> dict[str, Any]:
    """Push the SBOM attestation of ``image_digest``: its index entry."""
    statement = json.dumps(spdx_statement(purls, image_digest)).encode()
    sbom_digest = push_blob(base_url, repo, statement, auth=auth)
    empty = b"{}"
    empty_digest = push_blob(base_url, repo, empty, auth=auth)
    attestation = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST_TYPE,
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "size": len(empty),
            "digest": empty_digest,
        },
        "layers": [
            {
                "mediaType": "application/vnd.in-toto+json",
                "size": len(statement),
                "digest": sbom_digest,
                "annotations": {"in-toto.io/predicate-type": "https://spdx.dev/Document"},
            }
        ],
    }
    att_body = json.dumps(attestation, indent=2).encode()
    att_digest = push_manifest(
        base_url, repo, _digest(att_body), attestation, OCI_MANIFEST_TYPE, auth=auth
    )
    return {
        "mediaType": OCI_MANIFEST_TYPE,
        "digest": att_digest,
        "size": len(att_body),
        "platform": {"os": "unknown", "architecture": "unknown"},
        "annotations": {
            "vnd.docker.reference.type": "attestation-manifest",
            "vnd.docker.reference.digest": image_digest,
        },
    }
