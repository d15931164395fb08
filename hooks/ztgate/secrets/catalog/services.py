"""Vendor credentials in forms the vendor modules do not cover: unkeyed prefixed tokens
(Contentful `CFPAT-`, New Relic `...NRAL`, Azure DevOps' 84-character PATs), webhook and
workflow URLs that carry their own signature, and secrets in front-end public env variables.
"""

from __future__ import annotations

from ztgate.secrets.catalog._shapes import UUID, P, alnum, hex_
from ztgate.secrets.detectors import About, keyed, token

SAAS = "saas"
CLOUD = "cloud"
CHAT = "communication"
OBS = "observability"
REG = "registry"

DETECTORS = (
    token(
        "okta-ssws-token",
        "Okta API Token",
        SAAS,
        # Okta's API tokens travel as `Authorization: SSWS <token>`; the scheme alone marks one
        # wherever the header is built (`f"SSWS {token}"` aside: a literal token only).
        r"SSWS[ \t]+(?P<secret>00[A-Za-z0-9_\-]{40})",
        ("ssws",),
        about=About(
            docs="https://developer.okta.com/docs/guides/create-an-api-token/main/",
            examples=('headers = {"Accept": "application/json", "Authorization": "SSWS 00{u40}"}',),
            negatives=("Authorization: SSWS ${OKTA_API_TOKEN}", "SSWS 00{u30}", "SSWS {u42}"),
        ),
    ),
    token(
        "azure-devops-pat-v2",
        "Azure DevOps Personal Access Token",
        CLOUD,
        # 84 characters with the fixed signature `AZDO` at positions 77-80.
        alnum(76) + "AZDO" + alnum(4),
        ("azdo",),
        min_entropy=4.0,
        about=About(
            docs="https://learn.microsoft.com/en-us/purview/sit-defn-azure-devops-personal-access-token",
            examples=(
                "PAT={a76}AZDO{a2}{d2}",
                "git clone https://build:{a76}AZDO{a2}{d2}@dev.azure.com/org/proj/_git/repo",
            ),
            negatives=("PAT={a70}AZDO{a4}", "PAT={a76}AZDX{a4}", "PAT={a76}AZDO{a6}"),
        ),
    ),
    token(
        "teams-legacy-webhook-url",
        "Microsoft Teams Webhook",
        CHAT,
        # Incoming webhooks created before the `webhook.office.com` domain.
        r"https://outlook\.office(?:365)?\.com/webhook/"
        + UUID
        + "@"
        + UUID
        + r"/IncomingWebhook/"
        + hex_(32)
        + "/"
        + UUID,
        ("outlook.office",),
        right=r"(?![\w\-])",
        about=About(
            docs="https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook",
            examples=(
                "https://outlook.office.com/webhook/{uuid}@{uuid}/IncomingWebhook/{h32}/{uuid}",
            ),
            negatives=(
                "https://outlook.office.com/webhook/{uuid}@{uuid}/IncomingWebhook/{h30}/{uuid}",
                "https://outlook.office.com/mail/inbox",
            ),
        ),
    ),
    token(
        "azure-workflow-trigger-url",
        "Azure Logic Apps / Power Automate Trigger URL",
        CLOUD,
        # A request trigger's callback URL carries a SAS signature: whoever holds it runs the
        # workflow.
        r"https://[\w\-]{1,100}(?:\.[\w\-]{1,100}){0,4}\.(?:logic\.azure\.com|api\.powerplatform\.com)"
        r"(?::443)?/[^\s'\"?]{1,300}\?(?:[^\s'\"]{0,400}?&)?sig="
        r"(?P<secret>[A-Za-z0-9_\-%]{40,100})",
        ("logic.azure.com", "powerplatform.com"),
        right=r"(?![A-Za-z0-9_\-%])",
        about=About(
            docs="https://learn.microsoft.com/en-us/powershell/module/az.logicapp/get-azlogicapptriggercallbackurl",
            examples=(
                "https://prod-12.westus.logic.azure.com:443/workflows/{h32}/triggers/manual/paths/"
                "invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={u43}",
                "https://default{h32}.ab.environment.api.powerplatform.com:443/powerautomate/"
                "automations/direct/workflows/{h32}/triggers/manual/paths/invoke?api-version=1"
                "&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={u43}",
            ),
            negatives=(
                "https://prod-03.westus.logic.azure.com:443/workflows/{h32}/triggers/manual/run"
                "?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=<value>",
                "https://prod-03.westus.logic.azure.com/workflows/{h32}/triggers/manual/run",
            ),
        ),
    ),
    token(
        "azure-sas-signature",
        "Azure SAS Token",
        CLOUD,
        # A SAS in a connection string (`SharedAccessSignature=sv=...&sig=`) or a Service Bus /
        # Event Hubs `Authorization: SharedAccessSignature sr=...&sig=...&se=...&skn=...`.
        # Each field `name=value&` (no `=` in a value: its base64 is URL-encoded), so a field
        # never runs into the next `SharedAccessSignature=`.
        rf"SharedAccessSignature[ \t]*{P}(?:=[ \t]*{P})?"
        r"(?:[a-z]{1,5}=[^\s'\";&=]{0,300}&){0,12}?sig=(?P<secret>[A-Za-z0-9%+/=]{30,200})",
        ("sharedaccesssignature",),
        right=r"(?![A-Za-z0-9%+/=])",
        about=About(
            docs="https://learn.microsoft.com/en-us/azure/service-bus-messaging/service-bus-sas",
            examples=(
                "Authorization: SharedAccessSignature sr=https%3A%2F%2Fns.servicebus.windows.net"
                "%2Fq&sig={a20}%2B{a22}%3D&se=1700000000&skn=RootManageSharedAccessKey",
                "BlobEndpoint=https://acct.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-"
                "02&ss=b&srt=sco&sp=rl&se=2030-01-01T00:00:00Z&sig={a43}%3D",
            ),
            negatives=(
                "SharedAccessSignature sr=<resource>&sig=<signature>&se=<expiry>&skn=<name>",
                "SharedAccessSignature=sv=2022-11-02&sig=",
            ),
        ),
    ),
    token(
        "azure-app-configuration-secret",
        "Azure App Configuration Connection String",
        CLOUD,
        # `Endpoint=https://<store>.azconfig.io;Id=<id>;Secret=<base64>`.
        r"Endpoint=https://[\w\-]{1,100}\.azconfig\.io/?;Id=[^;\s'\"]{1,100};"
        r"Secret=(?P<secret>[A-Za-z0-9+/]{30,100}={0,2})",
        ("azconfig.io",),
        right=r"(?![A-Za-z0-9+/=])",
        about=About(
            docs="https://learn.microsoft.com/en-us/azure/azure-app-configuration/quickstart-dotnet-core-app",
            examples=("Endpoint=https://store1.azconfig.io;Id={a4}-l1-s0:{a20};Secret={a43}=",),
            negatives=(
                "Endpoint=https://store1.azconfig.io;Id=<id>;Secret=<secret>",
                "Endpoint=https://store1.azconfig.io;Id={a4}-l1-s0:{a20};Secret={a10}",
            ),
        ),
    ),
    token(
        "azure-signalr-access-key",
        "Azure SignalR / Web PubSub Access Key",
        CLOUD,
        # `Endpoint=https://<name>.service.signalr.net;AccessKey=<base64>;Version=1.0;`.
        r"Endpoint=https://[\w\-]{1,100}\.(?:service\.signalr\.net|webpubsub\.azure\.com)"
        r"/?;(?:[A-Za-z]{1,20}=[^;\s'\"]{0,100};){0,3}?"
        r"AccessKey=(?P<secret>[A-Za-z0-9+/]{30,100}={0,2})",
        ("signalr.net", "webpubsub.azure.com"),
        right=r"(?![A-Za-z0-9+/=])",
        about=About(
            docs="https://learn.microsoft.com/en-us/azure/azure-signalr/concept-connection-string",
            examples=(
                "Endpoint=https://chat1.service.signalr.net;AccessKey={a43}=;Version=1.0;",
                "Endpoint=https://hub1.webpubsub.azure.com;AccessKey={a43}=;Version=1.0;",
            ),
            negatives=(
                "Endpoint=https://chat1.service.signalr.net;AuthType=azure.msi;Version=1.0;",
                "Endpoint=https://chat1.service.signalr.net;AccessKey=<key>;Version=1.0;",
            ),
        ),
    ),
    token(
        "azure-function-key-url",
        "Azure Functions Key",
        CLOUD,
        # An HTTP-triggered function's URL with its key: `...azurewebsites.net/api/fn?code=`.
        r"https://[\w\-]{1,100}\.azurewebsites\.net/api/[^\s'\"?]{1,200}\?"
        r"(?:[^\s'\"]{0,300}?&)?code=(?P<secret>[A-Za-z0-9_\-]{20,100}={0,2})",
        ("azurewebsites.net",),
        right=r"(?![A-Za-z0-9_\-=])",
        about=About(
            docs="https://learn.microsoft.com/en-us/azure/azure-functions/function-keys-how-to",
            examples=(
                "https://myapp.azurewebsites.net/api/HttpTrigger1?code={u54}==",
                'FUNCTION_URL="https://myapp.azurewebsites.net/api/orders?clientId=default'
                '&code={u54}=="',
            ),
            negatives=(
                "https://myapp.azurewebsites.net/api/HttpTrigger1?code=<your_function_key>",
                "https://myapp.azurewebsites.net/api/HttpTrigger1?name=World",
                "https://myapp.azurewebsites.net/api/HttpTrigger1?code={u10}",
            ),
        ),
    ),
    token(
        "newrelic-license-key-nral",
        "New Relic License Key",
        OBS,
        # Ingest license keys: 36 hex and the suffix `NRAL`.
        hex_(36) + "NRAL",
        ("nral",),
        about=About(
            docs="https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/",
            examples=("license_key: {h36}NRAL", '"licenseKey": "{h36}NRAL"'),
            negatives=("license_key: {h30}NRAL", "license_key: {h36}NRAX"),
        ),
    ),
    token(
        "contentful-personal-access-token",
        "Contentful Personal Access Token",
        SAAS,
        r"CFPAT-[A-Za-z0-9_\-]{43}",
        ("cfpat-",),
        about=About(
            docs="https://contentful.com/help/token-management/personal-access-tokens",
            examples=("CONTENTFUL_MANAGEMENT_TOKEN=CFPAT-{u43}", 'token: "CFPAT-{u43}"'),
            negatives=("CFPAT-{u20}", "CFPAT-<token>"),
        ),
    ),
    keyed(
        "launchdarkly-api-token",
        "LaunchDarkly Access Token",
        SAAS,
        # REST API access tokens: `api-` and a UUID, under an `LD_`/`launchdarkly` name (an
        # `api-<uuid>` alone is as often a resource's name).
        r"ld|launch_?darkly",
        r"api-" + UUID,
        ("ld", "launchdarkly", "launch_darkly"),
        about=About(
            docs="https://launchdarkly.com/docs/api",
            examples=("LD_API_KEY=api-{uuid}", 'ldAccessToken: "api-{uuid}"'),
            negatives=(
                '"resourceId": "api-{uuid}"',
                "LD_API_KEY=api-{h32}",
                "LD_API_KEY=x-api-{uuid}",
            ),
        ),
    ),
    token(
        "twitter-bearer-token-short-prefix",
        "Twitter/X Bearer Token",
        CHAT,
        # App-only bearer tokens: a run of `A`s (21 and more), then URL-encoded base64.
        r"A{21,30}[A-Za-z0-9%]{70,140}",
        ("aaaaaaaaaaaaaaaaaaaaa",),
        left=r"(?<![A-Za-z0-9_.+/%])",
        right=r"(?![A-Za-z0-9_+/=%])",
        min_entropy=3.5,
        about=About(
            docs="https://developer.x.com/en/docs/authentication/oauth-2-0/bearer-tokens",
            examples=("TWITTER_BEARER_TOKEN=AAAAAAAAAAAAAAAAAAAAA{a20}%2B{a20}%3D{a50}",),
            negatives=("TWITTER_BEARER_TOKEN=AAAAAAAAAAAAAAAAAAAAA{a20}",),
        ),
    ),
    keyed(
        "twitter-access-token",
        "Twitter/X Access Token",
        CHAT,
        r"twitter|tw_access|x_access",
        r"[0-9]{5,20}-[A-Za-z0-9]{40}",
        ("twitter", "tw_access", "x_access"),
        about=About(
            docs="https://developer.x.com/en/docs/authentication/oauth-1-0a/obtaining-user-access-tokens",
            examples=(
                "TWITTER_ACCESS_TOKEN={d19}-{a40}",
                'twitter_access_token = "{d10}-{a40}"',
            ),
            negatives=("TWITTER_ACCESS_TOKEN={d19}-{a30}", "TWITTER_ACCESS_TOKEN=<token>"),
        ),
    ),
    token(
        "twitch-chat-oauth-token",
        "Twitch OAuth Token",
        CHAT,
        # Chat (IRC) logins send `PASS oauth:<token>`.
        r"oauth:(?P<secret>[a-z0-9]{30})",
        ("oauth:",),
        left=r"(?<![\w\-])",
        min_entropy=3.5,
        about=About(
            docs="https://dev.twitch.tv/docs/chat/irc/",
            examples=("PASS oauth:{L30}", 'TWITCH_OAUTH = "oauth:{L30}"'),
            negatives=("PASS oauth:<token>", "oauth:{L20}", "oauth:{L40}"),
        ),
    ),
    keyed(
        "eventbrite-token",
        "Eventbrite Private Token",
        SAAS,
        r"eventbrite",
        r"[A-Z0-9]{20}",
        ("eventbrite",),
        min_entropy=3.0,
        about=About(
            docs="https://www.eventbrite.com/platform/api#/introduction/authentication",
            examples=("EVENTBRITE_TOKEN={U20}", 'eventbrite_private_token = "{U20}"'),
            negatives=("EVENTBRITE_TOKEN={U16}", "EVENTBRITE_TOKEN=${EVENTBRITE_TOKEN}"),
        ),
    ),
    keyed(
        "packagecloud-token",
        "Packagecloud API Token",
        REG,
        r"package_?cloud",
        hex_(48),
        ("packagecloud", "package_cloud"),
        about=About(
            docs="https://packagecloud.io/docs/api",
            examples=("PACKAGECLOUD_TOKEN={h48}", '"packagecloud_token": "{h48}"'),
            negatives=("PACKAGECLOUD_TOKEN={h40}", "PACKAGECLOUD_TOKEN=<token>"),
        ),
    ),
    keyed(
        "coveralls-repo-token",
        "Coveralls Repo Token",
        REG,
        r"coveralls[\w\-]{0,20}|repo_token",
        alnum("32,40"),
        ("coveralls", "repo_token"),
        min_entropy=3.5,
        about=About(
            docs="https://docs.coveralls.io/api-introduction",
            examples=("repo_token: {a33}", "COVERALLS_REPO_TOKEN={a32}"),
            negatives=("repo_token: ${{ secrets.COVERALLS }}", "repo_token: {a20}"),
        ),
    ),
    token(
        "public-env-secret",
        "Secret in Public Front-end Variable",
        SAAS,
        # Vite, Create React App, Next.js, Expo, Gatsby and Nuxt inline these variables into
        # the bundle every visitor downloads: a secret or password there is published.
        r"(?:REACT_APP|VITE|NEXT_PUBLIC|EXPO_PUBLIC|GATSBY|NUXT_PUBLIC)_[A-Z0-9_]{0,60}?"
        r"(?:SECRET(?:_ACCESS)?(?:_KEY)?|PASSWORD|PASSWD|PRIVATE_KEY|TOKEN)"
        rf"[ \t]*{P}[=:][ \t]*{P}['\"]?(?P<secret>(?!pk\.)[^\s'\"`]{{8,256}}{P})",
        ("react_app_", "vite_", "next_public_", "expo_public_", "gatsby_", "nuxt_public_"),
        left=r"(?<![\w.])",
        right=r"(?=[\s'\"`]|$)",
        anchored=True,
        min_entropy=3.0,
        about=About(
            docs="https://vite.dev/guide/env-and-mode",
            examples=(
                "REACT_APP_STRIPE_SECRET={a24}",
                "VITE_SUPABASE_SERVICE_TOKEN={a32}",
                "NEXT_PUBLIC_API_SECRET={a20}",
                "REACT_APP_ADMIN_PASSWORD={a16}",
            ),
            negatives=(
                "VITE_MAPBOX_TOKEN=pk.{a60}",
                "NEXT_PUBLIC_API_SECRET=${API_SECRET}",
                "VITE_API_URL=https://api.example.com",
                "REACT_APP_SECRET=changeme",
                "const s = import.meta.env.VITE_API_SECRET",
            ),
        ),
    ),
)
