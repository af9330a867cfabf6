"""Hardening applied inside a learner process, after fork, before learner code.

Layers (docs/architecture.md, "The sandbox"): new session, parent-death signal,
only the pipes left open, rlimits, a per-slot uid when root, no-new-privs,
Landlock (read-only: the standard library, numpy and the working directory),
seccomp. Each layer that the kernel lacks is reported by ``detect_layers`` and
logged by the judge.
"""

from __future__ import annotations

import ctypes
import errno
import os
import resource
import signal
import stat
import struct
import sys
import sysconfig

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38

# Landlock syscalls share these numbers on every architecture using the generic table.
_SYS_LANDLOCK_CREATE_RULESET = 444
_SYS_LANDLOCK_ADD_RULE = 445
_SYS_LANDLOCK_RESTRICT_SELF = 446
_LANDLOCK_CREATE_RULESET_VERSION = 1
_LANDLOCK_RULE_PATH_BENEATH = 1

_FS_EXECUTE = 1 << 0
_FS_WRITE_FILE = 1 << 1
_FS_READ_FILE = 1 << 2
_FS_READ_DIR = 1 << 3
_FS_REMOVE_DIR = 1 << 4
_FS_REMOVE_FILE = 1 << 5
_FS_MAKE_DIR = 1 << 7
_FS_MAKE_REG = 1 << 8
_FS_REFER = 1 << 13
_FS_TRUNCATE = 1 << 14
_FS_IOCTL_DEV = 1 << 15
# the rights a rule on a file (rather than a directory) may carry
_FS_FILE = _FS_EXECUTE | _FS_WRITE_FILE | _FS_READ_FILE | _FS_TRUNCATE | _FS_IOCTL_DEV
# every filesystem right known to each Landlock ABI version
_FS_HANDLED = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 4: (1 << 15) - 1}
_FS_HANDLED_LATEST = (1 << 16) - 1  # ABI 5 added IOCTL_DEV
_NET_HANDLED = 0b11  # BIND_TCP | CONNECT_TCP, ABI 4+
_SCOPE_HANDLED = 0b11  # ABSTRACT_UNIX_SOCKET | SIGNAL, ABI 6+

_READ = _FS_READ_FILE | _FS_READ_DIR
_SCRATCH = _READ | _FS_WRITE_FILE | _FS_MAKE_REG | _FS_MAKE_DIR | _FS_REMOVE_FILE | _FS_REMOVE_DIR


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("fs", ctypes.c_uint64), ("net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def prctl(option: int, arg: int) -> None:
    if _libc.prctl(option, ctypes.c_ulong(arg), 0, 0, 0) != 0:
        e = ctypes.get_errno()
        raise OSError(e, f"prctl({option}): {os.strerror(e)}")


def landlock_abi() -> int:
    """The kernel's Landlock ABI version, 0 when it has none."""
    r = _libc.syscall(_SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0), _LANDLOCK_CREATE_RULESET_VERSION)
    return max(int(r), 0)


def seccomp_available() -> bool:
    try:
        import pyseccomp  # noqa: F401  (loads libseccomp through ctypes)
    except (ImportError, OSError):
        return False
    return True


def detect_layers() -> dict[str, object]:
    """Which layers this machine gives us; logged once per zygote start."""
    return {
        "rlimits": True,
        "seccomp": seccomp_programs() if seccomp_available() else False,
        "landlock_abi": landlock_abi(),
        "uid_drop": os.geteuid() == 0,
        "no_new_privs": True,
    }


def readable_paths() -> list[str]:
    """What the learner may read: the interpreter's standard library and the
    numpy installation, each by its own directory. Landlock only adds access,
    so the standard library is allowed entry by entry, leaving out the
    site-packages inside it (where the Docker image keeps every dependency).
    Landlock has no right for stat: any path's metadata stays visible."""
    import numpy

    # a venv's own prefix holds only site-packages, not the standard library
    base = {"base": sys.base_prefix, "platbase": sys.base_exec_prefix}
    stdlib = {sysconfig.get_path(name, vars=base) for name in ("stdlib", "platstdlib")}
    paths = set()
    for top in stdlib:
        if os.path.isdir(top):
            paths.update(os.path.join(top, e) for e in os.listdir(top) if e not in _THIRD_PARTY)
    numpy_dir = os.path.dirname(numpy.__file__)
    paths.update((numpy_dir, numpy_dir + ".libs"))  # numpy.libs: the wheel's bundled OpenBLAS
    return sorted(p for p in paths if os.path.exists(p))


