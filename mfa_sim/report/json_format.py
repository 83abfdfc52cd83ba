"""The JSON report of a run: the shape of ``simulate --format json`` (contract §4).

The shape is binding and comes from :meth:`mfa_sim.run.Run.to_json`; this module only
fixes how it is written, so the same run always gives the same bytes.
"""

from __future__ import annotations

import json

from mfa_sim.run import Run


def run_json(run: Run) -> str:
    """The run as the contract's JSON: keys in the contract's order, UTF-8 text
    (``ensure_ascii=False``), indented by 2, ending with a newline.

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
    >>> from mfa_sim.simulation import Simulation
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
    return json.dumps(run.to_json(), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
