// Package e2e holds end-to-end tests: the real gateway, started in-process
// over HTTP, with the official OpenAI, Anthropic and Gemini SDKs as clients
// and internal/fakeprovider as every upstream vendor.
package e2e