_THIRD_PARTY = frozenset({"site-packages", "dist-packages"})


def set_limits(*, cpu_seconds: int, address_space: int, file_size: int, open_files: int, processes: int) -> None:
    # CPU: the soft limit sends SIGXCPU (the hard one, a second later, SIGKILL),
    # so running out of CPU is told apart from a SIGKILL the learner sent itself.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    for res, value in (
        (resource.RLIMIT_AS, address_space),
        (resource.RLIMIT_FSIZE, file_size),
        (resource.RLIMIT_NOFILE, open_files),
        (resource.RLIMIT_NPROC, processes),
        (resource.RLIMIT_CORE, 0),
    ):
        resource.setrlimit(res, (value, value))


def current_address_space() -> int:
    with open("/proc/self/statm", "rb") as f:  # VmSize, in pages
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def drop_privileges(uid: int) -> None:
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)


def landlock_ruleset(abi: int, read_only: list[str], read_write: list[str]) -> int:
    """A ruleset fd allowing only these paths. Built before the uid drop, which
    may take away the right to open them (the interpreter can live under /root)."""
    fs = _FS_HANDLED.get(abi, _FS_HANDLED_LATEST)
    attr = _RulesetAttr(fs=fs, net=_NET_HANDLED if abi >= 4 else 0, scoped=_SCOPE_HANDLED if abi >= 6 else 0)
    size = 8 if abi < 4 else 16 if abi < 6 else 24
    ruleset = _libc.syscall(_SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), 0)
    if ruleset < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset failed")
    scratch = _SCRATCH | (_FS_TRUNCATE if abi >= 3 else 0)
    for paths, access in ((read_only, _READ), (read_write, scratch)):
        for path in paths:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except FileNotFoundError:  # gone since the zygote listed it: nothing to read
                continue
            try:
                kind = access if stat.S_ISDIR(os.fstat(fd).st_mode) else access & _FS_FILE
                rule = _PathBeneath(allowed=kind & fs, parent_fd=fd)
                if _libc.syscall(_SYS_LANDLOCK_ADD_RULE, ruleset, _LANDLOCK_RULE_PATH_BENEATH, ctypes.byref(rule), 0):
                    raise OSError(ctypes.get_errno(), f"landlock_add_rule({path}) failed")
            finally:
                os.close(fd)
    return ruleset


def landlock_restrict(ruleset: int) -> None:
    if _libc.syscall(_SYS_LANDLOCK_RESTRICT_SELF, ruleset, 0):
        raise OSError(ctypes.get_errno(), "landlock_restrict_self failed")
    os.close(ruleset)


# Denied outright (EPERM): running programs, new processes, sockets, debugging
# other processes, io_uring (it bypasses seccomp), namespaces and kernel state,
# and System V / POSIX IPC, whose objects outlive the process (shared memory a
# learner fills stays allocated after the grading) and reach later learners.
# Priorities, scheduling and CPU affinity too: the uid allows them on any of its
# processes, and the spare process that serves the next grading shares the uid.
_DENIED = (
    "execve", "execveat", "fork", "vfork", "socket", "socketpair", "ptrace",
    "shmget", "shmat", "shmdt", "shmctl", "msgget", "msgsnd", "msgrcv", "msgctl",
    "semget", "semop", "semtimedop", "semctl", "ipc", "mq_open", "mq_unlink",
    "mq_timedsend", "mq_timedreceive", "mq_notify", "mq_getsetattr",
    "setpriority", "ioprio_set", "sched_setscheduler", "sched_setparam", "sched_setattr",
    "sched_setaffinity",
    "process_vm_readv", "process_vm_writev", "io_uring_setup", "io_uring_enter",
    "io_uring_register", "unshare", "setns", "mount", "umount2", "pivot_root",
    "chroot", "bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key",
    "request_key", "personality", "open_by_handle_at", "name_to_handle_at",
    "pidfd_open", "pidfd_getfd", "pidfd_send_signal", "tkill", "kexec_load",
    "init_module", "finit_module", "delete_module", "mount_setattr", "fsopen",
    "fsmount", "move_mount", "open_tree",
)  # fmt: skip


