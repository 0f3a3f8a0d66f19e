DEMO_PASSWORD = "minka-demo"
