package guard

import (
	"fmt"
	"sort"
)

// Action is what a policy does about a detector's findings. Actions are
// ordered: a verdict takes the strongest action any finding calls for.
type Action string

// Actions, weakest first.
const (
	ActionAllow  Action = "allow"  // do nothing
	ActionFlag   Action = "flag"   // record in the audit only
	ActionRedact Action = "redact" // replace the value with a [TYPE] placeholder
	ActionBlock  Action = "block"  // refuse the request, naming the rule
)

func (a Action) rank() int {
	switch a {
	case ActionFlag:
		return 1
	case ActionRedact:
		return 2
	case ActionBlock:
		return 3
	}
	return 0
}

// Policy maps detectors to actions. Types absent from Actions take Default
// (the zero Policy allows everything).
type Policy struct {
	// Name identifies the policy in rule ids ("tenant-hhs").
	Name string `yaml:"name" json:"name,omitempty"`
	// Default is the action for types not listed (default allow).
	Default Action `yaml:"default" json:"default,omitempty"`
	// Actions sets the action per type.
	Actions map[Type]Action `yaml:"actions" json:"actions,omitempty"`
}

// Validate checks that every action is known.
func (p Policy) Validate() error {
	check := func(param string, a Action) error {
		switch a {
		case "", ActionAllow, ActionFlag, ActionRedact, ActionBlock:
			return nil
		}
		return invalid(param, "unknown action %q; use allow, flag, redact or block", a)
	}
	if err := check("guard.policy.default", p.Default); err != nil {
		return err
	}
	for t, a := range p.Actions {
		if err := check("guard.policy.actions."+string(t), a); err != nil {
			return err
		}
		if isUse(t) && a == ActionRedact {
			return invalid("guard.policy.actions."+string(t), "%s is a use category and cannot be redacted; use flag or block", t)
		}
	}
	return nil
}

// ActionFor returns the action the policy takes for findings of type t.
func (p Policy) ActionFor(t Type) Action {
	if a, ok := p.Actions[t]; ok && a != "" {
		return a
	}
	if p.Default == "" {
		return ActionAllow
	}
	if p.Default == ActionRedact && isUse(t) {
		return ActionFlag
	}
	return p.Default
}

// Verdict is a policy's decision on a set of findings. It holds types,
// counts and rule ids only, never values, so it can go to the audit as is.
type Verdict struct {
	Action Action
	// Rules lists the rule ids of the findings that set Action, sorted,
	// prefixed by the policy name ("tenant-hhs:pii.us_ssn.delimited").
	Rules []string
	// Counts counts findings per type (every finding, whatever its action).
	Counts map[string]int
	// Redact lists the findings to redact when Action is ActionRedact (or when a
	// stronger action still leaves some to redact).
	Redact []Finding
}

// Decide applies p to fs.
func Decide(fs []Finding, p Policy) Verdict {
	v := Verdict{Action: ActionAllow, Counts: map[string]int{}}
	rules := map[string]bool{}
	for _, f := range fs {
		v.Counts[string(f.Type)]++
		a := p.ActionFor(f.Type)
		if a == ActionRedact {
			v.Redact = append(v.Redact, f)
		}
		switch {
		case a.rank() > v.Action.rank():
			v.Action = a
			rules = map[string]bool{f.Rule: true}
		case a.rank() == v.Action.rank() && a != ActionAllow:
			rules[f.Rule] = true
		}
	}
	for r := range rules {
		if p.Name != "" {
			r = fmt.Sprintf("%s:%s", p.Name, r)
		}
		v.Rules = append(v.Rules, r)
	}
	sort.Strings(v.Rules)
	return v
}
