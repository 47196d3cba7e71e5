"""What About says the app ships: read from the installed metadata, licences in plain form."""

from __future__ import annotations

from email.message import Message
from importlib.metadata import version

from workbench.services.about import NOT_STATED, app_version, bundled_libraries, licence_of


def _metadata(**fields: str | list[str]) -> Message:
    message = Message()
    for key, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            message[key.replace("_", "-")] = item
    return message


def test_licence_prefers_the_expression_then_a_short_field_then_classifiers() -> None:
    assert licence_of(_metadata(License_Expression="BSD-3-Clause", License="BSD")) == "BSD-3-Clause"
    assert licence_of(_metadata(License="MIT")) == "MIT"
    whole_text = "Copyright (c) 2008 The authors\n\nRedistribution and use in source ..."
    classifiers = ["Programming Language :: Python",
                   "License :: OSI Approved :: BSD License"]
    assert licence_of(_metadata(License=whole_text, Classifier=classifiers)) == "BSD License"
    assert licence_of(_metadata(License=whole_text)) == "Copyright (c) 2008 The authors"
    assert licence_of(_metadata(Name="quiet")) == NOT_STATED


def test_bundled_libraries_are_the_runtime_dependencies_and_theirs() -> None:
    libraries = {lib.name.lower().replace("_", "-"): lib for lib in bundled_libraries()}
    assert libraries["pandas"].version == version("pandas")
    assert "BSD" in libraries["pandas"].licence
    assert "LGPL" in libraries["pyside6-essentials"].licence
    assert "shiboken6" in libraries  # PySide6's own dependency is shipped too
    assert "python-dateutil" in libraries  # and pandas'
    assert not {"pytest", "ruff", "hypothesis", "followthemoney"} & set(libraries)
    assert all(lib.licence for lib in libraries.values())
    assert app_version() == version("case-workbench")
