"""urls_budget"""

urlpatterns: list = []
