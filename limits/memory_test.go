package limits_test

import (
	"testing"

	"github.com/switchboard-gov/switchboard/limits"
	"github.com/switchboard-gov/switchboard/limits/limitstest"
)

func TestMemoryContract(t *testing.T) {
	limitstest.Run(t, limitstest.Factory{
		New: func(t *testing.T, cfg limits.Config) (limits.Limiter, error) { return limits.NewMemory(cfg) },
		// One Memory shared by three callers stands in for three nodes of
		// one process.
		Nodes: func(t *testing.T, cfg limits.Config, n int) ([]limits.Limiter, error) {
			m, err := limits.NewMemory(cfg)
			if err != nil {
				return nil, err
			}
			out := make([]limits.Limiter, n)
			for i := range out {
				out[i] = m
			}
			return out, nil
		},
	})
}
