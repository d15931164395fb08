"""Payment processors and commerce platforms."""

from __future__ import annotations

from ztgate.secrets.catalog._shapes import alnum, hex_
from ztgate.secrets.detectors import About, keyed, token

PAY = "payments"

DETECTORS = (
    token(
        "stripe-secret-key",
        "Stripe Access Key",
        PAY,
        r"(?:sk|rk)_(?:test|live|prod)_" + alnum("10,99"),
        ("sk_test_", "sk_live_", "sk_prod_", "rk_test_", "rk_live_", "rk_prod_"),
        anchored=True,
        about=About(
            docs="https://docs.stripe.com/keys",
            examples=("STRIPE=sk_live_{a40}",),
            negatives=("STRIPE=pk_live_{a40}",),
        ),
    ),
    token(
        "stripe-webhook-secret",
        "Stripe Webhook Secret",
        PAY,
        r"whsec_" + alnum("32,"),
        ("whsec_",),
        about=About(
            docs="https://docs.stripe.com/webhooks#verify-events",
            examples=("STRIPE_WEBHOOK=whsec_{a32}",),
            negatives=("STRIPE_WEBHOOK=whsec_{a16}",),
        ),
    ),
    token(
        "square-access-token",
        "Square Access Token",
        PAY,
        r"sq0atp-[\w\-]{22}|EAAA[\w\-]{60}",
        ("sq0atp-", "eaaa"),
        anchored=True,
        about=About(
            docs="https://developer.squareup.com/docs/build-basics/access-tokens",
            examples=("SQUARE=sq0atp-{u22}",),
            negatives=("SQUARE=sq0atp-{u11}",),
        ),
    ),
    token(
        "square-oauth-secret",
        "Square OAuth Secret",
        PAY,
        r"sq0csp-[\w\-]{43}",
        ("sq0csp-",),
        about=About(
            docs="https://developer.squareup.com/docs/oauth-api/overview",
            examples=("SQUARE=sq0csp-{u43}",),
            negatives=("SQUARE=sq0csp-{u21}",),
        ),
    ),
    token(
        "braintree-access-token",
        "PayPal Braintree Access Token",
        PAY,
        r"access_token\$(?:production|sandbox)\$[a-z0-9]{16}\$" + hex_(32),
        ("access_token$",),
        about=About(
            docs="https://developer.paypal.com/braintree/articles/control-panel/important-gateway-credentials",
            examples=("BT=access_token$production${L16}${h32}",),
            negatives=("BT=access_token$production${L16}${h16}",),
        ),
    ),
    keyed(
        "paypal-client-secret",
        "PayPal Client Secret",
        PAY,
        r"paypal",
        r"[A-Za-z0-9_\-]{80}",
        ("paypal",),
        min_entropy=3.5,
        about=About(
            docs="https://developer.paypal.com/api/rest/authentication/",
            examples=('paypal_client_secret = "{u80}"',),
            negatives=(
                'paypal_client_secret = "{u40}"',
                'paypal_client_secret = "<your-secret>"',
            ),
        ),
    ),
    keyed(
        "adyen-api-key",
        "Adyen API Key",
        PAY,
        r"adyen",
        r"AQE[A-Za-z0-9+/=_\-]{40,}",
        ("adyen",),
        about=About(
            docs="https://docs.adyen.com/development-resources/api-credentials/",
            examples=('adyen_api_key = "AQE{a60}"',),
            negatives=('adyen_api_key = "AQE{a30}"', 'adyen_api_key = "AQE<your-api-key>"'),
        ),
    ),
    token(
        "razorpay-key-id",
        "Razorpay Key",
        PAY,
        r"rzp_(?:live|test)_" + alnum(14),
        ("rzp_live_", "rzp_test_"),
        about=About(
            docs="https://razorpay.com/docs/api/authentication/",
            examples=("RZP=rzp_live_{a14}",),
            negatives=("RZP=rzp_live_{a7}",),
        ),
    ),
    keyed(
        "razorpay-secret",
        "Razorpay Key Secret",
        PAY,
        r"razorpay",
        alnum(24),
        ("razorpay",),
        min_entropy=3.5,
        about=About(
            docs="https://razorpay.com/docs/api/authentication/",
            examples=('razorpay_key_secret = "{a24}"',),
            negatives=(
                'razorpay_key_secret = "{a12}"',
                'razorpay_key_secret = "<your-secret>"',
            ),
        ),
    ),
    token(
        "flutterwave-secret-key",
        "Flutterwave Secret Key",
        PAY,
        r"FLWSECK(?:_TEST)?-[a-h0-9]{32}-X",
        ("flwseck",),
        about=About(
            docs="https://developer.flutterwave.com/docs/authentication",
            examples=("FLW=FLWSECK-{h32}-X",),
            negatives=("FLW=FLWSECK-{h16}-X",),
        ),
    ),
    token(
        "flutterwave-encryption-key",
        "Flutterwave Encryption Key",
        PAY,
        r"FLWSECK(?:_TEST)?[a-h0-9]{12}",
        ("flwseck",),
        about=About(
            docs="https://developer.flutterwave.com/docs/authentication",
            examples=("FLW=FLWSECK{h12}",),
            negatives=("FLW=FLWSECK{h6}",),
        ),
    ),
    keyed(
        "gocardless-token",
        "GoCardless Access Token",
        PAY,
        r"gocardless",
        r"(?:live|sandbox)_[A-Za-z0-9_\-=]{40}",
        ("gocardless",),
        about=About(
            docs="https://developer.gocardless.com/getting-started/api/making-your-first-request/",
            examples=('gocardless_token = "live_{a40}"',),
            negatives=(
                'gocardless_token = "live_{a20}"',
                'gocardless_token = "live_<your-token>"',
            ),
        ),
    ),
    token(
        "plaid-access-token",
        "Plaid Access Token",
        PAY,
        r"access-(?:sandbox|development|production)-"
        + hex_(8)
        + "-"
        + hex_(4)
        + "-"
        + hex_(4)
        + "-"
        + hex_(4)
        + "-"
        + hex_(12),
        ("access-sandbox-", "access-development-", "access-production-"),
        about=About(
            docs="https://plaid.com/docs/api/tokens/",
            examples=("PLAID=access-production-{uuid}",),
            negatives=("PLAID=access-production-{h8}-{h4}-{h4}",),
        ),
    ),
    keyed(
        "plaid-secret",
        "Plaid Secret",
        PAY,
        r"plaid",
        r"[a-f0-9]{30}",
        ("plaid",),
        about=About(
            docs="https://plaid.com/docs/api/",
            examples=('plaid_secret = "{h30}"',),
            negatives=('plaid_secret = "{h15}"', 'plaid_secret = "<your-secret>"'),
        ),
    ),
    token(
        "shopify-token",
        "Shopify Token",
        PAY,
        r"shp(?:at|ca|pa|ss)_" + hex_(32),
        ("shpat_", "shpca_", "shppa_", "shpss_"),
        anchored=True,
        about=About(
            docs="https://shopify.dev/docs/apps/build/authentication-authorization",
            examples=("SHOPIFY=shpat_{h32}",),
            negatives=("SHOPIFY=shpat_{h16}",),
        ),
    ),
    token(
        "shippo-api-token",
        "Shippo API Token",
        PAY,
        r"shippo_(?:live|test)_" + hex_(40),
        ("shippo_",),
        about=About(
            docs="https://docs.goshippo.com/docs/guides_general/authentication/",
            examples=("SHIPPO=shippo_live_{h40}",),
            negatives=("SHIPPO=shippo_live_{h20}",),
        ),
    ),
    token(
        "easypost-api-key",
        "EasyPost API Key",
        PAY,
        r"EZ[AT]K" + alnum(54),
        ("ezak", "eztk"),
        about=About(
            docs="https://docs.easypost.com/docs/authentication",
            examples=("EASYPOST=EZAK{a54}",),
            negatives=("EASYPOST=EZAK{a27}",),
        ),
    ),
    token(
        "duffel-api-token",
        "Duffel API Token",
        PAY,
        r"duffel_(?:test|live)_[\w=\-]{43}",
        ("duffel_",),
        about=About(
            docs="https://duffel.com/docs/api/overview/making-requests/authentication",
            examples=("DUFFEL=duffel_live_{u43}",),
            negatives=("DUFFEL=duffel_live_{u21}",),
        ),
    ),
    keyed(
        "mollie-api-key",
        "Mollie API Key",
        PAY,
        r"mollie",
        r"(?:live|test)_" + alnum(30),
        ("mollie",),
        about=About(
            docs="https://docs.mollie.com/reference/authentication",
            examples=('mollie_api_key = "live_{a30}"',),
            negatives=(
                'mollie_api_key = "live_{a15}"',
                'mollie_api_key = "live_<your-api-key>"',
            ),
        ),
    ),
    keyed(
        "coinbase-secret",
        "Coinbase API Secret",
        PAY,
        r"coinbase",
        r"[A-Za-z0-9_\-]{64}",
        ("coinbase",),
        min_entropy=3.5,
        about=About(
            docs="https://docs.cdp.coinbase.com/",
            examples=('coinbase_api_secret = "{a64}"',),
            negatives=(
                'coinbase_api_secret = "{a32}"',
                'coinbase_api_secret = "<your-secret>"',
            ),
        ),
    ),
    keyed(
        "kraken-secret",
        "Kraken API Secret",
        PAY,
        r"kraken",
        r"[A-Za-z0-9/=+_\-]{80,90}",
        ("kraken",),
        min_entropy=3.5,
        about=About(
            docs="https://docs.kraken.com/api/docs/guides/spot-rest-auth",
            examples=('kraken_private_key = "{b88}"',),
            negatives=('kraken_private_key = "{b44}"', 'kraken_private_key = "<your-api-key>"'),
        ),
    ),
    keyed(
        "freemius-secret-key",
        "Freemius Secret Key",
        PAY,
        r"secret_key",
        r"sk_[\S]{29}",
        ("secret_key",),
        about=About(
            docs="https://freemius.com/help/documentation/",
            examples=('"secret_key" => "sk_{a29}"',),
            negatives=('"secret_key" => "sk_{a14}"', '"secret_key" => "sk_<your-secret>"'),
        ),
    ),
    keyed(
        "paystack-secret",
        "Paystack Secret Key",
        PAY,
        r"paystack",
        r"sk_(?:live|test)_" + hex_(40),
        ("paystack",),
        about=About(
            docs="https://paystack.com/docs/api/authentication/",
            examples=('paystack_secret_key = "sk_live_{h40}"',),
            negatives=(
                'paystack_secret_key = "sk_live_{h20}"',
                'paystack_secret_key = "sk_live_<your-secret>"',
            ),
        ),
    ),
    keyed(
        "checkout-secret-key",
        "Checkout.com Secret Key",
        PAY,
        r"checkout",
        r"sk_(?:sbox_)?[a-z0-9]{26,}",
        ("checkout",),
        about=About(
            docs="https://www.checkout.com/docs",
            examples=('checkout_secret_key = "sk_{L30}"',),
            negatives=(
                'checkout_secret_key = "sk_{L15}"',
                'checkout_secret_key = "sk_<your-secret>"',
            ),
        ),
    ),
)
