"""Layers follow the reading order (STYLE.md 6a): every import of an `ev_rl` module goes to a module exported from a
notebook that sorts earlier in nbs/, and sits at the top of the module, never inside a function or class."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "ev_rl"


def notebook_of(module: Path) -> str:
    "The notebook a module is exported from (nbdev's header line)."
    found = re.search(r"File to edit: \.\./nbs/(\S+\.ipynb)", module.read_text())
    assert found, f"{module.name}: no nbdev header naming its notebook"
    return found.group(1)


MODULES = {p.stem: notebook_of(p) for p in sorted(PACKAGE.glob("*.py")) if not p.name.startswith("_")}


def package_imports(tree: ast.Module):
    "(module imported, line, at top level) for every import of an ev_rl module."
    top = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 or (node.module or "").split(".")[0] == "ev_rl":
                base = node.module.split(".")[-1] if node.module and node.module != "ev_rl" else None
                names = [base] if base else [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name.split(".")[1] for a in node.names if a.name.startswith("ev_rl.")]
        for name in names:
            yield name, node.lineno, id(node) in top


def test_every_module_is_exported_from_its_own_notebook():
    assert len(set(MODULES.values())) == len(MODULES), MODULES
    for name, notebook in MODULES.items():
        assert re.fullmatch(rf"\d\d[a-z]?_{name}\.ipynb", notebook) or name == "train", (
            name,
            notebook,
        )  # 05_train_ppo keeps its name


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_follow_the_notebook_order(module):
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    own = MODULES[module]
    for target, line, at_top in package_imports(tree):
        assert target in MODULES, f"ev_rl/{module}.py:{line} imports unknown module {target!r}"
        assert at_top, f"ev_rl/{module}.py:{line} imports ev_rl.{target} inside a function or class"
        assert MODULES[target] < own, (
            f"ev_rl/{module}.py:{line} ({own}) imports ev_rl.{target}, exported from "
            f"{MODULES[target]}, which does not sort before it"
        )


def test_the_check_catches_a_late_or_hidden_import():
    "The parser sees both kinds of violation (so the tests above can fail)."
    tree = ast.parse("from ev_rl.train import train\ndef f():\n    from .env import simulate\n")
    assert sorted(package_imports(tree), key=lambda x: x[1]) == [("train", 1, True), ("env", 3, False)]
