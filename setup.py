"""Packaging for ev-rl, driven by settings.ini (nbdev 2 layout).

Adapted from nbdev 2.4.14's own setup.py: no `pkg_resources`, which current setuptools lacks.
"""
from configparser import ConfigParser
from pathlib import Path

import setuptools
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent
config = ConfigParser(delimiters=["="])
config.read(HERE / "settings.ini", encoding="utf-8")
cfg = config["DEFAULT"]

expected = ["version", "description", "keywords", "author", "author_email", "license",
            "status", "min_python", "audience", "language", "lib_name", "git_url"]
missing = [key for key in expected if key not in cfg]
if missing:
    raise SystemExit(f"settings.ini: missing keys {missing}")

licenses = {"apache2": ("Apache Software License 2.0", "OSI Approved :: Apache Software License")}
statuses = ["1 - Planning", "2 - Pre-Alpha", "3 - Alpha", "4 - Beta", "5 - Production/Stable",
            "6 - Mature", "7 - Inactive"]
lic = licenses[cfg["license"].lower()]
requirements = cfg.get("requirements", "").split()
dev_requirements = cfg.get("dev_requirements", "").split()
min_python = cfg["min_python"]
resource_dirs = cfg.get("resources", "").split()


class BuildWithResources(build_py):
    """build_py that also copies the inputs named in settings.ini (`resources`: presets, site variants, the measured
    year, the loaders' examples) into ev_rl/_resources/ of the *build* folder, where `ev_rl.paths.resource` finds them
    once installed. The checkout keeps them at its top (configs/, data/) and is never written to; an editable install
    reads them from the checkout."""

    def _resource_files(self) -> list[tuple[Path, Path]]:
        "(source in the checkout, destination in the build folder) for every input file."
        target = Path(self.build_lib) / cfg["lib_path"] / "_resources"
        pairs = []
        for rel in resource_dirs:
            folder = HERE / rel
            if not folder.is_dir():
                raise SystemExit(f"settings.ini: resources names {rel}, which is not a folder of {HERE}")
            for path in sorted(folder.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts and not path.name.startswith("."):
                    pairs.append((path, target / rel / path.relative_to(folder)))
        return pairs

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for source, destination in self._resource_files():
            self.mkpath(str(destination.parent))
            self.copy_file(str(source), str(destination))

    def get_outputs(self, include_bytecode=True):
        outputs = super().get_outputs(include_bytecode)
        if getattr(self, "editable_mode", False):
            return outputs
        return outputs + [str(destination) for _, destination in self._resource_files()]


setuptools.setup(
    name=cfg["repo"],
    license=lic[0],
    classifiers=[
        "Development Status :: " + statuses[int(cfg["status"])],
        "Intended Audience :: " + cfg["audience"].title(),
        "License :: " + lic[1],
        "Natural Language :: " + cfg["language"].title(),
        "Programming Language :: Python :: " + min_python,
    ],
    url=cfg["git_url"],
    packages=setuptools.find_packages(include=[cfg["lib_name"], cfg["lib_name"] + ".*"]),
    include_package_data=True,
    install_requires=requirements,
    extras_require={"dev": dev_requirements},
    python_requires=">=" + min_python,
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    zip_safe=False,
    cmdclass={"build_py": BuildWithResources},
    entry_points={
        "nbdev": [f"{cfg['lib_path']}={cfg['lib_path']}._modidx:d"],
        "console_scripts": cfg.get("console_scripts", "").split(),
    },
    version=cfg["version"],
    description=cfg["description"],
    keywords=cfg["keywords"],
    author=cfg["author"],
    author_email=cfg["author_email"],
)
