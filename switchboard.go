// Package switchboard holds the domain of the gateway: tenants, keys, vendors,
// models, directives and audit records, the interfaces of the stores that keep
// them, and the one error type every layer returns.
//
// Adapters live in sub-packages named after what they adapt (sqlite, postgres,
// protocol/openai, …); cmd/switchboard wires them together.
package switchboard

// Version is the release of the binary; the build may override it with
// -ldflags "-X github.com/switchboard-gov/switchboard.Version=…".
var Version = "0.1.0-dev"
