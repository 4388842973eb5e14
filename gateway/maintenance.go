package gateway

import (
	"context"
	"sort"
	"time"

	"github.com/switchboard-gov/switchboard/audit"
	"github.com/switchboard-gov/switchboard/policy"
)

// traffic is recent traffic per tenant and requested model, from the audit
// trail: what a draft directive is evaluated against (what-if).
func (g *Gateway) traffic(ctx context.Context, since time.Time) ([]policy.TrafficSample, error) {
	type key struct{ tenant, model string }
	counts := map[key]int{}
	err := g.audit.Store().Query(ctx, audit.Filter{Kind: audit.KindRequest, From: since}, func(r *audit.Record) error {
		if r.RequestedModel != "" {
			counts[key{r.Tenant, r.RequestedModel}]++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]policy.TrafficSample, 0, len(counts))
	for k, n := range counts {
		out = append(out, policy.TrafficSample{Tenant: k.tenant, Model: k.model, Count: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Tenant != out[j].Tenant {
			return out[i].Tenant < out[j].Tenant
		}
		return out[i].Model < out[j].Model
	})
	return out, nil
}

// retain applies the configured retention rules (NARA GRS shape) to the
// audit trail once an hour: expired records are pruned behind a signed
// checkpoint, legal holds block deletion, and every pruning is itself
// recorded. Without rules nothing is ever deleted.
func (g *Gateway) retain(ctx context.Context, every time.Duration) {
	pol := g.retention
	if pol == nil {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		res, err := g.audit.Prune(ctx, pol, "retention schedule", g.opts.Now())
		if err != nil {
			g.opts.Logger.Error("audit retention: pruning failed; nothing was deleted past the failure", "err", err)
		} else {
			g.opts.Logger.Info("audit retention applied", "result", res)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
