package gateway

import (
	"github.com/switchboard-gov/switchboard/config"
	"github.com/switchboard-gov/switchboard/protocol"
)

// Simulate points every provider of cfg at the fake vendors served at
// fakeURL (internal/fakeprovider), keeping each provider's protocol and
// channel. It is how `serve --demo` and `serve --simulate` run a real
// configuration offline, and how tests replay scenarios.
func Simulate(cfg *config.Config, fakeURL string) {
	for name, p := range cfg.Providers {
		p.BaseURL = fakeURL
		if protocol.Name(p.Protocol) == protocol.OpenAI {
			p.BaseURL += "/v1"
		}
		if p.APIKey == "" {
			p.APIKey = "simulated"
		}
		cfg.Providers[name] = p
	}
}
