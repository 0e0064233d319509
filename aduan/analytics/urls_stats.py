"""urls_stats"""

urlpatterns: list = []
