"""The package's shape: stages import only the stages below them, through their public
face; the domain package never imports Streamlit; requirements.txt matches pyproject.toml."""

from __future__ import annotations

import ast
import tomllib

import pytest

from conflictmap.paths import ROOT

PACKAGE = ROOT / "conflictmap"
# The data flow, bottom to top. The root modules (workspace, cli, commands) sit above all.
STAGES = ["places", "reader", "ledger", "assessment", "render"]
RANK = {name: i for i, name in enumerate(STAGES)} | {"paths": -1}
TOP = len(STAGES)


def rank_of(module: str) -> int:
    """The stage rank of a dotted module name inside conflictmap."""
    parts = module.split(".")
    return RANK.get(parts[1], TOP) if len(parts) > 1 else TOP


def imports_of(path):
    """(absolute module, imported names) for every import of conflictmap in ``path``."""
    rel = path.relative_to(ROOT).with_suffix("")
    here = list(rel.parts[:-1]) if rel.name != "__init__" else list(rel.parts[:-1])
    found = []
    tree = ast.parse(path.read_text())
    typing_only = {
        id(n)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for n in ast.walk(block)
    }  # imports for type hints only are not a runtime dependency
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] == "conflictmap":
                found.append((module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names if a.name.split(".")[0] == "conflictmap"]
    return found


def domain_modules():
    return sorted(PACKAGE.rglob("*.py"))


def module_name(path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


@pytest.mark.parametrize("path", domain_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_stage_imports_a_higher_one(path):
    mine = rank_of(module_name(path))
    upward = [m for m, _ in imports_of(path) if rank_of(m) > mine]
    assert upward == [], f"{module_name(path)} imports higher stages: {upward}"


@pytest.mark.parametrize("path", domain_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_other_stages_are_used_through_their_public_face(path):
    me = module_name(path).split(".")
    private = []
    for module, names in imports_of(path):
        parts = module.split(".")
        if len(parts) > 2 and parts[1] in RANK and parts[1] != (me[1] if len(me) > 1 else ""):
            private.append(module)
        elif len(parts) == 2 and parts[1] in STAGES and parts[1] != (me[1] if len(me) > 1 else ""):
            face = __import__(module, fromlist=["__all__"]).__all__
            private += [f"{module}.{n}" for n in names if n not in face]
    assert private == [], f"{module_name(path)} reaches into private modules: {private}"


@pytest.mark.parametrize("path", domain_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_domain_package_never_imports_streamlit(path):
    tree = ast.parse(path.read_text())
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert not [n for n in names if n.split(".")[0] in ("streamlit", "streamlit_folium")]


@pytest.mark.parametrize("stage", STAGES)
def test_every_public_name_exists(stage):
    face = __import__(f"conflictmap.{stage}", fromlist=["__all__"])
    assert face.__doc__ and face.__all__
    missing = [n for n in face.__all__ if not hasattr(face, n)]
    assert missing == []


def requirement_names(lines) -> dict[str, str]:
    out = {}
    for line in lines:
        line = line.split("#")[0].strip()
        if line:
            name = line.split(">=")[0].split("==")[0].split("[")[0].strip().lower()
            out[name.replace("_", "-")] = line.replace(" ", "")
    return out


def test_requirements_txt_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        declared += extra
    listed = (ROOT / "requirements.txt").read_text().splitlines()
    assert requirement_names(listed) == requirement_names(declared)


def test_the_console_script_is_the_cli():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["conflictmap"] == "conflictmap.cli:main"


def test_streamlit_config_keeps_the_app_offline():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["toolbarMode"] == "viewer"
    assert {"base", "primaryColor", "backgroundColor", "textColor"} <= set(config["theme"])


def test_streamlit_config_shows_visitors_no_tracebacks_and_caps_uploads():
    from streamlit import config as st_config

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
    # a value this Streamlit accepts (its own description lists them)
    described = st_config.get_config_options()["client.showErrorDetails"].description
    assert '"none"' in described
    assert 0 < config["server"]["maxUploadSize"] <= 64
