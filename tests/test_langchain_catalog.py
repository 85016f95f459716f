"""The catalog against the newest LangChain release (``pip install -e '.[langchain]'``).

Fails when LangChain marks a class deprecated in ``langchain_classic.memory`` (any submodule),
``langchain_classic.base_memory`` or the conversation chain and the catalog lacks it; when the
catalog's since / removal disagree with LangChain's own; when a catalog path under a current
package does not import (or a path the catalog calls gone imports again); and when LangChain's
import shims point somewhere else than the catalog's new home.  Importing LangChain is fine
here, and only here: the tool itself never imports it.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import pkgutil
import re
import warnings
from types import ModuleType

import pytest

pytestmark = pytest.mark.langchain
pytest.importorskip("langchain_classic")
pytest.importorskip("langchain_community")

from lint_memory.catalog import entries as catalog  # noqa: E402
from lint_memory.catalog import index as lookup  # noqa: E402

ROOTS = ("langchain_classic.memory", "langchain_classic.base_memory", "langchain_classic.chains.conversation")
# Deprecated classes that these modules merely import for their own use: legacy chains are not memory
# (LCM300 covers the `memory=` they take).
NOT_MEMORY = frozenset({"langchain_classic.chains.llm.LLMChain"})


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _missing_optional_dependency(error: BaseException) -> bool:
    """True when an import failed only for lack of a third-party package (e.g. ``greenlet``)."""
    while error is not None:
        if isinstance(error, ModuleNotFoundError) and error.name and not error.name.startswith("langchain"):
            return True
        error = error.__cause__ or error.__context__
    return False


def _modules() -> list[ModuleType]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = []
        for root in ROOTS:
            module = importlib.import_module(root)
            found.append(module)
            for info in pkgutil.walk_packages(getattr(module, "__path__", []), root + "."):
                found.append(importlib.import_module(info.name))
        return found


MODULES = _modules()


def _deprecation(cls: type) -> tuple[str | None, str | None] | None:
    """(since, removal) when LangChain's ``@deprecated`` marks the class itself, else None.

    The decorator sets PEP 702's ``__deprecated__`` on the class and wraps ``__init__`` in a
    closure that holds ``since`` / ``removal``; its docstring banner carries them too."""
    if "__deprecated__" not in vars(cls):
        return None
    init = vars(cls).get("__init__")
    cells = dict(zip(init.__code__.co_freevars, (c.cell_contents for c in init.__closure__ or ()))) if init else {}
    emit = cells.get("emit_warning")
    if emit is not None:
        values = dict(zip(emit.__code__.co_freevars, (c.cell_contents for c in emit.__closure__ or ())))
        return values.get("since") or None, values.get("removal") or None
    banner = re.match(r'\s*!!! deprecated "(\S+)', cls.__doc__ or "")
    removal = re.search(r"removed (?:in|until) [\w-]+==(\S+?)\.", cls.__doc__ or "")
    return (banner.group(1) if banner else None), (removal.group(1) if removal else None)


def _deprecated_classes() -> dict[str, type]:
    """Qualified path -> class, for every deprecated class these modules define or export (the last
    part of the path is the name it is exported under: ``ChatMessageHistory`` is an alias)."""
    found: dict[str, type] = {}
    for module in MODULES:
        exported = set(getattr(module, "__all__", ()))
        for name, obj in vars(module).items():
            if not isinstance(obj, type) or _deprecation(obj) is None:
                continue
            home = f"{obj.__module__}.{obj.__qualname__}"
            if home in NOT_MEMORY:
                continue
            found[home] = obj  # where it is defined
            if name in exported:
                found[f"{module.__name__}.{name}"] = obj  # where it is public
    return found


DEPRECATED = _deprecated_classes()


def test_langchain_marks_classes_deprecated_at_all():
    # Guards the reader of the decorator: if LangChain changes how it marks classes, this fails first.
    assert "langchain_classic.memory.buffer.ConversationBufferMemory" in DEPRECATED
    assert "langchain_classic.base_memory.BaseMemory" in DEPRECATED
    assert "langchain_classic.chains.conversation.base.ConversationChain" in DEPRECATED


@pytest.mark.parametrize("path", sorted(DEPRECATED))
def test_every_deprecated_class_is_in_the_catalog(path):
    entry = lookup.BY_PATH.get(path)
    assert entry is not None, f"{path} is deprecated by LangChain but missing from lint_memory/catalog.py"
    assert entry.rule, f"{path} is deprecated by LangChain but its catalog entry has no rule"
    assert entry.name == path.rpartition(".")[2]


@pytest.mark.parametrize("path", sorted(DEPRECATED))
def test_since_and_removal_match_langchain(path):
    since, removal = _deprecation(DEPRECATED[path])
    entry = lookup.BY_PATH[path]
    assert since and removal, f"could not read LangChain's deprecation data for {path}"
    assert (entry.since, entry.removal) == (since, removal), path


EXPORTED = sorted(
    f"{module.__name__}.{name}"
    for module in MODULES
    if module.__name__.startswith(("langchain_classic.memory", "langchain_classic.chains.conversation.memory"))
    for name in getattr(module, "__all__", ())
)


@pytest.mark.parametrize("path", EXPORTED)
def test_every_public_memory_name_is_in_the_catalog(path):
    """Deprecated or not (CombinedMemory, the chat message histories), every name the memory
    modules export is catalogued: the rules or LCM400 must know it."""
    assert path in lookup.BY_PATH, f"{path} is exported by LangChain but missing from lint_memory/catalog.py"


def _resolve(path: str):
    module_name, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module_name), name)


CURRENT = sorted(p for p in lookup.BY_PATH if not lookup.is_removed(p))


@pytest.mark.parametrize("path", CURRENT)
def test_current_catalog_paths_import(path):
    try:
        obj = _resolve(path)
    except (ImportError, AttributeError) as error:
        if _missing_optional_dependency(error):
            pytest.skip(f"{path} needs a package that is not installed: {error}")
        raise AssertionError(f"catalog path {path} does not import: {error}") from error
    assert isinstance(obj, type) and obj.__name__ in (lookup.BY_PATH[path].name, "InMemoryChatMessageHistory")


@pytest.mark.parametrize("path", sorted(p for p in lookup.GONE if not p.startswith("langchain.")))
def test_gone_paths_really_are_gone(path):
    with pytest.raises((ImportError, AttributeError)):
        _resolve(path)


@pytest.mark.parametrize("path", sorted({lookup.new_home(p) for p in lookup.BY_PATH if lookup.is_removed(p)}))
def test_every_new_home_imports(path):
    root = path.split(".", 1)[0]
    if importlib.util.find_spec(root) is None:
        pytest.skip(f"partner package {root} is not installed")
    try:
        _resolve(path)
    except (ImportError, AttributeError) as error:
        if not _missing_optional_dependency(error):
            raise AssertionError(f"LCM400 sends users to {path}, which does not import: {error}") from error


@pytest.mark.parametrize("path", [p for p in CURRENT if lookup.BY_PATH[p].rule])
def test_catalog_data_matches_the_class_langchain_ships(path):
    """Entries with a rule describe the class (entries without one describe an import move,
    checked against the shims below)."""
    try:
        obj = _resolve(path)
    except (ImportError, AttributeError):
        pytest.skip("checked by test_current_catalog_paths_import")
    marked = _deprecation(obj)
    entry = lookup.BY_PATH[path]
    if marked is not None:
        assert (entry.since, entry.removal) == marked, path


SHIMS = sorted(
    (f"{module.__name__}.{name}", target)
    for module in MODULES
    for name, target in (getattr(module, "DEPRECATED_LOOKUP", None) or {}).items()
)


@pytest.mark.parametrize(("path", "target"), SHIMS, ids=[path for path, _ in SHIMS])
def test_import_shims_agree_with_the_catalog(path, target, monkeypatch):
    """LangChain's own import shims: same new home as the catalog, same since / removal."""
    entry = lookup.BY_PATH.get(path)
    assert entry is not None, f"LangChain serves {path} through an import shim, but the catalog lacks it"
    name = path.rpartition(".")[2]
    twin = "langchain" + path[len(catalog.CLASSIC) :]
    if entry.gone:  # the shim's target no longer has the class: the catalog names the partner package
        assert lookup.is_removed(path) and lookup.is_removed(twin)
        with pytest.raises(AttributeError):
            _resolve(path)
        return
    assert lookup.new_home(twin) == f"{target}.{name}", twin
    from langchain_classic._api import module_import

    calls = []
    monkeypatch.setattr(module_import, "warn_deprecated", lambda *args, **kwargs: calls.append(kwargs))
    try:
        _resolve(path)
    except (ImportError, AttributeError) as error:
        if not _missing_optional_dependency(error):
            raise
    if entry.rule is None and calls:  # a class that only moved: its data is the shim's
        assert (entry.since, entry.removal) == (calls[0]["since"], calls[0]["removal"]), path