# Rules that name this process's pid, and so are built in each learner process.
# Signals go only to the process itself: these take the target pid first.
_SIGNAL_SYSCALLS = ("kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo")
# These answer about any pid, or tell a live one from a free one by their
# error: the process itself only (0 or its pid), so other pids stay unlisted.
_PID_SYSCALLS = {  # by the argument holding the pid
    0: ("getsid", "getpgid", "setpgid", "sched_getaffinity", "sched_getscheduler", "sched_getparam",
        "sched_rr_get_interval", "sched_getattr", "get_robust_list", "migrate_pages", "move_pages"),
    1: ("getpriority", "ioprio_get"),  # (which, who)
}  # fmt: skip
# A negative clockid names a CPU clock: (~pid << 3) | type, bit 2 for a thread's.
# Any process's CPU time is readable (and timeable) through one, without a
# permission check: only this process's (pid 0 or its own). A thread's clock is
# confined to the thread group by the kernel.
_CLOCK_SYSCALLS = ("clock_gettime", "clock_getres", "clock_nanosleep", "timer_create", "clock_settime",
                   "clock_adjtime")  # fmt: skip
_CPUCLOCK_PERTHREAD = 4
_CPUCLOCK_PID_MASK = 0xFFFFFFF8
_SECCOMP_RET_ALLOW = 0x7FFF0000
_SECCOMP_RET_ERRNO = 0x00050000
_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 22, 2
_BPF_LD_W_ABS, _BPF_AND_K, _BPF_JA = 0x20, 0x54, 0x05
_BPF_JEQ_K, _BPF_JSET_K, _BPF_RET_K = 0x15, 0x45, 0x06

# fcntl commands that aim a signal (SIGIO, or any chosen by F_SETSIG, SIGKILL
# too) at another process when the file has I/O; dnotify, like inotify below,
# watches for other processes' activity. Only Landlock's signal scoping (ABI 6)
# would stop the signal otherwise.
_F_SETOWN, _F_SETSIG, _F_SETOWN_EX, _F_NOTIFY = 8, 10, 15, 1026
# inotify and fanotify watch any path the uid may read, which Landlock does not limit
_WATCHES = ("inotify_init", "inotify_init1", "inotify_add_watch", "fanotify_init", "fanotify_mark")


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def seccomp_programs() -> dict:
    """The seccomp filter, compiled once in the zygote: libseccomp's BPF for the
    fixed rules, plus the syscall numbers the per-process rules need. Loading a ready
    program in each learner process costs microseconds instead of milliseconds."""
    import tempfile

    import pyseccomp as sc

    f = sc.SyscallFilter(defaction=sc.ALLOW)
    # a syscall through a foreign ABI (int 0x80, x32) kills the process
    f.set_attr(sc.Attr.ACT_BADARCH, sc.KILL_PROCESS)
    for name in (*_DENIED, *_WATCHES):
        try:
            f.add_rule(sc.ERRNO(errno.EPERM), name)
        except (OSError, ValueError):  # not a syscall on this architecture
            pass
    for name in ("fcntl", "fcntl64"):
        for cmd in (_F_SETOWN, _F_SETSIG, _F_SETOWN_EX, _F_NOTIFY):
            try:
                f.add_rule(sc.ERRNO(errno.EPERM), name, sc.Arg(1, sc.MASKED_EQ, 0xFFFFFFFF, cmd))
            except (OSError, ValueError):
                pass
    # threads only: clone without CLONE_THREAD would be a new process
    f.add_rule(sc.ERRNO(errno.EPERM), "clone", sc.Arg(0, sc.MASKED_EQ, 0x00010000, 0))
    # clone3 passes its flags in memory seccomp cannot read: ENOSYS makes glibc fall back to clone
    f.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")
    f.add_rule(sc.ERRNO(errno.EPERM), "ioctl", sc.Arg(1, sc.MASKED_EQ, 0xFFFFFFFF, 0x5412))  # TIOCSTI
    # limits of this process only (pid 0, as setrlimit passes), not the spare's
    f.add_rule(sc.ERRNO(errno.EPERM), "prlimit64", sc.Arg(0, sc.NE, 0))
    # the parent-death signal stays: a learner clearing it would outlive a crashed worker
    f.add_rule(sc.ERRNO(errno.EPERM), "prctl", sc.Arg(0, sc.EQ, PR_SET_PDEATHSIG))
    with tempfile.TemporaryFile() as out:
        f.export_bpf(out)
        out.seek(0)
        fixed = out.read()
    arch = sc.system_arch()

    def numbers(names):
        return [n for n in (sc.resolve_syscall(arch, name) for name in names) if n >= 0]

    # libseccomp's architecture tokens are the kernel's AUDIT_ARCH_* values
    return {
        "fixed": fixed.hex(),
        "arch": arch,
        "signal_syscalls": numbers(_SIGNAL_SYSCALLS),
        "pid_syscalls": [[arg, numbers(names)] for arg, names in _PID_SYSCALLS.items()],
        "clock_syscalls": numbers(_CLOCK_SYSCALLS),
    }


