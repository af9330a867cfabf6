"""The container deployment (Dockerfile, docker-compose.yml, .env.example), checked without a Docker engine.

docker-compose.yml is validated against the Compose specification's schema,
then read the way `docker compose` reads it with a .env copied from
.env.example (required values filled in): every command and health check it
runs must parse against the real gunicorn, celery and manage.py in the
environment the container gets, and every variable must be documented.
"""

import ast
import fnmatch
import functools
import os
import re
import shlex
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands, load_command_class
from ruamel.yaml import YAML

ROOT = Path(settings.BASE_DIR)
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / ".env.example"
APP_SERVICES = {"migrate", "web", "worker"}
# What the operator writes into .env for the values .env.example leaves empty.
FILLED_IN = {
    "DJANGO_SECRET_KEY": "a-long-random-production-key-0123456789-abcdefghijklmnop",
    "DJANGO_ALLOWED_HOSTS": "grader.example.com",
    "POSTGRES_PASSWORD": "0123456789abcdef",
}
# Kept from this machine in the environments below: the interpreter's own
# needs, and the OpenBLAS settings some processors here need (README).
HOST_ENV = ("PATH", "LANG", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


# ---- reading the files ----


def env_example() -> tuple[dict[str, str], dict[str, str]]:
    """(set, optional): `NAME=value` lines, and `#NAME=value` lines (optional, at their default)."""
    set_, optional = {}, {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if m := re.fullmatch(r"(#?)([A-Z][A-Z0-9_]*)=(.*)", line):
            (optional if m[1] else set_)[m[2]] = m[3]
    return set_, optional


def dot_env() -> dict[str, str]:
    """The operator's .env: .env.example with the required values filled in."""
    set_, _ = env_example()
    return {name: value or FILLED_IN.get(name, f"test-{name.lower()}") for name, value in set_.items()}


_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}; $$ is a $."""

    def one(m: re.Match) -> str:
        name, op, arg = m[1], m[2], m[3]
        value = env.get(name)
        empty = value is None or (value == "" and op and op.startswith(":"))
        if op in ("?", ":?") and empty:
            raise AssertionError(f"docker compose would stop: {name}: {arg}")
        if op in ("-", ":-") and empty:
            return arg
        return value or ""

    return "$".join(_VAR.sub(one, part) for part in text.split("$$"))


def resolve(node, env: dict[str, str]):
    if isinstance(node, dict):
        return {key: resolve(value, env) for key, value in node.items()}
    if isinstance(node, list):
        return [resolve(value, env) for value in node]
    return interpolate(node, env) if isinstance(node, str) else node


@functools.cache
def _compose_yaml() -> dict:
    return YAML(typ="safe", pure=True).load(COMPOSE.read_text())


def compose(env: dict[str, str] | None = None) -> dict:
    """docker-compose.yml as `docker compose config` would see it, YAML merge keys applied."""
    return resolve(_compose_yaml(), dot_env() if env is None else env)


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments), continuation lines joined and comments dropped."""
    lines = [line for line in DOCKERFILE.read_text().splitlines() if not line.lstrip().startswith("#")]
    text = re.sub(r"\\\n", " ", "\n".join(lines))
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in text.splitlines() if line.strip()]


def image_env() -> dict[str, str]:
    env = {}
    for instruction, args in dockerfile():
        if instruction == "ENV":
            env.update(token.split("=", 1) for token in shlex.split(args))
    return env


def container_env(service: dict) -> dict[str, str]:
    """What a process in an app container sees: the image's ENV, then env_file (.env), then environment."""
    env = {name: os.environ[name] for name in HOST_ENV if name in os.environ}
    env.update(image_env())
    files = service.get("env_file", [])
    for item in [files] if isinstance(files, str | dict) else files:
        path = item if isinstance(item, str) else item["path"]
        assert path == ".env", f"env_file {path}: this test only knows .env"
        env.update(dot_env())
    environment = service.get("environment", {})
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    env.update({name: str(value) for name, value in environment.items()})
    return env


def command_argv(command: list[str] | str) -> list[str]:
    """A service command as this test can run it: the image's python, gunicorn and celery are this venv's."""
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    tools = {"python": [sys.executable], "gunicorn": [sys.executable, "-m", "gunicorn"]}
    tools["celery"] = [sys.executable, "-m", "celery"]
    assert argv[0] in tools, f"{argv[0]}: not something the image provides"
    return tools[argv[0]] + argv[1:]


def run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else ""


