"""A mechanism that ends its own process (as the kernel's out-of-memory killer would)
in the run whose seed is 1: for the tests of what a sweep does when a worker dies.
Named by import path: ``mechanisms=[tests.sweep_crash:DieOnSeedOne]``."""

from __future__ import annotations

import os
import signal

from cogov_sim.core.mechanisms.base import Mechanism


class DieOnSeedOne(Mechanism):
    name = "die_on_seed_one"
    title_en = "Die on seed 1 (a test)"
    title_zh = "种子为1时退出（测试）"

    def setup(self, model) -> None:
        if int(model.cfg.seed) == 1:
            os.kill(os.getpid(), signal.SIGKILL)
