"""Passwords in configuration files read by tools: .netrc, .npmrc, .NET appSettings, and the
unquoted `key=value` / `key: value` lines of .env, .properties (gradle.properties), INI
(.pypirc, pip.conf) and YAML files.

`generic-api-key` needs 16 characters and high entropy, `generic-password` quotes: a person's
password written bare in a properties or .env file (`DB_PASSWORD=Summer2024!`) is neither.
"""

from __future__ import annotations

import re

from ztgate.secrets.catalog._shapes import P
from ztgate.secrets.detectors import About, token

CONFIG = "generic"  # context-only findings: the strict look-alike filters apply

_NOT_A_REFERENCE = r"(?![$%{<*#&`(\-])"
_WS = r"[ \t\r\n]+"

# A bare value that reads like a password, not like a word, a name or a reference: a letter
# and a digit, symbol or a capital after a lowercase letter; no brackets or quotes; not a URL,
# a kebab/snake/dotted lowercase name (`my-tls-secret-2`, `db_password_1`), a boolean or a
# documentation sample. (Each look-ahead reads at most the value's 128 characters.)
_BARE_PASSWORD = (
    r"(?=[^\s]{0,127}[A-Za-z])"
    # A capital inside (`XkLmQpRt`), not only at the start: `Incomplete` is a type annotation.
    r"(?=[^\s]{0,127}[0-9!@#$%^&*+=?~/]|[^\s]{0,127}[a-z][A-Z])"
    r"(?![^\s]{0,128}://)"
    r"(?![a-z0-9]{1,128}(?:[_.\-][a-z0-9]{1,128}){1,16}[ \t]*(?:[ \t]#|\r?$))"
    r"(?![!|>@\[{$%<*&`(\-~/])"
    # Documentation's sample passwords spell what they are (`StrongPassword!`, `test1@secret`).
    r"(?![^\s]{0,128}(?i:passw|pass(?![a-z])|secret|example|sample|dummy|test|changeit))"
    r"[^\s'\"`(){}\[\],;<>]{6,128}"
)

# A name that ends in a password noun (`DB_PASSWORD`, `signing.password`, `clientSecret`,
# `PASSWORD2`), as look-behinds: each is fixed-width.
_NAME_ENDS_IN_NOUN = (
    "(?i:"
    + "|".join(
        f"(?<={noun}{end})"
        for noun in ("password", "passwd", "passphrase", "pwd", "secret")
        for end in ("", "s", "[0-9]")
    )
    + ")"
)

# A token too short for `generic-api-key` (10 to 15 characters): random letters and digits.
_SHORT_TOKEN = (
    r"(?=[A-Za-z0-9_\-]{0,14}[0-9])(?=[A-Za-z0-9_\-]{0,14}[A-Za-z])"
    r"(?![A-Za-z0-9_\-]{0,15}(?i:example|sample|dummy|test|token|secret|your))"
    # Not a lowercase word and a number (`cachedvol112233`, `build2024`).
    r"(?![a-z]{1,14}[0-9]{1,14}(?![A-Za-z0-9_\-]))"
    # Not lowercase words joined by `_` or `-` (`page_2_of_10`, `v2-refresh`).
    r"(?![a-z0-9]{1,15}(?:[_\-][a-z0-9]{1,15}){1,7}(?![A-Za-z0-9_\-]))"
    r"[A-Za-z0-9_\-]{10,15}"
)