def env_reads(path: Path) -> dict[str, tuple[str, ast.expr | None]]:
    """The environment variables a module reads: name -> (how, default expression)."""
    reads = {}
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call):
            func = _dotted(node.func)
            args = node.args
            if func in ("os.environ.get", "os.getenv", "envbool", "envint") and args:
                if isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
                    reads[args[0].value] = (func, args[1] if len(args) > 1 else None)
            elif func == "dj_database_url.config":  # reads DATABASE_URL unless told otherwise
                env = {kw.arg: kw.value for kw in node.keywords}.get("env")
                reads[env.value if isinstance(env, ast.Constant) else "DATABASE_URL"] = (func, None)
        elif (
            isinstance(node, ast.Subscript)
            and _dotted(node.value) == "os.environ"
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            reads.setdefault(node.slice.value, ("os.environ", None))
    return reads


def project_packages() -> list[str]:
    """config and every app of ours in INSTALLED_APPS (a new app is not forgotten here)."""
    from django.conf import settings

    return [
        "config",
        *sorted({app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()}),
    ]


def runtime_modules() -> list[Path]:
    """The deployed app's modules: settings and every app, without tests and challenge packs."""
    paths = []
    for package in project_packages():
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts or "library" in parts:
                continue
            paths.append(path)
    return paths


@functools.cache
def all_env_reads() -> dict[str, tuple[str, ast.expr | None]]:
    reads = {}
    for path in runtime_modules():
        reads.update(env_reads(path))
    return reads


# ---- the compose file ----


def test_compose_file_follows_the_compose_specification():
    result = run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
        env=dict(os.environ),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_has_its_services_and_app_services_share_one_image():
    services = compose()["services"]
    assert set(services) >= {"postgres", "redis", *APP_SERVICES}
    builds = {name for name, service in services.items() if "build" in service}
    assert builds == APP_SERVICES
    assert len({(str(services[name]["build"]), services[name]["image"]) for name in APP_SERVICES}) == 1
    for name in ("postgres", "redis", "web", "worker"):
        assert "healthcheck" in services[name], f"{name} has no health check"


def test_every_interpolated_variable_is_listed_in_env_example():
    text = COMPOSE.read_text()
    set_, optional = env_example()
    interpolated = {m[0] for m in _VAR.findall(text.replace("$$", ""))}
    assert interpolated, "docker-compose.yml interpolates nothing?"
    assert not interpolated - set(set_) - set(optional)
    # only ${...} and $$: a bare $NAME is easy to miss here and in review
    assert not re.search(r"\$(?![{$])", text.replace("$$", ""))


def test_required_variables_are_set_and_empty_in_env_example():
    """`cp .env.example .env` and forgetting to fill one in stops `docker compose`, loudly."""
    required = {m[0] for m in _VAR.findall(COMPOSE.read_text()) if m[1] == ":?"}
    set_, _ = env_example()
    assert required == {name for name, value in set_.items() if value == ""}
    with pytest.raises(AssertionError, match="docker compose would stop"):
        compose(env=dict(set_))


def test_app_services_set_only_variables_the_app_reads_or_env_example_documents():
    set_, optional = env_example()
    known = set(all_env_reads()) | set(set_) | set(optional)
    for name in APP_SERVICES:
        environment = compose()["services"][name]["environment"]
        assert not set(environment) - known, name


def test_app_services_run_with_debug_off_on_postgres_and_redis():
    services = compose()["services"]
    for name in APP_SERVICES:
        env = container_env(services[name])
        assert env["DJANGO_DEBUG"] == "false"
        assert env["DATABASE_URL"] == "postgres://grader:0123456789abcdef@postgres:5432/grader"
        assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0"
        assert env["CACHE_URL"] == "redis://redis:6379/1"  # one cache for every web process
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"] == FILLED_IN["POSTGRES_PASSWORD"]


def test_migrate_runs_existing_management_commands_once_before_web_and_worker():
    services = compose()["services"]
    migrate = services["migrate"]
    assert migrate["command"][:2] == ["sh", "-c"] and migrate["restart"] == "no"
    steps = [shlex.split(step) for step in migrate["command"][2].split("&&")]
    assert [step[:3] for step in steps] == [
        ["python", "manage.py", "migrate"],
        ["python", "manage.py", "import_challenges"],
    ]
    commands = get_commands()
    for step in steps:
        command = load_command_class(commands[step[2]], step[2])
        command.create_parser("manage.py", step[2]).parse_args(step[3:])  # exits on an unknown option
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}


