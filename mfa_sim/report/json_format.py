"""The JSON report of a run: the shape of ``simulate --format json`` (contract §4).

The shape is binding and comes from :meth:`mfa_sim.engine.run.Run.to_json`; this module only
fixes how it is written, so the same run always gives the same bytes.
"""

from __future__ import annotations

import json
from typing import Any

from mfa_sim.engine.run import Run


def run_json(run: Run) -> str:
    """The run as the contract's JSON: keys in the contract's order, UTF-8 text
    (``ensure_ascii=False``), one step and one summary entry per line, ending with a
    newline.

    Each line is written by the C encoder (an indented dump falls back to pure
    Python, which costs more than the step itself on long runs).

    Parameters
    ----------
    run
        The run to report.

    Returns
    -------
    str
        The JSON document.

    Examples
    --------
    >>> import json, mfa_sim
    >>> from mfa_sim.engine.simulation import Simulation
    >>> sim = Simulation(mfa_sim.load_dataset("datasets/example"))
    >>> _ = sim.remove_member("a_team", "u_ben")
    >>> text = run_json(sim.run)
    >>> list(json.loads(text))
    ['policy', 'steps', 'summary']
    >>> json.loads(text)["summary"]["removed"]
    [{'account': 'a_team', 'user': 'u_ben', 'step': 1}]
    >>> text.endswith("}\\n")
    True
    """
    document = run.to_json()
    encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode

    def one_per_line(items: list[Any], indent: str) -> str:
        if not items:
            return "[]"
        inner = ",\n".join(f"{indent}  {encode(item)}" for item in items)
        return f"[\n{inner}\n{indent}]"

    summary = ",\n".join(f"    {encode(key)}: {one_per_line(entries, '    ')}"
                         for key, entries in document["summary"].items())
    return (f'{{\n  "policy": {encode(document["policy"])},\n'
            f'  "steps": {one_per_line(document["steps"], "  ")},\n'
            f'  "summary": {{\n{summary}\n  }}\n}}\n')
