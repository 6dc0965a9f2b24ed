// Package shared holds what Kabinet's functions share, in three layers a
// reader can tell apart by the folder name alone. The rule below is kept
// by TestLayers (layers_test.go), which reads the real import graph with
// `go list -deps` and names every import that breaks it.
//
// Domain: shared/domain/*. The rules and services (registry, booking,
// applications, ingest, ...), their types, and the ports they declare for
// storage and messaging (registry.Store, message.Publisher, ...). A domain
// package imports only other domain packages and plain libraries: no
// adapter, nothing of shared/app, and no AWS package (aws-sdk-go-v2,
// smithy-go, aws-lambda-go) even transitively, so a rule can be read and
// tested without a cloud in sight. One domain uses another through that
// domain's service or port, never through its storage.
//
// Adapters: each top-level directory under shared/adapter/ is one adapter
// (store = DynamoDB, notify = SNS, httpapi = HTTP with its Lambda door
// httpapi/lambdahttp, eventbridge = EventBridge events, awsconf = AWS
// configuration); its subpackages belong to it. An adapter implements
// domain ports and speaks in domain types: it imports the domain, but
// never another adapter nor shared/app. Two adapters that must cooperate
// meet in composition, through a domain port.
//
// Composition: functions/<name> (one Lambda each, whose run builds its own
// configuration, clients, store, services and handler from shared/app/core),
// shared/app (every function at once, for the local runner and the tests)
// and cmd/... (the local runner, the benchmark). They read configuration,
// build adapters, hand them to services and start the handlers; they may
// import everything. The list of functions itself (package functions:
// names, triggers and routes, sizes, grants) is plain data that any layer
// may read.
package shared
