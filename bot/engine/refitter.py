"""When to refit the intent model on the team's corrections, and swapping the result in.

The Refitter lives in the running bot. It counts corrections, starts a refit child process
(bot/engine/refit.py) after every `engine.refit_after` new ones, records each attempt in
`model_refits`, and hands an accepted model to the engine. At start it loads the newest
accepted model (in the warm-up thread) and refits when corrections are not in it yet.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import json
import logging
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.engine.embedding import EmbeddingModelError
from bot.engine.model import default_cache_dir
from bot.engine.refit import CHILD_TIMEOUT_S, ROOT, load_model
from bot.store import corrections, iso, refits, utc_now
from bot.store.connection import Database
from bot.store.refits import Refit

log = logging.getLogger(__name__)


def give_back_freed_memory() -> None:
    """Ask the C allocator to return freed memory to the system (glibc's malloc_trim; a no-op
    elsewhere). A swapped-out model leaves some megabytes of freed dictionaries and arrays
    that glibc keeps otherwise, and a refit every few minutes would add them up."""
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        trim = None
    if trim is not None:
        trim(0)


class Refitter:
    def __init__(self, db: Database, engine: Any, every: int,
                 clock: Callable[[], datetime] = utc_now):
        self.db = db
        self.engine = engine  # bot.engine.Engine: its classifier gets the refit model
        self.every = every  # 0: only at start
        self.clock = clock
        self.cache_dir: Path = engine.classifier.cache_dir or default_cache_dir()
        self.embedding_dir: str | None = getattr(engine.classifier, "embedding_dir", None)
        self.restored = False  # whether the newest accepted model was loaded at start
        self.last_answer: dict[str, Any] = {}
        self._task: asyncio.Task | None = None
        self._child: asyncio.subprocess.Process | None = None
        self._failed_at = -1  # the newest correction id when a refit last failed
        # Models are loaded in this one thread: in a new thread each time, glibc gives each
        # thread an arena of its own, and every refit left a model's worth of memory behind.
        self._loader: ThreadPoolExecutor | None = None

    # ---- what has been learnt -----------------------------------------------------------------

    def considered(self) -> int:
        """Corrections up to this id were trained or measured in a refit that completed."""
        return refits.considered_up_to(self.db)

    def pending(self) -> int:
        """Corrections stored since the last completed refit."""
        return corrections.count_between(self.db, self.considered(),
                                          corrections.latest_id(self.db))

    def active(self) -> Refit | None:
        """The newest accepted refit: the model this install should be using."""
        return refits.active(self.db)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    # ---- at start -----------------------------------------------------------------------------

    def restore(self) -> bool:
        """Load the newest accepted model into the engine. Blocking (it reads a file): call it
        in the warm-up thread, never on the event loop."""
        row = self.active()
        if row is None:
            return False
        try:
            model = load_model(Path(row.model_path or ""), row.model_key or "",
                               self.embedding_dir)
        except (ValueError, EmbeddingModelError) as error:
            log.warning("the model refit on the team's corrections cannot be loaded (%s); it "
                        "will be refit", error)
            return False
        self.engine.classifier.use(model)
        self.restored = True
        return True

    def catch_up(self) -> asyncio.Task | None:
        """At start, after the warm-up: refit when corrections are not in the model yet."""
        if self.pending() or (self.active() is not None and not self.restored):
            return self.start()
        return None

    # ---- as corrections come in ----------------------------------------------------------------

    def corrected(self) -> None:
        """A correction was stored: refit in the background once `every` have come in."""
        if not self.every or self.running:
            return  # a running refit looks again when it ends
        newest = corrections.latest_id(self.db)
        if self._failed_at >= 0 and newest - self._failed_at < self.every:
            return  # after a failure, wait for as many again before retrying
        if self.pending() >= self.every:
            self.start()

    def start(self) -> asyncio.Task | None:
        """Start a refit in the background; None outside an event loop or when one runs."""
        if self.running:
            return None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None
        self._task = loop.create_task(self._refit_then_look_again(), name="nudge-refit")
        return self._task

    async def wait(self) -> None:
        """Wait for a refit under way (tests, shutdown)."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    async def stop(self) -> None:
        """Stop a refit under way: the child is killed and nothing is swapped."""
        if self._child is not None and self._child.returncode is None:
            self._child.kill()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._loader is not None:
            self._loader.shutdown(wait=False)
            self._loader = None

    async def _refit_then_look_again(self) -> None:
        await self.refit()
        if self.every and self.pending() >= self.every and self._failed_at < 0:
            self._task = asyncio.get_running_loop().create_task(self._refit_then_look_again())

    # ---- one refit ------------------------------------------------------------------------------

    async def refit(self) -> dict[str, Any]:
        """Run one refit in a child process, record it, and swap an accepted model in."""
        up_to = corrections.latest_id(self.db)
        rows = refits.lessons(self.db, up_to)
        started = iso(self.clock())
        active = self.active()
        current = {"path": active.model_path, "key": active.model_key} \
            if active is not None and self.restored else None
        job = {"corrections": [[row.text, row.to_intent] for row in rows],
               "current": current, "cache_dir": str(self.cache_dir),
               "embedding_dir": self.embedding_dir}
        answer = await self._run_child(job)
        self.last_answer = answer
        status = "failed" if "error" in answer else \
            "accepted" if answer["accepted"] else "refused"
        refits.record(
            self.db, started_at=started, finished_at=iso(self.clock()),
            last_correction_id=up_to, trained_on=answer.get("trained_on"),
            held_back=answer.get("held_back"), old_score=answer.get("old_score"),
            new_score=answer.get("new_score"), status=status, model_key=answer.get("key"),
            model_path=answer.get("path"), detail=answer.get("error") or answer.get("verdict"))
        if status == "failed":
            self._failed_at = up_to
            log.warning("refitting the intent model on %d corrections failed: %s", len(rows),
                        answer["error"])
            return answer
        self._failed_at = -1
        log.info("refit on %d corrections: %s: %s", len(rows), answer.get("verdict"), status)
        if status == "accepted":
            await self._swap_in(answer, previous=active)
        return answer

    async def _run_child(self, job: dict[str, Any]) -> dict[str, Any]:
        try:
            self._child = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.engine.refit", cwd=ROOT,
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            out, err = await asyncio.wait_for(
                self._child.communicate(json.dumps(job).encode("utf-8")), CHILD_TIMEOUT_S)
        except (TimeoutError, OSError) as error:
            if self._child is not None and self._child.returncode is None:
                self._child.kill()
            return {"error": f"the refit child did not finish ({error.__class__.__name__})"}
        try:
            answer = json.loads(out.decode("utf-8").strip().splitlines()[-1])
        except (ValueError, IndexError):
            last = err.decode("utf-8", "replace").strip().splitlines()[-1:]
            return {"error": f"the refit child failed: {last or self._child.returncode}"}
        return answer if isinstance(answer, dict) else {"error": "unreadable refit answer"}

    async def _swap_in(self, answer: dict[str, Any], previous: Refit | None) -> None:
        """Load the accepted model off the loop, then hand it to the engine in one step."""
        try:
            if self._loader is None:
                self._loader = ThreadPoolExecutor(1, thread_name_prefix="nudge-model-load")
            model = await asyncio.get_running_loop().run_in_executor(
                self._loader, load_model, Path(answer["path"]), answer["key"],
                self.embedding_dir)
        except (ValueError, EmbeddingModelError) as error:
            log.warning("the refit model cannot be loaded (%s); the old one stays", error)
            return
        self.engine.classifier.use(model)
        del model  # the classifier holds it now; the old one is freed
        give_back_freed_memory()
        self.restored = True
        if previous is not None and previous.model_path and \
                previous.model_path != answer["path"]:
            Path(previous.model_path).unlink(missing_ok=True)
