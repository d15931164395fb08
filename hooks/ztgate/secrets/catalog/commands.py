"""Passwords given on a command line: scripts, CI steps, READMEs and shell histories.

Each tool's documented password option (`psexec -p`, `mysql -p<password>`, `sshpass -p`,
`net use ... /user:`, `wget --password=`...) and the environment variables its clients read.
A command is matched in parts (the tool's name, then its option later on the line, see
``detectors.gapped_matches``): a line repeating the tool's name costs one pass, not one per name.
"""

from __future__ import annotations

import re

from ztgate.secrets.catalog._shapes import P
from ztgate.secrets.detectors import About, Detector, line_gap, token

CMD = "command-line"

# A value that is not a variable, a template, a prompt (`*`) or the next option.
_VALUE = rf"(?![$%{{<*#&`(/\-])[^\s'\"`;|&)]{{3,128}}{P}"
_QUOTED_VALUE = rf"['\"]?(?P<secret>{_VALUE})"
_GAP = 300


def _command(
    id: str,
    secret_type: str,
    head: str,
    keywords: tuple[str, ...],
    lead: str,
    rest: str,
    about: About,
    *,
    flags: int = 0,
    right: str = r"(?=[\s'\"`;|&)]|$)",
) -> Detector:
    """``head`` (the tool), anything on the line, then ``lead`` + ``rest`` (its option)."""
    return token(
        id,
        secret_type,
        CMD,
        head + line_gap(_GAP) + lead + rest,
        keywords,
        left=r"(?<![\w\-.])",
        right=right,
        flags=flags,
        anchored=True,
        gap=(head, _GAP, lead),
        about=about,
    )


