"""Payment processors and commerce platforms."""

from __future__ import annotations

from ztgate.secrets.catalog._shapes import alnum, hex_
from ztgate.secrets.detectors import keyed, token

PAY = "payments"

DETECTORS = (
    token(
        "stripe-secret-key",
        "Stripe Access Key",
        PAY,
        r"(?:sk|rk)_(?:test|live|prod)_" + alnum("10,99"),
        ("sk_test_", "sk_live_", "sk_prod_", "rk_test_", "rk_live_", "rk_prod_"),
        anchored=True,
    ),
    token(
        "stripe-webhook-secret", "Stripe Webhook Secret", PAY, r"whsec_" + alnum("32,"), ("whsec_",)
    ),
    token(
        "square-access-token",
        "Square Access Token",
        PAY,
        r"sq0atp-[\w\-]{22}|EAAA[\w\-]{60}",
        ("sq0atp-", "eaaa"),
        anchored=True,
    ),
    token("square-oauth-secret", "Square OAuth Secret", PAY, r"sq0csp-[\w\-]{43}", ("sq0csp-",)),
    token(
        "braintree-access-token",
        "PayPal Braintree Access Token",
        PAY,
        r"access_token\$(?:production|sandbox)\$[a-z0-9]{16}\$" + hex_(32),
        ("access_token$",),
    ),
    keyed(
        "paypal-client-secret",
        "PayPal Client Secret",
        PAY,
        r"paypal",
        r"[A-Za-z0-9_\-]{80}",
        ("paypal",),
        min_entropy=3.5,
    ),
    keyed(
        "adyen-api-key", "Adyen API Key", PAY, r"adyen", r"AQE[A-Za-z0-9+/=_\-]{40,}", ("adyen",)
    ),
    token(
        "razorpay-key-id",
        "Razorpay Key",
        PAY,
        r"rzp_(?:live|test)_" + alnum(14),
        ("rzp_live_", "rzp_test_"),
    ),
    keyed(
        "razorpay-secret",
        "Razorpay Key Secret",
        PAY,
        r"razorpay",
        alnum(24),
        ("razorpay",),
        min_entropy=3.5,
    ),
    token(
        "flutterwave-secret-key",
        "Flutterwave Secret Key",
        PAY,
        r"FLWSECK(?:_TEST)?-[a-h0-9]{32}-X",
        ("flwseck",),
    ),
    token(
        "flutterwave-encryption-key",
        "Flutterwave Encryption Key",
        PAY,
        r"FLWSECK(?:_TEST)?[a-h0-9]{12}",
        ("flwseck",),
    ),
    keyed(
        "gocardless-token",
        "GoCardless Access Token",
        PAY,
        r"gocardless",
        r"(?:live|sandbox)_[A-Za-z0-9_\-=]{40}",
        ("gocardless",),
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
    ),
    keyed("plaid-secret", "Plaid Secret", PAY, r"plaid", r"[a-f0-9]{30}", ("plaid",)),
    token(
        "shopify-token",
        "Shopify Token",
        PAY,
        r"shp(?:at|ca|pa|ss)_" + hex_(32),
        ("shpat_", "shpca_", "shppa_", "shpss_"),
        anchored=True,
    ),
    token(
        "shippo-api-token",
        "Shippo API Token",
        PAY,
        r"shippo_(?:live|test)_" + hex_(40),
        ("shippo_",),
    ),
    token("easypost-api-key", "EasyPost API Key", PAY, r"EZ[AT]K" + alnum(54), ("ezak", "eztk")),
    token(
        "duffel-api-token",
        "Duffel API Token",
        PAY,
        r"duffel_(?:test|live)_[\w=\-]{43}",
        ("duffel_",),
    ),
    keyed(
        "mollie-api-key",
        "Mollie API Key",
        PAY,
        r"mollie",
        r"(?:live|test)_" + alnum(30),
        ("mollie",),
    ),
    keyed(
        "coinbase-secret",
        "Coinbase API Secret",
        PAY,
        r"coinbase",
        r"[A-Za-z0-9_\-]{64}",
        ("coinbase",),
        min_entropy=3.5,
    ),
    keyed(
        "kraken-secret",
        "Kraken API Secret",
        PAY,
        r"kraken",
        r"[A-Za-z0-9/=+_\-]{80,90}",
        ("kraken",),
        min_entropy=3.5,
    ),
    keyed(
        "freemius-secret-key",
        "Freemius Secret Key",
        PAY,
        r"secret_key",
        r"sk_[\S]{29}",
        ("secret_key",),
    ),
    keyed(
        "paystack-secret",
        "Paystack Secret Key",
        PAY,
        r"paystack",
        r"sk_(?:live|test)_" + hex_(40),
        ("paystack",),
    ),
    keyed(
        "checkout-secret-key",
        "Checkout.com Secret Key",
        PAY,
        r"checkout",
        r"sk_(?:sbox_)?[a-z0-9]{26,}",
        ("checkout",),
    ),
)