def test_runnable_with_message_history_deprecation(monkeypatch):
    from langchain_core.chat_history import InMemoryChatMessageHistory
    from langchain_core.runnables import RunnableLambda, history

    calls = []
    monkeypatch.setattr(history, "warn_deprecated", lambda *args, **kwargs: calls.append(kwargs))
    history.RunnableWithMessageHistory(RunnableLambda(lambda x: x), lambda session_id: InMemoryChatMessageHistory())
    (entry,) = [e for e in catalog.ENTRIES if e.name == "RunnableWithMessageHistory"]
    assert calls, "RunnableWithMessageHistory no longer warns: revisit LCM500"
    assert (entry.since, entry.removal) == (calls[0]["since"], calls[0]["removal"])


# --- the memory API of each class (LCM302) ----------------------------------------------------
MEMORY_ENTRIES = [entry for entry in catalog.ENTRIES if entry.memory]
# Classes whose module defines them only when a third-party package is installed (a placeholder otherwise):
# their API is checked from the source, against the LangChain base class they extend.
SUBCLASS_NEEDS = {"ZepCloudMemory": ("zep_cloud", "ConversationBufferMemory")}


def _memory_class(entry: catalog.Entry) -> type:
    for path in entry.all_paths:
        if path.startswith(("langchain_classic.", "langchain_community.")):
            module, _, name = path.rpartition(".")
            try:
                return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]
            except (ImportError, AttributeError):
                continue
    raise AssertionError(f"{entry.name}: no importable path")


