package audit

import "github.com/switchboard-gov/switchboard/proxy"

// proxyContent is the prompt and answer the proxy captured for p (empty
// when it captured none).
func proxyContent(p *proxy.Record) (prompt, response string) {
	return "", ""
}