DETECTORS = (
    token(
        "netrc-password",
        "Password in .netrc",
        CONFIG,
        # `machine HOST login USER password PASS`, the tokens blank- or newline-separated.
        rf"machine{_WS}{P}[^\s]{{1,253}}{P}(?:{_WS}{P}(?:account|port){_WS}{P}[^\s]{{1,256}}{P}){{0,2}}"
        rf"{_WS}{P}login{_WS}{P}[^\s]{{1,256}}{P}(?:{_WS}{P}(?:account|port){_WS}{P}[^\s]{{1,256}}{P}){{0,2}}"
        rf"{_WS}{P}password{_WS}{P}(?P<secret>{_NOT_A_REFERENCE}[^\s'\"`]{{6,256}}{P})",
        ("machine",),
        right=r"(?=[\s'\"`]|$)",
        # A parser's test file (`password pass1`, `pa#ss`) is not an account's.
        min_entropy=2.5,
        about=About(
            docs="https://www.gnu.org/software/inetutils/manual/html_node/The-_002enetrc-file.html",
            examples=(
                "machine api.example.com login app password {a16}",
                "machine git.example.com\n  login deploy\n  password {a12}\n",
            ),
            negatives=(
                "machine api.example.com login app password $TOKEN",
                "machine api.example.com login app password <password>",
                "machine api.example.com login app",
                "machine host.example.com login log1 password pass1 account acct1",
                "machine host.example.com login log password pa#sss account acct",
                "the machine name password is stored elsewhere",
                "# `machine HOST login USER password PASS`, blank-separated",
            ),
        ),
    ),
    token(
        "unquoted-password-assignment",
        "Password",
        CONFIG,
        # A whole line `NAME=value` or `name: value` whose name ends in a password noun.
        # The name is read whole (possessive: no `=` or `:` in it), then checked backwards.
        r"^\ufeff?[ \t]*(?:export[ \t]+|set[ \t]+)?"
        rf"[A-Za-z0-9_][\w.\-]{{0,80}}{P}{_NAME_ENDS_IN_NOUN}"
        rf"[ \t]*{P}[=:][ \t]*{P}(?P<secret>{_BARE_PASSWORD})"
        r"[ \t]*(?:[ \t]#[^\n]*)?\r?$",
        ("passw", "pwd", "passphrase", "secret"),
        left="",
        right="",
        keyword_line=True,  # one line, whose name ends in a keyword
        about=About(
            context_only=True,  # only the key name makes it a secret
            docs="https://docs.oracle.com/javase/8/docs/api/java/util/Properties.html",
            examples=(
                "DB_PASSWORD={a6}{d2}!{d2}",
                "signing.password={a12}\n",
                "ossrhPassword={a4}{d2}{d3}",
                "spring.datasource.password: {a4}{d2}#{d2}",
                "[pypi]\nusername = app\npassword = {a7}{d2}7\n",
                "export SMTP_PASSWORD={a12}",
                "database:\n  password: {a5}{d2}!{d3}  # prod\n",
            ),
            negatives=(
                "DB_PASSWORD=${DB_PASSWORD}",
                "DB_PASSWORD=changeme",
                "password: true",
                "password_min_length=12",
                "DB_PASSWORD=",
                "secret: my-tls-secret-2",
                "password = get_password(user)",
                "password = self.password",
                "password: !vault |",
                "secret: https://vault.example.com/v1/kv",
                "PASSWORD=<password>",
                "password = os.environ['PW']",
                "db_password: db_password_1",
                "password: StrongPassword1!",
                "password: AnotherStrongPass!",
                "password: Incomplete",
                "client_secret: Optional",
                "data_password: test1@secret",
            ),
        ),
    ),
    token(
        "short-token-assignment",
        "Generic API Key",
        CONFIG,
        # `API_TOKEN=`, `apiKey := "..."`, `token: ...` with a value of 10 to 15 characters.
        r"(?i:token|api[_.\-]?key|apikey|access[_.\-]?key|secret[_.\-]?key|auth[_.\-]?key)"
        r"(?:s|[0-9])?(?![A-Za-z0-9])['\"\]]{0,2}"
        rf"[ \t]*{P}(?:=|:=|:|=>)[ \t]*{P}(?P<quote>['\"`]?)(?P<secret>{_SHORT_TOKEN})"
        # Quoted: any end but a word character; bare: a blank, `,`, `;`, a comment or the end.
        r"(?P=quote)(?:(?<=['\"`])(?![A-Za-z0-9_])|(?<!['\"`])(?=[ \t\r\n,;#]|$))",
        ("token", "api", "access", "secret", "auth"),
        # A name's word: after a non-letter (`API_TOKEN`) or at a camel hump (`githubToken`).
        left=r"(?:(?<![A-Za-z])|(?<=[a-z0-9])(?=[A-Z]))",
        right="",
        anchored=True,
        min_entropy=3.0,
        about=About(
            context_only=True,  # only the key name makes it a secret
            docs="https://cwe.mitre.org/data/definitions/798.html",
            examples=(
                "API_TOKEN={a12}",
                'apiKey := "{a14}"',
                "slack:\n  token: {a13}\n",
                'cfg := &Config{AuthToken: "{a14}"}',
                "github.token: {a12}",
            ),
            negatives=(
                "API_TOKEN=${API_TOKEN}",
                "max_tokens: 4096",
                "token_type: Bearer",
                'api_key = "test_key_123"',  # pragma: allowlist secret
                "API_TOKEN={a20}",
                "csrf_token = 'a1b2c3d4e5'",
                "ANTHROPIC_API_KEY=sk-ant-api03-{a20}",
                "next_token: page_2_of_10",
                'apiKey := "YOUR_KEY_12"',
                '"ClientToken": "cachedvol112233"',
            ),
        ),
    ),
    token(
        "appsettings-secret",
        "Secret in .NET appSettings",
        CONFIG,
        # web.config / app.config: `<add key="SmtpPassword" value="..." />`.
        r"<add[ \t]+key[ \t]*=[ \t]*\"[^\"\r\n]{0,80}?"
        r"(?:password|passwd|pwd|passphrase|secret|token|api[_.\-]?key|access[_.\-]?key)\""
        r"[ \t]+value[ \t]*=[ \t]*\""
        # Not a boolean or number, nor a release pipeline's token to replace (`__ApiKey__`).
        r"(?!(?:true|false|yes|no|on|off|none|null|[0-9]{1,6}|__[\w.\-]{1,80}__)\")"
        rf"(?P<secret>{_NOT_A_REFERENCE}[^\"\s]{{4,256}}{P})\"",
        ("<add",),
        flags=re.IGNORECASE,
        left="",
        right="",
        about=About(
            context_only=True,  # only the key name makes it a secret
            docs="https://learn.microsoft.com/en-us/dotnet/framework/configure-apps/file-schema/appsettings/add-element-for-appsettings",
            examples=(
                '<add key="SmtpPassword" value="{a6}{d2}!{d2}" />',
                '<add key="Stripe:ApiKey" value="{a32}"/>',
                '<add key="ClientSecret" value="{a8}{d2}~{a20}" />',
            ),
            negatives=(
                '<add key="RequirePassword" value="true" />',
                '<add key="PasswordLength" value="12" />',
                '<add key="SmtpPassword" value="" />',
                '<add key="SmtpPassword" value="#{SmtpPassword}#" />',
                '<add key="SmtpPassword" value="$(SmtpPassword)" />',
                '<add key="PasswordPolicy" value="{a12}" />',
                '<add key="ApiKey" value="__ApiKey__" />',
            ),
        ),
    ),
    token(
        "android-signing-password",
        "Android Signing Password",
        CONFIG,
        # Gradle's `signingConfigs`: `storePassword "..."` (Groovy's call without `=` that the
        # generic detectors do not read as an assignment) or `keyPassword = "..."`.
        rf"(?:store|key)Password[ \t]*{P}(?:=[ \t]*{P}|\([ \t]*{P})?"
        # Not letters alone: a name (`storePassword "storePassword"`) or `android`, the
        # documented password of the SDK's debug keystore.
        r"(?P<quote>['\"])(?![A-Za-z_]{1,128}['\"])"
        rf"(?P<secret>{_NOT_A_REFERENCE}[^'\"\s]{{4,128}}{P})(?P=quote)",
        ("storepassword", "keypassword"),
        left=r"(?<![\w.])",
        right="",
        anchored=True,
        about=About(
            docs="https://developer.android.com/studio/publish/app-signing",
            examples=(
                'signingConfigs {\n  release {\n    storePassword "{a8}{d2}7"\n'
                '    keyPassword "{a8}{d2}7"\n  }\n}',
                "keyPassword '{a12}'",
            ),
            negatives=(
                "storePassword System.getenv('STORE_PASSWORD')",
                'storePassword "${STORE_PASSWORD}"',
                "keyPassword keystoreProperties['keyPassword']",
                'storePassword ""',
                'storePassword "android"',
            ),
        ),
    ),
    token(
        "npmrc-password",
        "NPM Registry Password",
        "registry",
        # `//registry/:_password=` holds the base64 of the password (with `username`).
        r":_password[ \t]*=[ \t]*['\"]?(?P<secret>[A-Za-z0-9+/]{4,}={0,2})",
        (":_password",),
        left="",
        right=r"(?=[\s'\"]|$)",
        about=About(
            docs="https://docs.npmjs.com/cli/v10/configuring-npm/npmrc",
            examples=(
                "//registry.example.com/:_password={b16}",
                '//npm.example.com/repo/:_password="{a20}="',
            ),
            negatives=(
                "//registry.example.com/:_password=${NPM_PASSWORD}",
                "//registry.example.com/:_password=",
            ),
        ),
    ),
)
