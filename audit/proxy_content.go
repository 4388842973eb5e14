package audit

import "github.com/switchboard-gov/switchboard/proxy"

// proxyContent is the prompt and answer the proxy captured for p. The
// proxy does not capture content yet (proxy.Record has no Prompt/Response
// fields), so requests are recorded without content whatever the tenant's
// capture mode; Write with a Content captures it for other callers.
func proxyContent(*proxy.Record) (prompt, response string) {
	return "", ""
}
