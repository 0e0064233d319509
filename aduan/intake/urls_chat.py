"""Chat channel webhooks (docs/channels.md): WhatsApp Business Cloud API and the Telegram bot."""

from django.urls import path

from . import views_chat

urlpatterns = [
    path("whatsapp/", views_chat.whatsapp_webhook, name="whatsapp"),
    path("telegram/", views_chat.telegram_webhook, name="telegram"),
]