@pytest.mark.parametrize("source", ["docker-compose.yml", "Dockerfile"])
def test_the_web_command_loads_the_wsgi_application(source):
    web = compose()["services"]["web"]
    if source == "Dockerfile":
        [argv] = [ast.literal_eval(args) for instruction, args in dockerfile() if instruction == "CMD"]
    else:
        argv = web["command"]
    assert argv[:2] == ["gunicorn", "config.wsgi:application"]
    assert (ROOT / "config" / "wsgi.py").is_file()
    assert argv[argv.index("--bind") + 1] == "0.0.0.0:8000"
    # --check-config parses every option and imports the application, in the container's environment
    result = run([*command_argv(argv), "--check-config"], env=container_env(web))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_worker_consumes_the_queue_web_sends_to_and_runs_as_root():
    worker = compose()["services"]["worker"]
    argv = worker["command"]
    assert argv[:4] == ["celery", "-A", "config", "worker"]
    env = container_env(worker)
    assert argv[argv.index("--queues") + 1] == env["CELERY_QUEUE"] == "grading"
    assert "CELERY_QUEUE" in all_env_reads()
    assert int(argv[argv.index("--concurrency") + 1]) >= 1
    assert worker["user"] == "root"  # the sandbox's per-slot uids (docker-compose.yml says why)
    assert "pickle" not in settings.CELERY_ACCEPT_CONTENT  # Celery refuses to run as root with pickle
    users = [args for instruction, args in dockerfile() if instruction == "USER"]
    assert users and users[-1] != "root", "web and migrate should not run as root"


@pytest.mark.parametrize("what", ["command", "healthcheck"])
def test_celery_parses_the_worker_command_and_health_check(what):
    """Celery reads the options and loads the app `-A config` names; --help stops it there."""
    worker = compose()["services"]["worker"]
    if what == "command":
        argv = worker["command"]
    else:
        kind, shell = worker["healthcheck"]["test"]
        assert kind == "CMD-SHELL"
        shell = shell.replace("$HOSTNAME", "0123456789ab")  # Docker sets HOSTNAME to the container's id
        argv = [token for token in shlex.split(shell) if not token.startswith(">")]
        assert argv[:5] == ["celery", "-A", "config", "inspect", "ping"]
        # the node the worker names itself (--hostname celery@%h: %h is the host name)
        command = worker["command"]
        assert command[command.index("--hostname") + 1] == "celery@%h"
        assert argv[argv.index("--destination") + 1] == "celery@0123456789ab"
    result = run([*command_argv(argv), "--help"], env=container_env(worker))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_the_web_health_check_gets_ok_from_healthz(client, settings, monkeypatch):
    """The health check's request, as the production settings see it: a Host from
    DJANGO_ALLOWED_HOSTS, HTTPS redirect on, X-Forwarded-Proto trusted."""
    from grader.services import worker_heartbeat

    web = compose()["services"]["web"]
    env = container_env(web)
    settings.ALLOWED_HOSTS = env["DJANGO_ALLOWED_HOSTS"].split(",")
    settings.SECURE_SSL_REDIRECT = env["DJANGO_SECURE_SSL_REDIRECT"] == "true"
    assert env["DJANGO_SECURE_PROXY_SSL_HEADER"] == "true"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    worker_heartbeat(name="celery@0123456789ab")
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", env["DJANGO_ALLOWED_HOSTS"])

    asked = []

    def urlopen(request, timeout):
        url = urllib.parse.urlsplit(request.full_url)
        assert (url.hostname, url.port) == ("127.0.0.1", 8000)  # gunicorn's --bind, inside the container
        headers = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in request.header_items()}
        response = client.get(url.path, **headers)
        asked.append(url.path)
        if response.status_code != 200:  # a redirect to https:// fails too: nothing speaks TLS on :8000
            raise urllib.error.HTTPError(request.full_url, response.status_code, "", {}, None)

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    kind, python, flag, script = web["healthcheck"]["test"]
    assert (kind, python, flag) == ("CMD", "python", "-c")
    exec(compile(script, "healthcheck", "exec"), {"__name__": "__main__"})
    assert asked == ["/healthz"]


# ---- .env.example ----


def test_env_example_documents_every_variable_the_app_reads():
    """Settings and the other runtime modules (the sandbox reads GRADER_SANDBOX_UID_BASE)."""
    set_, optional = env_example()
    reads = all_env_reads()
    assert set(env_reads(ROOT / "config" / "settings.py")) <= set(reads)
    assert not set(reads) - set(set_) - set(optional)


def test_env_example_has_a_comment_for_each_variable_and_nothing_stale():
    lines = ENV_EXAMPLE.read_text().splitlines()
    names = []
    for before, line in zip(["", *lines], lines, strict=False):
        if m := re.fullmatch(r"#?([A-Z][A-Z0-9_]*)=.*", line):
            names.append(m[1])
            assert before.startswith("# "), f"{m[1]} has no comment of its own"
    assert len(names) == len(set(names)), "a variable is listed twice"
    interpolated = {m[0] for m in _VAR.findall(COMPOSE.read_text())}
    assert not set(names) - set(all_env_reads()) - interpolated, "listed, but nothing reads it"


