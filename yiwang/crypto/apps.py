from django.apps import AppConfig


class CryptoConfig(AppConfig):
    name = "yiwang.crypto"
    label = "crypto"
