package audit

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
)

// Retention types, as in NARA's machine-implementable General Records
// Schedule (the GRS CSV's "Retention type" column).
const (
	// CreationAge counts the retention period from the record's creation.
	CreationAge = "Creation_age"
	// EventAge counts it from a named event (end of fiscal year, contract
	// end, superseded); until the event has happened nothing expires.
	EventAge = "Event_age"
)

// Retention classes: what a rule prunes.
const (
	ClassMetadata = "metadata" // the chained records
	ClassContent  = "content"  // captured prompts and answers
)

// Rule is a retention rule in the shape of a machine-implementable GRS
// row: the schedule item it implements, how long, counted from what.
type Rule struct {
	// Item names the schedule item (GRS 5.2 item 010, GRS 3.2 item 031).
	Item string `json:"item" yaml:"item"`
	// Class is metadata or content.
	Class string `json:"class" yaml:"class"`
	// Kind narrows the rule to one record kind (request, admin); empty
	// covers every kind.
	Kind string `json:"kind,omitempty" yaml:"kind"`
	// RetentionYears and RetentionDays add up to the retention period.
	RetentionYears int `json:"retention_years,omitempty" yaml:"retention_years"`
	RetentionDays  int `json:"retention_days,omitempty" yaml:"retention_days"`
	// Type is Creation_age or Event_age.
	Type string `json:"retention_type" yaml:"retention_type"`
	// Event names the event of an Event_age rule (end_of_fiscal_year,
	// contract_end, superseded).
	Event string `json:"event,omitempty" yaml:"event"`
}

// Validate checks a rule and names the field at fault.
func (r *Rule) Validate() error {
	bad := func(field, msg string) error {
		return &switchboard.Error{Code: switchboard.EINVALID, Param: field, Message: "retention rule " + strconv.Quote(r.Item) + ": " + field + ": " + msg}
	}
	switch {
	case r.Class != ClassMetadata && r.Class != ClassContent:
		return bad("class", "must be metadata or content, not "+strconv.Quote(r.Class))
	case r.RetentionYears < 0 || r.RetentionDays < 0 || r.RetentionYears+r.RetentionDays == 0:
		return bad("retention_years", "the retention period must be positive (years and/or days)")
	case r.Type != CreationAge && r.Type != EventAge:
		return bad("retention_type", "must be Creation_age or Event_age, not "+strconv.Quote(r.Type))
	case r.Type == EventAge && r.Event == "":
		return bad("event", "an Event_age rule must name its event")
	case r.Type == CreationAge && r.Event != "":
		return bad("event", "a Creation_age rule counts from creation and takes no event")
	}
	return nil
}

// expiry is when a record made at t expires under r, given the events that
// have happened; ok is false when it does not (yet) expire.
func (r *Rule) expiry(t time.Time, events map[string]time.Time) (time.Time, bool) {
	from := t
	if r.Type == EventAge {
		e, ok := events[r.Event]
		if !ok || e.Before(t) {
			// The event has not happened since the record was made.
			return time.Time{}, false
		}
		from = e
	}
	return from.AddDate(r.RetentionYears, 0, r.RetentionDays), true
}

// Hold is a legal hold: records of Tenant (and its subtree), made in
// [From, To), are not deleted while the hold stands. Either may be empty,
// not both.
type Hold struct {
	ID       string    `json:"id"`
	Tenant   string    `json:"tenant,omitempty"`
	From     time.Time `json:"from,omitzero"`
	To       time.Time `json:"to,omitzero"`
	Reason   string    `json:"reason"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
	Released time.Time `json:"released,omitzero"`
}

// Validate rejects a hold on nothing, an empty range and a missing reason.
func (h *Hold) Validate() error {
	if h.Tenant == "" && h.From.IsZero() && h.To.IsZero() {
		return &switchboard.Error{Code: switchboard.EINVALID, Param: "tenant",
			Message: "a legal hold must name a tenant, a time range (from/to) or both: a hold on nothing holds nothing"}
	}
	if !h.From.IsZero() && !h.To.IsZero() && !h.From.Before(h.To) {
		return &switchboard.Error{Code: switchboard.EINVALID, Param: "from", Message: "the hold's time range is empty: from must be before to"}
	}
	if strings.TrimSpace(h.Reason) == "" {
		return &switchboard.Error{Code: switchboard.EINVALID, Param: "reason", Message: "a legal hold needs a reason (the matter or litigation it preserves records for)"}
	}
	return nil
}

// Covers reports whether the hold, while not released, covers r.
func (h *Hold) Covers(r *Record) bool {
	if !h.Released.IsZero() {
		return false
	}
	if h.Tenant != "" && r.Tenant != h.Tenant && !strings.HasPrefix(r.Tenant, h.Tenant+"/") {
		return false
	}
	if !h.From.IsZero() && r.Start.Before(h.From) {
		return false
	}
	if !h.To.IsZero() && !r.Start.Before(h.To) {
		return false
	}
	return true
}

// Policy is the retention policy: rules per class, and the dates of the
// events Event_age rules count from.
type Policy struct {
	Rules  []Rule               `json:"rules" yaml:"rules"`
	Events map[string]time.Time `json:"events,omitempty" yaml:"events"`
}

// Validate checks every rule.
func (p *Policy) Validate() error {
	for i := range p.Rules {
		if err := p.Rules[i].Validate(); err != nil {
			return err
		}
	}
	return nil
}

// Expired reports whether record r's metadata may be deleted at now: some
// metadata rule covers its kind and every such rule has expired it (the
// longest retention wins). A record no rule covers is kept forever.
func (p *Policy) Expired(r *Record, now time.Time) bool {
	return p.expired(ClassMetadata, r.Kind, r.Start, now)
}

// ContentBefore is the creation time before which captured content has
// expired under every content rule (zero: none has a Creation_age rule or
// no content rule exists).
func (p *Policy) ContentBefore(now time.Time) time.Time {
	var cut time.Time
	found := false
	for i := range p.Rules {
		r := &p.Rules[i]
		if r.Class != ClassContent {
			continue
		}
		if r.Type != CreationAge {
			// Event-based content rules: content older than the event's
			// expiry.
			e, ok := p.Events[r.Event]
			if !ok || e.AddDate(r.RetentionYears, 0, r.RetentionDays).After(now) {
				return time.Time{}
			}
			continue
		}
		c := now.AddDate(-r.RetentionYears, 0, -r.RetentionDays)
		if !found || c.Before(cut) {
			cut, found = c, true
		}
	}
	return cut
}

func (p *Policy) expired(class, kind string, t, now time.Time) bool {
	covered := false
	for i := range p.Rules {
		r := &p.Rules[i]
		if r.Class != class || (r.Kind != "" && r.Kind != kind) {
			continue
		}
		covered = true
		exp, ok := r.expiry(t, p.Events)
		if !ok || exp.After(now) {
			return false
		}
	}
	return covered
}

// NotePrune fills the record of a deletion with what was deleted. Stores
// call it inside the prune's transaction.
func NotePrune(note *Record, res PruneResult) error {
	b, err := json.Marshal(res)
	if err != nil {
		return err
	}
	note.After = b
	return nil
}
