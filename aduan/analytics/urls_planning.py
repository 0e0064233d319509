"""urls_planning"""

urlpatterns: list = []
