"""The sandbox: where learner code runs, and everything that talks to it.

By role:

- ``client``: the trusted side. ``Sandbox`` starts a zygote and hands out
  learner processes; ``LearnerProcess`` sends one request and reads its reply
  within a deadline, with the learner's output capped.
- ``zygote``: a process with numpy loaded, started with an empty environment,
  that never sees tests or solutions; it forks and hardens learner processes.
- ``learner``: the server a learner process runs once hardened: loads the
  learner's code and calls its functions on request.
- ``hardening``: rlimits, uid drop, no-new-privs, Landlock and seccomp,
  applied in each learner process before any learner code.
- ``protocol``: the only language spoken across the boundary: typed data
  frames, never pickle.

Nothing here imports Django.
"""