DETECTORS = (
    _command(
        "psexec-password",
        "Password in PsExec Command",
        r"psexec(?:64)?(?:\.exe)?\b",
        ("psexec",),
        r"[ \t]-p[ \t]",
        rf"[ \t]*{P}{_QUOTED_VALUE}",
        About(
            docs="https://learn.microsoft.com/en-us/sysinternals/downloads/psexec",
            examples=(
                "psexec \\\\srv01 -u CORP\\admin -p {a12} cmd.exe",
                'PsExec64.exe \\\\srv01 -accepteula -u admin -p "{a8}{d2}" -s cmd',
            ),
            negatives=(
                "psexec \\\\srv01 -u CORP\\admin -p %ADMIN_PASSWORD% cmd.exe",
                "psexec \\\\srv01 -u admin -p $env:PW cmd",
                "psexec \\\\srv01 -u admin -p <password> cmd",
            ),
        ),
        flags=re.IGNORECASE,
    ),
    _command(
        "mysql-password-option",
        "Password in MySQL Command",
        r"(?:mysql(?:dump|admin|import|show|check|sh|binlog|slap|pump)?|mariadb(?:-dump|-admin)?)"
        r"(?![\w.\-])",
        ("mysql", "mariadb"),
        r"[ \t]['\"]?(?:-p|--password=)",
        _QUOTED_VALUE,
        About(
            docs="https://dev.mysql.com/doc/refman/8.0/en/connection-options.html",
            examples=(
                "mysql -h db.example.com -u root -p{a12} app < dump.sql",
                "mysqldump --user=root --password={a8}{d2} app > dump.sql",
                "mariadb -u app '-p{a7}{d2}' -e 'select 1'",
            ),
            negatives=(
                "mysql -h db.example.com -u root -p app",
                "mysql -u root -p$MYSQL_ROOT_PASSWORD app",
                'mysql -u root -p"${MYSQL_PASSWORD}" app',
                "mysql -u root --password app",
                "mysql -u root -P3306 app",
                "mysql.connector.connect(user=u, password=p) -p{a12}",
            ),
        ),
    ),
    _command(
        "sshpass-password",
        "Password in sshpass Command",
        r"sshpass\b",
        ("sshpass",),
        r"[ \t]-p",
        rf"[ \t]*{P}{_QUOTED_VALUE}",
        About(
            docs="https://manpages.ubuntu.com/manpages/focal/man1/sshpass.1.html",
            examples=(
                "sshpass -p '{a12}' ssh deploy@host.example.com",
                "sshpass -p{a8}{d2} scp build.tgz deploy@host:/srv",
            ),
            negatives=(
                "sshpass -p $SSH_PASSWORD ssh deploy@host",
                "sshpass -f ~/.ssh/pass ssh deploy@host",
                "sshpass -e ssh deploy@host",
                "sshpass -p '<password>' ssh deploy@host",
            ),
        ),
    ),
    _command(
        "net-use-password",
        "Password in net use Command",
        r"net[ \t]+use\b",
        ("net use",),
        r"[ \t]/user:",
        rf"[^\s]{{1,256}}{P}[ \t]+{P}{_QUOTED_VALUE}",
        About(
            docs="https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/"
            "windows-server-2012-r2-and-2012/gg651155(v=ws.11)",
            examples=("net use \\\\srv01\\ipc$ /user:CORP\\admin {a12}",),
            negatives=(
                "net use Z: \\\\srv01\\share /user:CORP\\admin *",
                "net use Z: \\\\srv01\\share /user:CORP\\admin /persistent:no",
                "net use Z: \\\\srv01\\share /user:CORP\\admin %PASSWORD%",
            ),
        ),
        flags=re.IGNORECASE,
    ),
    _command(
        "net-use-password-first",
        "Password in net use Command",
        r"net[ \t]+use\b",
        ("net use",),
        r"[ \t]\\\\",
        rf"[^\s]{{1,256}}{P}[ \t]+{P}{_QUOTED_VALUE}[ \t]+/user:",
        About(
            docs="https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/"
            "windows-server-2012-r2-and-2012/gg651155(v=ws.11)",
            examples=("net use Z: \\\\srv01\\share {a12} /user:CORP\\admin",),
            negatives=(
                "net use Z: \\\\srv01\\share * /user:CORP\\admin",
                "net use Z: \\\\srv01\\share /user:CORP\\admin",
                "net use Z: \\\\srv01\\share %PASSWORD% /user:CORP\\admin",
            ),
        ),
        flags=re.IGNORECASE,
        right="",
    ),
    _command(
        "wget-password",
        "Password in wget Command",
        r"wget\b",
        ("wget",),
        r"[ \t]--(?:http-|ftp-|proxy-)?password",
        rf"(?:=|[ \t]+{P}){_QUOTED_VALUE}",
        About(
            docs="https://www.gnu.org/software/wget/manual/wget.html",
            examples=(
                "wget --user=app --password={a12} https://example.com/file.tgz",
                "wget --http-user=app --http-password '{a8}{d2}' https://example.com/f",
            ),
            negatives=(
                "wget --user=app --password=$PASSWORD https://example.com/f",
                "wget --user=app --ask-password https://example.com/f",
                "wget --password=<password> https://example.com/f",
            ),
        ),
    ),
    _command(
        "docker-login-password",
        "Password in docker login Command",
        r"docker[ \t]+login\b",
        ("docker login",),
        r"[ \t](?:-p|--password)",
        rf"(?:=|[ \t]+{P}){_QUOTED_VALUE}",
        About(
            docs="https://docs.docker.com/reference/cli/docker/login/",
            examples=(
                "docker login -u app -p {a16} registry.example.com",
                'docker login --username app --password "{a20}" registry.example.com',
            ),
            negatives=(
                "docker login -u app --password-stdin registry.example.com",
                "docker login -u app -p $REGISTRY_TOKEN registry.example.com",
                'docker login -u app -p "${{ secrets.REGISTRY }}" registry.example.com',
            ),
        ),
    ),
    _command(
        "redis-cli-password",
        "Password in redis-cli Command",
        r"redis-cli\b",
        ("redis-cli",),
        r"[ \t](?:-a|--pass)[ \t]",
        rf"[ \t]*{P}{_QUOTED_VALUE}",
        About(
            docs="https://redis.io/docs/latest/develop/tools/cli/",
            examples=("redis-cli -h cache.example.com -a {a16} ping",),
            negatives=(
                "redis-cli -h cache -a $REDIS_PASSWORD ping",
                "redis-cli -h cache --askpass ping",
            ),
        ),
    ),
    _command(
        "sqlcmd-password",
        "Password in sqlcmd Command",
        r"sqlcmd(?:\.exe)?\b",
        ("sqlcmd",),
        r"[ \t]-P",
        rf"[ \t]*{P}{_QUOTED_VALUE}",
        About(
            docs="https://learn.microsoft.com/en-us/sql/tools/sqlcmd/sqlcmd-utility",
            examples=('sqlcmd -S db.example.com -U sa -P "{a12}" -Q "select 1"',),
            negatives=(
                "sqlcmd -S db -U sa -P $(SA_PASSWORD) -Q 'select 1'",
                "sqlcmd -S db -U sa -P %SA_PASSWORD% -i init.sql",
            ),
        ),
    ),
    _command(
        "ldap-bind-password",
        "Password in LDAP Command",
        r"ldap(?:search|add|modify|delete|passwd|whoami|compare|modrdn|exop)\b",
        ("ldap",),
        r"[ \t]-w[ \t]",
        rf"[ \t]*{P}{_QUOTED_VALUE}",
        About(
            docs="https://manpages.ubuntu.com/manpages/noble/man1/ldapsearch.1.html",
            examples=(
                'ldapsearch -x -H ldap://ldap.example.com -D "cn=admin,dc=example,dc=com" '
                "-w {a12} -b dc=example,dc=com",
            ),
            negatives=(
                "ldapsearch -x -D cn=admin,dc=example,dc=com -W -b dc=example,dc=com",
                "ldapsearch -x -D cn=admin -w $LDAP_PASSWORD -b dc=example",
            ),
        ),
    ),
    _command(
        "smbclient-password",
        "Password in smbclient Command",
        r"smbclient\b",
        ("smbclient",),
        r"[ \t](?:-U|--user=?)",
        rf"[ \t]*{P}['\"]?[^\s%'\"]{{1,128}}{P}%(?P<secret>{_VALUE})",
        About(
            docs="https://www.samba.org/samba/docs/current/man-html/smbclient.1.html",
            examples=("smbclient //srv01/share -U 'CORP\\admin%{a12}' -c ls",),
            negatives=(
                "smbclient //srv01/share -U admin -c ls",
                "smbclient //srv01/share -U admin%$SMB_PASSWORD -c ls",
            ),
        ),
    ),
    _command(
        "java-keystore-password",
        "Password in keytool/jarsigner Command",
        r"(?:keytool|jarsigner)(?:\.exe)?\b",
        ("keytool", "jarsigner"),
        r"[ \t]-(?:src|dest)?(?:store|key)pass[ \t]",
        # `android` is the documented password of every Android SDK's debug keystore.
        rf"[ \t]*{P}['\"]?(?!android(?![^\s'\"`;|&)]))(?P<secret>{_VALUE})",
        About(
            docs="https://docs.oracle.com/en/java/javase/17/docs/specs/man/keytool.html",
            examples=(
                "keytool -genkeypair -keystore release.jks -storepass {a12} -keypass {a12} "
                "-alias app",
                "jarsigner -keystore release.jks -storepass '{a8}{d2}' app.apk app",
            ),
            negatives=(
                "keytool -list -keystore release.jks -storepass:env STORE_PASSWORD",
                "keytool -list -keystore release.jks -storepass $STORE_PASSWORD",
                "jarsigner -keystore release.jks -storepass:file pass.txt app.apk app",
                "keytool -list -keystore debug.keystore -storepass android -keypass android",
            ),
        ),
    ),
    token(
        "pass-argument-password",
        "Password in pass: Argument",
        CMD,
        # OpenSSL's `-passin`/`-passout`/`-pass pass:<password>` (apksigner's `--ks-pass` and
        # `--key-pass` take the same form); `env:`, `file:`, `fd:` and `stdin` are references.
        rf"-pass(?:in|out|word)?[ \t]+['\"]?pass:(?P<secret>{_VALUE})",
        ("-pass",),
        left="",
        right=r"(?=[\s'\"`;|&)]|$)",
        anchored=True,
        about=About(
            docs="https://docs.openssl.org/master/man1/openssl-passphrase-options/",
            examples=(
                "openssl pkcs12 -export -in c.pem -inkey k.pem -out c.p12 -passout pass:{a12}",
                "openssl rsa -in k.pem -passin 'pass:{a8}{d2}' -out plain.pem",
                "apksigner sign --ks release.jks --ks-pass pass:{a12} app.apk",
            ),
            negatives=(
                "openssl rsa -in k.pem -passin env:KEY_PASSWORD -out plain.pem",
                "openssl rsa -in k.pem -passin file:pass.txt -out plain.pem",
                "openssl rsa -in k.pem -passin pass:$KEY_PASSWORD -out plain.pem",
                "apksigner sign --ks release.jks --ks-pass stdin app.apk",
            ),
        ),
    ),
    token(
        "net-user-password",
        "Password in net user Command",
        CMD,
        # `net user NAME PASSWORD [/add | /domain ...]` sets an account's password.
        r"net[ \t]+user[ \t]+['\"]?[^\s/'\"]{1,64}['\"]?[ \t]+" + _QUOTED_VALUE,
        ("net user",),
        left=r"(?<![\w\-.])",
        right=r"['\"]?(?=[ \t]+/|[ \t]*(?:\r?$|&))",
        flags=re.IGNORECASE,
        anchored=True,
        about=About(
            docs="https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/"
            "windows-server-2012-r2-and-2012/cc771865(v=ws.11)",
            examples=(
                "net user deploy {a12} /add",
                'NET USER svc_backup "{a8}{d2}!" /ADD /DOMAIN',
            ),
            negatives=(
                "net user deploy * /add",
                "net user guest /active:no",
                "net user deploy %DEPLOY_PASSWORD% /add",
                "net user",
            ),
        ),
    ),
    token(
        "powershell-plaintext-securestring",
        "Password in ConvertTo-SecureString",
        CMD,
        # `ConvertTo-SecureString "<password>" -AsPlainText -Force`: a literal made a credential.
        r"ConvertTo-SecureString[ \t]+(?:-String[ \t]+)?(?P<quote>['\"])"
        rf"(?P<secret>(?![$])[^'\"\r\n]{{4,128}}{P})(?P=quote)[^\r\n]{{0,60}}?-AsPlainText",
        ("convertto-securestring",),
        left=r"(?<![\w\-])",
        right="",
        flags=re.IGNORECASE,
        anchored=True,
        about=About(
            docs="https://learn.microsoft.com/en-us/powershell/module/microsoft.powershell.security/convertto-securestring",
            examples=(
                '$pw = ConvertTo-SecureString "{a12}" -AsPlainText -Force',
                "$s = ConvertTo-SecureString -String '{a6}{d2}#{d3}' -AsPlainText -Force",
            ),
            negatives=(
                "$pw = ConvertTo-SecureString $env:ADMIN_PASSWORD -AsPlainText -Force",
                '$pw = ConvertTo-SecureString "$Password" -AsPlainText -Force',
                "$pw = Read-Host -AsSecureString",
                '$pw = ConvertTo-SecureString "<password>" -AsPlainText -Force',
            ),
        ),
    ),
    token(
        "htpasswd-batch-password",
        "Password in htpasswd Command",
        CMD,
        # Batch mode (`-b`): `htpasswd -b[c] FILE USER PASSWORD` or `htpasswd -nb USER PASSWORD`,
        # the password the command's last word.
        r"htpasswd[ \t]+-[A-Za-z]{0,4}b[A-Za-z]{0,4}(?:[ \t]+-[A-Za-z]{1,4}){0,3}"
        rf"(?:[ \t]+[^\s\-][^\s]{{0,255}}{P}){{1,2}}[ \t]+{_QUOTED_VALUE}['\"]?[ \t]*(?=\r?$)",
        ("htpasswd",),
        left=r"(?<![\w\-.])",
        right="",
        anchored=True,
        about=About(
            docs="https://httpd.apache.org/docs/current/programs/htpasswd.html",
            examples=(
                "htpasswd -b /etc/nginx/.htpasswd admin {a10}{d2}",
                "htpasswd -Bbc .htpasswd deploy '{a8}{d2}'",
                "htpasswd -nb admin {a12}",
            ),
            negatives=(
                "htpasswd -c /etc/nginx/.htpasswd admin",
                "htpasswd -b /etc/nginx/.htpasswd admin $ADMIN_PASSWORD",
                "htpasswd -nb admin <password>",
            ),
        ),
    ),
    token(
        "sqlplus-password",
        "Password in SQL*Plus Command",
        CMD,
        # `sqlplus user/password[@connect]`.
        r"sqlplus(?:\.exe)?(?:[ \t]+-[A-Za-z]+){0,3}[ \t]+['\"]?[A-Za-z][\w$#]{0,127}/"
        rf"(?P<secret>{_VALUE})(?=@|[\s'\"]|$)",
        ("sqlplus",),
        left=r"(?<![\w\-.])",
        right="",
        anchored=True,
        flags=re.IGNORECASE,
        about=About(
            docs="https://docs.oracle.com/en/database/oracle/oracle-database/19/sqpug/"
            "SQLPLUS-command-reference.html",
            examples=(
                "sqlplus app/{a12}@//db.example.com:1521/svc @migrate.sql",
                "sqlplus -s app/{a8}{d2} @report.sql",
            ),
            negatives=(
                "sqlplus / as sysdba",
                "sqlplus -s /nolog @script.sql",
                "sqlplus app/$DB_PASSWORD@db",
            ),
        ),
    ),
    token(
        "password-environment-variable",
        "Password in Client Environment Variable",
        CMD,
        # The variables database and ssh clients read their password from.
        # Blanks around `=` only before a quote (PowerShell's `$env:PGPASSWORD = "..."`): in a
        # shell, `PGPASSWORD= cmd` sets it empty.
        r"(?:PGPASSWORD|MYSQL_PWD|SSHPASS|REDISCLI_AUTH)(?:=|[ \t]*=[ \t]*(?=['\"]))"
        rf"(?P<quote>['\"]?)(?P<secret>{_VALUE})(?P=quote)",
        ("pgpassword", "mysql_pwd", "sshpass", "rediscli_auth"),
        left=r"(?<![\w\-.])",
        right=r"(?=[\s;|&)]|$)",
        anchored=True,
        about=About(
            docs="https://www.postgresql.org/docs/current/libpq-envars.html",
            examples=(
                "PGPASSWORD={a12} psql -h db.example.com -U app",
                "export MYSQL_PWD={a8}{d2}",
                '$env:PGPASSWORD = "{a14}"',
            ),
            negatives=(
                "PGPASSWORD=$DB_PASSWORD psql -h db -U app",
                'export PGPASSWORD="${DB_PASSWORD}"',
                "PGPASSWORD= psql -h db",
                "export SSHPASS=<password>",
            ),
        ),
    ),
)
