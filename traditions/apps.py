from django.apps import AppConfig


class TraditionsConfig(AppConfig):
    name = "traditions"
    verbose_name = "Traditions"
