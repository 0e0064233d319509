from .views_templates import urlpatterns  # noqa: F401  (the pages and their routes live together)
