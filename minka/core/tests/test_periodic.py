import threading

from minka.core import periodic


def test_a_job_runs_at_once_then_again_until_stopped_even_after_an_error():
    runs = []
    twice = threading.Event()

    def job():
        runs.append(1)
        if len(runs) >= 2:
            twice.set()
        raise RuntimeError("a failed run must not end the thread")

    stop = periodic.start(job, every=0.01, name="minka-test-periodic")
    assert twice.wait(timeout=5)
    stop.set()
    thread = next(t for t in threading.enumerate() if t.name == "minka-test-periodic")
    thread.join(timeout=5)
    assert not thread.is_alive() and thread.daemon
