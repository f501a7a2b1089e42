"""Installs are bounded and pinned: every dependency has an upper bound in pyproject.toml and an
exact version in constraints.txt, and every install in the Makefile goes through that file.

When this fails after adding a dependency: give it an upper bound, then run `make lock`.
"""

from __future__ import annotations

import re
import tomllib

from tests.conftest import ROOT


def requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project.get("optional-dependencies", {}).values()
    return project["dependencies"] + [req for extra in extras for req in extra]


def name_of(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_every_dependency_has_an_upper_bound():
    unbounded = [req for req in requirements() if "<" not in req]
    assert unbounded == []


def test_every_dependency_is_pinned_in_constraints_txt():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not an exact pin: {line}"
            pins[name.lower().replace("_", "-")] = version
    missing = [req for req in requirements() if name_of(req) not in pins]
    assert missing == [], "run `make lock` and commit constraints.txt"


def test_every_install_goes_through_the_constraints_and_make_lock_refreshes_them():
    makefile = (ROOT / "Makefile").read_text()
    # `make lock` itself installs without constraints: it is what refreshes them.
    installs = [line for line in makefile.splitlines() if "pip install" in line
                and "--upgrade pip" not in line and "$(EXTRAS)" not in line]
    assert "PIP_INSTALL := $(BIN)/python -m pip install --quiet -c $(CONSTRAINTS)" in makefile
    assert [line for line in installs if "-c $(CONSTRAINTS)" not in line] == []
    assert makefile.count("$(PIP_INSTALL) -e") == 2  # make run's install and make test's
    assert "\nlock:" in makefile and "pip freeze" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_the_license_is_an_spdx_expression_so_installs_print_no_deprecation_banner():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["license"] == "MIT"
    setuptools = [r for r in pyproject["build-system"]["requires"] if r.startswith("setuptools")]
    assert setuptools == ["setuptools>=77"]  # the first to read a license string
