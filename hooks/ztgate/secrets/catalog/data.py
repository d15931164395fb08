"""Databases, connection strings, keys and observability platforms."""

from __future__ import annotations

from ztgate.secrets.catalog._shapes import UUID, P, alnum, hex_
from ztgate.secrets.detectors import About, keyed, token

DB = "database"
OBS = "observability"
KEY = "private-key"

_SUMO = r"sumo(?:_?logic)?(?:[._\-]|access|key|id|token)"

DETECTORS = (
    token(
        "connection-url-password",
        "Password in URL",
        DB,
        r"://[^\s:@/'\"<>]{1,100}:(?P<secret>[^\s@/'\"<>]{3,200})@[\w.\-\[\]]+",
        ("://",),
        left="",
        about=About(
            docs="https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1",
            examples=("DATABASE_URL=postgres://app:{a20}@db.internal:5432/app",),
            negatives=("DATABASE_URL=postgres://app:<your-token>@db.internal:5432/app",),
        ),
    ),
    token(
        "jdbc-password",
        "Password in JDBC URL",
        DB,
        # The URL up to `password=` holds no second `jdbc:`: each `jdbc:` of a long run of them
        # would otherwise rescan the rest of the token (quadratic).
        r"jdbc:[a-z0-9]+:(?:(?!jdbc:)[^\s'\"])*?[;?&]password=(?P<secret>[^&;\s'\"]{3,})",
        ("jdbc:",),
        about=About(
            docs="https://dev.mysql.com/doc/connector-j/en/connector-j-reference-jdbc-url-format.html",
            examples=("url=jdbc:mysql://db:3306/app?user=app&password={a20}",),
            negatives=("url=jdbc:mysql://db:3306/app?user=app&password=<your-password>",),
        ),
    ),
    token(
        "connection-string-password",
        "Password in Connection String",
        DB,
        # At most 128 characters (SQL Server's limit): unbounded, every `pwd=` of `pwd=pwd=...`
        # scanned the rest of the line for its `;`.
        # Possessive on 3.11+: the value's class holds neither blanks nor `;`, so giving back
        # a character of it never lets `\s*;` match (the same matches, one pass each).
        rf"(?i:password|pwd)\s*{P}=\s*{P}(?P<secret>[^;'\"\s{{}}]{{4,128}}{P})\s*;",
        ("password", "pwd"),
        left=r"(?<![A-Za-z0-9_])",
        anchored=True,
        needs=";",
        about=About(
            docs="https://learn.microsoft.com/en-us/dotnet/framework/data/adonet/connection-string-syntax",
            examples=("Server=db;Database=app;User Id=app;Password={a20};",),
            negatives=("Server=db;Database=app;User Id=app;Password=<your-password>;",),
        ),
    ),
    token(
        "clickhouse-cloud-key",
        "ClickHouse Cloud API Secret",
        DB,
        r"4b1d" + alnum(38),
        ("4b1d",),
        about=About(
            docs="https://clickhouse.com/docs/cloud/manage/openapi",
            examples=('clickhouse_secret = "4b1d{a38}"',),
            negatives=('clickhouse_secret = "4b1d{a19}"',),
        ),
    ),
    token(
        "planetscale-token",
        "PlanetScale Token",
        DB,
        r"pscale_(?:tkn|oauth|pw)_[\w=.\-]{32,64}",
        ("pscale_",),
        about=About(
            docs="https://planetscale.com/docs/concepts/service-tokens",
            examples=("PS=pscale_tkn_{a43}",),
            negatives=("PS=pscale_tkn_{a21}",),
        ),
    ),
    token(
        "neon-api-key",
        "Neon API Key",
        DB,
        r"napi_[a-z0-9]{64}",
        ("napi_",),
        about=About(
            docs="https://neon.tech/docs/manage/api-keys",
            examples=("NEON=napi_{L64}",),
            negatives=("NEON=napi_{L32}",),
        ),
    ),
    keyed(
        "mongodb-atlas-key",
        "MongoDB Atlas API Key",
        DB,
        r"atlas|mongodb",
        UUID,
        ("atlas", "mongodb"),
        about=About(
            docs="https://www.mongodb.com/docs/atlas/configure-api-access/",
            examples=("ATLAS_PRIVATE_KEY={uuid}",),
            negatives=("ATLAS_PRIVATE_KEY={h8}-{h4}-{h4}", "ATLAS_PRIVATE_KEY=<your-api-key>"),
        ),
    ),
    keyed(
        "upstash-token",
        "Upstash Redis Token",
        DB,
        r"upstash",
        r"[A-Za-z0-9=_\-]{60,}",
        ("upstash",),
        min_entropy=3.5,
        about=About(
            docs="https://upstash.com/docs/redis/features/restapi",
            examples=('upstash_redis_token = "{a64}"',),
            negatives=(
                'upstash_redis_token = "{a32}"',
                'upstash_redis_token = "<your-token>"',
            ),
        ),
    ),
    keyed(
        "confluent-secret",
        "Confluent Cloud API Secret",
        DB,
        r"confluent",
        r"[A-Za-z0-9+/]{64}",
        ("confluent",),
        min_entropy=3.5,
        about=About(
            docs="https://docs.confluent.io/cloud/current/security/authenticate/workload-identities/service-accounts/api-keys/overview.html",
            examples=('confluent_api_secret = "{b64}"',),
            negatives=(
                'confluent_api_secret = "{b32}"',
                'confluent_api_secret = "<your-secret>"',
            ),
        ),
    ),
    keyed(
        "aiven-token",
        "Aiven API Token",
        DB,
        r"aiven",
        r"[A-Za-z0-9/+=]{372}",
        ("aiven",),
        about=About(
            docs="https://aiven.io/docs/platform/concepts/authentication-tokens",
            examples=('aiven_token = "{b372}"',),
            negatives=('aiven_token = "{b186}"', 'aiven_token = "<your-token>"'),
        ),
    ),
    token(
        "private-key",
        "Private Key",
        KEY,
        r"-----BEGIN[ A-Z0-9_\-]{0,100}PRIVATE KEY(?: BLOCK)?-----"
        # The body holds no `-----` (PEM bodies are base64): the lazy search for the END line
        # stops at the next header instead of rescanning to the end of the file from each one.
        r"(?P<secret>(?:(?!-----)[\s\S]){16,}?)"
        r"-----END[ A-Z0-9_\-]{0,100}PRIVATE KEY(?: BLOCK)?-----",
        ("private key",),
        left="",
        right="",
        about=About(
            docs="https://www.rfc-editor.org/rfc/rfc7468",
            examples=(
                "-----BEGIN RSA PRIVATE KEY-----\nMIIE{b60}\n{b64}\n-----END RSA PRIVATE KEY-----",
            ),
            negatives=(
                "-----BEGIN RSA PRIVATE KEY-----\n<your-key-here>\n-----END RSA PRIVATE KEY-----",
            ),
        ),
    ),
    token(
        "putty-private-key",
        "PuTTY Private Key",
        KEY,
        r"PuTTY-User-Key-File-\d: (?P<secret>[^\r\n]+)",
        ("putty-user-key-file",),
        left="",
        about=About(
            docs="https://the.earth.li/~sgtatham/putty/latest/htmldoc/AppendixC.html",
            examples=(
                "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none",  # pragma: allowlist secret
            ),
            negatives=("PuTTY-User-Key-File format is documented in the PuTTY manual",),
        ),
    ),
    token(
        "sidekiq-secret",
        "Sidekiq Enterprise Credentials",
        DB,
        r"BUNDLE_(?:ENTERPRISE__CONTRIBSYS__COM|GEMS__CONTRIBSYS__COM)[ \t]*[=:][ \t]*['\"]?"
        r"(?P<secret>[a-f0-9]{8}:[a-f0-9]{8})",
        ("bundle_",),
        about=About(
            docs="https://bundler.io/man/bundle-config.1.html",
            examples=("BUNDLE_ENTERPRISE__CONTRIBSYS__COM={h8}:{h8}",),
            negatives=(
                "BUNDLE_ENTERPRISE__CONTRIBSYS__COM={h4}:{h8}",
                "BUNDLE_ENTERPRISE__CONTRIBSYS__COM=<your-token>",
            ),
        ),
    ),
    # Observability
    keyed(
        "datadog-api-key",
        "Datadog API Key",
        OBS,
        r"datadog|dd_api|dd-api",
        hex_(32),
        ("datadog", "dd_api", "dd-api"),
        about=About(
            docs="https://docs.datadoghq.com/account_management/api-app-keys/",
            examples=('datadog_api_key = "{h32}"',),
            negatives=('datadog_api_key = "{h16}"', 'datadog_api_key = "<your-api-key>"'),
        ),
    ),
    keyed(
        "datadog-app-key",
        "Datadog Application Key",
        OBS,
        r"datadog|dd_app|dd-app",
        hex_(40),
        ("datadog", "dd_app", "dd-app"),
        about=About(
            docs="https://docs.datadoghq.com/account_management/api-app-keys/",
            examples=('datadog_app_key = "{h40}"',),
            negatives=('datadog_app_key = "{h20}"', 'datadog_app_key = "<your-api-key>"'),
        ),
    ),
    token(
        "newrelic-user-key",
        "New Relic User API Key",
        OBS,
        r"NRAK-[A-Z0-9]{27}",
        ("nrak-",),
        about=About(
            docs="https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/",
            examples=("NEW_RELIC=NRAK-{U27}",),
            negatives=("NEW_RELIC=NRAK-{U13}",),
        ),
    ),
    token(
        "newrelic-browser-key",
        "New Relic Browser API Key",
        OBS,
        r"NRJS-" + hex_(19),
        ("nrjs-",),
        about=About(
            docs="https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/",
            examples=("NR=NRJS-{h19}",),
            negatives=("NR=NRJS-{h9}",),
        ),
    ),
    token(
        "newrelic-insights-key",
        "New Relic Insights Key",
        OBS,
        r"NRI[IQ]-[\w\-]{32}",
        ("nrii-", "nriq-"),
        anchored=True,
        about=About(
            docs="https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/",
            examples=("NR=NRII-{u32}",),
            negatives=("NR=NRII-{u16}",),
        ),
    ),
    keyed(
        "newrelic-license-key",
        "New Relic License Key",
        OBS,
        r"new_?relic|nr_license",
        r"[a-f0-9]{36}NRAL|" + hex_(40),
        ("newrelic", "new_relic", "nr_license"),
        about=About(
            docs="https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/",
            examples=('new_relic_license_key = "{h40}"',),
            negatives=(
                'new_relic_license_key = "{h20}"',
                'new_relic_license_key = "<your-api-key>"',
            ),
        ),
    ),
    token(
        "dynatrace-token",
        "Dynatrace API Token",
        OBS,
        r"dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}",
        ("dt0c01.",),
        about=About(
            docs="https://docs.dynatrace.com/docs/manage/access-control/access-tokens",
            examples=("DT=dt0c01.{U24}.{U64}",),
            negatives=("DT=dt0c01.{U24}.{U32}",),
        ),
    ),
    token(
        "grafana-cloud-token",
        "Grafana Cloud API Token",
        OBS,
        r"glc_[A-Za-z0-9+/]{32,400}={0,2}",
        ("glc_",),
        min_entropy=3.5,
        about=About(
            docs="https://grafana.com/docs/grafana-cloud/account-management/authentication-and-permissions/access-policies/",
            examples=("GRAFANA=glc_{b60}",),
            negatives=("GRAFANA=glc_{b30}",),
        ),
    ),
    token(
        "grafana-service-account-token",
        "Grafana Service Account Token",
        OBS,
        r"glsa_" + alnum(32) + "_" + hex_(8),
        ("glsa_",),
        about=About(
            docs="https://grafana.com/docs/grafana/latest/administration/service-accounts/",
            examples=("GRAFANA=glsa_{a32}_{h8}",),
            negatives=("GRAFANA=glsa_{a16}_{h8}",),
        ),
    ),
    token(
        "grafana-api-key",
        "Grafana API Key",
        OBS,
        r"eyJrIjoi[A-Za-z0-9]{70,400}={0,2}",
        ("eyjrijoi",),
        about=About(
            docs="https://grafana.com/docs/grafana/latest/administration/api-keys/",
            examples=("GRAFANA=eyJrIjoi{a80}",),
            negatives=("GRAFANA=eyJrIjoi{a40}",),
        ),
    ),
    token(
        "sentry-org-token",
        "Sentry Organization Token",
        OBS,
        r"sntrys_eyJ[A-Za-z0-9+/=]{40,}_[A-Za-z0-9+/=]{40,}",
        ("sntrys_",),
        about=About(
            docs="https://docs.sentry.io/account/auth-tokens/",
            examples=("SENTRY_AUTH_TOKEN=sntrys_eyJ{b60}_{b43}",),
            negatives=("SENTRY_AUTH_TOKEN=sntrys_eyJ{b30}_{b43}",),
        ),
    ),
    token(
        "sentry-user-token",
        "Sentry User Token",
        OBS,
        r"sntryu_" + hex_(64),
        ("sntryu_",),
        about=About(
            docs="https://docs.sentry.io/account/auth-tokens/",
            examples=("SENTRY_AUTH_TOKEN=sntryu_{h64}",),
            negatives=("SENTRY_AUTH_TOKEN=sntryu_{h32}",),
        ),
    ),
    keyed(
        "sentry-access-token",
        "Sentry Access Token",
        OBS,
        r"sentry",
        hex_(64),
        ("sentry",),
        about=About(
            docs="https://docs.sentry.io/account/auth-tokens/",
            examples=('sentry_token = "{h64}"',),
            negatives=('sentry_token = "{h32}"', 'sentry_token = "<your-token>"'),
        ),
    ),
    token(
        "sentry-dsn",
        "Sentry DSN",
        OBS,
        r"https://(?P<secret>[a-f0-9]{32})(?::[a-f0-9]{32})?@[\w.\-]*sentry\.io/\d+",
        ("sentry.io",),
        left="",
        about=About(
            docs="https://docs.sentry.io/concepts/key-terms/dsn-explainer/",
            examples=("SENTRY_DSN=https://{h32}@o{d6}.ingest.sentry.io/{d7}",),
            negatives=(
                "SENTRY_DSN=https://{h16}@o{d6}.ingest.sentry.io/{d7}",
                "SENTRY_DSN=https://<key>@o{d6}.ingest.sentry.io/{d7}",
            ),
        ),
    ),
    keyed(
        "sumologic-access-id",
        "Sumo Logic Access ID",
        OBS,
        _SUMO,
        r"su[a-zA-Z0-9]{12}",
        ("sumo",),
        min_entropy=3.0,
        about=About(
            docs="https://help.sumologic.com/docs/manage/security/access-keys/",
            examples=('sumologic_access_id = "su{a12}"',),
            negatives=(
                'sumologic_access_id = "su{a6}"',
                'sumologic_access_id = "su<your-token>"',
            ),
        ),
    ),
    keyed(
        "sumologic-access-key",
        "Sumo Logic Access Key",
        OBS,
        _SUMO,
        alnum(64),
        ("sumo",),
        min_entropy=3.5,
        about=About(
            docs="https://help.sumologic.com/docs/manage/security/access-keys/",
            examples=('sumo_access_key = "{a64}"',),
            negatives=('sumo_access_key = "{a32}"', 'sumo_access_key = "<your-api-key>"'),
        ),
    ),
    keyed(
        "splunk-token",
        "Splunk HEC Token",
        OBS,
        r"splunk|hec_token",
        UUID,
        ("splunk", "hec_token"),
        about=About(
            docs="https://docs.splunk.com/Documentation/Splunk/latest/Data/UsetheHTTPEventCollector",
            examples=("SPLUNK_HEC_TOKEN={uuid}",),
            negatives=("SPLUNK_HEC_TOKEN={h8}-{h4}-{h4}", "SPLUNK_HEC_TOKEN=<your-token>"),
        ),
    ),
    keyed(
        "rollbar-token",
        "Rollbar Access Token",
        OBS,
        r"rollbar",
        hex_(32),
        ("rollbar",),
        about=About(
            docs="https://docs.rollbar.com/docs/access-tokens",
            examples=('rollbar_access_token = "{h32}"',),
            negatives=(
                'rollbar_access_token = "{h16}"',
                'rollbar_access_token = "<your-token>"',
            ),
        ),
    ),
    keyed(
        "bugsnag-api-key",
        "Bugsnag API Key",
        OBS,
        r"bugsnag",
        hex_(32),
        ("bugsnag",),
        about=About(
            docs="https://docs.bugsnag.com/",
            examples=('bugsnag_api_key = "{h32}"',),
            negatives=('bugsnag_api_key = "{h16}"', 'bugsnag_api_key = "<your-api-key>"'),
        ),
    ),
    keyed(
        "honeycomb-api-key",
        "Honeycomb API Key",
        OBS,
        r"honeycomb",
        r"[a-zA-Z0-9]{22,64}",
        ("honeycomb",),
        min_entropy=3.5,
        about=About(
            docs="https://docs.honeycomb.io/get-started/configure/environments/manage-api-keys/",
            examples=('honeycomb_api_key = "{a32}"',),
            negatives=('honeycomb_api_key = "{a16}"', 'honeycomb_api_key = "<your-api-key>"'),
        ),
    ),
    keyed(
        "loggly-token",
        "Loggly Token",
        OBS,
        r"loggly",
        UUID,
        ("loggly",),
        about=About(
            docs="https://documentation.solarwinds.com/en/success_center/loggly/content/admin/customer-token-authentication-token.htm",
            examples=("LOGGLY_TOKEN={uuid}",),
            negatives=("LOGGLY_TOKEN={h8}-{h4}-{h4}", "LOGGLY_TOKEN=<your-token>"),
        ),
    ),
    keyed(
        "logzio-token",
        "Logz.io Token",
        OBS,
        r"logz",
        alnum(32),
        ("logz",),
        min_entropy=3.5,
        about=About(
            docs="https://docs.logz.io/docs/user-guide/admin/authentication-tokens/",
            examples=('logzio_token = "{a32}"',),
            negatives=('logzio_token = "{a16}"', 'logzio_token = "<your-token>"'),
        ),
    ),
    keyed(
        "lightstep-token",
        "Lightstep Access Token",
        OBS,
        r"lightstep",
        r"[A-Za-z0-9/+=]{60,}",
        ("lightstep",),
        min_entropy=3.5,
        about=About(
            docs="https://docs.lightstep.com/docs/create-and-manage-access-tokens",
            examples=('lightstep_access_token = "{b80}"',),
            negatives=(
                'lightstep_access_token = "{b40}"',
                'lightstep_access_token = "<your-token>"',
            ),
        ),
    ),
    keyed(
        "pagerduty-token",
        "PagerDuty API Key",
        OBS,
        r"pagerduty|pd_api",
        r"[a-zA-Z0-9_+\-]{20}",
        ("pagerduty", "pd_api"),
        min_entropy=3.5,
        about=About(
            docs="https://support.pagerduty.com/main/docs/api-access-keys",
            examples=('pagerduty_token = "{a20}"',),
            negatives=('pagerduty_token = "{a10}"', 'pagerduty_token = "<your-token>"'),
        ),
    ),
    keyed(
        "opsgenie-key",
        "Opsgenie API Key",
        OBS,
        r"opsgenie",
        UUID,
        ("opsgenie",),
        about=About(
            docs="https://support.atlassian.com/opsgenie/docs/api-key-management/",
            examples=("OPSGENIE_API_KEY={uuid}",),
            negatives=("OPSGENIE_API_KEY={h8}-{h4}-{h4}", "OPSGENIE_API_KEY=<your-api-key>"),
        ),
    ),
    keyed(
        "honeybadger-key",
        "Honeybadger API Key",
        OBS,
        r"honeybadger",
        alnum("20,32"),
        ("honeybadger",),
        min_entropy=3.5,
        about=About(
            docs="https://docs.honeybadger.io/api/",
            examples=('honeybadger_api_key = "{a24}"',),
            negatives=(
                'honeybadger_api_key = "{a12}"',
                'honeybadger_api_key = "<your-api-key>"',
            ),
        ),
    ),
    keyed(
        "elastic-api-key",
        "Elastic API Key",
        OBS,
        r"elastic",
        r"[A-Za-z0-9_\-]{20,}={0,2}",
        ("elastic",),
        min_entropy=4.0,
        about=About(
            docs="https://www.elastic.co/guide/en/elasticsearch/reference/current/security-api-create-api-key.html",
            examples=('elastic_api_key = "{u60}=="',),
            negatives=('elastic_api_key = "<your-api-key>=="',),
        ),
    ),
    keyed(
        "segment-write-key",
        "Segment Write Key",
        OBS,
        r"segment",
        alnum(32),
        ("segment",),
        min_entropy=3.5,
        about=About(
            docs="https://segment.com/docs/connections/find-writekey/",
            examples=('segment_write_key = "{a32}"',),
            negatives=('segment_write_key = "{a16}"', 'segment_write_key = "<your-api-key>"'),
        ),
    ),
    keyed(
        "mixpanel-secret",
        "Mixpanel API Secret",
        OBS,
        r"mixpanel",
        hex_(32),
        ("mixpanel",),
        about=About(
            docs="https://docs.mixpanel.com/docs/orgs-and-projects/managing-projects",
            examples=('mixpanel_api_secret = "{h32}"',),
            negatives=(
                'mixpanel_api_secret = "{h16}"',
                'mixpanel_api_secret = "<your-secret>"',
            ),
        ),
    ),
    keyed(
        "amplitude-secret",
        "Amplitude API Secret",
        OBS,
        r"amplitude",
        hex_(32),
        ("amplitude",),
        about=About(
            docs="https://amplitude.com/docs/apis/authentication",
            examples=('amplitude_secret_key = "{h32}"',),
            negatives=(
                'amplitude_secret_key = "{h16}"',
                'amplitude_secret_key = "<your-secret>"',
            ),
        ),
    ),
    keyed(
        "launchdarkly-key",
        "LaunchDarkly Access Token",
        OBS,
        r"launchdarkly",
        r"(?:api|sdk|mob)-" + UUID,
        ("launchdarkly",),
        about=About(
            docs="https://docs.launchdarkly.com/home/account/api",
            examples=('launchdarkly_token = "api-{uuid}"',),
            negatives=(
                'launchdarkly_token = "api-{h8}-{h4}-{h4}"',
                'launchdarkly_token = "api-<your-token>"',
            ),
        ),
    ),
    token(
        "launchdarkly-sdk-key",
        "LaunchDarkly SDK Key",
        OBS,
        r"sdk-" + UUID,
        ("sdk-",),
        about=About(
            docs="https://docs.launchdarkly.com/sdk/concepts/client-side-server-side",
            examples=("LD=sdk-{uuid}",),
            negatives=("LD=sdk-{h8}-{h4}-{h4}",),
        ),
    ),
    keyed(
        "algolia-admin-key",
        "Algolia Admin API Key",
        OBS,
        r"algolia",
        hex_(32),
        ("algolia",),
        about=About(
            docs="https://www.algolia.com/doc/guides/security/api-keys/",
            examples=('algolia_admin_key = "{h32}"',),
            negatives=('algolia_admin_key = "{h16}"', 'algolia_admin_key = "<your-api-key>"'),
        ),
    ),
    token(
        "mapbox-secret-token",
        "Mapbox Secret Token",
        OBS,
        r"sk\.eyJ[\w\-]{50,}\.[\w\-]{20,}",
        ("sk.eyj",),
        about=About(
            docs="https://docs.mapbox.com/accounts/guides/tokens/",
            examples=("MAPBOX=sk.eyJ{u60}.{u22}",),
            negatives=("MAPBOX=sk.eyJ{u30}.{u22}",),
        ),
    ),
)