def _bpf(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k & 0xFFFFFFFF)


def _assemble(prog: list[tuple]) -> bytes:
    """Classic BPF from (code, jt, jf, k) with jump targets as labels: a str
    entry marks a label, a str jt, jf (or k of a JA) jumps there, 0 falls through."""
    where, at = {}, 0
    for ins in prog:
        if type(ins) is str:
            where[ins] = at
        else:
            at += 1
    out, at = [], 0
    for ins in prog:
        if type(ins) is str:
            continue
        code, jt, jf, k = ins
        jt, jf = (where[j] - at - 1 if type(j) is str else j for j in (jt, jf))
        if code == _BPF_JA:
            k = where[k] - at - 1
        assert 0 <= jt < 256 and 0 <= jf < 256, "a conditional jump too far for BPF"
        out.append(_bpf(code, jt, jf, k))
        at += 1
    return b"".join(out)


def self_program(pid: int, seccomp: dict) -> bytes:
    """BPF for the rules that name *pid* (this process): the signal syscalls'
    target, the pid queries' subject and the CPU clocks' owner must be this
    process, else EPERM. Another architecture passes here; the fixed filter kills it."""
    low = 0 if sys.byteorder == "little" else 4

    def arg(i: int) -> int:  # the low half of seccomp_data.args[i]: the kernel reads ints there
        return 16 + 8 * i + low

    prog: list = [(_BPF_LD_W_ABS, 0, 0, 4), (_BPF_JEQ_K, 0, "allow", seccomp["arch"]), (_BPF_LD_W_ABS, 0, 0, 0)]
    groups = [("signal", seccomp["signal_syscalls"]), ("clock", seccomp["clock_syscalls"])]
    groups += [(f"pid{i}", nrs) for i, nrs in seccomp["pid_syscalls"]]
    prog += [(_BPF_JEQ_K, label, 0, nr) for label, nrs in groups for nr in nrs]
    prog += [(_BPF_JA, 0, 0, "allow")]
    prog += ["signal", (_BPF_LD_W_ABS, 0, 0, arg(0)), (_BPF_JEQ_K, "allow", "deny", pid)]
    for i, _ in seccomp["pid_syscalls"]:
        prog += [f"pid{i}", (_BPF_LD_W_ABS, 0, 0, arg(i)), (_BPF_JEQ_K, "allow", 0, 0)]
        prog += [(_BPF_JEQ_K, "allow", "deny", pid)]
    prog += [
        "clock",
        (_BPF_LD_W_ABS, 0, 0, arg(0)),
        (_BPF_JSET_K, 0, "allow", 0x80000000),  # not a CPU clock
        (_BPF_JSET_K, "allow", 0, _CPUCLOCK_PERTHREAD),
        (_BPF_AND_K, 0, 0, _CPUCLOCK_PID_MASK),
        (_BPF_JEQ_K, "allow", 0, _CPUCLOCK_PID_MASK),  # pid 0: this process
        (_BPF_JEQ_K, "allow", "deny", (~pid << 3) & _CPUCLOCK_PID_MASK),
        "deny",
        (_BPF_RET_K, 0, 0, _SECCOMP_RET_ERRNO | errno.EPERM),
        "allow",
        (_BPF_RET_K, 0, 0, _SECCOMP_RET_ALLOW),
    ]
    return _assemble(prog)


