from minka.credit.views import funds, loans

app_name = "credit"
urlpatterns = [*funds.urlpatterns, *loans.urlpatterns]
