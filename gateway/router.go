package gateway

import (
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/policy"
	"github.com/switchboard-gov/switchboard/proxy"
	"github.com/switchboard-gov/switchboard/route"
)

// policyRouter is the proxy's Router over a policy snapshot: the catalog,
// aliases and every directive, evaluated per request.
type policyRouter struct{ s *policy.Snapshot }

var _ proxy.Router = policyRouter{}

// Route decides with policy.Decide and turns the decision into the targets
// the proxy tries and the headers it discloses.
func (r policyRouter) Route(p *switchboard.Principal, model string, uses []string, now time.Time) (proxy.Route, error) {
	if model == "" {
		return proxy.Route{}, &switchboard.Error{Code: switchboard.EINVALID, Param: "model", Message: "you must provide a model"}
	}
	d := policy.Decide(r.s, policy.Request{Tenant: p.Tenant, Model: model, Uses: uses, Now: now})
	rt := proxy.Route{
		Outcome:   string(d.Outcome),
		Directive: d.DirectiveID,
		Notice:    d.Notice,
		Waiver:    d.WaiverID,
		Reroute:   d.RerouteTo,
		Reason:    d.Reason,
	}
	if err := d.Err(); err != nil {
		if d.Outcome == policy.OutcomeUnknown {
			rt.Directive, rt.Notice = "", ""
			return rt, &switchboard.Error{Code: switchboard.ENOTFOUND, Param: "model",
				Message: "the model `" + model + "` does not exist or you do not have access to it; GET /v1/models lists the models you may use"}
		}
		return rt, err
	}
	rt.Targets = make([]route.Target, len(d.Targets))
	rt.PerTarget = make([]proxy.TargetPolicy, len(d.Targets))
	for i, t := range d.Targets {
		rt.Targets[i] = t.Target
		rt.PerTarget[i] = proxy.TargetPolicy{Outcome: string(t.Outcome), Directive: t.DirectiveID, Notice: t.Notice, Waiver: t.WaiverID}
	}
	return rt, nil
}

// Visible lists what the caller's tenant may use now.
func (r policyRouter) Visible(p *switchboard.Principal, now time.Time) []string {
	return policy.Visible(r.s, p.Tenant, now)
}
