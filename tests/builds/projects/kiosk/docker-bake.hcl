group "default" {
  targets = ["app", "nightly"]
}

target "app" {
  dockerfile = "Dockerfile"
  target = "prod"
  args = {
    BASE = "python:3.12-slim"
  }
}

target "nightly" {
  inherits = ["app"]
  target = "worker"
  args = {
    BASE = "python:3.13-slim"
  }
}