def _public_api(cls: type) -> set[str]:
    """Every public name of a memory class and its LangChain bases, without pydantic's and ``Serializable``'s
    own, the pydantic validators and the ``from_*`` constructors."""
    import pydantic
    from langchain_core.load.serializable import Serializable

    inherited = set(dir(pydantic.BaseModel)) | set(dir(Serializable))
    decorators = getattr(cls, "__pydantic_decorators__", None)
    validators = set()
    for kind in ("validators", "field_validators", "root_validators", "model_validators", "field_serializers"):
        validators |= set(getattr(decorators, kind, {}) or {})
    names = set(dir(cls)) | set(getattr(cls, "model_fields", {}) or {})
    return {
        name
        for name in names
        if not name.startswith("_")
        and name not in inherited
        and name not in validators
        and not name.startswith(catalog.CONSTRUCTOR_PREFIXES)
    }


@pytest.mark.parametrize("entry", MEMORY_ENTRIES, ids=lambda entry: entry.name)
def test_memory_api_is_the_public_api_of_each_class(entry):
    """LCM302 flags exactly the class's public names: each listed name exists on the class, and no
    public name of the class is missing from the rule."""
    from lint_memory.catalog import memory_api

    assert entry.name in memory_api.BY_CLASS
    listed = memory_api.BY_CLASS[entry.name]
    cls = _memory_class(entry)
    if entry.name in SUBCLASS_NEEDS and cls.__mro__[1:] == (object,):
        package, base = SUBCLASS_NEEDS[entry.name]
        assert importlib.util.find_spec(package) is None  # a placeholder only when the package is missing
        source = inspect.getsource(inspect.getmodule(cls))
        defined = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ClassDef) and n.name == entry.name]
        (klass,) = [n for n in defined if [b.id for b in n.bases if isinstance(b, ast.Name)] == [base]]
        own = {
            node.name if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else node.target.id
            for node in klass.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            or (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name))
        }
        assert listed == memory_api.BY_CLASS[base] | {name for name in own if not name.startswith("_")}
        return
    public = _public_api(cls)
    assert listed - public == set(), f"{entry.name}: listed but not on the class"
    assert public - listed == set(), f"{entry.name}: public on the class but not flagged"


def test_knowledge_graph_of_kg_memory_is_its_api():
    """``memory.kg.get_topological_sort()``: ``kg`` is ConversationKGMemory's own attribute."""
    cls = _memory_class(next(entry for entry in MEMORY_ENTRIES if entry.name == "ConversationKGMemory"))
    assert "kg" in cls.model_fields and hasattr(cls.model_fields["kg"].annotation, "get_topological_sort")