def load_bpf(program: bytes) -> None:
    buf = ctypes.create_string_buffer(program, len(program))
    fprog = _SockFprog(len(program) // 8, ctypes.addressof(buf))
    if _libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        e = ctypes.get_errno()
        raise OSError(e, f"loading the seccomp filter failed: {os.strerror(e)}")


def share_priority() -> None:
    """Give this process's scheduling autogroup (one per session, where the
    kernel has them) the process's own nice value. A new session starts a new
    autogroup at normal weight, which would let it take as much CPU as the whole
    web server: a worker that lowered its priority would not lower its
    learners'. Best effort: without autogroups there is nothing to do."""
    nice = os.nice(0)
    if not nice:
        return
    try:
        with open("/proc/self/autogroup", "w") as f:
            f.write(str(nice))
    except OSError:  # no autogroups, or the kernel's rate limit for unprivileged writers
        pass


def harden(*, keep_fds: int, scratch: str, uid: int | None, layers: dict, readable: list[str]) -> int:
    """Lock down this (forked) process but for its resource limits, which come
    with its assignment (``limit``). Only fds 0 to *keep_fds* - 1 survive.
    Returns the address space in use, the base of the memory limit (measured
    here: /proc is out of reach afterwards). Raises if a layer that should work fails."""
    parent = os.getppid()
    os.setsid()
    share_priority()
    os.closerange(keep_fds, 1 << 16)
    os.chdir(scratch)
    abi = int(layers.get("landlock_abi") or 0)
    # The working directory is read-only too: RLIMIT_FSIZE caps one file, not
    # how many, and a learner writing 8 MiB files fills the disk at ~500 MB/s.
    ruleset = landlock_ruleset(abi, [*readable, scratch], []) if abi else None
    base = current_address_space()
    if uid is not None:
        drop_privileges(uid)
    # after the uid change, which clears it
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the zygote died before we armed the signal
        os._exit(1)
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    if ruleset is not None:
        landlock_restrict(ruleset)
    seccomp = layers.get("seccomp")
    if seccomp:
        load_bpf(bytes.fromhex(seccomp["fixed"]))
        load_bpf(self_program(os.getpid(), seccomp))
    sys.dont_write_bytecode = True
    return base


def limit(*, base_address_space: int, memory_bytes: int, cpu_seconds: int) -> None:
    """The resource limits of one assignment, set (only lowered: the seccomp
    filter lets a process change its own) after ``harden``, before learner code."""
    set_limits(
        cpu_seconds=cpu_seconds,
        address_space=base_address_space + memory_bytes,
        file_size=8 * 2**20,
        open_files=32,
        processes=64,
    )


# Large temporaries (a few MB of float64) stay on the heap instead of being
# mmapped and page-faulted in again on every call, whose cost depends on each
# process's heap history: without this the judge and a learner process time
# the same code 2-3x apart, which would make speed checks noisy.
MMAP_THRESHOLD = 32 * 2**20
TRIM_THRESHOLD = 128 * 2**20
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


def tune_malloc() -> None:
    """Apply the allocator settings the zygote gets through its environment."""
    _libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    _libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
