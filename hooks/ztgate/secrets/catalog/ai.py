"""AI and machine-learning platforms."""

from __future__ import annotations

from ztgate.secrets.catalog._shapes import UUID, alnum, hex_
from ztgate.secrets.detectors import keyed, token

AI = "ai-ml"

DETECTORS = (
    token(
        "anthropic-api-key",
        "Anthropic API Key",
        AI,
        r"sk-ant-api\d{2}-[\w\-]{80,110}AA",
        ("sk-ant-api",),
    ),
    token(
        "anthropic-admin-key",
        "Anthropic Admin API Key",
        AI,
        r"sk-ant-admin\d{2}-[\w\-]{80,110}AA",
        ("sk-ant-admin",),
    ),
    token(
        "openai-api-key",
        "OpenAI API Key",
        AI,
        r"sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_\-]{0,160}T3BlbkFJ[A-Za-z0-9_\-]{20,160}",
        ("sk-",),
    ),
    token(
        "huggingface-token",
        "Hugging Face Access Token",
        AI,
        r"hf_[a-zA-Z]{34}",
        ("hf_",),
        min_entropy=3.5,
    ),
    token(
        "huggingface-org-token",
        "Hugging Face Organization Token",
        AI,
        r"api_org_[a-zA-Z]{34}",
        ("api_org_",),
        min_entropy=3.5,
    ),
    token("perplexity-api-key", "Perplexity API Key", AI, r"pplx-" + alnum(48), ("pplx-",)),
    token("replicate-api-token", "Replicate API Token", AI, r"r8_" + alnum(37), ("r8_",)),
    token("groq-api-key", "Groq API Key", AI, r"gsk_" + alnum(52), ("gsk_",)),
    token("xai-api-key", "xAI API Key", AI, r"xai-" + alnum(80), ("xai-",)),
    token("openrouter-api-key", "OpenRouter API Key", AI, r"sk-or-v1-" + hex_(64), ("sk-or-v1-",)),
    token(
        "langsmith-api-key",
        "LangSmith API Key",
        AI,
        r"lsv2_(?:pt|sk)_" + hex_(32) + "_" + hex_(10),
        ("lsv2_",),
    ),
    token("pinecone-api-key", "Pinecone API Key", AI, r"pcsk_[A-Za-z0-9_]{50,}", ("pcsk_",)),
    keyed("pinecone-legacy-key", "Pinecone API Key", AI, r"pinecone", UUID, ("pinecone",)),
    token(
        "fireworks-api-key",
        "Fireworks AI API Key",
        AI,
        r"fw_" + alnum(24),
        ("fw_",),
        min_entropy=3.5,
    ),
    keyed(
        "cohere-api-key",
        "Cohere API Key",
        AI,
        r"cohere|co_api",
        alnum(40),
        ("cohere", "co_api"),
        min_entropy=3.5,
    ),
    keyed(
        "mistral-api-key",
        "Mistral API Key",
        AI,
        r"mistral",
        alnum(32),
        ("mistral",),
        min_entropy=3.5,
    ),
    keyed(
        "deepseek-api-key", "DeepSeek API Key", AI, r"deepseek", r"sk-" + hex_(32), ("deepseek",)
    ),
    keyed("wandb-api-key", "Weights & Biases API Key", AI, r"wandb", hex_(40), ("wandb",)),
    keyed(
        "elevenlabs-api-key",
        "ElevenLabs API Key",
        AI,
        r"eleven|xi_api",
        r"(?:sk_)?" + hex_(32) + r"(?:[a-f0-9]{16})?",
        ("eleven", "xi_api"),
    ),
    keyed("assemblyai-api-key", "AssemblyAI API Key", AI, r"assembly", hex_(32), ("assembly",)),
    keyed("together-api-key", "Together AI API Key", AI, r"together", hex_(64), ("together",)),
    keyed("clarifai-api-key", "Clarifai API Key", AI, r"clarifai", hex_(32), ("clarifai",)),
    keyed(
        "gemini-api-key",
        "Google Gemini API Key",
        AI,
        r"gemini",
        r"AIza[0-9A-Za-z_\-]{35}",
        ("gemini",),
    ),
    token("anyscale-api-key", "Anyscale API Key", AI, r"esecret_[a-z0-9]{26}", ("esecret_",)),
    keyed(
        "roboflow-api-key",
        "Roboflow API Key",
        AI,
        r"roboflow",
        alnum(20),
        ("roboflow",),
        min_entropy=3.5,
    ),
    keyed(
        "stability-api-key",
        "Stability AI API Key",
        AI,
        r"stability",
        r"sk-" + alnum(48),
        ("stability",),
    ),
)
