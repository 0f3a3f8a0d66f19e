from ninja import NinjaAPI

api = NinjaAPI(title="Minka API", version="1")
