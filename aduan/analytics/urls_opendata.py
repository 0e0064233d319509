"""urls_opendata"""

urlpatterns: list = []