def test_env_example_shows_the_defaults_that_apply():
    """An optional variable shows compose's ${VAR:-default}, or else the app's literal default."""
    _, optional = env_example()
    compose_defaults = {m[0]: m[2] for m in _VAR.findall(COMPOSE.read_text()) if m[1] == ":-"}
    compose_sets = set().union(*(compose()["services"][name]["environment"] for name in APP_SERVICES))
    checked = 0
    for name, shown in optional.items():
        if name in compose_defaults:
            assert shown == compose_defaults[name], name
            checked += 1
            continue
        how, node = all_env_reads().get(name, (None, None))
        if name in compose_sets or node is None:
            continue
        try:  # literals and constant arithmetic (64 * 1024); a default computed from other settings is skipped
            default = eval(compile(ast.Expression(node), "settings", "eval"), {"__builtins__": {}})  # noqa: S307
        except NameError:
            continue
        if how == "envbool":
            assert (shown.lower() in ("1", "true", "yes", "on")) == default, name
        else:
            assert shown == str(default), name
        checked += 1
    assert checked >= 10


# ---- the Dockerfile ----


def dockerignore_patterns() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def dockerignored(path: str, patterns: list[str]) -> bool:
    """Whether the build context leaves *path* out (the patterns this project uses: no `!`, `**/` only in front)."""
    parts = path.split("/")
    for pattern in patterns:
        assert not pattern.startswith("!") and "**" not in pattern.removeprefix("**/"), pattern
        if pattern.startswith("**/"):
            if any(fnmatch.fnmatchcase(part, pattern[3:]) for part in parts):
                return True
        elif any(fnmatch.fnmatchcase("/".join(parts[:i]), pattern.strip("/")) for i in range(1, len(parts) + 1)):
            return True
    return False


def test_dockerfile_copies_files_that_exist_and_the_context_keeps_them():
    patterns = dockerignore_patterns()
    copies = [shlex.split(args) for instruction, args in dockerfile() if instruction in ("COPY", "ADD")]
    assert copies
    for args in copies:
        sources = [arg for arg in args[:-1] if not arg.startswith("--")]
        for source in sources:
            assert (ROOT / source).exists() or list(ROOT.glob(source)), f"COPY {source}: no such file"
            assert source == "." or not dockerignored(source, patterns), f"COPY {source}: left out by .dockerignore"
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    app_dirs = (*project_packages(), "templates", "static")
    needed = [path for path in tracked.split() if path.split("/")[0] in app_dirs and "tests" not in path.split("/")]
    assert not [path for path in [*needed, "manage.py", "requirements.txt"] if dockerignored(path, patterns)]
    shipped_nothing_of = ("bench/throughput.py", "tests/test_deployment.py", "grader/tests/engine/test_attacks.py")
    assert all(dockerignored(path, patterns) for path in shipped_nothing_of), "benchmarks and tests stay out"
    local = (".env", ".env.local", ".git/config", ".venv/bin/python", "var/db.sqlite3", "node_modules/x")
    assert all(dockerignored(path, patterns) for path in local), "secrets and local state stay out"


def test_dockerfile_installs_libseccomp_and_sets_one_blas_thread():
    runs = " ".join(args for instruction, args in dockerfile() if instruction == "RUN")
    assert "libseccomp2" in runs and "pip install --no-cache-dir -r requirements.txt" in runs
    env = image_env()
    assert env["OPENBLAS_NUM_THREADS"] == "1" and env["PYTHONUNBUFFERED"] == "1"
    [base] = [args for instruction, args in dockerfile() if instruction == "FROM"]
    assert base == "python:3.11-slim-bookworm"


def test_the_build_time_collectstatic_succeeds(tmp_path):
    """The Dockerfile's collectstatic step, with only the environment the build gives it."""
    [step] = [
        step
        for instruction, args in dockerfile()
        if instruction == "RUN"
        for step in args.split("&&")
        if "collectstatic" in step
    ]
    tokens = shlex.split(step)
    assignments = dict(token.split("=", 1) for token in tokens if re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", token))
    argv = [token for token in tokens if token.split("=", 1)[0] not in assignments]
    assert assignments["DJANGO_DEBUG"] == "false", "the manifest whitenoise serves in production"
    env = {name: os.environ[name] for name in HOST_ENV if name in os.environ}
    env.update(image_env(), **assignments, DJANGO_STATIC_ROOT=str(tmp_path))
    result = run(command_argv(argv), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "staticfiles.json").is_file()
