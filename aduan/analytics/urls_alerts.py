"""urls_alerts"""

urlpatterns: list = []
