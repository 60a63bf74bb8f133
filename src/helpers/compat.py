"""The one place where cchc-report relies on a third-party library's internals.

Each section names the library, what it uses that is not public API, why no public API does it, and the
versions it was checked against; pyproject.toml bounds each library to that range. Everything else in
the package uses public APIs only."""

from __future__ import annotations

# --- openpyxl ---------------------------------------------------------------------------------------


# --- matplotlib -------------------------------------------------------------------------------------


# --- nbconvert --------------------------------------------------------------------------------------


# --- jupyter_client / ipykernel ---------------------------------------------------------------------
# A report kernel's readiness wait without jupyter_client's closing wait: ``KernelClient.wait_for_ready``
# (public) ends by waiting 0.2 s for IOPub to fall silent, once per report. This is its loop (a
# ``kernel_info_reply`` to any of our requests, then one IOPub message to show that IOPub is connected,
# else ask again) without that wait, and its protocol adaptation (``Session.adapt_version``, not
# public). Checked with jupyter_client 8.10 (pyproject: jupyter_client>=8,<9).
async def wait_for_kernel(client, timeout: float | None = None) -> None:
    """Wait until the kernel of ``client`` (an ``AsyncKernelClient`` with started channels) answers,
    as ``wait_for_ready`` does; what IOPub has already delivered is dropped (the notebook client
    ignores any later message that answers no request of its)."""
    import time
    from queue import Empty

    from jupyter_client import protocol_version_info
    from jupyter_core.utils import ensure_async

    async def iopub_heard(seconds: float = 0.2) -> bool:
        try:
            await client.iopub_channel.get_msg(timeout=seconds)
        except Empty:
            return False
        return True

    deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
    while True:
        client.kernel_info()
        try:
            reply = await client.shell_channel.get_msg(timeout=1)
        except Empty:
            reply = None
        if reply is not None and reply["msg_type"] == "kernel_info_reply" and await iopub_heard():
            major = int(reply["content"]["protocol_version"].split(".")[0])
            if major != protocol_version_info[0]:          # speak the kernel's major version, as jupyter_client does
                client.session.adapt_version = major
            break
        if not await ensure_async(client.is_alive()):
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")
    while await iopub_heard(0):
        pass


# --- jsonschema (import-time) -----------------------------------------------------------------------
# ``import jsonschema`` (done by nbformat) also imports its optional format checkers; ``rfc3987_syntax``
# (installed with the jupyter metapackage and JupyterLab's dependencies) builds a grammar as it is
# imported: a second or more per process, for a format check nothing here uses. jsonschema has no
# public switch for it; an absent module (``sys.modules[name] = None``) is one it skips. Checked with
# jsonschema 4.26 (``jsonschema._format`` imports it in a try block; pyproject: jsonschema>=4.18,<5).
def skip_unused_format_checkers() -> None:
    """Keep ``rfc3987_syntax`` out of this process, unless jsonschema is already imported."""
    import sys
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)
