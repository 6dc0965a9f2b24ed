package httpapi

import _ "embed"

// OpenAPI is the API's OpenAPI 3.1 description: every route of
// functions.Routes, with its parameters, bodies, responses and problem+json
// errors. The local server serves it at GET /openapi.yaml and renders it at
// GET /docs (internal/devapi and internal/apidocs, kept out of the Lambda
// binaries, which therefore do not reference it); the tests keep it and the
// route table in step and check real traffic against it.
//
//go:embed openapi.yaml
var OpenAPI []byte
