"""Credit pages: loans (`views.loans`) and funds with their books and collection sheets (`views.funds`)."""
