"""What the model asks of the layers above it, installed by the package.

Two conveniences of the model belong to higher layers: how a value shows as HTML in
Jupyter (the report layer's work) and how a dataset is written to files (the data
layer's). A value's ``_repr_html_`` and :meth:`Dataset.save
<mfa_sim.model.dataset.Dataset.save>` call the port installed here, and the package
(``mfa_sim/__init__.py``) installs the higher layers' functions when it is imported,
so no module of the model imports a layer above it.

Examples
--------
>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Greeting(HtmlDisplay):
...     text: str
>>> previous = install(html=lambda value: f"<b>{value.text}</b>")
>>> Greeting("hello")._repr_html_()
'<b>hello</b>'
>>> _ = install(**previous)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _no_html(value: object) -> str | None:
    return None


def _no_saver(dataset: Any, directory: str) -> None:
    raise NotImplementedError("no dataset writer is installed (import mfa_sim)")


_ports: dict[str, Callable[..., Any]] = {"html": _no_html, "save_dataset": _no_saver}


def install(**ports: Callable[..., Any]) -> dict[str, Callable[..., Any]]:
    """Install ports by name (``html``, ``save_dataset``); return the ones replaced.

    ``html(value) -> str | None`` turns a value into HTML (``None`` for one it does
    not know); ``save_dataset(dataset, directory)`` writes a dataset's files.
    """
    unknown = sorted(set(ports) - set(_ports))
    if unknown:
        raise TypeError(f"unknown ports: {', '.join(unknown)}; known: {', '.join(_ports)}")
    previous = {name: _ports[name] for name in ports}
    _ports.update(ports)
    return previous


def save_dataset(dataset: Any, directory: str) -> None:
    """Write a dataset's files through the installed port."""
    _ports["save_dataset"](dataset, directory)


class HtmlDisplay:
    """A value that Jupyter shows as HTML, through the installed ``html`` port.

    ``_repr_html_`` returning ``None`` makes Jupyter fall back to the value's repr.
    """

    __slots__ = ()

    def _repr_html_(self) -> str | None:
        html: str | None = _ports["html"](self)
        return html


__all__ = ["HtmlDisplay", "install", "save_dataset"]
