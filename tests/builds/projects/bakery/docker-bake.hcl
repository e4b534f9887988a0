variable "TAG" {
  default = "1.0"
}

variable "PYTHON" {
  default = "3.12"
}

group "default" {
  targets = ["app", "release"]
}

target "_common" {
  dockerfile = "Dockerfile"
  args = {
    BASE = "python:${PYTHON}-slim"
    BUILD_TAG = "${TAG}"
  }
}

target "app" {
  inherits = ["_common"]
  target = "dev"
  tags = ["bakery/app:${TAG}"]
}

target "release" {
  inherits = ["_common"]
  target = "prod"
  args = {
    BASE = "python:latest"
  }
  platforms = ["linux/amd64", "linux/arm64"]
}

target "computed" {
  inherits = ["_common"]
  args = {
    STAMP = "${timestamp()}"
  }
}
