"""The LangChain line a package targets: the setting, else its declared LangChain requirements."""

from __future__ import annotations

import pytest

from lint_memory.project import target


@pytest.fixture(autouse=True)
def _fresh_cache():
    target.forget()
    yield
    target.forget()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", "1"), ("1.0", "1.0"), ("1.x", "1"), ("0.3", "0.3"), (" v0.3.* ", "0.3"), ("2", "2")],
)
def test_setting_values(value, expected):
    assert target.parse_setting(value) == expected


@pytest.mark.parametrize("value", ["latest", ">=1", "", "one"])
def test_bad_setting_values(value):
    with pytest.raises(target.TargetError, match="target-langchain"):
        target.parse_setting(value)


@pytest.mark.parametrize(
    ("requirement", "expected"),
    [
        ("langchain>=1", "1"),
        ("langchain>=1.0.0rc1,<2", "1"),
        ("langchain==1.2.*", "1"),
        ("langchain~=1.0", "1"),
        ("LangChain[openai] >= 1.1 ; python_version >= '3.10'", "1"),
        ("langchain (>=1.0)", "1"),
        ("langchain==0.3.27", "0.3"),
        ("langchain~=0.3.7", "0.3"),
        ("langchain>=0.3,<0.4", "0.3"),
        ("langchain>=0.2,<1", "0"),
        ("langchain<1", "0"),
        ("langchain<0.1", "0.0"),
        ("langchain<=0.3.27,>=0.3.1", "0.3"),
        ("langchain>=0.2", None),
        ("langchain", None),
        ("langchain<=1.0", None),
        ("langchain>1,<1", None),  # admits nothing
        ("langchain @ https://example.com/langchain.whl", None),
    ],
)
def test_requirement_lines(tmp_path, requirement, expected):
    (tmp_path / "requirements.txt").write_text(f"# pinned\nopenai>=1\n{requirement}  # the framework\n")
    assert target.declared_target(tmp_path) == (True, expected)


def test_other_distributions_are_not_langchain(tmp_path):
    (tmp_path / "requirements.txt").write_text("langchain-community==0.3.1\nlangchain-openai>=1\n-r base.txt\n")
    assert target.declared_target(tmp_path) == (False, None)


@pytest.mark.parametrize(
    ("requirements", "expected"),
    [
        ("langchain-core>=1", "1"),  # core's lines are langchain's
        ("langchain_core~=0.3.15", "0.3"),
        ("langchain-classic", "1"),  # exists for langchain 1.x only
        ("langchain-classic>=1.0.5\nlangchain", "1"),
        ("langchain>=0.2\nlangchain-core<0.4,>=0.3", "0.3"),  # intersected
        ("langchain<1\nlangchain-classic", None),  # admits nothing
    ],
)
def test_core_and_classic_requirements_count(tmp_path, requirements, expected):
    (tmp_path / "requirements.txt").write_text(requirements + "\n")
    assert target.declared_target(tmp_path) == (True, expected)


def test_pyproject_dependencies_and_extras_are_intersected(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "app"\ndependencies = ["langchain>=0.3"]\n'
        '[project.optional-dependencies]\nfast = ["langchain<1"]\n'
        '[dependency-groups]\ndev = ["pytest", {include-group = "x"}]\n'
    )
    assert target.declared_target(tmp_path) == (True, "0")


@pytest.mark.parametrize(
    ("constraint", "expected"),
    [
        ('"^1.0"', "1"),
        ('"^0.3.1"', "0.3"),
        ('"~0.2"', "0.2"),
        ('"0.3.27"', "0.3"),
        ('{version = ">=1,<2"}', "1"),
        ('"*"', None),
    ],
)
def test_poetry_constraints(tmp_path, constraint, expected):
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.poetry.dependencies]\npython = "^3.10"\nlangchain = {constraint}\n'
    )
    assert target.declared_target(tmp_path) == (True, expected)


def test_setup_cfg(tmp_path):
    (tmp_path / "setup.cfg").write_text(
        "[options]\ninstall_requires =\n    requests\n    langchain>=1.0\n[options.extras_require]\nold = langchain<2\n"
    )
    assert target.declared_target(tmp_path) == (True, "1")


def test_broken_project_files_are_skipped(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project\nbroken")
    (tmp_path / "setup.cfg").write_text("no section header\n")
    (tmp_path / "requirements-dev.txt").write_text("langchain==1.0.3\n")
    assert target.declared_target(tmp_path) == (True, "1")


def test_for_path_walks_up_to_the_declaring_folder_and_stops_at_the_repository(tmp_path):
    outer = tmp_path / "outer"
    repo = outer / "repo"
    package = repo / "src" / "pkg"
    package.mkdir(parents=True)
    (outer / "requirements.txt").write_text("langchain>=1\n")
    (repo / ".git").mkdir()
    module = package / "app.py"
    module.write_text("")
    assert target.for_path(str(module)) is None  # the repository declares nothing; the outer folder is not ours
    (repo / "requirements.txt").write_text("langchain==0.3.1\n")
    assert target.for_path(str(module)) is None  # answers are cached per folder ...
    target.forget()  # ... until a project file may have changed
    assert target.for_path(str(module)) == "0.3"
    (package / "pyproject.toml").write_text('[project]\nname = "pkg"\ndependencies = ["langchain>=1.1"]\n')
    target.forget()
    assert target.for_path(str(module)) == "1"
    assert target.for_path(str(package)) == "1"


def test_the_nearest_package_decides_and_one_declaring_nothing_is_unknown(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text("[tool.lint-memory]\nignore = []\n")  # tool settings only
    (tmp_path / "requirements.txt").write_text("langchain>=1\n")
    plain = tmp_path / "services" / "plain"
    plain.mkdir(parents=True)
    (plain / "pyproject.toml").write_text('[project]\nname = "plain"\ndependencies = ["requests"]\n')
    tooling = tmp_path / "services" / "tooling"
    tooling.mkdir()
    (tooling / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n")
    assert target.for_path(str(plain / "app.py")) is None  # a package that declares none: unknown
    assert target.for_path(str(tooling / "app.py")) == "1"  # not a package: the repository's requirements
    declared = target.declaration_for(str(plain / "app.py"))
    assert declared == target.Declaration(None, (str(plain / "pyproject.toml"),), ())
    assert target.declaration_for(str(tooling)).requirements == ("langchain>=1",)


@pytest.mark.parametrize(
    ("line", "v1", "old"),
    [
        ("1", True, False),
        ("1.3", True, False),
        ("0.3", False, False),
        ("0", False, False),
        ("0.0", False, True),
        (None, False, False),
    ],
)
def test_line_predicates(line, v1, old):
    assert (target.is_v1(line), target.before_0_1(line)) == (v1, old)
