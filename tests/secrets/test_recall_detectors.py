"""The detectors added for recall (hashes, connection strings, configs, command lines, vendors):
where they stand in the catalog, the severity each kind gets, and linear time on the lines that
stress their keyed, line-anchored and command-line patterns."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from ztgate.secrets.catalog import ALL_DETECTORS, commands, configs, connections, hashes, services
from ztgate.secrets.detectors import Detector
from ztgate.secrets.engine import ScanOptions, scan_text

from tests.fakes import fill, random_body
from tests.worst_case import FACTOR, LINEAR, growth_ratio, scale

MODULES = (commands, configs, connections, hashes, services)
ADDED = {d.id: d for module in MODULES for d in module.DETECTORS}


def found(text: str, filename: str = "notes.txt") -> dict[str, str]:
    """detector id -> secret, for every detector (merged ones included) that finds one."""
    options = ScanOptions(detectors=ALL_DETECTORS, use_detect_secrets=False)
    return {
        m.detector_id: m.secret for c in scan_text(text, filename, options) for m in (c, *c.merged)
    }


def test_every_added_detector_is_in_the_catalog_and_cites_its_docs() -> None:
    catalog = {d.id: d for d in ALL_DETECTORS}
    for detector_id, detector in ADDED.items():
        assert catalog.get(detector_id) is detector, detector_id
        assert detector.docs.startswith("https://"), detector_id
        assert detector.examples and detector.negatives, detector_id
        assert detector.severity in {"error", "warning"}, detector_id


@pytest.mark.parametrize(
    ("detector_id", "severity"),
    [
        # An account's hash blocks: a shadow/htpasswd line, a dump, roasting output, a hash
        # given to a password key.
        ("password-hash-entry", "error"),
        ("password-hash-assignment", "error"),
        ("ntlm-hash-dump", "error"),
        ("kerberos-asrep-hash", "error"),
        ("kerberos-tgs-hash", "error"),
        ("ldap-password-hash", "error"),
        ("cisco-password", "error"),
        # The system account formats block wherever they stand.
        ("crypt-password-hash", "error"),
        # A lone application hash is most often a seeded test user or an example: it warns.
        ("bcrypt-password-hash", "warning"),
        ("argon2-password-hash", "warning"),
    ],
)
def test_password_hash_severity(detector_id: str, severity: str) -> None:
    assert ADDED[detector_id].severity == severity


def test_a_hash_given_to_an_account_is_the_blocking_finding() -> None:
    text = fill('  password: "$6$rounds=656000${a16}${a86}"\n')
    assert "password-hash-assignment" in found(text, "users.yml")
    # The same string alone is the lone kind.
    alone = fill('check("$6${a16}${a86}")\n')
    assert set(found(alone, "test_crypt.py")) & set(ADDED) == {"crypt-password-hash"}


def test_test_vector_salts_are_not_reported() -> None:
    for text in (
        'assert_hash("$5$12345678${a43}")',
        "$6$saltstring${a86}",
        "$2b$12$123456789012345678901{a31}",
        "$2b$12$abcdefghijklmnopqrstuu{a31}",
    ):
        assert not set(found(fill(text))) & set(ADDED), text


def test_secret_reported_without_the_dollar_that_reads_as_a_variable() -> None:
    # `$y$...` and `$apr1$...` start like shell variables: the finding holds what follows.
    secrets = found(fill("alice:$y$j9T${a22}${a43}:19800:0:99999:7:::\n"))
    assert secrets["password-hash-entry"].startswith("y$j9T$")


@pytest.mark.parametrize(
    ("template", "detector_id"),
    [
        ("Driver={ODBC Driver 18};Server=db;Uid=sa;Pwd={PW};", "odbc-braced-password"),
        ("PGPASSWORD=PW psql -h db", "password-environment-variable"),
        ("mysql -u root -pPW app", "mysql-password-option"),
        ("net use \\\\srv\\share PW /user:CORP\\admin", "net-use-password-first"),
        ("machine h.example.com\n  login u\n  password PW\n", "netrc-password"),
    ],
)
def test_the_secret_is_the_password_alone(template: str, detector_id: str) -> None:
    # Built at run time: a password with a `;` (which ODBC braces let in) where allowed.
    separator = ";" if "{PW}" in template else "-"
    password = random_body("a", 6) + separator + random_body("a", 6)
    assert found(template.replace("PW", password)).get(detector_id) == password


# Lines of real code, configuration and shell that hold the added detectors' keywords and
# shapes but no credential: variables, templates, prompts, defaults, links, type annotations.
LOOK_ALIKES = [
    "password = request.form['password']",
    'password=os.environ.get("DB_PASSWORD")',
    "DB_PASSWORD=${DB_PASSWORD:-postgres}",
    "DB_PASSWORD=$(cat /run/secrets/db_password)",
    'password: "{{ vault_db_password }}"',
    "password: !vault |",
    "secret: true",
    "client_secret: ${CLIENT_SECRET}",
    'secret_key_base: <%= ENV["SECRET_KEY_BASE"] %>',
    "PASSWORD_MIN_LENGTH=12",
    "PASSWORD_HASHERS = ['django.contrib.auth.hashers.Argon2PasswordHasher']",
    "password_reset_timeout: 3600",
    "auth.password=required",
    "spring.datasource.password=${SPRING_DATASOURCE_PASSWORD}",
    "spring.datasource.password=",
    "mail.smtp.auth.password=@mail.password@",
    "jwt.secret=${JWT_SECRET:default}",
    "secret: my-app-secret-v2",
    "secretName: tls-cert-2024",
    "password: Optional[str] = None",
    'token_secret: str = Field(..., env="TOKEN_SECRET")',
    'password = "${var.db_password}"',
    "  password = var.db_password",
    "const password = process.env.PASSWORD || '';",
    "if (password == confirm_password2) {}",
    'url = f"https://api.example.com/login?user={user}&password={password}"',
    'url = "https://example.com/reset?password=" + encodeURIComponent(pw)',
    'href="/account?password=reset&token=abc"',
    '<a href="?password=forgot">Forgot?</a>',
    'redirect_to "/login?password=invalid"',
    'conn = psycopg2.connect("host=localhost dbname=test user=postgres password=postgres")',
    "conn = psycopg2.connect(host=host, dbname=db, user=user, password=password)",
    '"Server=.;Database=app;Trusted_Connection=True;"',
    '"Server=localhost;Database=app;User Id=sa;Password=Your_password123;"',
    'var cs = $"Server={server};Database={db};User Id={user};Password={password};";',
    'sb.Append(";Password=").Append(pwd);',
    'string.Format("Server={0};Password={1}", server, password)',
    '<add key="EnablePasswordReset" value="true" />',
    '<add key="PasswordFormat" value="Hashed" />',
    '<add key="TokenLifetime" value="00:30:00" />',
    '<add key="ApiKey" value="__ApiKey__" />',
    "mysql -u root -p",
    'mysql -u root -p"$MYSQL_ROOT_PASSWORD" -e "select 1"',
    "mysql -uroot -p${MYSQL_PASSWORD} db",
    'mysqladmin -u root password "$NEW_PW"',
    'docker login -u "$USER" -p "$TOKEN"',
    "docker login --username foo --password-stdin < token.txt",
    "sshpass -e ssh host",
    "psexec \\\\host -s cmd",
    "psexec -p",
    "wget --ask-password https://x",
    "net use \\\\server\\share /user:admin",
    "net user %USERNAME% /domain",
    "net user administrator /active:yes",
    "keytool -list -v -keystore debug.keystore -storepass android -keypass android",
    "openssl req -new -key key.pem -passin stdin -out csr.pem",
    "openssl enc -aes-256-cbc -pass env:PASS -in a -out b",
    "redis-cli -h localhost -p 6379 ping",
    'sqlcmd -S localhost -E -Q "select 1"',
    "ldapsearch -x -W -D cn=admin",
    "smbclient -L //server -N",
    "machine learning login password",
    "the machine's login password is rotated",
    "REACT_APP_API_URL=https://api.example.com",
    "VITE_PUBLIC_TOKEN_URL=https://auth.example.com/token",
    "NEXT_PUBLIC_RECAPTCHA_SITE_KEY=6LcXXXXXAAAAAE",
    "VITE_APP_TOKEN=${TOKEN}",
    'const key = "api-version=2021-06-01";',  # pragma: allowlist secret
    '"resourceId": "api-3f2b1c4d-0e9a-4b7c-8d6e-1f2a3b4c5d6e"',
    "oauth:scope",
    "$6$ and $5$ are crypt prefixes",
    'hash = "$2b$" + cost + "$" + salt',
    '"price": "$6$7$8"',
    "userPassword: {SSHA}",
    "service password-encryption",
    " no password 7",
    "Administrator:500:aad3b435b51404eeaad3b435b51404ee:31d6cfe0d16ae931b73c59d7e0c089c0:::",
    "storePassword keystoreProperties['storePassword']",
    'storePassword System.getenv("KEYSTORE_PASSWORD")',
    'keyPassword project.findProperty("keyPassword")',
    "$cred = New-Object PSCredential($user, (ConvertTo-SecureString $pw -AsPlainText -Force))",
    "htpasswd -c .htpasswd admin",
    'PGPASSWORD="$POSTGRES_PASSWORD" psql',
    "DSN=mydb;UID=user;PWD=%s",
    "Data Source=(local);Initial Catalog=x;Integrated Security=SSPI;Password=",
    "jdbc:oracle:thin:@localhost:1521:xe",
    "jdbc:oracle:thin:scott/tiger@localhost:1521:orcl",
]


@pytest.mark.parametrize("line", LOOK_ALIKES)
def test_code_look_alikes_are_not_reported(line: str) -> None:
    for filename in ("notes.txt", "config.yaml", "app.py", ".env"):
        assert not set(found(line + "\n", filename)) & set(ADDED), (filename, line)


def _only(detector: Detector) -> Callable[[str], object]:
    options = ScanOptions(detectors=(detector,), use_detect_secrets=False)
    return lambda text: scan_text(text, "stress.txt", options)


# (detector, unit repeated to the size or a builder, size): the prefix repeated, a prefix then
# a long run of what the pattern's body takes, and long names before an assignment.
STRESS: list[tuple[str, str | Callable[[int], str], int]] = [
    ("psexec-password", "psexec -u a ", 400_000),
    ("psexec-password", lambda n: "psexec -p " + "a" * n, 400_000),
    ("mysql-password-option", "mysql -u root ", 400_000),
    ("sshpass-password", "sshpass -p", 400_000),
    ("net-use-password", lambda n: "net use /user:" + "a" * n, 400_000),
    ("net-use-password-first", "net use \\\\a ", 400_000),
    ("wget-password", "wget --password ", 400_000),
    ("docker-login-password", "docker login -p ", 400_000),
    ("smbclient-password", lambda n: "smbclient -U " + "a" * n, 400_000),
    ("sqlplus-password", "sqlplus -s ", 400_000),
    ("password-environment-variable", "PGPASSWORD=", 400_000),
    ("netrc-password", "machine a login b ", 400_000),
    ("netrc-password", lambda n: "machine " + "a " * (n // 2), 400_000),
    ("unquoted-password-assignment", "password", 400_000),
    ("unquoted-password-assignment", lambda n: "a" * (n - 12) + "_password=x1", 400_000),
    ("unquoted-password-assignment", lambda n: "DB_PASSWORD=a1!" + "b" * n + " x", 400_000),
    ("appsettings-secret", lambda n: '<add key="' + "a" * n, 400_000),
    ("short-token-assignment", "token=", 400_000),
    ("short-token-assignment", "apiKey", 400_000),
    ("short-token-assignment", lambda n: "api_key: " + "a1" * (n // 2), 400_000),
    ("unquoted-password-assignment", lambda n: "PASSWORD=" + "aB" * (n // 2), 400_000),
    ("connection-string-field-password", ";pwd=", 400_000),
    ("odbc-braced-password", ";Pwd={", 400_000),
    ("url-query-password", "?password=", 400_000),
    ("url-password-only", "redis://:", 400_000),
    ("libpq-conninfo-password", "host=x ", 400_000),
    ("libpq-conninfo-password", "host=", 400_000),
    ("password-hash-entry", "root:$6$", 400_000),
    ("password-hash-assignment", "password: $6$", 400_000),
    ("crypt-password-hash", "$6$", 400_000),
    ("kerberos-tgs-hash", lambda n: "$krb5tgs$23$*" + "a" * n, 400_000),
    ("ntlm-hash-dump", "a:1:", 400_000),
    ("public-env-secret", lambda n: "REACT_APP_" + "A_" * (n // 2), 400_000),
    ("twitter-bearer-token-short-prefix", lambda n: "A" * n, 400_000),
    ("azure-devops-pat-v2", lambda n: "a" * n + "AZDO", 400_000),
    ("azure-workflow-trigger-url", "https://a.logic.azure.com/w?", 400_000),
    ("java-keystore-password", "keytool -storepass ", 400_000),
    ("azure-sas-signature", "SharedAccessSignature sr=a&", 400_000),
    ("azure-sas-signature", lambda n: "SharedAccessSignature sr=" + "a" * n, 400_000),
    ("azure-function-key-url", "https://a.azurewebsites.net/api/f?", 400_000),
    ("azure-signalr-access-key", "Endpoint=https://a.service.signalr.net;a=;", 400_000),
    ("azure-app-configuration-secret", "Endpoint=https://a.azconfig.io;Id=", 400_000),
    ("net-user-password", "net user a ", 400_000),
    ("powershell-plaintext-securestring", 'ConvertTo-SecureString "', 400_000),
    ("powershell-plaintext-securestring", lambda n: "ConvertTo-SecureString 'a" + "b" * n, 400_000),
    ("htpasswd-batch-password", "htpasswd -b ", 400_000),
    ("htpasswd-batch-password", lambda n: "htpasswd -b " + "a " * (n // 2) + "$", 400_000),
    ("htpasswd-batch-password", lambda n: "htpasswd -b a " + "a" * n, 400_000),
    ("azure-sas-signature", "SharedAccessSignature=sv=", 400_000),
    ("pass-argument-password", "-passin pass:", 400_000),
    ("android-signing-password", 'storePassword "', 400_000),
    ("ldap-password-hash", lambda n: "userPassword: {SSHA}" + "a" * n + "!", 400_000),
    ("cisco-password", "password 7 ", 400_000),
    ("cisco-password", lambda n: "secret 7 00" + "a" * n + "$", 400_000),
]


@pytest.mark.parametrize(
    ("detector_id", "unit", "size"),
    [
        pytest.param(d, unit, size, id=f"{d}: {unit if isinstance(unit, str) else 'run'}")
        for d, unit, size in STRESS
    ],
)
def test_scan_time_grows_linearly(
    detector_id: str, unit: str | Callable[[int], str], size: int
) -> None:
    line_of = unit if callable(unit) else (lambda n: scale(unit, n))
    work = _only(ADDED[detector_id])
    # The machine is shared: a load spike can slow one measure; a super-linear pattern is
    # slow in all three.
    size //= 4  # sized for 4x growth; the suite's factor is 8x (quadratic shows as ~64x)
    ratio = growth_ratio(work, line_of, size, factor=FACTOR)
    for _ in range(2):
        if ratio < LINEAR:
            break
        ratio = min(ratio, growth_ratio(work, line_of, size, factor=FACTOR))
    assert ratio < LINEAR, f"{FACTOR}x the input took {ratio:.1f}x the time"
