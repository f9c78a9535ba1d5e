"""The test-control API's JSON as pydantic models (requests checked by them, responses built from them, the OpenAPI
document generated from them), and the one path that creates accounts from an account spec: validated (`spec`),
filled in with made-up data (`generation`), inserted (`storage`)."""
