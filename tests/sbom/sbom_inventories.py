"""Inventories built from model objects (no parser needed) for the SBOM tests."""

from __future__ import annotations

from ospo.model import Component, Dependency, Hash, Inventory, Location, Scope


def _c(purl: str, name: str, version: str | None, ecosystem: str, **kw: object) -> Component:
    return Component(purl=purl, name=name, version=version, ecosystem=ecosystem, **kw)  # type: ignore[arg-type]


def folder_inventory() -> Inventory:
    """No project: a lockfile, a requirements.txt (a `file:` root) and odd corners."""
    components = [
        _c(
            "pkg:npm/lodash@4.17.21",
            "lodash",
            "4.17.21",
            "npm",
            direct=True,
            declared_license="MIT",
            hashes=(Hash("sha512", "ab" * 64), Hash("sha1", "12" * 20), Hash("whirlpool", "00ff")),
            locations=(Location("web/package-lock.json", 12, 20),),
            download_url="https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz",
        ),
        _c(
            "pkg:npm/%40types/node@20.1.0",
            "node",
            "20.1.0",
            "npm",
            namespace="@types",
            scope=Scope.DEV,
            direct=True,
            declared_license="Apache-2.0 OR MIT",
            locations=(Location("web/package-lock.json", 40),),
        ),
        _c(
            "pkg:npm/left-pad@1.3.0",
            "left-pad",
            "1.3.0",
            "npm",
            scope=Scope.OPTIONAL,
            direct=False,
            declared_license="LicenseRef-scancode-proprietary-license AND MIT",
            locations=(Location("web/package-lock.json", 60),),
        ),
        _c(
            "pkg:pypi/pytest@8.0.0",
            "pytest",
            "8.0.0",
            "pypi",
            scope=Scope.TEST,
            declared_license="MIT",
            hashes=(Hash("sha256", "cd" * 32),),
            locations=(Location("requirements.txt", 2),),
            properties=(("pypi:marker", "python_version >= '3.8'"),),
        ),
        _c(
            "pkg:pypi/requests",
            "requests",
            None,
            "pypi",
            resolved=False,
            declared_range=">=2.31,<3",
            declared_license="BSD-like licence, see COPYING",
            locations=(Location("requirements.txt", 3),),
        ),
        _c(
            "pkg:maven/org.apache.commons/commons-lang3@3.14.0",
            "commons-lang3",
            "3.14.0",
            "maven",
            namespace="org.apache.commons",
            declared_license="Apache-2.0",
            homepage="https://commons.apache.org/proper/commons-lang/",
            locations=(Location("svc/pom.xml", 30),),
        ),
    ]
    deps = [
        Dependency("file:requirements.txt", ("pkg:pypi/pytest@8.0.0", "pkg:pypi/requests")),
        Dependency("pkg:npm/lodash@4.17.21", ("pkg:npm/left-pad@1.3.0",)),
        Dependency("pkg:npm/web-app@1.0.0", ("pkg:npm/%40types/node@20.1.0", "pkg:npm/lodash@4.17.21")),
        Dependency("pkg:maven/com.example/svc@2.0", ("pkg:maven/org.apache.commons/commons-lang3@3.14.0",)),
    ]
    projects = [
        _c("pkg:npm/web-app@1.0.0", "web-app", "1.0.0", "npm", locations=(Location("web/package.json", 1),)),
        _c(
            "pkg:maven/com.example/svc@2.0",
            "svc",
            "2.0",
            "maven",
            namespace="com.example",
            locations=(Location("svc/pom.xml"),),
        ),
    ]
    return Inventory(
        root="/somewhere/monorepo",
        components=components,
        projects=projects,
        dependencies=deps,
        manifests=["requirements.txt", "svc/pom.xml", "web/package-lock.json", "web/package.json"],
    )


def project_inventory() -> Inventory:
    """One project: it becomes the SBOM's root."""
    app = _c("pkg:pypi/my-app@0.3.0", "my-app", "0.3.0", "pypi", declared_license="Apache-2.0")
    lib = _c("pkg:pypi/attrs@23.2.0", "attrs", "23.2.0", "pypi", direct=True, declared_license="MIT")
    sub = _c("pkg:pypi/six@1.16.0", "six", "1.16.0", "pypi", direct=False, declared_license="MIT")
    return Inventory(
        root="/x/my-app",
        components=[lib, sub],
        projects=[app],
        dependencies=[
            Dependency(app.purl, (lib.purl,)),
            Dependency(lib.purl, (sub.purl,)),
        ],
        manifests=["pyproject.toml", "uv.lock"],
    )
